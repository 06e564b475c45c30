"""Helpers for classifier tests: build zones and configs by hand (no loader involved)."""

from __future__ import annotations

import textwrap
from typing import Any

from pavedroad.analysis.classify import Classifier
from pavedroad.analysis.model import FileZones
from pavedroad.config.model import EffectiveConfig, Level, MatchRules, Zone


def zone(zone_id: str, *, scope: str = "symbol", ai: Level = Level.REVIEW, **match: Any) -> Zone:
    """A zone with match rules given as keyword lists; `queries` as a {language: source} dict."""
    rules: dict[str, Any] = {}
    for key, value in match.items():
        if key == "queries":
            rules[key] = tuple(value.items()) if isinstance(value, dict) else tuple(value)
        else:
            rules[key] = tuple(value)
    return Zone(id=zone_id, ai=ai, scope=scope, match=MatchRules(**rules))  # type: ignore[arg-type]


def config(*zones: Zone) -> EffectiveConfig:
    return EffectiveConfig(root="/nonexistent", zones=tuple(zones))


def classifier(*zones: Zone, **kwargs: Any) -> Classifier:
    return Classifier(config(*zones), **kwargs)


def source(text: str) -> bytes:
    return textwrap.dedent(text).lstrip("\n").encode("utf-8")


def classify(zones: Zone | list[Zone], path: str, text: str | bytes, **kwargs: Any) -> FileZones:
    zone_list = [zones] if isinstance(zones, Zone) else zones
    data = source(text) if isinstance(text, str) else text
    return classifier(*zone_list).classify(path, data, **kwargs)


def symbols(result: FileZones, zone_id: str | None = None) -> set[str | None]:
    """Symbols of the regions (None for a whole-file region), optionally of one zone."""
    return {r.symbol for r in result.regions if zone_id is None or r.zone == zone_id}


def region(result: FileZones, zone_id: str, symbol: str | None) -> Any:
    found = [r for r in result.regions if r.zone == zone_id and r.symbol == symbol]
    assert len(found) == 1, f"expected one {zone_id}/{symbol} region in {result.regions}"
    return found[0]


def reasons(result: FileZones, zone_id: str, symbol: str | None) -> tuple[str, ...]:
    return tuple(region(result, zone_id, symbol).reasons)
