"""The detector interface shared by the secret, PII and internal-host families.

Regular expressions here and in the detectors follow three rules so none can backtrack badly:
quantifiers that could backtrack are bounded, no pattern repeats a group whose boundaries are ambiguous (segments
are delimited by characters the segment itself cannot contain), and a greedy token body is never
followed by a lookahead (a greedy match with nothing after it cannot backtrack); token boundaries
are checked in Python against the real text instead, which also works at the edge of a window.
The few lookarounds that remain guard a single character or a short keyword.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence

from .model import PromptFinding
from .prefilter import Anchor

ALNUM = frozenset(string.ascii_letters + string.digits)
WORD = ALNUM | {"_"}
B64URL = WORD | {"-"}
B64 = ALNUM | {"+", "/", "="}
TOKEN_CHARS = B64URL | {"+", "/", "=", "."}

Hits = Sequence[tuple[int, Anchor]]


class Detector:
    """One family of rules. The scanner calls `detect` with the hits of `anchors`, sorted."""

    anchors: tuple[Anchor, ...] = ()
    #: True for structural scans (numbers) that run over the whole text instead of at anchors.
    always: bool = False
    #: For `always` detectors: an RE2 pattern that must occur somewhere for the scan to run.
    gate: str | None = None

    def detect(self, text: str, lowered: str, hits: Hits) -> Iterable[PromptFinding]:
        raise NotImplementedError


def bounded(text: str, start: int, end: int, left: frozenset[str], right: frozenset[str]) -> bool:
    """True when `text[start:end]` is not glued to more token characters on either side."""
    if start > 0 and text[start - 1] in left:
        return False
    if end >= len(text) or text[end] not in right:
        return True
    # A full stop that ends a sentence is not part of the token.
    return text[end] == "." and (end + 1 == len(text) or text[end + 1].isspace())
