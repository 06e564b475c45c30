"""Anchor prefilter: find the few places where any rule could match, before running rules.

Every detector names literal anchors (a token prefix such as `ghp_`, a keyword such as
`password`, a separator such as `://`); detectors that scan structure instead (digit groups,
IBAN shapes) name an RE2 *gate* pattern. Two stages, both linear:

1. One RE2 `Set` pass (a DFA, i.e. Aho-Corasick-like over all anchors and gates at once) says
   which anchors and gates occur at all. On typical prompts that is a handful out of ~150.
2. `str.find` loops (C, memory speed) collect the offsets of just those anchors, over the text
   for case-sensitive anchors and over an offset-preserving lower-cased copy otherwise.

Rules then run only at or around the hits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import re2


class Anchor(NamedTuple):
    """A literal that must occur for a rule to match. Case-insensitive anchors are lower-case.

    A named tuple, so hashing and comparing (done once per hit) stay in C.
    """

    literal: str
    case_sensitive: bool = False


def ascii_lower(text: str) -> str:
    """`text.lower()` with offsets preserved (the only 1->2 char lowering is U+0130)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return text.replace("\u0130", "i").lower()


class AnchorSet:
    """Which of `anchors` and `gates` occur in a text, in one RE2 pass.

    RE2 runs in time linear in the input with a bounded DFA, and these patterns are literals plus
    a few small gates, so the automaton stays small. A sentinel pattern that matches any
    non-empty text tells a completed search from a failed one (RE2 gives up when its DFA memory
    budget is exhausted); on failure every anchor and gate counts as present: slower, never blind.
    """

    def __init__(self, anchors: Sequence[Anchor], gates: Sequence[str]) -> None:
        self.anchors = tuple(anchors)
        self.gates = tuple(gates)
        options = re2.Options()
        options.log_errors = False
        options.max_mem = 64 << 20
        self._set = re2.Set.SearchSet(options)
        for anchor in self.anchors:
            flags = "" if anchor.case_sensitive else "(?i)"
            self._set.Add(flags + re.escape(anchor.literal))
        for gate in self.gates:
            self._set.Add(gate)
        self._sentinel = self._set.Add("(?s).")
        self._set.Compile()

    def present(self, text: str) -> tuple[list[Anchor], set[str]]:
        """Anchors and gates that occur in `text` (all of them if RE2 could not decide)."""
        if not text:
            return [], set()
        try:
            found = self._set.Match(text)
        except Exception:
            found = None
        if not found or self._sentinel not in found:
            return list(self.anchors), set(self.gates)
        n = len(self.anchors)
        anchors = [self.anchors[i] for i in found if i < n]
        gates = {self.gates[i - n] for i in found if n <= i < self._sentinel}
        return anchors, gates


def find_hits(text: str, lowered: str, anchors: Iterable[Anchor]) -> dict[Anchor, list[int]]:
    """Start offsets of every occurrence of every anchor (overlapping occurrences included)."""
    hits: dict[Anchor, list[int]] = {}
    for anchor in anchors:
        haystack = text if anchor.case_sensitive else lowered
        literal = anchor.literal
        find = haystack.find
        i = find(literal)
        if i < 0:
            continue
        found = []
        while i >= 0:
            found.append(i)
            i = find(literal, i + 1)
        hits[anchor] = found
    return hits


def merge_windows(
    positions: Sequence[int], before: int, after: int, limit: int
) -> list[tuple[int, int]]:
    """Disjoint windows `[p - before, p + after)` around sorted hit positions, clipped to text.

    Merging means a rule scans each character at most once however dense the hits are, which
    is what keeps `@@@@...` or `keykeykey...` linear.
    """
    windows: list[tuple[int, int]] = []
    for p in positions:
        lo = max(0, p - before)
        hi = min(limit, p + after)
        if windows and lo <= windows[-1][1]:
            if hi > windows[-1][1]:
                windows[-1] = (windows[-1][0], hi)
        else:
            windows.append((lo, hi))
    return windows


def windows_of(text: str, literal: str, before: int, after: int) -> list[tuple[int, int]]:
    """Merged windows `[p - before, p + after)` around every occurrence of `literal`.

    Jumps with `rfind` to the last occurrence inside the current reach instead of visiting every
    occurrence, so `@@@@...` costs one step per window, not one per `@`.
    """
    windows: list[tuple[int, int]] = []
    n = len(text)
    p = text.find(literal)
    while p >= 0:
        lo = max(0, p - before)
        hi = min(n, p + after)
        while True:
            q = text.rfind(literal, p + 1, min(n, hi + before))
            if q < 0:
                break
            p = q
            hi = min(n, p + after)
        windows.append((lo, hi))
        p = text.find(literal, p + 1)
    return windows
