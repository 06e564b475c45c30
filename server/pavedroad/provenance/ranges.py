"""AI-written ranges of a document and how they follow edits.

A live range is a half-open interval of *code-point* offsets (Python `str` indices) into the
document text. The language server converts client positions to offsets (with the negotiated
position encoding) and calls the pure functions here; nothing in this module does I/O.

Edit semantics (`apply_edit`), for a range ``[a, b)`` and an edit that replaces ``[s, e)`` with
``n`` new characters:

* the edit lies after the range (``s >= b``): unchanged. An insertion exactly at the end does
  **not** extend the range: typing right after an accepted completion is the human's code.
* the edit lies before the range (``e <= a``): the range shifts by ``n - (e - s)``. An insertion
  exactly at the start shifts the range and is not part of it, for the same reason.
* the edit is strictly inside (``a < s`` and ``e < b``): the range keeps covering the whole block,
  including the new text. A small human fix inside an AI block leaves the block AI-written (the
  zone verdict is about the block), and a range never splits in two.
* the edit overlaps one boundary: the range shrinks to the part that survives; the new text is
  not part of it.
* the edit covers the whole range: the range vanishes.

Equivalently, mark every character of the range, apply the edit to the character sequence (new
characters are marked only when the edit is strictly inside), and the range is the marked run.
The property tests check exactly that model.

`replaced` (the text an insertion replaced, for the "revert AI insertion" code action) survives
only while the range's own text is untouched: once an edit changes or cuts the range, a revert
would silently discard the human's later edits, so it is dropped.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

Source = Literal["explicit", "heuristic", "history"]

#: Strength of evidence, strongest first; used when ranges of different sources coincide.
SOURCE_RANK: dict[str, int] = {"explicit": 0, "history": 1, "heuristic": 2}


@dataclass(frozen=True)
class AiRange:
    """A live AI-written range: ``[start, end)`` in code points of the current document text."""

    start: int
    end: int
    source: Source
    tool: str | None = None
    #: the text the insertion replaced (live explicit/heuristic ranges only; never persisted)
    replaced: str | None = None
    commit: str | None = None
    #: ISO 8601 time the range was recorded
    created: str = ""
    #: 16-hex hash of the agent session that wrote it (git-ai's session key; never the raw id)
    session: str | None = None
    model: str | None = None
    #: who recorded it: "editor" (the language server) or "hook" (an agent's hook)
    recorder: str = "editor"

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid range [{self.start}, {self.end})")


@dataclass(frozen=True)
class AiSpan:
    """AI-written lines, 1-based and inclusive: what verdicts and the CLI work with."""

    start_line: int
    end_line: int
    source: Source
    tool: str | None = None
    commit: str | None = None


def apply_edit(ranges: Iterable[AiRange], start: int, end: int, new_text_len: int) -> list[AiRange]:
    """Ranges after replacing ``[start, end)`` of the document with ``new_text_len`` characters.

    See the module docstring for the semantics. Returns a new list sorted by start; empty ranges
    are dropped.
    """
    if start < 0 or end < start or new_text_len < 0:
        raise ValueError(f"invalid edit [{start}, {end}) -> {new_text_len}")
    delta = new_text_len - (end - start)
    out: list[AiRange] = []
    for r in ranges:
        a, b = r.start, r.end
        if start >= b:
            # after the range (an insertion at the very end does not extend it)
            out.append(r)
            continue
        if end <= a:
            # before the range (an insertion at the very start is not part of it)
            out.append(replace(r, start=a + delta, end=b + delta) if delta else r)
            continue
        if a < start and end < b:
            # strictly inside: the block keeps covering the edited text
            out.append(replace(r, end=b + delta, replaced=None))
            continue
        # overlaps one or both boundaries: keep what survives on either side
        if start <= a and end >= b:
            continue  # fully deleted
        if start <= a:
            # the edit eats the head of the range: survivors start after the new text
            new_a, new_b = start + new_text_len, b + delta
        else:
            # the edit eats the tail: survivors end where the edit starts
            new_a, new_b = a, start
        if new_b > new_a:
            out.append(replace(r, start=new_a, end=new_b, replaced=None))
    out.sort(key=lambda x: (x.start, x.end))
    return out


def add_range(ranges: Iterable[AiRange], new: AiRange) -> list[AiRange]:
    """Add `new`, merging it with overlapping or touching ranges of the same source.

    A merged range takes `new`'s tool and creation time (the latest evidence) and keeps a commit if
    either had one; `replaced` survives only when nothing was merged (a revert of a merged block cannot be
    reconstructed). Ranges of other sources are kept as they are: verdicts pick the strongest
    source per line.
    """
    if new.end <= new.start:
        return sorted(ranges, key=lambda x: (x.start, x.end))
    merged = new
    absorbed = False
    out: list[AiRange] = []
    for r in ranges:
        if r.source == new.source and r.start <= merged.end and merged.start <= r.end:
            merged = replace(
                merged,
                start=min(merged.start, r.start),
                end=max(merged.end, r.end),
                commit=merged.commit or r.commit,
            )
            absorbed = True
        else:
            out.append(r)
    if absorbed:
        merged = replace(merged, replaced=None)
    out.append(merged)
    out.sort(key=lambda x: (x.start, x.end))
    return out


def remove_range(
    ranges: Iterable[AiRange], start: int, end: int, source: Source | None = None
) -> list[AiRange]:
    """Forget the parts of ranges (of `source`, or any) inside ``[start, end)``.

    For a late ``pavedroad/editOrigin`` saying an insertion already marked *heuristic* was a paste
    or typing. Unlike an edit, nothing shifts; a range cut in the middle splits in two.
    """
    out: list[AiRange] = []
    for r in ranges:
        if (source is not None and r.source != source) or r.end <= start or r.start >= end:
            out.append(r)
            continue
        if r.start < start:
            out.append(replace(r, end=start, replaced=None))
        if r.end > end:
            out.append(replace(r, start=end, replaced=None))
    out.sort(key=lambda x: (x.start, x.end))
    return out


class LineIndex:
    """Offsets of line starts in a text (lines end at ``\\n``, as in tree-sitter and git)."""

    __slots__ = ("_starts", "length")

    def __init__(self, text: str) -> None:
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self._starts = starts
        self.length = len(text)

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_of(self, offset: int) -> int:
        """0-based line containing `offset`."""
        return bisect.bisect_right(self._starts, offset) - 1

    def line_start(self, line: int) -> int:
        """Offset where 0-based `line` starts."""
        return self._starts[line]

    def line_end(self, line: int) -> int:
        """Offset of the ``\\n`` ending 0-based `line` (or the text length for the last line)."""
        if line + 1 < len(self._starts):
            return self._starts[line + 1] - 1
        return self.length

    def line_span(self, start: int, end: int) -> tuple[int, int]:
        """1-based inclusive lines covered by ``[start, end)``.

        A range that ends right after a newline does not cover the next line.
        """
        first = self.line_of(start)
        last = self.line_of(max(start, end - 1)) if end > start else first
        return first + 1, last + 1


def to_spans(ranges: Sequence[AiRange], text: str, index: LineIndex | None = None) -> list[AiSpan]:
    """Line spans of live ranges, for `pavedroad.policy.verdicts.evaluate`."""
    idx = index or LineIndex(text)
    spans = []
    for r in ranges:
        first, last = idx.line_span(r.start, r.end)
        spans.append(AiSpan(first, last, r.source, r.tool, r.commit))
    return spans
