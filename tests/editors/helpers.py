"""Helpers for the real-editor tests (Neovim, Emacs + eglot, VS Code via code-server).

The tools come from `scripts/setup-editors.sh`. A test skips when its tool is missing, unless the
environment variable CI is set: in CI a missing tool is a failure, never a silent skip.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
EDITORS = REPO / "editors"
TOOLS = Path(os.environ.get("PAVEDROAD_TOOLS_DIR", REPO / ".tools"))
ARTIFACTS = Path(os.environ.get("PAVEDROAD_ARTIFACTS", REPO / ".test-artifacts")) / "editors"

# scripts/setup-editors.sh installs node 20 here when the machine's node is not 20
_NODE20 = TOOLS / "node20" / "bin"
if _NODE20.is_dir() and str(_NODE20) not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = f"{_NODE20}{os.pathsep}{os.environ.get('PATH', '')}"

# Where the example workspace's AI insertions go (0-based lines, checked against the files below).
AUTH_FILE = "src/auth/session.py"
AUTH_INSERT_AT = 10  # before `    return {...}` inside new_session()
AUTH_LINES = ["    audit_user = user_id", "    audit_time = issued"]
TESTS_FILE = "tests/test_handlers.py"
TESTS_INSERT_AT = 5  # before `    assert ...` inside test_list_orders_pages()
TESTS_LINES = ["    audit_user = 1", "    audit_time = 2"]

# A made-up AWS access key ID for the prompt checks (not AWS's documented example key, which the
# server rightly treats as a placeholder). Assembled here so secret scanners don't flag the repo.
FAKE_AWS_KEY = "AKIA" + "Q3HZ7WPLK2M4XR6T"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def need(tool: str | Path, what: str) -> str:
    """Path of a required tool; skip (or fail under CI) with a clear reason when it is missing."""
    found = (str(tool) if tool.exists() else None) if isinstance(tool, Path) else shutil.which(tool)
    if found:
        return found
    reason = f"{what} not found ({tool}): run `bash scripts/setup-editors.sh`"
    if in_ci():
        pytest.fail(f"{reason} [CI is set, so missing editor tools are a failure]", pytrace=False)
    pytest.skip(reason)


def server_command() -> list[str]:
    """The language server command: $PAVEDROAD_LSP_CMD (JSON array or words), else the venv's console script."""
    override = os.environ.get("PAVEDROAD_LSP_CMD")
    if override:
        return json.loads(override) if override.lstrip().startswith("[") else override.split()
    script = Path(sys.executable).with_name("pavedroad")
    if script.exists():
        return [str(script), "lsp"]
    return [sys.executable, "-m", "pavedroad", "lsp"]


def isolated_env(tmp_path: Path, short_tmp: Path | None = None, **extra: str) -> dict[str, str]:
    """Environment with HOME, XDG dirs and TMPDIR inside tmp_path, so editors write nothing under ~.

    `short_tmp` (a short path) becomes TMPDIR when given: chromium and code-server put unix sockets
    there, and pytest's tmp_path is too long for a socket path (108 bytes).
    """
    home = tmp_path / "home"
    dirs = {
        "HOME": home,
        "XDG_CONFIG_HOME": tmp_path / "xdg" / "config",
        "XDG_DATA_HOME": tmp_path / "xdg" / "data",
        "XDG_STATE_HOME": tmp_path / "xdg" / "state",
        "XDG_CACHE_HOME": tmp_path / "xdg" / "cache",
        "TMPDIR": short_tmp or tmp_path / "tmp",
    }
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NVIM", "VIM", "EMACS"))}
    env.update({k: str(v) for k, v in dirs.items()})
    env["PYTHONUNBUFFERED"] = "1"
    env["PAVEDROAD_FAKE_KEY"] = FAKE_AWS_KEY
    # the server must come from this checkout even if the venv is not activated
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO / "server"), env.get("PYTHONPATH", "")) if p
    )
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def artifacts(name: str) -> Path:
    out = ARTIFACTS / name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    return out


def check_example_lines(workspace: Path) -> None:
    """The insertion points above must still be inside the functions they target."""
    auth = (workspace / AUTH_FILE).read_text().splitlines()
    assert auth[AUTH_INSERT_AT - 2].startswith("def new_session"), auth[AUTH_INSERT_AT - 2]
    assert auth[AUTH_INSERT_AT].strip().startswith("return"), auth[AUTH_INSERT_AT]
    tests = (workspace / TESTS_FILE).read_text().splitlines()
    assert tests[TESTS_INSERT_AT - 2].startswith("def test_"), tests[TESTS_INSERT_AT - 2]
