"""Built-in zone presets (`extends: preset:NAME`).

Presets are looked up first as package data (`pavedroad/presets/NAME.yaml`, installed with the
package), then in the source checkout's `zones/presets/`.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

PRESET_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

#: `zones/presets` of a source checkout (server/pavedroad/config/presets.py -> repo root).
REPO_PRESETS = Path(__file__).resolve().parents[3] / "zones" / "presets"


def preset_dirs() -> list[Path]:
    """Directories searched for presets, in order (only those that exist)."""
    dirs: list[Path] = []
    try:
        packaged = resources.files("pavedroad") / "presets"
        if packaged.is_dir():
            dirs.append(Path(str(packaged)))
    except (ModuleNotFoundError, OSError, TypeError):
        pass
    if REPO_PRESETS.is_dir():
        dirs.append(REPO_PRESETS)
    return dirs


def preset_names() -> list[str]:
    """Names of all available presets, sorted."""
    names: set[str] = set()
    for directory in preset_dirs():
        for path in directory.glob("*.yaml"):
            if PRESET_NAME.match(path.stem):
                names.add(path.stem)
    return sorted(names)


def preset_path(name: str) -> Path:
    """The file of preset `name`; raises KeyError (with the known names) if there is none."""
    if PRESET_NAME.match(name):
        for directory in preset_dirs():
            candidate = directory / f"{name}.yaml"
            if candidate.is_file():
                return candidate
    raise KeyError(f"unknown preset {name!r} (known: {', '.join(preset_names()) or 'none'})")
