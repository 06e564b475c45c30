"""Typo-squat suspects: names a small edit away from a popular package and not popular themselves.

For each ecosystem an index over its popularity list (see `popular`):
1. every listed name is *popular* and is never reported (so no popular package is ever flagged as a
   typo of another, whatever their distance);
2. the first `TARGETS` names are the *targets* a typo may imitate. A symmetric-deletion index
   (each target and each target with one character deleted) finds, in O(length) lookups, every
   target within Damerau-Levenshtein distance 1 (one insertion, deletion, substitution or swap of
   adjacent characters) of a name; candidates are confirmed by an exact distance check;
3. beyond distance 1: the same name with separators removed or changed (`python_dateutil`,
   `pythondateutil`), and the Unicode skeleton of the name (`rеquests` with a Cyrillic `е`).
Distance-1 matches need a target of at least `MIN_LENGTH` characters (`ms` vs `mx` is noise);
when several targets match, the most popular wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pavedroad.deps import popular
from pavedroad.deps.confusables import skeleton
from pavedroad.deps.names import normalize, squash

MIN_LENGTH = 5


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def within_one(a: str, b: str) -> bool:
    """Damerau-Levenshtein (optimal string alignment) distance of at most 1."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (len(diff) == 2 and diff[1] == diff[0] + 1
                and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


@dataclass(frozen=True)
class TypoMatch:
    target: str  # the popular name as listed
    how: str  # "one edit", "separators", "look-alike characters"


class TypoIndex:
    def __init__(self, ecosystem: str, names: tuple[str, ...] | list[str],
                 targets: int = popular.TARGETS) -> None:
        self.ecosystem = ecosystem
        self.popular = {normalize(ecosystem, n) for n in names}
        self.targets: dict[str, tuple[int, str]] = {}
        self.by_deletion: dict[str, list[str]] = {}
        self.by_squash: dict[str, str] = {}
        for rank, name in enumerate(names[:targets]):
            key = normalize(ecosystem, name)
            if key in self.targets:
                continue
            self.targets[key] = (rank, name)
            self.by_squash.setdefault(squash(key), key)
            if len(key) >= MIN_LENGTH:
                for variant in _deletions(key) | {key}:
                    self.by_deletion.setdefault(variant, []).append(key)

    def is_popular(self, name: str) -> bool:
        return normalize(self.ecosystem, name) in self.popular

    def closest(self, name: str) -> TypoMatch | None:
        """The popular package `name` probably imitates, or None."""
        key = normalize(self.ecosystem, name)
        if key in self.popular:
            return None
        found: list[tuple[int, str, str]] = []
        look = skeleton(key)
        if look != key:
            if look in self.targets:
                found.append((self.targets[look][0], look, "look-alike characters"))
            elif look in self.popular:
                return TypoMatch(look, "look-alike characters")
        squashed = squash(look)
        target = self.by_squash.get(squashed)
        if target is not None and target != look:
            found.append((self.targets[target][0], target, "separators"))
        for variant in _deletions(look) | {look}:
            for candidate in self.by_deletion.get(variant, ()):
                if candidate != look and within_one(look, candidate):
                    found.append((self.targets[candidate][0], candidate, "one edit"))
        if not found:
            return None
        _rank, target_key, how = min(found)
        return TypoMatch(self.targets[target_key][1], how)


@cache
def index_for(ecosystem: str) -> TypoIndex:
    return TypoIndex(ecosystem, popular.load(ecosystem).names)
