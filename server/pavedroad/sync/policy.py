"""What the effective zone config asks of the AI tools' own controls, as path lists.

Only *path* rules can be compiled into ignore files, deny rules or CODEOWNERS; zones found by
content rules (imports, calls, decorators, symbols, queries) or inline markers exist only for the
classifier, so only a hook that runs it can enforce them (see `explain`).

- `read_deny`: `sensitive` globs, then the paths of zones with `context: deny`. Tools must not read
  these or send them as context.
- `read_warn`: paths of zones with `context: warn` that are not already denied. Ignore files cannot
  warn, so they do not list these (Cursor's `.cursorindexingignore` keeps them out of the index
  and semantic search while an explicit read still works; hooks warn).
- `edit_deny`: paths of zones with `ai: deny` (Claude `Edit(...)` rules; hooks for the rest).
- `owners`: each zone's path globs with its reviewers, for CODEOWNERS.
"""

from __future__ import annotations

from dataclasses import dataclass

from pavedroad.config.model import CONTENT_RULES, EffectiveConfig, Level, Zone
from pavedroad.sync import patterns
from pavedroad.sync.patterns import Glob

SENSITIVE = "(sensitive)"

@dataclass(frozen=True)
class Entry:
    """One glob and where it came from (a zone id, or `(sensitive)`)."""

    glob: Glob
    source: str


@dataclass(frozen=True)
class ZoneFacts:
    """What the generators and the residual-risk report need to know about one zone."""

    id: str
    title: str
    ai: Level
    context: Level
    scope: str
    paths: tuple[str, ...]
    #: names of the content-rule kinds the zone uses (`imports`, `calls`, ...)
    content_rules: tuple[str, ...]
    reviewers: tuple[str, ...]

    @property
    def has_paths(self) -> bool:
        return bool(self.paths)

    @property
    def has_content(self) -> bool:
        """Code can be in the zone without a path rule saying so: content rules, or (for a zone
        with no rules at all) only inline `pavedroad: zone=` markers."""
        return bool(self.content_rules) or (not self.paths and self.id != SENSITIVE)

    @property
    def owners(self) -> tuple[str, ...]:
        return tuple(r for r in self.reviewers if patterns.is_codeowner(r))

    @property
    def bad_owners(self) -> tuple[str, ...]:
        return tuple(r for r in self.reviewers if not patterns.is_codeowner(r))


def zone_facts(zone: Zone) -> ZoneFacts:
    rules = tuple(kind for kind in CONTENT_RULES if getattr(zone.match, kind))
    paths = tuple(p for p in zone.match.paths if patterns.parse(p) is not None)
    return ZoneFacts(zone.id, zone.title, Level(zone.ai), Level(zone.context), zone.scope, paths,
                     rules, tuple(zone.reviewers))


def sensitive_facts(config: EffectiveConfig) -> ZoneFacts | None:
    globs = tuple(p for p in config.sensitive if patterns.parse(p) is not None)
    if not globs:
        return None
    return ZoneFacts(SENSITIVE, "Sensitive files (`sensitive:`)", Level.ALLOW, Level.DENY, "file",
                     globs, (), ())


def all_facts(config: EffectiveConfig) -> list[ZoneFacts]:
    """Every zone of the config, and `(sensitive)` first when the config lists sensitive files."""
    out = [zone_facts(z) for z in config.zones]
    sens = sensitive_facts(config)
    return ([sens] if sens else []) + out


@dataclass(frozen=True)
class PathPolicy:
    read_deny: tuple[Entry, ...]
    read_warn: tuple[Entry, ...]
    edit_deny: tuple[Entry, ...]
    #: (zone facts, its globs) for zones with at least one valid owner and path rules
    owners: tuple[tuple[ZoneFacts, tuple[Glob, ...]], ...]


def _entries(pairs: list[tuple[str, str]], skip: set[str] | None = None) -> tuple[Entry, ...]:
    seen = set(skip or ())
    out: list[Entry] = []
    for raw, source in pairs:
        glob = patterns.parse(raw)
        if glob is None or glob.raw in seen:
            continue
        seen.add(glob.raw)
        out.append(Entry(glob, source))
    return tuple(out)


def path_policy(config: EffectiveConfig) -> PathPolicy:
    facts = [zone_facts(z) for z in config.zones]
    deny_pairs = [(p, SENSITIVE) for p in config.sensitive]
    deny_pairs += [(p, f.id) for f in facts if f.context >= Level.DENY for p in f.paths]
    read_deny = _entries(deny_pairs)
    warn_pairs = [(p, f.id) for f in facts if f.context == Level.WARN for p in f.paths]
    read_warn = _entries(warn_pairs, {e.glob.raw for e in read_deny})
    edit_deny = _entries([(p, f.id) for f in facts if f.ai >= Level.DENY for p in f.paths])
    owners: list[tuple[ZoneFacts, tuple[Glob, ...]]] = []
    for f in facts:
        globs = tuple(g for g in (patterns.parse(p) for p in f.paths) if g is not None)
        if f.owners and globs:
            owners.append((f, globs))
    # CODEOWNERS: the last matching line wins, so the strictest zone's lines go last
    owners.sort(key=lambda pair: (max(pair[0].ai, pair[0].context)))
    return PathPolicy(read_deny, read_warn, edit_deny, tuple(owners))
