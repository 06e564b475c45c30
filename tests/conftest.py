"""Shared fixtures: a private copy of the bundled example workspace for each test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "zones" / "examples"


@pytest.fixture
def example_workspace(tmp_path: Path) -> Path:
    """zones/examples copied to a temp dir (tests must never write into the repo)."""
    shutil.copytree(EXAMPLES, tmp_path / "examples", symlinks=True)
    return tmp_path / "examples" / "workspace"


@pytest.fixture
def example_central(example_workspace: Path) -> str:
    """The example's central map (copied with it), as a machine-level `--central` would give it."""
    return str(example_workspace.parent / "central" / "security-zones.yaml")
