"""The zone-config data model shared by the loader, the classifier, the policy engine and the shells.

Everything here is immutable: a loaded configuration is a snapshot that can be handed to worker
threads or processes and compared cheaply, and the language server swaps snapshots atomically.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Literal


class Level(enum.IntEnum):
    """Ordered policy levels: `allow < warn < review < deny`. Overlaps resolve to the max."""

    ALLOW = 0
    WARN = 1
    REVIEW = 2
    DENY = 3

    @classmethod
    def parse(cls, text: str) -> Level:
        return cls[text.upper()]

    def __str__(self) -> str:
        return self.name.lower()


#: `context` accepts only these (there is no "review" of prompt context).
CONTEXT_LEVELS = (Level.ALLOW, Level.WARN, Level.DENY)

Scope = Literal["symbol", "file"]

#: Who wrote a config layer. Only `central` layers (maps given on the machine: the system config
#: file, `PAVEDROAD_CENTRAL`, the editor's initialization options, `--central`, and what they
#: extend) may lock zones, name exception approvers, raise caps or approve tools and packages.
#: Everything a repository commits is `repo`: it may add and tighten, never loosen.
Trust = Literal["central", "repo"]


@dataclass(frozen=True)
class SourceRef:
    """Where a config value was written: file path (as given), 1-based line and column."""

    file: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class ConfigProblem:
    """An error or warning about a config or record file, always located in that file.

    `code` is one of the stable codes in `pavedroad.codes`. The message never quotes secret values.
    """

    code: str
    message: str
    where: SourceRef
    severity: Literal["error", "warning"] = "error"
    #: 1-based end column on the same line, when known (for a precise underline in editors).
    end_column: int | None = None

    def __post_init__(self) -> None:
        # Messages quote values; a credential written where a value was expected must not be
        # copied into diagnostics, CI logs or records (the one import back up from config).
        from pavedroad.redact import mask_secrets

        masked = mask_secrets(self.message)
        if masked != self.message:
            object.__setattr__(self, "message", masked)

    def __str__(self) -> str:
        return f"{self.where}: {self.severity}: {self.message} [{self.code}]"


#: the kinds of rule that match a file's content (`paths` match where it lives)
CONTENT_RULES = ("imports", "calls", "decorators", "symbols", "queries")


@dataclass(frozen=True)
class MatchRules:
    """Content and path detectors of one zone. Any match puts code in the zone."""

    paths: tuple[str, ...] = ()
    imports: tuple[str, ...] = ()
    calls: tuple[str, ...] = ()
    decorators: tuple[str, ...] = ()
    symbols: tuple[str, ...] = ()
    #: (language id, tree-sitter query source) pairs; language ids as in `pavedroad.analysis.languages`.
    queries: tuple[tuple[str, str], ...] = ()

    def merged(self, other: MatchRules) -> MatchRules:
        """Rules of both, in order, without duplicates (refinements only ever add rules)."""

        def union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(dict.fromkeys(a + b))

        return MatchRules(
            paths=union(self.paths, other.paths),
            imports=union(self.imports, other.imports),
            calls=union(self.calls, other.calls),
            decorators=union(self.decorators, other.decorators),
            symbols=union(self.symbols, other.symbols),
            queries=tuple(dict.fromkeys(self.queries + other.queries)),
        )

    def content(self) -> MatchRules:
        """These rules without `paths`."""
        return self.without(MatchRules())

    def without(self, other: MatchRules) -> MatchRules:
        """The content rules of this set that `other` does not hold (paths are not kept). Linear:
        configs hold up to thousands of rules on each side."""
        kept: dict[str, tuple[Any, ...]] = {}
        for kind in CONTENT_RULES:
            theirs = frozenset(getattr(other, kind))
            kept[kind] = tuple(rule for rule in getattr(self, kind) if rule not in theirs)
        return MatchRules(**kept)

    def is_empty(self) -> bool:
        return not (
            self.paths or self.imports or self.calls or self.decorators or self.symbols or self.queries
        )


@dataclass(frozen=True)
class Zone:
    """One effective zone after layering.

    `origin` names the layer that first defined the zone (e.g. "preset:auth",
    "../security/central.yaml", ".pavedroad.yaml"); `set_by` maps each field name that a layer
    set to that layer's label, and `defined_at` to the source position, so hover can say which
    layer decided what and the "open zone definition" action can jump there.
    """

    id: str
    title: str = ""
    why: str = ""
    reviewers: tuple[str, ...] = ()
    ai: Level = Level.ALLOW
    context: Level = Level.ALLOW
    scope: Scope = "symbol"
    match: MatchRules = field(default_factory=MatchRules)
    locked: bool = False
    #: a definition that calls one of this zone's definitions in the same file joins the zone
    #: (one level: callers of callers do not)
    propagate: bool = False
    #: in files this zone matches by path, the content rules of other, unlocked zones do not apply
    #: (the `tests` preset: test code that imports an auth library is a tests matter)
    exclusive: bool = False
    #: the content rules of `match` that only entries with `propagate_match: false` wrote: what
    #: they mark is in the zone, but its callers do not join through them. A rule that any other
    #: entry also wrote is not here (it propagates), so no layer can quiet another's rules.
    quiet: MatchRules = field(default_factory=MatchRules)
    origin: str = ""
    defined_at: SourceRef | None = None
    set_by: tuple[tuple[str, str], ...] = ()

    @property
    def display_name(self) -> str:
        return self.title or self.id

    def layer_of(self, key: str) -> str:
        return dict(self.set_by).get(key, self.origin)


@dataclass(frozen=True)
class ProvenanceSettings:
    """`provenance:` thresholds for the multi-line-insertion heuristic (see README for defaults)."""

    min_lines: int = 3
    min_chars: int = 120


@dataclass(frozen=True)
class ExceptionPolicy:
    """Central caps on exceptions: lifetime and who may approve relaxing locked zones."""

    max_days: int = 90
    default_days: int = 30
    approvers: tuple[str, ...] = ()


@dataclass(frozen=True)
class DependencyPolicy:
    """`dependencies:` lists for packages added to manifests (see `pavedroad.deps`).

    Entries are package names, optionally `ecosystem:`-prefixed (`pypi:`, `npm:`, `maven:`, `go:`,
    `cargo:`, `gem:`) and with `*` wildcards. `allow` (when non-empty) is the only set of packages
    that may be added; `deny` are never allowed; `private` names/scopes/prefixes are never looked
    up in a public registry (so their names do not leak), though every other check still applies.
    """

    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    private: tuple[str, ...] = ()


@dataclass(frozen=True)
class AiToolsPolicy:
    """`ai_tools:` which AI tools may write code here. An empty `approved` list approves all;
    otherwise code from any other tool gets the `unapproved` level (`allow` reports nothing)."""

    approved: tuple[str, ...] = ()
    unapproved: Level = Level.ALLOW

    def is_approved(self, tool: str | None) -> bool:
        if not self.approved or not tool:
            return True
        wanted = tool.strip().lower()
        return any(wanted == a.lower() or wanted.startswith(a.lower() + " ") for a in self.approved)


@dataclass(frozen=True)
class EffectiveConfig:
    """The merged configuration in force for one workspace root."""

    root: str
    zones: tuple[Zone, ...] = ()
    sensitive: tuple[str, ...] = ()
    internal_domains: tuple[str, ...] = ()
    provenance: ProvenanceSettings = field(default_factory=ProvenanceSettings)
    exceptions: ExceptionPolicy = field(default_factory=ExceptionPolicy)
    #: labels of the layers applied, in order (central maps and presets first, the repo file last)
    layers: tuple[str, ...] = ()
    #: the repo config file, if any (absolute path)
    config_file: str | None = None
    #: sha256 over a canonical form of the effective policy; recorded in sign-offs and audit records
    digest: str = ""
    #: `prompts.files`: gitignore-style globs of prompt files (e.g. `prompts/**/*.md`), unioned
    prompt_files: tuple[str, ...] = ()
    dependencies: DependencyPolicy = field(default_factory=DependencyPolicy)
    ai_tools: AiToolsPolicy = field(default_factory=AiToolsPolicy)
    #: labels of the layers that came from central sources (subset of `layers`)
    central_layers: tuple[str, ...] = ()

    def zone(self, zone_id: str) -> Zone | None:
        for zone in self.zones:
            if zone.id == zone_id:
                return zone
        return None


@dataclass(frozen=True)
class LoadResult:
    """What loading produced. `config` is None only when nothing usable could be loaded at all."""

    config: EffectiveConfig | None
    problems: tuple[ConfigProblem, ...] = ()
    #: the config built from every layer that did load, also when `config` is None because one
    #: layer is broken (e.g. a repo file with a syntax error): central maps and presets it asked for
    #: still apply. Equal to `config` when there is no fatal problem.
    fallback: EffectiveConfig | None = None
    #: absolute paths of the local config files that were read (for file watching)
    files: tuple[str, ...] = ()
    #: (url, sha256) of url maps the repository names that were not fetched for want of approval
    needs_approval: tuple[tuple[str, str], ...] = ()

    @property
    def usable(self) -> EffectiveConfig | None:
        """`config` if it loaded cleanly, else the fallback."""
        return self.config if self.config is not None else self.fallback

    @property
    def errors(self) -> tuple[ConfigProblem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")
