"""The one marked block pavedroad owns in a line-oriented file (ignore files, CODEOWNERS).

    # >>> pavedroad (generated: do not edit; run pavedroad sync) >>>
    ...generated lines...
    # <<< pavedroad <<< sha256:0123456789abcdef

1. Everything outside the markers belongs to the team and is kept byte for byte (line endings
   included: a CRLF file stays CRLF).
2. The end marker carries a hash of the lines between the markers *as written by sync*. A block
   whose lines no longer match their hash was edited by hand; `inspect()` says so, and the next
   sync replaces it.
3. Placement: the block stays where it is, except that it moves to the end of the file when
   `move_after` says a later team line could undo it (a `!` re-include in an ignore file, any rule
   after it in CODEOWNERS, where the last matching line wins). A new block is appended.
4. An empty block is never written: the block is removed, and when nothing of the team's is left
   the file itself should not exist (`render()` returns None). That is what keeps an `.aiexclude`
   from ever being emptied by sync, since an empty `.aiexclude` excludes everything below it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

BEGIN = "# >>> pavedroad (generated: do not edit; run pavedroad sync) >>>"
END = "# <<< pavedroad <<<"
_BEGIN_RE = re.compile(r"^\s*#\s*>>>\s*pavedroad\b")
_END_RE = re.compile(r"^\s*#\s*<<<\s*pavedroad\s*<<<\s*(?:sha256:([0-9a-f]+))?\s*$")


def block_hash(lines: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def make_block(lines: Sequence[str]) -> list[str]:
    return [BEGIN, *lines, f"{END} sha256:{block_hash(lines)}"]


@dataclass(frozen=True)
class Found:
    """Where the owned block sits in a file (0-based line indexes, end inclusive)."""

    start: int | None
    end: int | None
    body: tuple[str, ...]
    stored_hash: str | None
    #: more than one block, or a marker without its partner
    damaged: bool

    @property
    def present(self) -> bool:
        return self.start is not None and self.end is not None

    @property
    def edited(self) -> bool:
        """The block's lines differ from what sync wrote (or its markers are broken)."""
        if self.damaged:
            return True
        if not self.present:
            return False
        return self.stored_hash is None or self.stored_hash != block_hash(self.body)


def _split(text: str) -> tuple[list[str], str]:
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines, newline


def find(text: str) -> Found:
    lines, _ = _split(text)
    starts = [i for i, line in enumerate(lines) if _BEGIN_RE.match(line)]
    ends = [i for i, line in enumerate(lines) if _END_RE.match(line)]
    if not starts and not ends:
        return Found(None, None, (), None, False)
    start = starts[0] if starts else None
    end = next((e for e in ends if start is not None and e > start), None)
    damaged = len(starts) != 1 or len(ends) != 1 or end is None
    if start is None or end is None:
        return Found(None, None, (), None, True)
    m = _END_RE.match(lines[end])
    return Found(start, end, tuple(lines[start + 1 : end]), m.group(1) if m else None, damaged)


def _strip_markers(lines: list[str], found: Found) -> tuple[list[str], int | None]:
    """The team's lines (our block and stray markers removed) and where the block was."""
    if found.present:
        assert found.start is not None and found.end is not None
        rest = lines[: found.start] + lines[found.end + 1 :]
        at: int | None = found.start
    else:
        rest, at = list(lines), None
    return [ln for ln in rest if not (_BEGIN_RE.match(ln) or _END_RE.match(ln))], at


def render(
    existing: str | None,
    body: Sequence[str],
    *,
    move_after: Callable[[str], bool] = lambda _line: False,
) -> str | None:
    """The file with our block set to `body`; None when the file should not exist at all."""
    lines, newline = _split(existing) if existing is not None else ([], "\n")
    found = find(existing) if existing is not None else Found(None, None, (), None, False)
    team, at = _strip_markers(lines, found)
    if found.present and not found.damaged:
        assert found.start is not None
        at = found.start
        team_after = lines[found.end + 1 :] if found.end is not None else []
        if any(move_after(ln) for ln in team_after):
            at = None
    else:
        at = None
    block = make_block(body) if body else []
    if at is None:
        if block and team and team[-1].strip():
            block = ["", *block]  # a blank line between the team's lines and ours
        out = team + block
    else:
        out = team[:at] + block + team[at:]
    if not out or not any(ln.strip() for ln in out):
        return None
    if existing is not None and not body and not found.present and not found.damaged:
        return existing  # nothing of ours, nothing to add: leave the file untouched
    text = newline.join(out) + newline
    return text
