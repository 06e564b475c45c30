"""`dependencies:` allow / deny / private lists applied to one dependency.

An entry is `[ecosystem:]pattern`; `*` matches any run of characters (no other metacharacters, so
a pattern can never be slow). Names and patterns are compared normalized for the ecosystem
(`Django` = `django`, `foo_bar` = `foo-bar` on PyPI). An entry without an ecosystem applies to all.
A `private` entry that names a scope or prefix (`@acme/`, `@acme/*`, `acme-*`, `go:corp.example.com/`)
matches every name starting with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pavedroad.config.model import DependencyPolicy
from pavedroad.deps.model import ECOSYSTEMS, Dependency
from pavedroad.deps.names import normalize


def glob_match(pattern: str, text: str) -> bool:
    """`*`-only glob, linear-time greedy matching."""
    parts = pattern.split("*")
    if len(parts) == 1:
        return pattern == text
    if not text.startswith(parts[0]) or not text.endswith(parts[-1]):
        return False
    pos, end = len(parts[0]), len(text) - len(parts[-1])
    if pos > end:
        return False
    for part in parts[1:-1]:
        found = text.find(part, pos, end)
        if found < 0:
            return False
        pos = found + len(part)
    return True


@dataclass(frozen=True)
class Entry:
    ecosystem: str | None
    pattern: str
    raw: str

    @classmethod
    def parse(cls, raw: str) -> Entry:
        eco, sep, rest = raw.partition(":")
        if sep and eco in ECOSYSTEMS:
            return cls(eco, rest, raw)
        return cls(None, raw, raw)

    def matches(self, dep: Dependency, *, prefix: bool = False) -> bool:
        if self.ecosystem is not None and self.ecosystem != dep.ecosystem:
            return False
        pattern = "*".join(normalize(dep.ecosystem, part) for part in self.pattern.split("*"))
        name = normalize(dep.ecosystem, dep.name)
        if glob_match(pattern, name):
            return True
        if prefix:
            stem = pattern.rstrip("*")
            return bool(stem) and name.startswith(stem) and (
                stem.endswith(("/", "-", "_", ".", ":")) or self.pattern.endswith("*")
                or name[len(stem):len(stem) + 1] in ("/", "-", "_", ".", ":"))
        return False


class PolicyLists:
    def __init__(self, policy: DependencyPolicy) -> None:
        self.allow = [Entry.parse(e) for e in policy.allow]
        self.deny = [Entry.parse(e) for e in policy.deny]
        self.private = [Entry.parse(e) for e in policy.private]

    def denied_by(self, dep: Dependency) -> str | None:
        return next((e.raw for e in self.deny if e.matches(dep)), None)

    def allowed(self, dep: Dependency) -> bool:
        return not self.allow or any(e.matches(dep) for e in self.allow)

    def is_private(self, dep: Dependency) -> bool:
        return any(e.matches(dep, prefix=True) for e in self.private)
