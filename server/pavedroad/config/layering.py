"""Merging layers into the effective config, with the trust rule and the monotonic rule.

Layers apply in order (central maps and what they extend first, then the repo file, what it
extends and nested repo configs). A later entry whose `id` names an earlier zone refines it: the
keys it names override, its match rules are added.

Who may do what (`Layer.trust`, set by the loader from where a file came from, never by the file):

* Only **central** layers may lock: a zone is *locked* once a central layer marks it
  `locked: true` or defines/refines it from a file with a top-level `locked: true`. A repo's
  `locked` is ignored (PR006): a repository cannot give itself central authority.
* Only central layers may name `exception_approvers` (PR005 for a repo that tries), approve
  AI tools beyond the central list, or extend a central `dependencies.allow` list.
* Protective settings are **floors for repos**: `provenance` thresholds and `exception_max_days`
  start from the defaults (or what central maps set) and a repo may only lower them; raising one is
  refused with PR005. `ai_tools.unapproved` may only be raised by a repo.

A locked zone may only be tightened by every later layer:

* `ai` / `context` may be raised, never lowered;
* `scope` may widen from `symbol` to `file`, never narrow back;
* `propagate` may be switched on, never off; `exclusive` may be switched off, never on;
* `locked: false` is refused;
* `title` / `why` may not be replaced (restating the same text is fine);
* `reviewers` are added to the locked list (the locked reviewers always stay);
* `match` rules are only ever added (for every zone, locked or not), so no path can be dropped.

A refused change is reported as PR005 (error) on the offending key and the earlier value stays in
force; it does not make the config unusable, but `pavedroad check` fails on it.

Top-level lists `sensitive`, `prompts.internal_domains`, `prompts.files`, `dependencies.deny` and
`dependencies.private` are unions over all layers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from pavedroad import codes
from pavedroad.config.digest import policy_digest
from pavedroad.config.layer import At, Layer, ZoneEntry
from pavedroad.config.model import (
    CONTENT_RULES,
    AiToolsPolicy,
    ConfigProblem,
    DependencyPolicy,
    EffectiveConfig,
    ExceptionPolicy,
    Level,
    MatchRules,
    ProvenanceSettings,
    Scope,
    SourceRef,
    Zone,
)

DEFAULT_PROVENANCE = ProvenanceSettings()
#: Caps over all layers of one config (presets and a large central map use a few hundred rules).
MAX_ZONES = 1000
MAX_RULES = 20_000
DEFAULT_EXCEPTIONS = ExceptionPolicy()


@dataclass
class _ZoneState:
    id: str
    origin: str
    defined_at: SourceRef
    title: str = ""
    why: str = ""
    reviewers: tuple[str, ...] = ()
    ai: Level = Level.ALLOW
    context: Level = Level.ALLOW
    scope: Scope = "symbol"
    propagate: bool = False
    exclusive: bool = False
    locked: bool = False
    locked_by: str = ""
    match: MatchRules = field(default_factory=MatchRules)
    #: content rules written by `propagate_match: false` entries, and by any other entry
    quiet_rules: MatchRules = field(default_factory=MatchRules)
    loud_rules: MatchRules = field(default_factory=MatchRules)
    set_by: dict[str, str] = field(default_factory=dict)

    def add_rules(self, entry: ZoneEntry) -> None:
        """An entry's rules join the zone; with `propagate_match: false` its content rules are
        quiet (they mark without pulling callers in) unless another entry also wrote them."""
        self.match = self.match.merged(entry.match)
        quiet = "propagate_match" in entry.fields and entry.fields["propagate_match"].value is False
        content = entry.match.content()
        if quiet:
            self.quiet_rules = self.quiet_rules.merged(content)
        else:
            self.loud_rules = self.loud_rules.merged(content)

    def quiet(self) -> MatchRules:
        return self.quiet_rules.without(self.loud_rules)

    def freeze(self) -> Zone:
        return Zone(
            id=self.id,
            title=self.title,
            why=self.why,
            reviewers=self.reviewers,
            ai=self.ai,
            context=self.context,
            scope=self.scope,
            match=self.match,
            locked=self.locked,
            propagate=self.propagate,
            exclusive=self.exclusive,
            quiet=self.quiet(),
            origin=self.origin,
            defined_at=self.defined_at,
            set_by=tuple(self.set_by.items()),
        )


class _Merger:
    def __init__(self) -> None:
        self.zones: dict[str, _ZoneState] = {}
        self.problems: list[ConfigProblem] = []
        #: entries with `propagate_match: false`, checked once every layer is in
        self.quiet_entries: list[tuple[ZoneEntry, At]] = []
        self.sensitive: dict[str, None] = {}
        self.domains: dict[str, None] = {}
        self.prompt_files: dict[str, None] = {}
        self.provenance: dict[str, int] = {}
        self.provenance_by: dict[str, str] = {}
        self.provenance_locked_by: dict[str, str] = {}
        self.max_days: int | None = None
        self.max_days_by = ""
        self.max_days_locked = False
        self.approvers: dict[str, None] = {}
        self.dep_allow: dict[str, None] = {}
        self.dep_allow_by = ""
        self.dep_allow_central = False
        self.dep_deny: dict[str, None] = {}
        self.dep_private: dict[str, None] = {}
        self.tools_approved: dict[str, None] | None = None
        self.tools_approved_by = ""
        self.tools_unapproved = Level.ALLOW
        self.tools_unapproved_by = ""
        self.central_labels: list[str] = []
        self.rules = 0

    def refuse(self, at: At, message: str) -> None:
        self.problems.append(ConfigProblem(codes.CONFIG_LOCKED, message, at.where, "error",
                                           at.end_column))

    def warn(self, at: At, message: str) -> None:
        self.problems.append(ConfigProblem(codes.CONFIG_WARNING, message, at.where, "warning",
                                           at.end_column))

    def _within_caps(self, layer: Layer) -> Layer:
        """`layer` without the zones that would take the config past `MAX_ZONES` zones or
        `MAX_RULES` match rules (one PR002 error says so): a config a repo inflates to tens of
        thousands of zones must not make every hover and scan crawl."""
        new_ids: set[str] = set()
        for index, entry in enumerate(layer.zones):
            rules = _rule_count(entry)
            is_new = entry.id not in self.zones and entry.id not in new_ids
            if (is_new and len(self.zones) + len(new_ids) >= MAX_ZONES) or \
                    self.rules + rules > MAX_RULES:
                self.problems.append(ConfigProblem(
                    codes.CONFIG_SCHEMA,
                    f"too many zones or match rules (limits: {MAX_ZONES} zones and {MAX_RULES} "
                    f"rules over all layers): zone {entry.id!r} and the "
                    f"{len(layer.zones) - index - 1} after it in this file are not applied",
                    entry.where, "error"))
                return replace(layer, zones=layer.zones[:index])
            self.rules += rules
            if is_new:
                new_ids.add(entry.id)
        return layer

    def apply(self, layer: Layer) -> None:
        layer = self._within_caps(layer)
        central = layer.trust == "central"
        if central:
            self.central_labels.append(layer.label)
        elif layer.locked:
            self.problems.append(ConfigProblem(
                codes.CONFIG_WARNING,
                "`locked` has no effect in a repository's config: only central maps (given on "
                "the machine or in CI with --central) can lock zones", SourceRef(layer.file, 1, 1),
                "warning"))
        for entry in layer.zones:
            if not central and "locked" in entry.fields and entry.fields["locked"].value:
                self.warn(entry.fields["locked"],
                          f"`locked: true` on zone {entry.id!r} is ignored: only central maps can "
                          "lock zones")
            state = self.zones.get(entry.id)
            if state is None:
                self.zones[entry.id] = self._define(entry, layer)
            else:
                self._refine(state, entry, layer)
            quiet = entry.fields.get("propagate_match")
            if quiet is not None and quiet.value is False:
                self.quiet_entries.append((entry, quiet))
        self.sensitive.update(dict.fromkeys(layer.sensitive))
        self.domains.update(dict.fromkeys(layer.internal_domains))
        self.prompt_files.update(dict.fromkeys(layer.prompt_files))
        self._provenance(layer, central)
        self._max_days(layer, central)
        if layer.exception_approvers is not None:
            if central and layer.locked:
                self.approvers.update(dict.fromkeys(layer.exception_approvers.value))
            elif central:
                self.refuse(layer.exception_approvers,
                            "`exception_approvers` may only be set by a locked central map "
                            "(top-level `locked: true`); this setting is ignored")
            else:
                self.refuse(layer.exception_approvers,
                            "`exception_approvers` may only be set by a central map (given on the "
                            "machine or with --central), never by the repository it governs; "
                            "this setting is ignored")
        self._dependencies(layer, central)
        self._ai_tools(layer, central)

    def _provenance(self, layer: Layer, central: bool) -> None:
        for key, at in layer.provenance.items():
            default = getattr(DEFAULT_PROVENANCE, key)
            current = self.provenance.get(key, default)
            locker = self.provenance_locked_by.get(key)
            if at.value > current and (not central or locker):
                by = locker or self.provenance_by.get(key) or "the default"
                self.refuse(at, f"`provenance.{key}: {at.value}` would loosen the threshold "
                                f"{current} (set by {by}); a repository may only lower it")
                continue
            self.provenance[key] = at.value
            self.provenance_by[key] = layer.label
            if central and layer.locked:
                self.provenance_locked_by[key] = layer.label

    def _max_days(self, layer: Layer, central: bool) -> None:
        if layer.exception_max_days is None:
            return
        at = layer.exception_max_days
        current = self.max_days if self.max_days is not None else DEFAULT_EXCEPTIONS.max_days
        if at.value <= current or (central and self.max_days is None):
            self.max_days, self.max_days_by = at.value, layer.label
            self.max_days_locked = self.max_days_locked or (central and layer.locked)
        elif not central or self.max_days_locked:
            by = self.max_days_by or "the default"
            self.refuse(at, f"`exception_max_days: {at.value}` exceeds the cap of {current} days "
                            f"set by {by}; the cap stays (a repository may only lower it)")
        else:
            self.warn(at, f"`exception_max_days: {at.value}` is above the {current} days set by "
                          f"{self.max_days_by}; the lower value applies")

    def _dependencies(self, layer: Layer, central: bool) -> None:
        deps = layer.dependencies
        if "allow" in deps:
            at = deps["allow"]
            if central or not self.dep_allow_central:
                if central and not self.dep_allow_central:
                    self.dep_allow.clear()  # a central allow list replaces a repo's own
                self.dep_allow.update(dict.fromkeys(at.value))
                self.dep_allow_by = layer.label
                self.dep_allow_central = self.dep_allow_central or central
            else:
                extra = [name for name in at.value if name not in self.dep_allow]
                if extra:
                    self.refuse(at, f"`dependencies.allow` is set by the central map "
                                    f"{self.dep_allow_by}; a repository cannot add to it "
                                    f"({', '.join(extra[:5])}{' ...' if len(extra) > 5 else ''} "
                                    "ignored): ask the security team")
        if "deny" in deps:
            self.dep_deny.update(dict.fromkeys(deps["deny"].value))
        if "private" in deps:
            self.dep_private.update(dict.fromkeys(deps["private"].value))

    def _ai_tools(self, layer: Layer, central: bool) -> None:
        tools = layer.ai_tools
        if "approved" in tools:
            at = tools["approved"]
            names = dict.fromkeys(at.value)
            if self.tools_approved is None:
                self.tools_approved, self.tools_approved_by = names, layer.label
            elif central:
                self.tools_approved.update(names)
            else:
                wider = [n for n in names if n not in self.tools_approved]
                if wider:
                    self.refuse(at, f"`ai_tools.approved` may only narrow the list set by "
                                    f"{self.tools_approved_by}; {', '.join(wider)} ignored")
                self.tools_approved = {n: None for n in names if n in self.tools_approved}
        if "unapproved" in tools:
            at = tools["unapproved"]
            if at.value < self.tools_unapproved:
                self.refuse(at, f"`ai_tools.unapproved: {at.value}` would lower "
                                f"`{self.tools_unapproved}` set by {self.tools_unapproved_by}; "
                                f"{self.tools_unapproved} stays")
            else:
                self.tools_unapproved, self.tools_unapproved_by = at.value, layer.label

    def _define(self, entry: ZoneEntry, layer: Layer) -> _ZoneState:
        state = _ZoneState(entry.id, layer.label, entry.where)
        f = entry.fields
        for key in ("title", "why", "reviewers", "ai", "context", "scope", "propagate", "exclusive"):
            if key in f:
                setattr(state, key, f[key].value)
                state.set_by[key] = layer.label
        state.add_rules(entry)
        if not entry.match.is_empty():
            state.set_by["match"] = layer.label
        central = layer.trust == "central"
        lock = central and (layer.locked or (f["locked"].value if "locked" in f else False))
        if lock:
            state.set_by["locked"] = layer.label
        state.locked = bool(lock)
        if lock:
            state.locked_by = layer.lock_label
        return state

    def _refine(self, state: _ZoneState, entry: ZoneEntry, layer: Layer) -> None:
        f = entry.fields
        label = layer.label
        locked = state.locked
        zid = state.id
        by = state.locked_by

        for key in ("title", "why"):
            if key not in f:
                continue
            value = f[key].value
            if locked and value != getattr(state, key):
                self.refuse(f[key], f"zone {zid!r} is locked by {by}: its `{key}` cannot be "
                                    "replaced (the central text stays)")
                continue
            setattr(state, key, value)
            state.set_by[key] = label
        if "reviewers" in f:
            value = f["reviewers"].value
            if locked:
                merged = tuple(dict.fromkeys(state.reviewers + value))
                if merged != state.reviewers:
                    state.reviewers = merged
                    state.set_by["reviewers"] = label
            else:
                state.reviewers = value
                state.set_by["reviewers"] = label
        for key in ("ai", "context"):
            if key not in f:
                continue
            level: Level = f[key].value
            current: Level = getattr(state, key)
            if locked and level < current:
                self.refuse(f[key], f"zone {zid!r} is locked by {by}: `{key}` cannot be lowered "
                                    f"from {current} to {level}; {current} stays in force")
                continue
            setattr(state, key, level)
            state.set_by[key] = label
        if "scope" in f:
            scope = f["scope"].value
            if locked and state.scope == "file" and scope == "symbol":
                self.refuse(f["scope"], f"zone {zid!r} is locked by {by}: `scope` cannot be "
                                        "narrowed from file to symbol; file stays in force")
            else:
                state.scope = scope
                state.set_by["scope"] = label
        # `propagate` widens a zone (may only be switched on once locked); `exclusive` takes other
        # zones' matches away (may only be switched off once locked)
        for key, tighter in (("propagate", True), ("exclusive", False)):
            if key not in f:
                continue
            flag = f[key].value
            if locked and flag != getattr(state, key) and flag != tighter:
                self.refuse(f[key], f"zone {zid!r} is locked by {by}: `{key}` cannot be set to "
                                    f"{str(flag).lower()}; {str(getattr(state, key)).lower()} stays in force")
                continue
            setattr(state, key, flag)
            state.set_by[key] = label
        central = layer.trust == "central"
        if "locked" in f:
            if f["locked"].value:
                if central and not state.locked:
                    state.locked, state.locked_by = True, label
                    state.set_by["locked"] = label
            elif locked:
                self.refuse(f["locked"], f"zone {zid!r} is locked by {by} and cannot be "
                                         "unlocked")
        if central and layer.locked and not state.locked:
            state.locked, state.locked_by = True, layer.lock_label
            state.set_by["locked"] = label
        if not entry.match.is_empty():
            state.add_rules(entry)
            state.set_by["match"] = label

    def _check_quiet_entries(self, zones: Sequence[Zone]) -> None:
        """`propagate_match: false` that cannot change anything says so: a team that reads
        nothing back would otherwise believe its rules stopped pulling callers in."""
        by_id = {zone.id: zone for zone in zones}
        for entry, at in self.quiet_entries:
            zone = by_id[entry.id]
            mine = entry.match.content()
            if mine.is_empty():
                why = "this entry has no content rules (" + ", ".join(CONTENT_RULES) + ")"
            elif not zone.propagate:
                why = f"zone {entry.id!r} does not propagate"
            elif mine.without(zone.quiet) == mine:  # none of its rules stayed quiet
                why = "every rule of this entry is also written by another entry, and propagates there"
            else:
                continue
            self.warn(at, f"`propagate_match: false` has no effect: {why}")

    def result(self, root: str, layers: Sequence[Layer], config_file: str | None) -> EffectiveConfig:
        zones = tuple(s.freeze() for s in self.zones.values())
        self._check_quiet_entries(zones)
        provenance = ProvenanceSettings(
            min_lines=self.provenance.get("min_lines", DEFAULT_PROVENANCE.min_lines),
            min_chars=self.provenance.get("min_chars", DEFAULT_PROVENANCE.min_chars),
        )
        max_days = self.max_days if self.max_days is not None else DEFAULT_EXCEPTIONS.max_days
        exceptions = ExceptionPolicy(
            max_days=max_days,
            default_days=min(DEFAULT_EXCEPTIONS.default_days, max_days),
            approvers=tuple(self.approvers),
        )
        dependencies = DependencyPolicy(
            allow=tuple(self.dep_allow), deny=tuple(self.dep_deny), private=tuple(self.dep_private)
        )
        ai_tools = AiToolsPolicy(
            approved=tuple(self.tools_approved or ()), unapproved=self.tools_unapproved
        )
        config = EffectiveConfig(
            root=root,
            zones=zones,
            sensitive=tuple(self.sensitive),
            internal_domains=tuple(self.domains),
            provenance=provenance,
            exceptions=exceptions,
            layers=tuple(layer.label for layer in layers),
            config_file=config_file,
            prompt_files=tuple(self.prompt_files),
            dependencies=dependencies,
            ai_tools=ai_tools,
            central_layers=tuple(self.central_labels),
        )
        return replace(config, digest=policy_digest(config))


def _rule_count(entry: ZoneEntry) -> int:
    m = entry.match
    return (len(m.paths) + len(m.imports) + len(m.calls) + len(m.decorators) + len(m.symbols)
            + len(m.queries))


def merge_layers(
    layers: Sequence[Layer], root: str, config_file: str | None = None
) -> tuple[EffectiveConfig, list[ConfigProblem]]:
    """The effective config of `layers` (applied in order) and the refusals (PR005) it produced."""
    merger = _Merger()
    for layer in layers:
        merger.apply(layer)
    return merger.result(root, layers, config_file), merger.problems
