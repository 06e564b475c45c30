"""Is one `textDocument/didChange` content change a probable AI insertion?

Editors do not say who typed a change. What they do reveal is its *shape*:

* typing produces one character (or one auto-closed pair) per change event;
* IDE helpers (auto-indent on Enter, auto-close of brackets and quotes, a completion of one
  identifier or call) produce at most one line plus a few characters, or whitespace only;
* snippets, pastes, "apply" of a chat answer and inline AI completions produce a *block*.

So a single change that inserts at least ``min_lines`` non-blank lines, or at least ``min_chars``
non-whitespace-bounded characters, is a *probable* AI insertion (`ProvenanceSettings` defaults 3
and 120: two-line snippets such as a `for` loop and long single-line identifier completions stay
below them; a function body does not). It is not one when:

* the client reported the same change (uri, version and start position) as a paste or typing
  with ``pavedroad/editOrigin`` (an "ai" origin makes it explicit instead);
* the change replaces the whole document (full sync, format on save, reload from disk);
* it inserts only whitespace;
* it rewrites the text it replaces without changing its content (a formatter or "sort imports":
  same non-whitespace characters, or the same lines in another order);
* it re-inserts text removed from the same document moments before (undo of a deletion, or a
  cut-and-paste move within the file).

The function is pure apart from the small bounded `RecentOrigins` memory the caller keeps per
server (one instance for all documents).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Literal

from pavedroad.config.model import ProvenanceSettings

Origin = Literal["paste", "typing", "ai"]
Position = tuple[int, int]  # (line, character) as the client sent it

#: how many removed blocks per document are remembered for undo / move detection
_REMOVED_PER_URI = 16


@dataclass(frozen=True)
class ChangeVerdict:
    """`source` is "explicit" (client said AI), "heuristic" (probable AI) or None (not AI)."""

    source: Literal["explicit", "heuristic"] | None
    reason: str


class RecentOrigins:
    """Recently reported edit origins keyed by (uri, version), plus recently removed blocks.

    Bounded: at most `capacity` (uri, version) entries are kept, oldest dropped first, so a client
    that reports an origin for every keystroke costs constant memory.
    """

    def __init__(self, capacity: int = 512) -> None:
        self.capacity = capacity
        self._origins: OrderedDict[tuple[str, int], list[tuple[Origin, Position | None]]] = (
            OrderedDict()
        )
        self._removed: dict[str, deque[str]] = {}

    def record(self, uri: str, version: int, origin: Origin, start: Position | None = None) -> None:
        """Remember a ``pavedroad/editOrigin``: `version` is the version the change produces."""
        key = (uri, version)
        self._origins.setdefault(key, []).append((origin, start))
        self._origins.move_to_end(key)
        while len(self._origins) > self.capacity:
            self._origins.popitem(last=False)

    def lookup(self, uri: str, version: int, start: Position | None = None) -> Origin | None:
        """The origin reported for this change, if any.

        An origin reported with a range matches a change that starts at the same position; one
        reported without a range matches every change of that version.
        """
        for origin, where in reversed(self._origins.get((uri, version), ())):
            if where is None or start is None or where == start:
                return origin
        return None

    def note_removed(self, uri: str, text: str) -> None:
        digest = _content_key(text)
        if digest is None:
            return
        removed = self._removed.setdefault(uri, deque(maxlen=_REMOVED_PER_URI))
        removed.append(digest)

    def was_removed(self, uri: str, text: str) -> bool:
        digest = _content_key(text)
        return digest is not None and digest in self._removed.get(uri, ())

    def forget(self, uri: str) -> None:
        """Drop everything about a document (on didClose)."""
        self._removed.pop(uri, None)
        for key in [k for k in self._origins if k[0] == uri]:
            del self._origins[key]


def _content_key(text: str) -> str | None:
    """A whitespace-insensitive key of a block, or None for blank text."""
    squashed = "".join(text.split())
    if not squashed:
        return None
    return hashlib.sha256(squashed.encode("utf-8", "surrogatepass")).hexdigest()


def _nonblank_lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def is_block(text: str, settings: ProvenanceSettings) -> bool:
    """Does `text` have the shape of a block insertion (ignoring who made it)?"""
    stripped = text.strip()
    if not stripped:
        return False
    return (
        len(_nonblank_lines(stripped)) >= settings.min_lines or len(stripped) >= settings.min_chars
    )


def classify_change(
    *,
    uri: str,
    version: int,
    text: str,
    settings: ProvenanceSettings,
    origins: RecentOrigins,
    start: Position | None = None,
    replaced_text: str | None = None,
    whole_document: bool = False,
) -> ChangeVerdict:
    """Classify one content change of a didChange notification.

    `text` is the inserted text, `start` the change range's start as the client sent it (None for
    a full-document change), `replaced_text` the text the range covered before the change when the
    caller has it (enables the formatter and undo/move checks), `whole_document` whether the change
    replaced the entire previous text (always true for a full-sync change).
    """
    if replaced_text:
        origins.note_removed(uri, replaced_text)
    origin = origins.lookup(uri, version, start)
    if not text.strip():
        return ChangeVerdict(None, "whitespace only")
    if origin == "ai":
        return ChangeVerdict("explicit", "client reported an AI edit")
    if origin is not None:
        return ChangeVerdict(None, f"client reported {origin}")
    if whole_document or start is None:
        return ChangeVerdict(None, "whole-document replacement")
    if not is_block(text, settings):
        return ChangeVerdict(None, "below the block thresholds")
    if replaced_text is not None and replaced_text.strip():
        if "".join(text.split()) == "".join(replaced_text.split()):
            return ChangeVerdict(None, "reformat of the replaced text")
        if sorted(_nonblank_lines(text)) == sorted(_nonblank_lines(replaced_text)):
            return ChangeVerdict(None, "reorder of the replaced lines")
    if origins.was_removed(uri, text):
        return ChangeVerdict(None, "re-insertion of recently removed text (undo or move)")
    return ChangeVerdict("heuristic", "multi-line block inserted in one change")
