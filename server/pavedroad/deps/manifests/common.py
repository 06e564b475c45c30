"""Shared parts of the manifest parsers: size and entry caps, line lookup, result collection.

Parsers never raise on bad input: they return what they could read plus `ManifestProblem`s.
Structured formats are parsed with real parsers (tomllib, json, expat, PyYAML); positions, which
those parsers do not report, are then found by locating the parsed key or string in the text,
starting at the section it came from, so a line is always one that really holds the name.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from typing import Any

from pavedroad.deps.model import Dependency, Ecosystem, ManifestProblem, ParsedManifest, SourceKind

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, published as tomli
    import tomli as tomllib

#: Manifests larger than this are not parsed (a problem says so). Real manifests are kilobytes.
MAX_MANIFEST_BYTES = 2 << 20
#: Lockfiles are bigger (a large monorepo's package-lock.json is 5-30 MB); above this they are
#: not parsed, which bounds the time spent on one (json/tomllib run at ~50-100 MB/s here).
MAX_LOCKFILE_BYTES = 32 << 20
#: At most this many dependencies are read from one file; the rest is reported as truncated.
MAX_ENTRIES = 50_000
#: Positions that could not be found in the text before the parser stops looking (see `locate`).
MAX_MISSES = 200


class LineIndex:
    """Offset -> (1-based line, 0-based column) for one text, in O(log lines)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, max(0, offset))

    def position(self, offset: int) -> tuple[int, int]:
        line = self.line_of(offset)
        return line, offset - self.starts[line - 1]

    def line_text(self, line: int) -> str:
        if line < 1 or line > len(self.starts):
            return ""
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return self.text[start:end]

    def offset_of_line(self, line: int) -> int:
        return self.starts[min(max(line, 1), len(self.starts)) - 1]


def redact_url(url: str) -> str:
    """`url` without user information (index URLs often carry a token: never show it)."""
    return re.sub(r"(?<=://)[^/@\s]*@", "***@", url)


@dataclass
class Collector:
    """Accumulates one manifest's dependencies and problems, enforcing the entry cap."""

    path: str
    kind: str
    text: str
    lockfile: bool = False
    deps: list[Dependency] = field(default_factory=list)
    problems: list[ManifestProblem] = field(default_factory=list)
    truncated: bool = False

    def __post_init__(self) -> None:
        self.index = LineIndex(self.text)
        self.misses = 0

    @property
    def full(self) -> bool:
        return len(self.deps) >= MAX_ENTRIES

    def add(
        self,
        ecosystem: Ecosystem,
        name: str,
        *,
        line: int,
        spec: str = "",
        version: str | None = None,
        source_kind: SourceKind = "default",
        source: str = "",
        section: str = "",
        column: int | None = None,
    ) -> bool:
        """Record a dependency; False (and `truncated`) once the entry cap is reached."""
        if self.full:
            if not self.truncated:
                self.truncated = True
                self.problem(line, f"more than {MAX_ENTRIES} entries: the rest is not checked")
            return False
        name = name.strip()
        if not name:
            return True
        if column is None:
            found = self.index.line_text(line).find(name)
            column = found if found >= 0 else None
        self.deps.append(Dependency(
            ecosystem=ecosystem, name=name, spec=spec.strip(), version=version,
            source_kind=source_kind, source=redact_url(source), line=line, manifest=self.path,
            section=section, column=column))
        return True

    def problem(self, line: int, message: str) -> None:
        self.problems.append(ManifestProblem(self.path, max(1, line), message))

    def locate(self, needles: list[str], start: int = 0) -> tuple[int, int]:
        """(line, offset) of the first needle found at or after `start`, else anywhere, else the
        line of `start`. After `MAX_MISSES` needles that were nowhere to be found (keys written
        with escapes, say), later lookups fall back at once: a miss scans the whole text."""
        if self.misses > MAX_MISSES:
            return self.index.line_of(start), start
        for origin in (start, 0):
            best = -1
            for needle in needles:
                if not needle:
                    continue
                # once one needle matched, the others only need to be looked for before it
                # (keeps a lockfile's thousands of lookups linear overall)
                limit = len(self.text) if best < 0 else best + len(needle)
                pos = self.text.find(needle, origin, limit)
                if pos >= 0:
                    pos += len(needle) - len(needle.lstrip("\n"))  # the key's line, not the one before
                if pos >= 0 and (best < 0 or pos < best):
                    best = pos
            if best >= 0:
                return self.index.line_of(best), best
        self.misses += 1
        return self.index.line_of(start), start

    def too_large(self, limit: int) -> bool:
        size = len(self.text.encode("utf-8", "surrogatepass"))
        if size > limit:
            self.truncated = True
            self.problem(1, f"file is {size:,} bytes, over the {limit:,}-byte limit: not parsed")
            return True
        return False

    def load_toml(self) -> dict[str, Any] | None:
        """The text as TOML, or None with the problem recorded."""
        try:
            return tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            self.problem(toml_error_line(exc), f"invalid TOML: {exc}")
        except (ValueError, RecursionError) as exc:
            self.problem(1, f"invalid TOML: {exc}")
        return None

    def load_json_object(self) -> dict[str, Any] | None:
        """The text as a JSON object, or None with the problem recorded."""
        try:
            data = json.loads(self.text)
        except json.JSONDecodeError as exc:
            self.problem(exc.lineno, f"invalid JSON: {exc.msg}")
            return None
        except RecursionError:
            self.problem(1, "invalid JSON: nested too deeply")
            return None
        if not isinstance(data, dict):
            self.problem(1, f"{self.kind} should hold a JSON object")
            return None
        return data

    def result(self) -> ParsedManifest:
        return ParsedManifest(path=self.path, kind=self.kind, dependencies=tuple(self.deps),
                              problems=tuple(self.problems), truncated=self.truncated,
                              lockfile=self.lockfile)


def quoted(name: str) -> list[str]:
    """The ways a string can be written as a JSON/TOML key or value."""
    return [f'"{name}"', f"'{name}'"]


def toml_key_needles(name: str) -> list[str]:
    """Needles for a TOML key `name` at the start of a line or as a table header suffix."""
    return [f"\n{name} =", f"\n{name}=", f'\n"{name}"', f"\n'{name}'", f".{name}]",
            f'."{name}"]', f"\n  {name} =", f"\n    {name} =", f"{{ {name} =", f"\n{name} ="]


def toml_section_offset(text: str, header: str) -> int:
    """Offset of the line `[header]` (or `[[header]]`), or 0 when absent."""
    pattern = re.compile(r"^[ \t]*\[\[?[ \t]*" + re.escape(header).replace(r"\.", r"[ \t]*\.[ \t]*")
                         + r"[ \t]*\]\]?", re.MULTILINE)
    match = pattern.search(text)
    return match.start() if match else 0


def toml_error_line(exc: Exception) -> int:
    """tomllib says '... (at line 3, column 7)'."""
    match = re.search(r"line (\d+)", str(exc))
    return int(match.group(1)) if match else 1
