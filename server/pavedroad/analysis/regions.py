"""Regions being collected for one file: merged per (zone, byte range), with their reasons."""

from __future__ import annotations

from typing import Any

from pavedroad.analysis.model import Export, Region
from pavedroad.analysis.syntax import Definition
from pavedroad.config.model import Zone

_REASON_ORDER = {
    "path": 0, "import": 1, "call": 2, "decorator": 3, "symbol": 4, "query": 5, "marker": 6, "uses": 7, "calls": 8,
}


#: suffix of the id a zone's quiet rules are compiled under (`propagate_match: false`): what they
#: match is added to the zone itself, but never becomes propagation evidence. Zone ids are
#: `[A-Za-z0-9_.-]`, so it cannot collide with one.
QUIET = "\x00quiet"


def real_zone(zone: str) -> str:
    """The zone an id names (a quiet rule's id names its zone)."""
    return zone.split("\x00", 1)[0]


def reason_rank(reason: str) -> int:
    """Reasons are listed by detector (path, import, call, ...); sorting is stable within one."""
    return _REASON_ORDER.get(reason.split(" ", 1)[0], len(_REASON_ORDER))


class Regions:
    """Regions being collected for one file, merged per (zone, byte range)."""

    def __init__(self, data: bytes, zones: dict[str, Zone]) -> None:
        self._data = data
        self._zones = zones
        self._regions: dict[tuple[str, int, int], list[Any]] = {}
        self.notes: list[str] = []
        #: the file's functions in propagating zones by direct evidence (set by the classifier)
        self.exports: tuple[Export, ...] = ()
        self._last_line: int | None = None

    @property
    def last_line(self) -> int:
        if self._last_line is None:
            data = self._data
            lines = data.count(b"\n")
            if data and not data.endswith(b"\n"):
                lines += 1
            self._last_line = max(1, lines)
        return self._last_line

    def add_file(self, zone: str, reason: str) -> None:
        self._add(real_zone(zone), 0, len(self._data), None, "file", 1, self.last_line, reason)

    def add_definition(self, zone: str, definition: Definition | None, reason: str) -> None:
        zone = real_zone(zone)
        if definition is None or self._zones[zone].scope == "file":
            self.add_file(zone, reason)
            return
        self._add(
            zone,
            definition.start_byte,
            definition.end_byte,
            definition.qualified,
            definition.kind,
            definition.start_line,
            definition.end_line,
            reason,
        )

    def _add(
        self, zone: str, start: int, end: int, symbol: str | None, kind: str, first: int, last: int, reason: str
    ) -> None:
        key = (zone, start, end)
        entry = self._regions.get(key)
        if entry is None:
            self._regions[key] = [symbol, kind, first, last, [reason]]
        elif reason not in entry[4] and not (
            reason.startswith("calls ") and any(r.startswith(reason + " (") for r in entry[4])
        ):
            # `calls verify` (by name) says less than `calls verify (app/security.py)`: one is enough
            entry[4].append(reason)

    def drop_content(self, zones: set[str]) -> None:
        """Forget what content rules found for `zones` (path rules, markers and failing closed
        stay): an exclusive zone matched this file by path."""
        kept = ("path ", "marker ", "unclassified")
        for key in list(self._regions):
            if key[0] not in zones:
                continue
            entry = self._regions[key]
            entry[4] = [r for r in entry[4] if r.startswith(kept)]
            if not entry[4]:
                del self._regions[key]

    def regions(self) -> tuple[Region, ...]:
        out = [
            Region(
                zone=zone,
                start_line=first,
                end_line=last,
                start_byte=start,
                end_byte=end,
                symbol=symbol,
                reasons=tuple(sorted(reasons, key=reason_rank)),
                kind=kind,
            )
            for (zone, start, end), (symbol, kind, first, last, reasons) in self._regions.items()
        ]
        out.sort(key=lambda r: (r.start_line, r.zone, r.start_byte, -r.end_byte))
        return tuple(out)
