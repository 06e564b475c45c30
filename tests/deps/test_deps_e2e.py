"""Issue 12 end to end: an AI-written edit to package.json adds a typo of a popular package
(`lodahs` for `lodash`); the editor, `pavedroad check` and an agent's hook each flag it where it
lands, with the closest real name suggested. Registry look-ups are off (`PAVEDROAD_OFFLINE=1`):
the typo check needs none, and existence is reported "not verified", never "missing"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from tests.lsp.helpers import open_file, pushed, start

BEFORE = '{\n  "name": "app",\n  "dependencies": {\n    "express": "^4.19.0"\n  }\n}\n'
AFTER = ('{\n  "name": "app",\n  "dependencies": {\n    "express": "^4.19.0",\n'
         '    "lodahs": "^4.17.21"\n  }\n}\n')
ENV = {**os.environ, "PAVEDROAD_OFFLINE": "1", "PAVEDROAD_HOOKD": "0",
       "PAVEDROAD_SYSTEM_CENTRAL": "/nonexistent", "GIT_CONFIG_GLOBAL": os.devnull,
       "GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@acme.test",
       "GIT_COMMITTER_NAME": "Dev", "GIT_COMMITTER_EMAIL": "dev@acme.test"}
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "pavedroad", "lsp"],
                            server_env=ENV)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=ENV)


def make_repo(root: Path) -> None:
    root.mkdir(parents=True)
    (root / ".pavedroad.yaml").write_text("version: 1\nextends: [preset:dependencies]\n")
    (root / "package.json").write_text(BEFORE)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init")


def test_check_flags_the_typo_from_an_ai_commit(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    make_repo(root)
    (root / "package.json").write_text(AFTER)
    git(root, "commit", "-qam", "add lodash\n\nCo-authored-by: Claude <noreply@anthropic.com>")
    done = subprocess.run([sys.executable, "-m", "pavedroad", "check", "--format", "json"],
                          cwd=root, capture_output=True, text=True, env=ENV, timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    rows = [r for r in json.loads(done.stdout)["findings"] if r["code"].startswith("PR5")]
    typo = next(r for r in rows if r["code"] == "PR504")
    assert typo["start_line"] == 5 and "'lodash'" in typo["message"]
    assert not any(r["code"] == "PR503" for r in rows)  # offline: never a false "missing"
    sarif = subprocess.run([sys.executable, "-m", "pavedroad", "check", "--format", "sarif"],
                           cwd=root, capture_output=True, text=True, env=ENV, timeout=120, check=False)
    rules = {r["id"]: r for r in json.loads(sarif.stdout)["runs"][0]["tool"]["driver"]["rules"]}
    assert "typo" in rules["PR504"]["fullDescription"]["text"].lower()


def test_a_hook_denies_a_deny_listed_package_and_warns_on_the_typo(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    make_repo(root)
    (root / ".pavedroad.yaml").write_text(
        "version: 1\nextends: [preset:dependencies]\ndependencies: {deny: [left-pad]}\n")

    def edit(name: str) -> subprocess.CompletedProcess[bytes]:
        payload = json.dumps({
            "session_id": "s", "transcript_path": "/t", "cwd": str(root),
            "hook_event_name": "PreToolUse", "tool_name": "Edit", "tool_use_id": "t",
            "tool_input": {"file_path": str(root / "package.json"),
                           "old_string": '"express": "^4.19.0"',
                           "new_string": f'"express": "^4.19.0",\n    "{name}": "^1.0.0"'}})
        return subprocess.run([sys.executable, "-m", "pavedroad", "hook", "claude", "PreToolUse"],
                              input=payload.encode(), capture_output=True, env=ENV, timeout=120,
                              check=False)

    denied = edit("left-pad")
    assert denied.returncode == 2 and b"deny list" in denied.stderr
    warned = edit("lodahs")
    assert warned.returncode == 0 and b"'lodash'" in warned.stderr


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    lsp_client.root = tmp_path / "repo"  # type: ignore[attr-defined]
    make_repo(lsp_client.root)  # type: ignore[attr-defined]
    await start(lsp_client, lsp_client.root, "neovim@v0.7.0")  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def test_the_editor_flags_the_typo_an_assistant_inserted(client: LanguageClient) -> None:
    root: Path = client.root  # type: ignore[attr-defined]
    uri = open_file(client, root / "package.json")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=AFTER)]))
    client.protocol.notify("pavedroad/aiEdit", {
        "textDocument": {"uri": uri, "version": 2},
        "range": {"start": {"line": 4, "character": 0}, "end": {"line": 5, "character": 0}},
        "tool": "copilot"})
    diagnostics = await pushed(client, uri, lambda ds: any(d.code == "PR504" for d in ds), "PR504")
    typo = next(d for d in diagnostics if d.code == "PR504")
    assert typo.range.start.line == 4 and "'lodash'" in typo.message
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=typo.range,
        context=types.CodeActionContext(diagnostics=[typo])))
    titles = [a.title for a in actions or []]
    assert any("lodash" in t for t in titles), titles
    fix = next(a for a in actions or [] if isinstance(a, types.CodeAction) and a.edit and "lodash" in a.title)
    [text_edit] = fix.edit.changes[uri]  # type: ignore[union-attr,index]
    assert text_edit.new_text == "lodash" and text_edit.range.start.line == 4


_ = pytest
