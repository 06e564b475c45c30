"""Merging layers into the effective config, with the monotonic rule for locked zones.

Layers apply in order (central maps and presets first, the repo file last). A later entry whose `id`
names an earlier zone refines it: the keys it names override, its match rules are added.

A zone is *locked* once a layer marks it `locked: true` or refines/defines it from a file with a
top-level `locked: true`. From then on every later layer may only tighten it:

* `ai` / `context` may be raised, never lowered;
* `scope` may widen from `symbol` to `file`, never narrow back;
* `locked: false` is refused;
* `title` / `why` may not be replaced (restating the same text is fine);
* `reviewers` are added to the locked list (the locked reviewers always stay);
* `match` rules are only ever added (for every zone, locked or not), so no path can be dropped.

A refused change is reported as PR005 (error) on the offending key and the earlier value stays in
force; it does not make the config unusable.

Top-level settings: `sensitive`, `prompts.internal_domains` and `prompts.files` are unions over all
layers. `provenance` thresholds set by a locked layer may only be lowered (stricter) afterwards.
`exception_max_days` is the minimum over all layers. `exception_approvers` may only be set by
locked layers (the union of them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from pavedroad import codes
from pavedroad.config.digest import policy_digest
from pavedroad.config.layer import At, Layer, ZoneEntry
from pavedroad.config.model import (
    ConfigProblem,
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
    locked: bool = False
    locked_by: str = ""
    match: MatchRules = field(default_factory=MatchRules)
    set_by: dict[str, str] = field(default_factory=dict)

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
            origin=self.origin,
            defined_at=self.defined_at,
            set_by=tuple(self.set_by.items()),
        )


class _Merger:
    def __init__(self) -> None:
        self.zones: dict[str, _ZoneState] = {}
        self.problems: list[ConfigProblem] = []
        self.sensitive: dict[str, None] = {}
        self.domains: dict[str, None] = {}
        self.prompt_files: dict[str, None] = {}
        self.provenance: dict[str, int] = {}
        self.provenance_locked_by: dict[str, str] = {}
        self.max_days: int | None = None
        self.max_days_by = ""
        self.max_days_locked = False
        self.approvers: dict[str, None] = {}

    def refuse(self, at: At, message: str) -> None:
        self.problems.append(ConfigProblem(codes.CONFIG_LOCKED, message, at.where, "error",
                                           at.end_column))

    def apply(self, layer: Layer) -> None:
        for entry in layer.zones:
            state = self.zones.get(entry.id)
            if state is None:
                self.zones[entry.id] = self._define(entry, layer)
            else:
                self._refine(state, entry, layer)
        self.sensitive.update(dict.fromkeys(layer.sensitive))
        self.domains.update(dict.fromkeys(layer.internal_domains))
        self.prompt_files.update(dict.fromkeys(layer.prompt_files))
        for key, at in layer.provenance.items():
            current = self.provenance.get(key)
            locker = self.provenance_locked_by.get(key)
            if locker and current is not None and at.value > current:
                self.refuse(at, f"`provenance.{key}: {at.value}` would loosen the threshold "
                                f"{current} set by the locked map {locker}; only a lower value "
                                "is allowed")
                continue
            self.provenance[key] = at.value
            if layer.locked:
                self.provenance_locked_by[key] = layer.label
        if layer.exception_max_days is not None:
            at = layer.exception_max_days
            if self.max_days is None or at.value <= self.max_days:
                self.max_days, self.max_days_by = at.value, layer.label
                self.max_days_locked = self.max_days_locked or layer.locked
            elif self.max_days_locked:
                self.refuse(at, f"`exception_max_days: {at.value}` exceeds the cap of "
                                f"{self.max_days} days set by the locked map {self.max_days_by}; "
                                "the cap stays")
            else:
                self.problems.append(ConfigProblem(
                    codes.CONFIG_WARNING,
                    f"`exception_max_days: {at.value}` is above the {self.max_days} days set by "
                    f"{self.max_days_by}; the lower value applies", at.where, "warning",
                    at.end_column))
        if layer.exception_approvers is not None:
            if layer.locked:
                self.approvers.update(dict.fromkeys(layer.exception_approvers.value))
            else:
                self.refuse(layer.exception_approvers,
                            "`exception_approvers` may only be set by a locked central map "
                            "(top-level `locked: true`); this setting is ignored")

    def _define(self, entry: ZoneEntry, layer: Layer) -> _ZoneState:
        state = _ZoneState(entry.id, layer.label, entry.where)
        f = entry.fields
        for key in ("title", "why", "reviewers", "ai", "context", "scope"):
            if key in f:
                setattr(state, key, f[key].value)
                state.set_by[key] = layer.label
        state.match = entry.match
        if not entry.match.is_empty():
            state.set_by["match"] = layer.label
        lock = layer.locked or (f["locked"].value if "locked" in f else False)
        if "locked" in f or layer.locked:
            state.set_by["locked"] = layer.label
        state.locked = bool(lock)
        if lock:
            state.locked_by = layer.label
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
        if "locked" in f:
            if f["locked"].value:
                if not state.locked:
                    state.locked, state.locked_by = True, label
                state.set_by["locked"] = label
            elif locked:
                self.refuse(f["locked"], f"zone {zid!r} is locked by {by} and cannot be "
                                         "unlocked")
            else:
                state.set_by["locked"] = label
        if layer.locked and not state.locked:
            state.locked, state.locked_by = True, label
            state.set_by["locked"] = label
        if not entry.match.is_empty():
            state.match = state.match.merged(entry.match)
            state.set_by["match"] = label

    def result(self, root: str, layers: Sequence[Layer], config_file: str | None) -> EffectiveConfig:
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
        config = EffectiveConfig(
            root=root,
            zones=tuple(s.freeze() for s in self.zones.values()),
            sensitive=tuple(self.sensitive),
            internal_domains=tuple(self.domains),
            provenance=provenance,
            exceptions=exceptions,
            layers=tuple(layer.label for layer in layers),
            config_file=config_file,
            prompt_files=tuple(self.prompt_files),
        )
        return replace(config, digest=policy_digest(config))


def merge_layers(
    layers: Sequence[Layer], root: str, config_file: str | None = None
) -> tuple[EffectiveConfig, list[ConfigProblem]]:
    """The effective config of `layers` (applied in order) and the refusals (PR005) it produced."""
    merger = _Merger()
    for layer in layers:
        merger.apply(layer)
    return merger.result(root, layers, config_file), merger.problems
