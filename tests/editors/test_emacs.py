"""Emacs (Debian's emacs-nox 28 + elpa-eglot 1.9) in batch mode with editors/emacs/pavedroad.el:
`pavedroad/aiEdit` sent with `jsonrpc-notify` on the eglot server inside the auth function gives
PR102 naming the zone; the same insertion in a `tests` zone file gives none.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from .helpers import (
    AUTH_FILE,
    AUTH_INSERT_AT,
    AUTH_LINES,
    EDITORS,
    FAKE_AWS_KEY,
    HERE,
    TESTS_FILE,
    TESTS_INSERT_AT,
    TESTS_LINES,
    isolated_env,
    need,
    server_command,
)

pytestmark = pytest.mark.editor


def _eglot_available(emacs: str, env: dict[str, str]) -> bool:
    probe = subprocess.run(
        [
            emacs,
            "--batch",
            "--eval",
            "(progn (package-initialize) (kill-emacs (if (require 'eglot nil t) 0 1)))",
        ],
        env=env,
        capture_output=True,
        timeout=60,
    )
    return probe.returncode == 0


AUTH_CASE = {
    "file": AUTH_FILE,
    "insert_at": AUTH_INSERT_AT,
    "lines": AUTH_LINES,
    "expect_code": "PR102",
}
TESTS_CASE = {
    "file": TESTS_FILE,
    "insert_at": TESTS_INSERT_AT,
    "lines": TESTS_LINES,
    "expect_code": None,
}


def run_emacs(
    workspace: Path, tmp_path: Path, cases: list[dict[str, Any]], extra: str = ""
) -> dict[str, Any]:
    emacs = need("emacs", "Emacs (Debian package emacs-nox)")
    env = isolated_env(
        tmp_path,
        PAVEDROAD_CMD=json.dumps(server_command()),
        PAVEDROAD_ROOT=str(workspace),
        PAVEDROAD_EL=str(EDITORS / "emacs" / "pavedroad.el"),
        PAVEDROAD_CASES=json.dumps(cases),
        PAVEDROAD_EXTRA=extra,
    )
    if not _eglot_available(emacs, env):
        need(Path("/usr/share/emacs/site-lisp/elpa/eglot"), "eglot (Debian package elpa-eglot)")
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [emacs, "--batch", "-l", str(HERE / "eglot_driver.el")],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
        )
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"emacs timed out after 90 s: {e.stdout!r} {e.stderr!r}")
    assert proc.returncode == 0, f"emacs rc={proc.returncode}\n{proc.stdout}\n{proc.stderr[-3000:]}"
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("{")), None)
    assert line, f"no JSON from the driver:\n{proc.stdout}\n{proc.stderr[-3000:]}"
    result: dict[str, Any] = json.loads(line)
    assert "error" not in result["cases"][0], f"{result['cases'][0]}\n{proc.stderr[-3000:]}"
    result["wall"] = time.monotonic() - started
    result["stderr"] = proc.stderr[-3000:]
    return result


def test_emacs_eglot_ai_edit_in_auth_zone_and_not_in_tests_zone(
    editor_workspace: Path, tmp_path: Path
) -> None:
    result = run_emacs(editor_workspace, tmp_path, [AUTH_CASE, TESTS_CASE])
    auth, tests = result["cases"]
    assert auth["connected"] is True, f"eglot did not connect:\n{result['stderr']}"
    assert auth["sent"] is True, "pavedroad-mark-region-as-ai sent nothing"
    pr102 = [d for d in auth["diagnostics"] if "[PR102]" in d["text"]]
    assert pr102, f"no PR102 in flymake after aiEdit: {auth['diagnostics']}\n{result['stderr']}"
    d = pr102[0]
    assert d["type"] == "eglot-warning", d
    assert d["text"].startswith("pavedroad [PR102]"), d["text"]
    assert "auth" in d["text"].lower(), d["text"]
    assert d["line"] <= AUTH_INSERT_AT + len(AUTH_LINES) - 1 and d["end_line"] >= AUTH_INSERT_AT, d
    assert tests["waited_ok"] is True, (
        f"the server never answered version {tests['version']} of {TESTS_FILE}"
    )
    ai = [d for d in tests["diagnostics"] if "[PR10" in d["text"]]
    assert ai == [], ai
    print(f"emacs {result['emacs']}: {result['wall']:.2f}s wall")


def test_emacs_package_commands(editor_workspace: Path, tmp_path: Path) -> None:
    extra = run_emacs(editor_workspace, tmp_path, [AUTH_CASE], extra="commands")["extra"]
    assert "auth" in extra["zones"], extra
    assert extra["verdict"] in ("warn", "block"), extra
    assert FAKE_AWS_KEY not in extra["redacted"], extra
    assert extra["zone_map_lines"] > 0, extra


def test_emacs_package_byte_compiles_without_warnings(tmp_path: Path) -> None:
    emacs = need("emacs", "Emacs (Debian package emacs-nox)")
    env = isolated_env(tmp_path)
    if not _eglot_available(emacs, env):
        need(Path("/usr/share/emacs/site-lisp/elpa/eglot"), "eglot (Debian package elpa-eglot)")
    src = tmp_path / "pavedroad.el"
    src.write_text((EDITORS / "emacs" / "pavedroad.el").read_text())
    proc = subprocess.run(
        [
            emacs,
            "--batch",
            "--eval",
            "(package-initialize)",
            "--eval",
            "(setq byte-compile-error-on-warn t)",
            "-f",
            "batch-byte-compile",
            str(src),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
