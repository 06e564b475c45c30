"""Applying an agent's proposed change to a file's text in memory, to see where it lands.

A change is given as string edits (`old` -> `new`, as Claude, Cursor, Windsurf and Gemini send
them), as a whole new content (Write), or as a patch (`patch.py` turns it into string edits per
file). The result is the new text plus the line ranges the change touches, both in the new text
(what was written) and in the old text (what was replaced or removed: rewriting a JWT check so it
no longer imports jwt is still an edit in the auth zone).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from pavedroad.hooks.model import StringEdit

#: Above this many differing lines (after trimming common ends) the middle counts as changed.
_DIFF_LIMIT = 2_000


class EditDoesNotApply(ValueError):
    """The edit's `old` text is not in the file (the tool itself will refuse the edit)."""


@dataclass(frozen=True)
class Applied:
    new_text: str
    #: 1-based inclusive line ranges of the new text that the change wrote
    new_lines: tuple[tuple[int, int], ...]
    #: 1-based inclusive line ranges of the old text that the change replaced or removed
    old_lines: tuple[tuple[int, int], ...]


def apply_edits(text: str, edits: Sequence[StringEdit]) -> Applied:
    """Apply `edits` in order (each to the result of the previous, as the tools do); the touched
    lines come from a line diff of the result, so only lines that really changed count."""
    current = text
    for edit in edits:
        if edit.old == "":
            if current:
                raise EditDoesNotApply("an edit with empty old text on a non-empty file")
            current = edit.new
            continue
        if edit.old not in current:
            raise EditDoesNotApply("the text to replace does not occur in the file")
        # without replace_all the tools refuse an ambiguous edit; the first one is where it lands
        current = current.replace(edit.old, edit.new, -1 if edit.replace_all else 1)
    return whole_content(text, current)


def whole_content(old_text: str, new_text: str) -> Applied:
    """A Write of `new_text` over `old_text`: the lines that differ, both sides.

    Common leading and trailing lines are trimmed first (an agent's edit is local, and generated
    files repeat lines, which makes a full line diff quadratic); only the middle is diffed, and a
    large middle counts as changed as a whole.
    """
    if not old_text:
        return Applied(new_text, ((1, max(1, new_text.count("\n") + 1)),), ())
    old = old_text.split("\n")
    new = new_text.split("\n")
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while (tail < min(len(old), len(new)) - head
           and old[len(old) - 1 - tail] == new[len(new) - 1 - tail]):
        tail += 1
    old_mid, new_mid = old[head : len(old) - tail], new[head : len(new) - tail]
    if len(old_mid) + len(new_mid) > _DIFF_LIMIT:
        new_range = ((head + 1, head + len(new_mid)),) if new_mid else ()
        old_range = ((head + 1, head + len(old_mid)),) if old_mid else ((max(1, head), max(1, head)),)
        return Applied(new_text, new_range, old_range)
    new_lines: list[tuple[int, int]] = []
    old_lines: list[tuple[int, int]] = []
    matcher = difflib.SequenceMatcher(None, old_mid, new_mid, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if j2 > j1:
            new_lines.append((head + j1 + 1, head + j2))
        if i2 > i1:
            old_lines.append((head + i1 + 1, head + i2))
        elif tag == "insert":  # pure insertion: the old line it sits after is touched too
            old_lines.append((max(1, head + i1), max(1, head + i1)))
    return Applied(new_text, _merge(new_lines), _merge(old_lines))


def _merge(ranges: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return tuple(merged)
