"""A real PostgreSQL 15 for the store tests, started by scripts/setup-postgres.sh on a temporary
data directory and a loopback port (see that script for running as root). Skips when it cannot be
started, except under CI=true, where that is a failure."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "setup-postgres.sh"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason} [CI is set, so this is a failure]", pytrace=False)
    pytest.skip(reason)


def postgres_server() -> Iterator[str]:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg 3 is not installed (pip install 'psycopg[binary]>=3.2')")
    directory = tempfile.mkdtemp(prefix="pavedroad-pg-", dir="/tmp")
    run = subprocess.run(["bash", str(SCRIPT), "start", directory], capture_output=True, text=True,
                         timeout=600, check=False)  # fmt: skip
    if run.returncode != 0:
        subprocess.run(["bash", str(SCRIPT), "stop", directory], check=False, capture_output=True)
        _unavailable(f"PostgreSQL 15 could not be started: {run.stderr.strip()[-500:]}")
    try:
        yield run.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", directory], check=False, capture_output=True, timeout=120)
