"""The server's settings, parsed once, with the rule for who may set central maps.

Settings arrive three ways: `initializationOptions` (set by the editor integration from the user's
or machine's configuration), then `workspace/configuration` and `didChangeConfiguration` (which a
repository can influence: VS Code workspace settings, Emacs `.dir-locals.el`). So:

* central maps from the initialization options join the machine-level sources
  (`config.machine_central`: `/etc/pavedroad/central.yaml`, `PAVEDROAD_CENTRAL`);
* central maps from later settings may only be *added* (`client_central` only grows, so an empty
  list drops nothing), and the loader refuses any that lie inside the repository;
* everything else (`debounceMs`) may change at any time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from pavedroad.config import machine_central

DEFAULT_DEBOUNCE_MS = 150
MAX_DEBOUNCE_MS = 5000


@dataclass(frozen=True)
class Settings:
    debounce_ms: int = DEFAULT_DEBOUNCE_MS
    #: machine-level central map specs (system map, environment, initialization options)
    central: tuple[str, ...] = ()
    #: central map specs added later by client settings; never shrinks
    client_central: tuple[str, ...] = ()


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)):
        return ()
    return tuple(v.strip() for v in value if isinstance(v, str) and v.strip())


def _debounce(options: Mapping[str, Any], current: int) -> int:
    value = options.get("debounceMs")
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_DEBOUNCE_MS:
        return value
    return current


def from_initialization(options: Any, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from `initializationOptions` (Neovim sends `[]` for none: accepted)."""
    opts = options if isinstance(options, Mapping) else {}
    return Settings(
        debounce_ms=_debounce(opts, DEFAULT_DEBOUNCE_MS),
        central=machine_central(_strings(opts.get("centralZones")), environ),
    )


def with_client_settings(settings: Settings, options: Any) -> Settings:
    """`settings` updated from a later `workspace/configuration` answer or notification."""
    if not isinstance(options, Mapping):
        return settings
    added = [s for s in _strings(options.get("centralZones"))
             if s not in settings.central and s not in settings.client_central]
    return replace(
        settings,
        debounce_ms=_debounce(options, settings.debounce_ms),
        client_central=settings.client_central + tuple(dict.fromkeys(added)),
    )
