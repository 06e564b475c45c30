"""The `apply_patch` format (Codex; Copilot sends it too): parse it and apply it in memory.

Grammar (codex-rs/apply-patch, see docs/agents.md): `*** Begin Patch`, then hunks
`*** Add File: P` (`+` lines), `*** Delete File: P`, `*** Update File: P` (optional
`*** Move to: Q`, then chunks of `@@ [context]` and ` `/`-`/`+` lines, optional
`*** End of File`), then `*** End Patch`. Like Codex, markers may carry surrounding whitespace,
the patch may be wrapped in a heredoc, and old lines are matched exactly, then ignoring trailing
whitespace, then ignoring surrounding whitespace. A patch that does not parse or apply raises
`PatchError`: the hook then judges by the files' own zones (it cannot see where the change lands).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


class PatchError(ValueError):
    pass


@dataclass
class Chunk:
    context: list[str] = field(default_factory=list)  # `@@ text` anchors, in order
    old: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    end_of_file: bool = False


@dataclass
class FilePatch:
    kind: str  # "add" | "delete" | "update"
    path: str
    move_to: str | None = None
    added: list[str] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)


def _strip_heredoc(lines: list[str]) -> list[str]:
    if len(lines) >= 4 and lines[0].strip().startswith("<<") and lines[-1].strip().strip("'\"") in (
        "EOF", lines[0].strip()[2:].strip("'\"")
    ):
        return lines[1:-1]
    return lines


def parse_patch(text: str) -> list[FilePatch]:
    lines = _strip_heredoc(text.replace("\r\n", "\n").rstrip("\n").split("\n"))
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines or lines[0].strip() != "*** Begin Patch":
        raise PatchError("the patch does not start with `*** Begin Patch`")
    patches: list[FilePatch] = []
    i = 1
    current: FilePatch | None = None
    chunk: Chunk | None = None
    while i < len(lines):
        raw = lines[i]
        line = raw.strip()
        i += 1
        if line == "*** End Patch":
            return [p for p in patches if p.kind != "update" or p.chunks or p.move_to]
        if line.startswith("*** Add File: "):
            current, chunk = FilePatch("add", line[len("*** Add File: "):].strip()), None
            patches.append(current)
            continue
        if line.startswith("*** Delete File: "):
            current, chunk = FilePatch("delete", line[len("*** Delete File: "):].strip()), None
            patches.append(current)
            continue
        if line.startswith("*** Update File: "):
            current, chunk = FilePatch("update", line[len("*** Update File: "):].strip()), None
            patches.append(current)
            continue
        if current is None:
            if line:
                raise PatchError("text before the first file hunk")
            continue
        if line.startswith("*** Move to: ") and current.kind == "update":
            current.move_to = line[len("*** Move to: "):].strip()
            continue
        if current.kind == "add":
            if raw.startswith("+"):
                current.added.append(raw[1:])
                continue
            if not line:
                continue
            raise PatchError(f"an added line of {current.path} does not start with '+'")
        if current.kind == "delete":
            if line:
                raise PatchError(f"unexpected text after deleting {current.path}")
            continue
        if line == "*** End of File":
            if chunk is not None:
                chunk.end_of_file = True
            continue
        if raw.startswith("@@"):
            anchor = raw[2:].strip()
            if chunk is None or chunk.old or chunk.new:
                chunk = Chunk()
                current.chunks.append(chunk)
            if anchor:
                chunk.context.append(anchor)
            continue
        if raw[:1] in (" ", "-", "+") or raw == "":
            if chunk is None:
                chunk = Chunk()
                current.chunks.append(chunk)
            body = raw[1:] if raw else ""
            if raw[:1] in (" ", ""):
                chunk.old.append(body)
                chunk.new.append(body)
            elif raw[0] == "-":
                chunk.old.append(body)
            else:
                chunk.new.append(body)
            continue
        raise PatchError(f"cannot read patch line {i}")
    raise PatchError("the patch does not end with `*** End Patch`")


_MATCHERS: tuple[Callable[[str], str], ...] = (lambda s: s, str.rstrip, str.strip)


def _seek(lines: list[str], wanted: list[str], start: int, at_end: bool) -> int | None:
    if not wanted:
        return len(lines) if at_end else start
    for norm in _MATCHERS:
        target = [norm(w) for w in wanted]
        last = len(lines) - len(wanted)
        order = [last] if at_end and last >= start else range(start, last + 1)
        for pos in order:
            if [norm(x) for x in lines[pos : pos + len(wanted)]] == target:
                return pos
    return None


def apply_update(old_text: str, patch: FilePatch) -> str:
    """The file's text after the update's chunks; raises PatchError when one does not apply."""
    trailing = old_text.endswith("\n")
    lines = old_text.split("\n")
    if trailing:
        lines.pop()
    cursor = 0
    for chunk in patch.chunks:
        for anchor in chunk.context:
            found = _seek(lines, [anchor], cursor, False)
            if found is None:
                raise PatchError(f"context `@@ {anchor[:40]}` not found in {patch.path}")
            cursor = found + 1
        pos = _seek(lines, chunk.old, cursor, chunk.end_of_file)
        if pos is None:
            raise PatchError(f"a change to {patch.path} does not match the file")
        lines[pos : pos + len(chunk.old)] = chunk.new
        cursor = pos + len(chunk.new)
    return "\n".join(lines) + ("\n" if trailing or not lines else "")


def added_text(patch: FilePatch) -> str:
    return "".join(line + "\n" for line in patch.added)
