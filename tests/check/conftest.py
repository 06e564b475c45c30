"""Real git repositories (the helper of tests/provenance) and a recording classifier."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pavedroad.analysis.classify import Classifier
from pavedroad.analysis.model import FileZones
from pavedroad.config.model import EffectiveConfig

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "provenance"))

from gitrepo import CLAUDE, GitRepo, git_env, lines

__all__ = ["CLAUDE", "GitRepo", "PathClassifier", "git_env", "lines"]


class PathClassifier(Classifier):
    """The real classifier, remembering which files it was asked to classify (the check must
    only open files that AI commits touched)."""

    def __init__(self, config: EffectiveConfig) -> None:
        super().__init__(config)
        self.seen: list[str] = []

    def classify(self, rel_path: str, data: bytes, **kwargs: Any) -> FileZones:
        self.seen.append(rel_path)
        return super().classify(rel_path, data, **kwargs)
