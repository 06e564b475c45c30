"""Results of classifying one file: the zone regions found in it and why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    """A part of a file that belongs to a zone.

    Lines are 1-based and inclusive (the CLI contract); byte offsets are into the file's UTF-8 bytes,
    so the language server can convert them to the client's position encoding exactly.
    A file-scope region spans the whole file and has `symbol=None`.
    """

    zone: str
    start_line: int
    end_line: int
    start_byte: int
    end_byte: int
    symbol: str | None
    #: human-readable reasons, e.g. "path src/auth/**", "import jwt", "call jwt.encode",
    #: "decorator login_required", "symbol verify_token", "query python#0", "marker zone=crypto"
    reasons: tuple[str, ...]
    #: the region's kind for editors: "file", "function", "method", "class", "block" (Terraform,
    #: YAML), "statement" (a top-level statement or a class member)
    kind: str = "file"


@dataclass(frozen=True)
class Export:
    """A function or method in a propagating zone by direct evidence (not by propagation): what
    other files of the repository may call into, and join that zone by calling (one level)."""

    zone: str
    name: str
    #: the class (Java, Python, TS) or Go receiver type it is a method of; None for a function
    owner: str | None = None


@dataclass(frozen=True)
class FileZones:
    """Every zone region in one file, sorted by (start_line, zone)."""

    path: str  # relative to the workspace root, forward slashes
    language: str | None
    regions: tuple[Region, ...] = ()
    #: why classification was partial or skipped ("binary", "too large", "not UTF-8", ...), if so
    skipped: str | None = None
    #: things worth telling the user that did not stop classification: markers naming unknown
    #: zones, a user query that ran out of time, invalid UTF-8 that was parsed anyway
    notes: tuple[str, ...] = ()
    #: what callers in other files join by calling (see `analysis.crossfile`)
    exports: tuple[Export, ...] = ()

    @property
    def zone_ids(self) -> tuple[str, ...]:
        return tuple(sorted({r.zone for r in self.regions}))

    def regions_at(self, line: int) -> tuple[Region, ...]:
        """Regions that contain the 1-based `line`."""
        return tuple(r for r in self.regions if r.start_line <= line <= r.end_line)
