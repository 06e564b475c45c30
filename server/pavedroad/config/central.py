"""Machine-level central maps: where security deploys the maps a repository cannot loosen.

Central maps come only from sources a repository does not control, in this order:

1. the system map, `/etc/pavedroad/central.yaml` (a zone map itself; it may `extends` others),
   or the file named by `PAVEDROAD_SYSTEM_CENTRAL` (for tests and non-standard installs);
2. `PAVEDROAD_CENTRAL`: specs separated by `;` or newlines;
3. what the caller adds: the editor's initialization options, or `--central` in CI.

A spec is `preset:NAME`, `https://host/map.yaml#sha256=<64 hex>` or an absolute path. Settings a
client sends later (`workspace/configuration`, `didChangeConfiguration`) may add maps, never
remove one (see `lsp.settings`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

SYSTEM_CENTRAL = "/etc/pavedroad/central.yaml"
ENV_SYSTEM = "PAVEDROAD_SYSTEM_CENTRAL"
ENV_CENTRAL = "PAVEDROAD_CENTRAL"


def split_specs(value: str) -> list[str]:
    """`a.yaml;https://x#sha256=...` (or one per line) -> the non-empty specs."""
    return [part.strip() for part in value.replace("\n", ";").split(";") if part.strip()]


def machine_central(extra: Sequence[str] = (),
                    environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Every machine-level central map spec, system map first, without duplicates."""
    env = os.environ if environ is None else environ
    specs: list[str] = []
    system = env.get(ENV_SYSTEM) or SYSTEM_CENTRAL
    if os.path.isfile(system):
        specs.append(system)
    specs.extend(split_specs(env.get(ENV_CENTRAL, "")))
    specs.extend(s for s in extra if isinstance(s, str) and s.strip())
    return tuple(dict.fromkeys(specs))
