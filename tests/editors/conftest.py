"""Fixtures for the real-editor tests (see helpers.py)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import check_example_lines


@pytest.fixture
def editor_workspace(example_workspace: Path) -> Path:
    """A private copy of zones/examples/workspace (tests never write into the repo)."""
    check_example_lines(example_workspace)
    return example_workspace


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    """A short temp dir (unix socket paths must stay under 108 bytes), removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix="pr-", dir="/tmp"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
