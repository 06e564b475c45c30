"""User queries: which byte windows of a file a raw tree-sitter query can match in.

A query's literal requirements (see `prefilter.query_requirements`) become shared RE2 scanners;
the occurrences of the rarest literal set of each pattern bound where that pattern can match, so
the query runs over those windows only (or not at all).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import re2

from pavedroad.analysis import languages
from pavedroad.analysis.prefilter import literal_scanner

#: Query windows closer than this are run as one range.
_WINDOW_GAP = 512


@dataclass(frozen=True)
class UserQuery:
    zone: str
    index: int
    language: str  # as configured (canonical id), for the reason text
    compiled: languages.CompiledQuery
    #: per pattern, scanners that must all find something; None: always run
    requirements: tuple[tuple[Any, ...], ...] | None
    #: every literal any pattern may need (a file with none of them cannot match); None: unknown
    literals: frozenset[str] | None = None


def query_literals(requirements: list[list[frozenset[str]]] | None) -> frozenset[str] | None:
    """Literals one of which every match of the query contains (None when a pattern requires
    none): per pattern, its most selective literal set (a match holds a literal of each of its
    sets, so of that one too; `os` in `os.environ[...]` would be found in every file).
    `requirements`: `prefilter.query_requirements` of the query."""
    if requirements is None:
        return None
    out: set[str] = set()
    for pattern in requirements:
        out |= max(pattern, key=lambda literals: (min(map(len, literals)), -len(literals)))
    return frozenset(out)


def query_scanners(requirements: list[list[frozenset[str]]] | None) -> tuple[tuple[Any, ...], ...] | None:
    """Per pattern, the scanners of its literal sets (`requirements`: `query_requirements` of the
    query; None: the query always runs)."""
    if requirements is None:
        return None
    return tuple(
        tuple(
            shared_scanner(literals)
            # few, long literals first: they rule a file out in one scan most often
            for literals in sorted(pattern, key=lambda lits: (len(lits), -min(map(len, lits))))
        )
        for pattern in requirements
    )


@lru_cache(maxsize=1024)
def shared_scanner(literals: frozenset[str]) -> Any:
    """One scanner object per literal set, so files can memoize its result across queries."""
    return literal_scanner(literals)


@dataclass(frozen=True)
class ScannerGate:
    """Every literal scanner of a language's queries in one RE2 set: one pass over a file says
    which of them find anything, so the others need no pass of their own. (A language's queries
    hold dozens of literal sets; scanning a file once per set cost more than running the queries.)"""

    matcher: Any  # re2.Set
    #: id(scanner) -> its index in `matcher`
    index: dict[int, int]

    def absent(self, data: bytes) -> dict[int, list[tuple[int, int]]]:
        """A spans memo for `query_windows` that already knows every scanner that finds nothing."""
        found = self.matcher.Match(data)
        if not found:
            # the gate runs only after the prefilter found a literal of some set, so "none" means
            # RE2 gave up (its binding hides a DFA out-of-memory): let every scanner run instead
            return {}
        present = set(found)
        return {key: [] for key, position in self.index.items() if position not in present}


def scanner_gate(queries: tuple[UserQuery, ...] | list[UserQuery], options: Any) -> ScannerGate | None:
    """The gate over the distinct scanners of `queries` (None when they have fewer than two or RE2
    cannot build the set: then each scanner simply runs on its own)."""
    scanners: dict[int, Any] = {}
    for query in queries:
        for pattern in query.requirements or ():
            for scanner in pattern:
                scanners.setdefault(id(scanner), scanner)
    if len(scanners) < 2:
        return None
    try:
        matcher = re2.Set.SearchSet(options)
        index = {key: matcher.Add(scanner.pattern) for key, scanner in scanners.items()}
        matcher.Compile()
    except Exception:  # too big for RE2's memory budget: fall back to one pass per scanner
        return None
    return ScannerGate(matcher, index)


def query_windows(
    query: UserQuery, data: bytes, memo: dict[int, list[tuple[int, int]]]
) -> list[tuple[int, int]] | None:
    """Byte ranges that every match of `query` in `data` must intersect: None = the whole file,
    [] = the query cannot match. A match of a pattern contains an occurrence of each literal set
    that pattern requires, so the occurrences of its rarest set bound where it can match."""
    if query.requirements is None:
        return None

    def spans(scanner: Any) -> list[tuple[int, int]]:
        key = id(scanner)
        found = memo.get(key)
        if found is None:
            found = memo[key] = [m.span() for m in scanner.finditer(data)]
        return found

    windows: list[tuple[int, int]] = []
    for pattern in query.requirements:
        best: list[tuple[int, int]] | None = None
        for scanner in pattern:  # most selective first: usually the first one rules it out
            found = spans(scanner)
            if not found:
                best = None
                break
            if best is None or len(found) < len(best):
                best = found
        windows.extend(best or ())
    if not windows:
        return []
    windows.sort()
    merged = [windows[0]]
    for start, end in windows[1:]:
        last_start, last_end = merged[-1]
        if start <= last_end + _WINDOW_GAP:
            merged[-1] = (last_start, max(last_end, end))
        else:
            merged.append((start, end))
    return merged
