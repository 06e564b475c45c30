"""The VS Code extension's own unit tests (pure modules: server-command resolution, inserted-range
computation, paste detection, status text), run with node's test runner on the esbuild output."""

from __future__ import annotations

import subprocess

import pytest

from .helpers import REPO, need

pytestmark = pytest.mark.editor

CLIENT = REPO / "vscode-client"


def test_vscode_extension_unit_tests() -> None:
    node = need("node", "node")
    need(CLIENT / "node_modules" / "esbuild", "vscode-client npm dependencies")
    build = subprocess.run(
        [node, "esbuild.mjs", "--tests"], cwd=CLIENT, capture_output=True, text=True, timeout=120
    )
    assert build.returncode == 0, build.stderr
    run = subprocess.run(
        [node, "--test", "out/test/"], cwd=CLIENT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout


def test_vscode_extension_typechecks() -> None:
    node = need("node", "node")
    tsc = need(
        CLIENT / "node_modules" / "typescript" / "bin" / "tsc",
        "typescript (vscode-client devDependency)",
    )
    run = subprocess.run(
        [node, tsc, "-p", ".", "--noEmit"], cwd=CLIENT, capture_output=True, text=True, timeout=180
    )
    assert run.returncode == 0, run.stdout[-4000:]


def test_extension_commands_do_not_clash_with_server_commands() -> None:
    """vscode-languageclient registers the server's workspace commands as VS Code commands; an
    extension command with the same id makes the client fail to start."""
    import json
    import re

    contributed = {
        c["command"]
        for c in json.loads((CLIENT / "package.json").read_text())["contributes"]["commands"]
    }
    source = (CLIENT / "src" / "extension.ts").read_text()
    registered = set(re.findall(r"reg\('(pavedroad\.[A-Za-z]+)'", source))
    assert registered == contributed, registered ^ contributed
    server_commands = {"pavedroad.signOff", "pavedroad.requestException", "pavedroad.showZoneMap"}
    for path in (REPO / "server" / "pavedroad").rglob("*.py"):
        server_commands |= set(
            re.findall(r'_COMMAND\s*=\s*"(pavedroad\.[A-Za-z]+)"', path.read_text())
        )
    assert not (contributed & server_commands), contributed & server_commands
