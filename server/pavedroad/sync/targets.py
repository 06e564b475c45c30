"""Targets: one generated file each, and how its desired content follows from the file a team
already has.

A target is pure: `render(existing_text)` returns the whole desired file (or None: the file should
not exist), and never reads or writes anything. `apply`/`check` do the I/O. Two kinds:

- `BlockTarget`: a line-oriented file with one owned block (`blocks.py`).
- `JsonTarget`: a JSON/JSONC settings file; `merge(dict) -> dict` adds our entries to the team's
  object, and the text is edited key by key (`jsonc.py`), so a file whose merged object equals the
  current one is returned unchanged, byte for byte.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pavedroad.sync import blocks, jsonc


class MergeError(ValueError):
    """The existing file cannot be merged into (message says why); it is left alone."""


@dataclass(frozen=True)
class Target:
    """One generated file, relative to the workspace root (POSIX)."""

    path: str
    #: tool ids this file serves (the first is its owner in reports)
    tools: tuple[str, ...]
    #: one line: what the file does for the tool(s)
    purpose: str

    def render(self, existing: str | None) -> str | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe_drift(self, existing: str) -> tuple[str, str]:
        """(kind, message) for an existing file that differs from `render(existing)`."""
        return "stale", "differs from what the zone config generates"


@dataclass(frozen=True)
class BlockTarget(Target):
    body: tuple[str, ...] = ()
    #: a later team line for which our block moves to the end (see blocks.render)
    move_after: Callable[[str], bool] = field(default=lambda _line: False, compare=False)
    #: `.aiexclude`: an existing file without patterns already excludes everything; never narrow it
    keep_if_exclusive: bool = False

    def render(self, existing: str | None) -> str | None:
        if self.keep_if_exclusive and existing is not None and not _has_patterns(existing):
            return existing
        return blocks.render(existing, self.body, move_after=self.move_after)

    def describe_drift(self, existing: str) -> tuple[str, str]:
        found = blocks.find(existing)
        if found.damaged:
            return "edited", "the pavedroad block's markers are damaged (duplicated or unpaired)"
        if found.edited:
            return "edited", "the pavedroad block was edited by hand (its hash does not match)"
        if not found.present:
            return "stale", "the pavedroad block is missing"
        wanted = blocks.find(self.render(existing) or "")
        if wanted.present and wanted.body == found.body:
            return "stale", "lines after the pavedroad block can override it (the block belongs at the end)"
        return "stale", "the pavedroad block is out of date with the zone config"


def _has_patterns(text: str) -> bool:
    return any(ln.strip() and not ln.lstrip().startswith("#") for ln in text.splitlines())


@dataclass(frozen=True)
class JsonTarget(Target):
    merge: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda d: d, compare=False)
    #: a stable fingerprint of what merge() adds (for equality of plans and for tests)
    fingerprint: str = ""

    def merged(self, existing: str | None) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """(merged object, current object or None)."""
        if existing is None or not existing.strip():
            return self.merge({}), None
        try:
            current = jsonc.loads(existing.lstrip("\ufeff"))
        except jsonc.JsoncError as exc:
            raise MergeError(str(exc)) from None
        if not isinstance(current, dict):
            raise MergeError("the top level is not a JSON object")
        return self.merge(copy.deepcopy(current)), current

    def render(self, existing: str | None) -> str | None:
        merged, current = self.merged(existing)
        if current is None:
            return jsonc.dumps(merged)
        assert existing is not None
        if merged == current and list(merged) == list(current):
            return existing
        bom = "\ufeff" if existing.startswith("\ufeff") else ""
        text = existing[len(bom):]
        newline = "\r\n" if "\r\n" in text else "\n"
        text = text.replace("\r\n", "\n")
        updates = {k: v for k, v in merged.items() if k not in current or current[k] != v}
        try:
            out = jsonc.replace_members(text, updates)
        except jsonc.JsoncError as exc:
            raise MergeError(str(exc)) from None
        return bom + out.replace("\n", newline)

    def describe_drift(self, existing: str) -> tuple[str, str]:
        return "stale", "pavedroad's entries are missing or differ (hand-edited, or the zone config changed)"


def fingerprint(value: object) -> str:
    import json

    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]
