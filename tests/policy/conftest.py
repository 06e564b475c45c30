"""Shares the real-git-repo helper of tests/provenance."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "provenance"))

from gitrepo import CLAUDE, GitRepo, git_env, lines

__all__ = ["CLAUDE", "GitRepo", "git_env", "lines"]
