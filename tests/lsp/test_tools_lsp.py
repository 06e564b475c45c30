"""AI tool coverage through the real server: `pavedroad/toolCoverage` and the `pavedroad.sync`
command the VS Code extension's status item and "Sync" action use."""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient
from tests.lsp.helpers import SERVER, start


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, example_workspace: Path):
    await start(lsp_client, example_workspace, "visual-studio-code")
    yield
    await lsp_client.shutdown_session()


async def test_coverage_then_sync_then_current(client: LanguageClient, example_workspace: Path) -> None:
    uri = example_workspace.as_uri()
    before = await client.protocol.send_request_async("pavedroad/toolCoverage", {"uri": uri})
    tools = {t.tool: t.status for t in before.tools}
    assert {"claude", "cursor", "copilot", "gemini", "codex"} <= set(tools)
    assert set(tools.values()) == {"missing"}
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="pavedroad.sync", arguments=[uri]))
    written = set(result["written"])
    assert any(p.endswith(".claude/settings.json") for p in written)
    assert (example_workspace / ".cursorignore").exists()
    after = await client.protocol.send_request_async("pavedroad/toolCoverage", {"uri": uri})
    assert {t.status for t in after.tools} == {"current"}
    (example_workspace / ".cursorignore").write_text("# emptied by hand\n")
    stale = await client.protocol.send_request_async("pavedroad/toolCoverage", {"uri": uri})
    assert {t.tool: t.status for t in stale.tools}["cursor"] in ("stale", "missing")
