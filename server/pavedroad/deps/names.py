"""Package-name normalization per ecosystem, as each registry compares names.

- PyPI: PEP 503 (`-`, `_`, `.` runs are one separator; case-insensitive).
- crates.io: `-` and `_` are the same crate name; case-insensitive.
- npm, RubyGems, Maven, Go, Terraform: compared case-insensitively here (their registries are
  case-sensitive for lookups, so lookups always use the name as written).
"""

from __future__ import annotations

import re

from pavedroad.deps.model import Ecosystem

_PEP503 = re.compile(r"[-_.]+")
_SEPARATORS = re.compile(r"[-_.]")


def normalize(ecosystem: Ecosystem | str, name: str) -> str:
    """The name the registry would consider identical (used as a map key and for typo checks)."""
    lowered = name.strip().lower()
    if ecosystem == "pypi":
        return _PEP503.sub("-", lowered)
    if ecosystem == "cargo":
        return lowered.replace("_", "-")
    return lowered


def squash(name: str) -> str:
    """`name` without separators: `python-dateutil`, `python_dateutil` and `pythondateutil` agree."""
    return _SEPARATORS.sub("", name)

