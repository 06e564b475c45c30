"""Real git repositories (the helper of tests/provenance) and a path-only test classifier."""

from __future__ import annotations

import sys
from pathlib import Path

import pathspec

from pavedroad.analysis.model import FileZones, Region
from pavedroad.config.model import EffectiveConfig

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "provenance"))

from gitrepo import CLAUDE, GitRepo, git_env, lines

__all__ = ["CLAUDE", "GitRepo", "PathClassifier", "git_env", "lines"]


class PathClassifier:
    """Zones from `match.paths` only, as file-scope regions; remembers what it classified.

    Keeps the check tests independent of the real classifier's detectors (one test uses those).
    """

    def __init__(self, config: EffectiveConfig) -> None:
        self.specs = [
            (z.id, pathspec.PathSpec.from_lines("gitignore", z.match.paths)) for z in config.zones
        ]
        self.seen: list[str] = []

    def classify(self, rel_path: str, data: bytes) -> FileZones:
        self.seen.append(rel_path)
        n = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        regions = tuple(
            Region(zone, 1, n, 0, len(data), None, ("path",), "file")
            for zone, spec in self.specs
            if spec.match_file(rel_path)
        )
        return FileZones(rel_path, None, regions)
