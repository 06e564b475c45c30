"""One parsed and validated config file (a "layer"), before layering.

A layer keeps, next to every value, where its key was written, so that layering can point a refused
change (PR005) at the exact line of the file that tried it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pavedroad.config.model import MatchRules, SourceRef, Trust


@dataclass(frozen=True)
class At:
    """A value and where its key was written (`end_column`: end of the value on that line)."""

    value: Any
    where: SourceRef
    end_column: int | None = None


@dataclass(frozen=True)
class ZoneEntry:
    """One item of a layer's `zones:` list. `fields` holds only the keys the entry names."""

    id: str
    where: SourceRef
    fields: dict[str, At] = field(default_factory=dict)
    match: MatchRules = field(default_factory=MatchRules)
    match_at: SourceRef | None = None


ExtendsKind = Literal["preset", "path", "url"]


@dataclass(frozen=True)
class ExtendsEntry:
    kind: ExtendsKind
    target: str  # preset name, path as written, or url
    where: SourceRef
    end_column: int | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class Layer:
    """A validated config file. Invalid parts are left out and reported; `fatal` says whether any
    error (other than a warning) was found in this file itself."""

    label: str
    file: str
    locked: bool = False
    version: At | None = None
    extends: tuple[ExtendsEntry, ...] = ()
    zones: tuple[ZoneEntry, ...] = ()
    sensitive: tuple[str, ...] = ()
    internal_domains: tuple[str, ...] = ()
    prompt_files: tuple[str, ...] = ()
    provenance: dict[str, At] = field(default_factory=dict)
    exception_approvers: At | None = None
    exception_max_days: At | None = None
    #: `dependencies:` keys (allow, deny, private) -> tuple of names, with positions
    dependencies: dict[str, At] = field(default_factory=dict)
    #: `ai_tools:` keys (approved -> tuple of names, unapproved -> Level), with positions
    ai_tools: dict[str, At] = field(default_factory=dict)
    fatal: bool = False
    #: set by the loader from where the file came from, never by the file itself
    trust: Trust = "repo"
    #: the locked central map that extends this file and so locks its zones ("" when none)
    locked_via: str = ""

    @property
    def lock_label(self) -> str:
        """Who locked this layer's zones, as messages name it."""
        return f"{self.locked_via} (through {self.label})" if self.locked_via else self.label
