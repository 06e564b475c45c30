"""Real VS Code (code-server 4.100.3 = VS Code 1.100.3) with the packaged extension, driven by
playwright-core in Debian's chromium: AI-written code in the auth zone gets PR102 in the Problems
panel, the status bar shows the zone, and the "Sign off" quick fix clears the warning.

Screenshots of every step: .test-artifacts/editors/vscode/ (override with PAVEDROAD_ARTIFACTS).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from .helpers import HERE, REPO, TOOLS, artifacts, free_port, isolated_env, need, server_command

pytestmark = pytest.mark.editor

CLIENT = REPO / "vscode-client"


def _vsix_is_stale(vsix: Path) -> bool:
    if not vsix.exists():
        return True
    built = vsix.stat().st_mtime
    sources = [CLIENT / "package.json", CLIENT / "README.md", *(CLIENT / "src").rglob("*.ts")]
    return any(p.stat().st_mtime > built for p in sources if p.exists())


def _ensure_vsix(env: dict[str, str]) -> Path:
    vsix = CLIENT / "pavedroad.vsix"
    if _vsix_is_stale(vsix):
        need(CLIENT / "node_modules" / ".bin" / "vsce", "vscode-client npm dependencies")
        subprocess.run(
            ["npx", "--no-install", "vsce", "package", "--no-dependencies", "-o", str(vsix)],
            cwd=CLIENT,
            env=env,
            check=True,
            timeout=120,
            capture_output=True,
        )
    return vsix


def _stop(proc: subprocess.Popen[Any]) -> None:
    """Stop a process started in its own session and everything it spawned (its process group)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def test_vscode_ai_code_in_auth_zone_then_sign_off(
    editor_workspace: Path, tmp_path: Path, short_tmp: Path
) -> None:
    code_server = need(
        TOOLS / "code-server" / "node_modules" / ".bin" / "code-server", "code-server 4.100.3"
    )
    need("node", "node")
    chromium = need(Path("/usr/bin/chromium"), "Debian chromium")
    playwright = need(
        CLIENT / "node_modules" / "playwright-core", "playwright-core (vscode-client devDependency)"
    )
    out = artifacts("vscode")
    env = isolated_env(tmp_path, short_tmp)
    vsix = _ensure_vsix(env)

    cs = tmp_path / "cs"
    user, exts = cs / "user", cs / "ext"
    (user / "User").mkdir(parents=True)
    (user / "User" / "settings.json").write_text(
        json.dumps(
            {
                "workbench.startupEditor": "none",
                "security.workspace.trust.enabled": False,
                "telemetry.telemetryLevel": "off",
                "update.mode": "none",
                "extensions.autoCheckUpdates": False,
                "extensions.autoUpdate": False,
                "workbench.tips.enabled": False,
                "editor.minimap.enabled": False,
                "files.autoSave": "off",
                "chat.commandCenter.enabled": False,
                # no completion popups: Enter must insert a newline, and ghost text must show
                "editor.quickSuggestions": {"other": "off", "comments": "off", "strings": "off"},
                "editor.suggestOnTriggerCharacters": False,
                "editor.wordBasedSuggestions": "off",
                "editor.parameterHints.enabled": False,
                "editor.inlineSuggest.enabled": True,
                "pavedroad.server.command": server_command(),
                "pavedroad.debounceMs": 50,
            },
            indent=2,
        )
    )
    started = time.monotonic()
    # a test-only stand-in for an AI assistant's inline suggestions (tests/editors/inline_provider)
    provider_src = tmp_path / "inline_provider"
    shutil.copytree(HERE / "inline_provider", provider_src)
    provider_vsix = tmp_path / "inline-provider.vsix"
    subprocess.run(
        [
            str(CLIENT / "node_modules" / ".bin" / "vsce"),
            "package",
            "--allow-missing-repository",
            "--skip-license",
            "-o",
            str(provider_vsix),
        ],
        cwd=provider_src,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
    )
    for ext in (vsix, provider_vsix):
        subprocess.run(
            [
                code_server,
                "--install-extension",
                str(ext),
                "--user-data-dir",
                str(user),
                "--extensions-dir",
                str(exts),
            ],
            env=env,
            check=True,
            timeout=120,
            capture_output=True,
        )
    port = free_port()
    config = cs / "config.yaml"
    config.write_text(f"bind-addr: 127.0.0.1:{port}\nauth: none\ncert: false\n")
    log = (out / "code-server.log").open("wb")
    proc = subprocess.Popen(
        [
            code_server,
            "--config",
            str(config),
            "--user-data-dir",
            str(user),
            "--extensions-dir",
            str(exts),
            "--disable-telemetry",
            "--disable-update-check",
            "--disable-workspace-trust",
            str(editor_workspace),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None, f"code-server exited early, see {out / 'code-server.log'}"
            assert time.monotonic() < deadline, "code-server did not become healthy in 60 s"
            time.sleep(0.2)
        driver_env = dict(
            env,
            URL=url,
            WORKSPACE=str(editor_workspace),
            OUT=str(out),
            PLAYWRIGHT_CORE=playwright,
            CHROMIUM=chromium,
        )
        driver = subprocess.Popen(
            ["node", str(HERE / "vscode_driver.js")],
            env=driver_env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            stdout, stderr = driver.communicate(timeout=180)
        except subprocess.TimeoutExpired:
            _stop(driver)  # node and its chromium
            stdout, stderr = driver.communicate()
            pytest.fail(
                f"VS Code driver timed out after 180 s; screenshots: {out}\n{stdout}\n{stderr}"
            )
        run = subprocess.CompletedProcess(driver.args, driver.returncode, stdout, stderr)
        (out / "driver.log").write_text(run.stdout + "\n--- stderr ---\n" + run.stderr)
        steps = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
        failed = next((s for s in steps if "failed" in s), None)
        assert run.returncode == 0 and failed is None, (
            f"VS Code step {failed and failed['failed']!r} failed: {failed and failed['error']}\n"
            f"screenshots and logs: {out}\n{run.stderr[-2000:]}"
        )
        status = next(s["status"] for s in steps if "status" in s)
        problem = next(s["problem"] for s in steps if "problem" in s)
        assert "auth" in status
        assert "PR102" in problem
        assert any("inline" in s for s in steps), "the inline-suggestion step did not run"
        assert any("editOrigin paste" in s.get("paste", "") for s in steps), (
            "no editOrigin paste was sent"
        )
        assert (editor_workspace / ".pavedroad" / "reviews.yaml").exists(), (
            "sign-off wrote no .pavedroad/reviews.yaml"
        )
        print(
            f"VS Code run: {time.monotonic() - started:.1f}s wall; driver {steps[-1].get('seconds')}s; {out}"
        )
    finally:
        _stop(proc)
        log.close()
        # the extension's output channel (client log, server stderr) for debugging
        for channel in (user / "logs").rglob("*Pavedroad*.log"):
            shutil.copy(channel, out / "pavedroad-output-channel.log")
