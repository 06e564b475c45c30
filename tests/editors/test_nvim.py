"""Headless Neovim (Debian's 0.7.2: `vim.lsp.start_client`, push diagnostics, settings through
init_options) with the editors/nvim module: an AI insertion reported with `pavedroad/aiEdit` inside
the auth function gets PR102 naming the zone; the same insertion in a `tests` zone file gets none.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

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


def run_nvim(
    workspace: Path, tmp_path: Path, cases: list[dict[str, Any]], extra: str = ""
) -> dict[str, Any]:
    nvim = need("nvim", "Neovim (Debian package neovim)")
    env = isolated_env(
        tmp_path,
        PAVEDROAD_CMD=json.dumps(server_command()),
        PAVEDROAD_ROOT=str(workspace),
        PAVEDROAD_RTP=str(EDITORS / "nvim"),
        PAVEDROAD_CASES=json.dumps(cases),
        PAVEDROAD_EXTRA=extra,
    )
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [
                nvim,
                "--headless",
                "-u",
                "NONE",
                "-i",
                "NONE",
                "-n",
                "-c",
                f"luafile {HERE / 'nvim_driver.lua'}",
            ],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
        )
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"nvim timed out after 90 s: {e.stdout!r} {e.stderr!r}")
    lsp_log = tmp_path / "xdg" / "cache" / "nvim" / "lsp.log"
    server_log = lsp_log.read_text(errors="replace")[-3000:] if lsp_log.exists() else ""
    assert proc.returncode == 0, (
        f"nvim rc={proc.returncode}\nstdout: {proc.stdout}\nstderr: {proc.stderr}\nlsp.log:\n{server_log}"
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("{")), None)
    assert line, f"no JSON from the driver: {proc.stdout!r} {proc.stderr!r}"
    result: dict[str, Any] = json.loads(line)
    result["wall"] = time.monotonic() - started
    result["server_log"] = server_log
    return result


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


def test_nvim_ai_edit_in_auth_zone_and_not_in_tests_zone(
    editor_workspace: Path, tmp_path: Path
) -> None:
    result = run_nvim(editor_workspace, tmp_path, [AUTH_CASE, TESTS_CASE])
    auth, tests = result["cases"]
    assert auth["opened"], (
        f"the server published nothing for {AUTH_FILE} after didOpen\n{result['server_log']}"
    )
    assert auth["sent"], "pavedroad/aiEdit was not sent (module found no pavedroad client)"
    pr102 = [d for d in auth["diagnostics"] if d["code"] == "PR102"]
    assert pr102, (
        f"no PR102 after aiEdit in the auth zone: {auth['diagnostics']}\n{result['server_log']}"
    )
    d = pr102[0]
    assert d["source"] == "pavedroad"
    assert d["severity"] == 2  # Warning
    assert "auth" in d["message"].lower(), d["message"]
    assert d["lnum"] <= AUTH_INSERT_AT + len(AUTH_LINES) - 1 and d["end_lnum"] >= AUTH_INSERT_AT, d
    # the tests zone allows AI code: the same insertion gets no PR10x diagnostic
    assert tests["waited_ok"], (
        f"the server never answered version {tests['version']} of {TESTS_FILE}"
    )
    ai_diags = [d for d in tests["diagnostics"] if str(d["code"]).startswith("PR10")]
    assert ai_diags == [], ai_diags
    print(f"nvim {result['nvim']}: {result['wall']:.2f}s wall; auth case {auth['seconds']:.2f}s")


def test_nvim_module_commands(editor_workspace: Path, tmp_path: Path) -> None:
    result = run_nvim(editor_workspace, tmp_path, [AUTH_CASE], extra="commands")
    extra = result["extra"]
    assert all(extra["commands"].values()), extra["commands"]
    assert extra["zones_error"] is None, extra["zones_error"]
    assert any(z["id"] == "auth" and z.get("ai") == "review" for z in extra["zones"]), extra[
        "zones"
    ]
    assert extra["prompt_error"] is None, extra["prompt_error"]
    prompt = extra["prompt"]
    assert prompt["verdict"] in ("warn", "block"), prompt
    assert FAKE_AWS_KEY not in prompt["redacted"], "the redacted prompt still holds the key"
    assert extra["zone_map_items"] > 0


def test_nvim_applies_add_to_zone(editor_workspace: Path, tmp_path: Path) -> None:
    """The "Add to zone" code action, applied by Neovim itself: its workspace edit lands in
    `.pavedroad.yaml` (not open in the editor) and the saved file names the function."""
    publish = editor_workspace / "app" / "publish.py"
    publish.write_text("def allow_publish(user, package):\n    return package.owner == user.name\n", "utf-8")
    config = editor_workspace / ".pavedroad.yaml"
    before = config.read_text("utf-8")
    case = {"file": "app/publish.py", "insert_at": 0, "lines": [], "expect_code": None}
    result = run_nvim(editor_workspace, tmp_path, [case], extra="add_to_zone")
    extra = result["extra"]
    assert extra.get("applied") == "Add `allow_publish` to zone auth (.pavedroad.yaml)", (
        f"{extra}\n{result['server_log']}")
    after = config.read_text("utf-8")
    assert "^(allow_publish)$" in after and after != before
    auth = next(z for z in yaml.safe_load(after)["zones"] if z["id"] == "auth")
    assert "^(allow_publish)$" in auth["match"]["symbols"]
