"""End-to-end: AI-written code in zones, through the real server over stdio."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest_lsp
import yaml
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities
from tests.lsp.helpers import SERVER, insert, line_of, open_file, pushed, start, wait_for

BLOCK = "    audit = claims.get('aud')\n    if audit is None:\n        audit = 'default'\n    claims['aud'] = audit\n"


def git(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    base = {"GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@acme.test", "GIT_COMMITTER_NAME": "Dev",
            "GIT_COMMITTER_EMAIL": "dev@acme.test", "HOME": str(root), "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True, env={**base, **(env or {})}).stdout


def init_repo(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "reviewer@acme.test")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, example_workspace: Path):
    init_repo(example_workspace)
    await start(lsp_client, example_workspace, "visual-studio-code")
    yield
    await lsp_client.shutdown_session()


def ai_edit(client: LanguageClient, uri: str, version: int, first: int, last: int, tool: str = "copilot") -> None:
    client.protocol.notify("pavedroad/aiEdit", {
        "textDocument": {"uri": uri, "version": version},
        "range": {"start": {"line": first, "character": 0}, "end": {"line": last, "character": 0}},
        "tool": tool,
    })


def codes_of(diagnostics: list[types.Diagnostic]) -> list[Any]:
    return [d.code for d in diagnostics]


async def code_actions(client: LanguageClient, uri: str, diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    return await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic])))


def zone_of(diagnostic: types.Diagnostic) -> str:
    """The zone id a PR10x diagnostic carries in its data (what its code actions act on)."""
    assert isinstance(diagnostic.data, dict)
    return str(diagnostic.data["zone"])


async def test_ai_edit_sign_off_and_reopen_cycle(client: LanguageClient, example_workspace: Path):
    path = example_workspace / "app" / "handlers.py"
    uri = open_file(client, path)
    line = line_of(path, "if \"sub\" not in claims")
    insert(client, uri, 2, line, 0, BLOCK)
    client.protocol.notify("pavedroad/editOrigin", {"textDocument": {"uri": uri, "version": 2}, "origin": "typing",
                                                     "range": {"start": {"line": line, "character": 0}, "end": {"line": line + 4, "character": 0}}})
    ai_edit(client, uri, 2, line, line + 4)
    diagnostics = await pushed(client, uri, lambda ds: "PR102" in codes_of(ds), "PR102 after aiEdit")
    # verifying a JWT is auth and, checking its signature, crypto: one warning per zone
    assert sorted(zone_of(d) for d in diagnostics if d.code == "PR102") == ["auth", "crypto"]
    warning = next(d for d in diagnostics if d.code == "PR102" and zone_of(d) == "auth")
    assert warning.severity == types.DiagnosticSeverity.Warning
    assert "auth" in warning.message.lower() and "@acme/appsec" in warning.message
    assert "probable" not in warning.message  # explicit, not heuristic
    assert warning.range.start.line == line

    actions = await code_actions(client, uri, warning)
    titles = [a.title for a in actions]
    assert any(t.startswith("Sign off") for t in titles)
    assert any("exception" in t for t in titles) and any("definition" in t for t in titles)
    sign_off = next(a for a in actions if a.title.startswith("Sign off"))
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=sign_off.command.command, arguments=sign_off.command.arguments))
    assert result["reviewer"] == "reviewer@acme.test"
    # the auth sign-off clears the auth warning only; the crypto one needs its own
    diagnostics = await pushed(client, uri, lambda ds: [zone_of(d) for d in ds if d.code == "PR102"] == ["crypto"],
                               "the auth warning to clear after its sign-off")
    record = yaml.safe_load((example_workspace / ".pavedroad" / "reviews.yaml").read_text())[-1]
    assert record["zone"] == "auth" and record["path"] == "app/handlers.py" and record["symbol"] == "verify_token"
    assert record["reviewer"] == "reviewer@acme.test" and len(record["hash"]) >= 16 and record["policy"]
    crypto = next(d for d in diagnostics if d.code == "PR102")
    sign_off = next(a for a in await code_actions(client, uri, crypto) if a.title.startswith("Sign off"))
    await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=sign_off.command.command, arguments=sign_off.command.arguments))
    await pushed(client, uri, lambda ds: "PR102" not in codes_of(ds), "the warning to clear after both sign-offs")

    insert(client, uri, 3, line + 1, 0, "    claims['checked'] = True\n")
    await pushed(client, uri, lambda ds: "PR102" in codes_of(ds), "the warning to come back after an edit")

    # every decision is in the tamper-evident decision log, which still verifies
    from pavedroad import audit

    def kinds() -> set[str]:
        return {e.kind for e in audit.read_events(example_workspace)}

    await wait_for(lambda: {"policy_change", "ai_code_landed", "signoff"} <= kinds(), what="log events")
    assert audit.verify(example_workspace).ok


async def test_heuristic_block_is_probable_but_a_reported_paste_is_not(client: LanguageClient, example_workspace: Path):
    path = example_workspace / "app" / "handlers.py"
    uri = open_file(client, path)
    line = line_of(path, "if \"sub\" not in claims")
    insert(client, uri, 2, line, 0, BLOCK)
    diagnostics = await pushed(client, uri, lambda ds: "PR102" in codes_of(ds), "a heuristic PR102")
    assert "probable" in next(d for d in diagnostics if d.code == "PR102").message.lower()

    crypto_line = line_of(path, "return hashlib.sha256") + 4
    client.protocol.notify("pavedroad/editOrigin", {"textDocument": {"uri": uri, "version": 3}, "origin": "paste",
                                                     "range": {"start": {"line": crypto_line, "character": 0}, "end": {"line": crypto_line + 4, "character": 0}}})
    insert(client, uri, 3, crypto_line, 0, BLOCK.replace("claims", "body_meta"))
    await wait_for(lambda: client.diagnostics.get(uri) is not None, what="diagnostics")
    await pushed(client, uri, lambda ds: not any(d.code == "PR102" and d.range.start.line >= crypto_line for d in ds), "no finding for the paste")


async def test_deny_zone_is_an_error_and_tests_zone_is_silent(client: LanguageClient, example_workspace: Path):
    secret = example_workspace / "k8s" / "db-credentials.yaml"
    uri = open_file(client, secret)
    ai_edit(client, uri, 1, 5, 7)
    diagnostics = await pushed(client, uri, lambda ds: "PR103" in codes_of(ds), "PR103 in a deny zone")
    assert next(d for d in diagnostics if d.code == "PR103").severity == types.DiagnosticSeverity.Error

    test_file = example_workspace / "tests" / "test_handlers.py"
    test_uri = open_file(client, test_file)
    ai_edit(client, test_uri, 1, 3, 6)
    await wait_for(lambda: test_uri in client.diagnostics, what="a publish for the tests file")
    assert list(client.diagnostics[test_uri]) == []


async def test_stale_ai_edit_is_mapped_onto_the_current_text(client: LanguageClient, example_workspace: Path):
    path = example_workspace / "app" / "handlers.py"
    uri = open_file(client, path)
    line = line_of(path, "claims = jwt.decode(")
    insert(client, uri, 2, 0, 0, "# one\n# two\n")  # two lines above, after the assistant's insertion at v1
    ai_edit(client, uri, 1, line, line + 1)  # late notification about version 1
    diagnostics = await pushed(client, uri, lambda ds: "PR102" in codes_of(ds), "mapped PR102")
    assert next(d for d in diagnostics if d.code == "PR102").range.start.line == line + 2
    ai_edit(client, uri, 2, 900, 950)  # entirely outside the document: ignored, server keeps working
    client.protocol.notify("pavedroad/aiEdit", {"textDocument": {"uri": "file:///nowhere.py", "version": 1},
                                                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}}})
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=line + 2, character=8)))
    assert hover is not None


async def test_revert_ai_insertion_restores_the_replaced_text(client: LanguageClient, example_workspace: Path):
    path = example_workspace / "app" / "handlers.py"
    uri = open_file(client, path)
    line = line_of(path, "if \"sub\" not in claims")
    insert(client, uri, 2, line, 0, BLOCK)
    diagnostics = await pushed(client, uri, lambda ds: "PR102" in codes_of(ds), "heuristic PR102")
    actions = await code_actions(client, uri, next(d for d in diagnostics if d.code == "PR102"))
    revert = next(a for a in actions if a.title == "Revert this AI insertion")
    edit = revert.edit.document_changes[0].edits[0]
    assert edit.new_text == "" and edit.range.start.line == line and edit.range.end.line == line + 4


async def test_ranges_survive_a_server_restart(client: LanguageClient, example_workspace: Path):
    path = example_workspace / "app" / "handlers.py"
    uri = open_file(client, path)
    line = line_of(path, "claims = jwt.decode(")
    ai_edit(client, uri, 1, line, line + 1)
    await pushed(client, uri, lambda ds: "PR102" in codes_of(ds), "PR102 before restart")
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    await wait_for(lambda: list((example_workspace / ".pavedroad" / ".local").rglob("*.json")), what="the local range store")
    stored = "".join(p.read_text() for p in (example_workspace / ".pavedroad" / ".local").rglob("*.json"))
    assert "jwt.decode" not in stored  # hashes and offsets only, never code
    assert (example_workspace / ".pavedroad" / ".local" / ".gitignore").read_text().splitlines()[-1] == "*"

    path.write_text("# moved down by an edit made while the server was down\n" + path.read_text())
    second = await SERVER.start(devtools=None)
    try:
        await start(second, example_workspace, "visual-studio-code")
        uri2 = open_file(second, path)
        diagnostics = await pushed(second, uri2, lambda ds: "PR102" in codes_of(ds), "PR102 after restart")
        assert next(d for d in diagnostics if d.code == "PR102").range.start.line == line + 1  # re-anchored
        await second.shutdown_session()
    finally:
        await second.stop()


async def test_editor_and_ci_agree_on_committed_ai_code(client: LanguageClient, example_workspace: Path):
    path = example_workspace / "app" / "handlers.py"
    text = path.read_text().replace("    return claims\n", "    claims.setdefault('scope', 'read')\n    return claims\n")
    path.write_text(text)
    git(example_workspace, "commit", "-q", "-am", "Default scope\n\nCo-authored-by: Claude <noreply@anthropic.com>")
    uri = open_file(client, path)
    diagnostics = await pushed(client, uri, lambda ds: "PR102" in codes_of(ds), "history PR102")
    editor = {(d.code, d.range.start.line + 1) for d in diagnostics if d.code == "PR102"}

    done = subprocess.run([sys.executable, "-m", "pavedroad", "check", str(example_workspace), "--format", "json"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr  # an unreviewed review finding fails CI
    findings = json.loads(done.stdout)["findings"]
    ci = {(f["code"], f["start_line"]) for f in findings if f["path"] == "app/handlers.py"}
    assert editor == ci and editor
    assert all(f["provenance"] == "history" for f in findings if f["path"] == "app/handlers.py")


@pytest_lsp.fixture(config=SERVER)
async def pull_client(lsp_client: LanguageClient, example_workspace: Path):
    """A pull client that supports workspace/diagnostic/refresh (like vscode-languageclient 9)."""
    init_repo(example_workspace)
    capabilities = client_capabilities("neovim")
    capabilities.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    await start(lsp_client, example_workspace, capabilities)
    yield
    await lsp_client.shutdown_session()


async def test_pull_client_sees_ai_edit_without_an_edit(pull_client: LanguageClient, example_workspace: Path):
    path = example_workspace / "app" / "handlers.py"
    uri = open_file(pull_client, path)
    identifier = types.TextDocumentIdentifier(uri=uri)
    first = await pull_client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=identifier))
    assert not [d for d in first.items if d.code == "PR102"]
    line = line_of(path, "claims = jwt.decode(")
    ai_edit(pull_client, uri, 1, line, line + 1)

    async def pulled() -> Any:
        report = await pull_client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=identifier, previous_result_id=first.result_id))
        return report if getattr(report, "items", None) and any(d.code == "PR102" for d in report.items) else None

    await wait_for(lambda: pull_client.diagnostic_refresh_count > 0, what="workspace/diagnostic/refresh")
    report = await pulled()
    assert report is not None and report.result_id != first.result_id
    assert all(uri not in pull_client.diagnostics for _ in [0])  # never pushed to a pull client


async def test_show_zone_map_command_without_arguments(client: LanguageClient, example_workspace: Path):
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="pavedroad.showZoneMap"))
    paths = [f["path"] for f in result["files"]]
    assert "app/handlers.py" in paths and paths == sorted(paths)
