"""End-to-end: the real server over stdio, zones in hover, code lens, zonesAt and config diagnostics."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient
from tests.lsp.helpers import (
    SERVER,
    change_whole,
    line_of,
    open_file,
    pushed,
    start,
    wait_for,
    zones_at,
)


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, example_workspace: Path):
    """VS Code 1.65 capabilities: push diagnostics, dynamic file watchers, workspace/configuration."""
    await start(lsp_client, example_workspace, "visual-studio-code")
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def pull_client(lsp_client: LanguageClient, example_workspace: Path):
    """Neovim 0.11 capabilities: pull diagnostics, UTF-8 positions, no dynamic watchers."""
    await start(lsp_client, example_workspace, "neovim")
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def old_nvim_client(lsp_client: LanguageClient, example_workspace: Path):
    """Neovim 0.7 capabilities: push only, no workspace/configuration, init_options sent as []."""
    await start(lsp_client, example_workspace, "neovim@v0.7.0", init=[])
    yield
    await lsp_client.shutdown_session()


def handlers_py(ws: Path) -> Path:
    return ws / "app" / "handlers.py"


async def test_hover_explains_zone_why_reviewers_and_layer(client: LanguageClient, example_workspace: Path):
    path = handlers_py(example_workspace)
    uri = open_file(client, path)
    line = line_of(path, "jwt.decode(")
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=line, character=6))
    )
    assert hover is not None
    text = hover.contents.value
    assert "`auth`" in text
    assert "@acme/appsec" in text  # reviewers from the central map
    assert "security-zones.yaml" in text  # which layer set the level
    assert "verify_token" in text

    harmless = line_of(path, "return orders[start")
    none = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=harmless, character=6))
    )
    assert none is None


async def test_code_lens_marks_zone_regions_only(client: LanguageClient, example_workspace: Path):
    path = handlers_py(example_workspace)
    uri = open_file(client, path)
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    by_line = {lens.range.start.line: lens.command.title for lens in lenses}
    verify = line_of(path, "def verify_token")
    assert "auth" in by_line[verify].lower() or "authentication" in by_line[verify].lower()
    assert "review" in by_line[verify]
    assert line_of(path, "def list_orders") not in by_line
    assert all(lens.command.command == "pavedroad.openZoneDefinition" for lens in lenses)


async def test_zones_at_returns_zone_payload(client: LanguageClient, example_workspace: Path):
    path = handlers_py(example_workspace)
    uri = open_file(client, path)
    zones = await zones_at(client, uri, line_of(path, "jwt.decode("))
    auth = next(z for z in zones if z["id"] == "auth")
    assert auth["ai"] == "review" and auth["level"] == "review"
    assert auth["context"] in {"warn", "deny"}
    assert auth["why"]
    assert auth["range"]["start"]["line"] == line_of(path, "def verify_token")
    crypto = await zones_at(client, uri, line_of(path, "hashlib.sha256"))
    assert [z["id"] for z in crypto] == ["crypto"]
    assert await zones_at(client, uri, line_of(path, "PAGE_SIZE = 50")) == []


async def test_broken_config_is_reported_on_its_line_and_last_good_config_stays(
    client: LanguageClient, example_workspace: Path
):
    code_uri = open_file(client, handlers_py(example_workspace))
    config = example_workspace / ".pavedroad.yaml"
    text = config.read_text("utf-8").replace("  - id: billing\n", "  - id: billing\n    reviewerz: [x]\n")
    config.write_text(text, "utf-8")
    config_uri = open_file(client, config, text)
    diagnostics = await pushed(client, config_uri, lambda ds: any(d.code == "PR002" for d in ds), "PR002 on the config")
    problem = next(d for d in diagnostics if d.code == "PR002")
    assert problem.range.start.line == line_of(config, "reviewerz")
    assert "reviewers" in problem.message  # did-you-mean
    assert problem.source == "pavedroad"

    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=config_uri)))
    await wait_for(lambda: client.messages, what="a showMessage about the broken config")
    zones = await zones_at(client, code_uri, line_of(handlers_py(example_workspace), "jwt.decode("))
    assert "auth" in [z["id"] for z in zones]  # the last good config is still in force


async def test_reload_on_save_reevaluates_open_documents(client: LanguageClient, example_workspace: Path):
    path = handlers_py(example_workspace)
    code_uri = open_file(client, path)
    assert await zones_at(client, code_uri, line_of(path, "return {\"status\"")) == []
    config = example_workspace / ".pavedroad.yaml"
    text = config.read_text("utf-8") + (
        "  - id: health\n    title: Health checks\n    why: Probes gate deploys.\n    ai: warn\n"
        "    match:\n      symbols: [\"^render_health$\"]\n"
    )
    config.write_text(text, "utf-8")
    config_uri = open_file(client, config, text)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=config_uri)))
    zones = await zones_at(client, code_uri, line_of(path, "return {\"status\""))
    assert [z["id"] for z in zones] == ["health"]


async def test_watched_file_change_reloads_config(client: LanguageClient, example_workspace: Path):
    await wait_for(lambda: client.registrations, what="dynamic file-watcher registration")
    registration = client.registrations[0]
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    globs = [w["globPattern"] for w in registration.register_options["watchers"]]
    assert "**/.pavedroad.yaml" in globs

    path = handlers_py(example_workspace)
    code_uri = open_file(client, path)
    config = example_workspace / ".pavedroad.yaml"
    config.write_text(
        config.read_text("utf-8")
        + "  - id: paging\n    ai: deny\n    match:\n      symbols: [\"^list_orders$\"]\n",
        "utf-8",
    )
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)])
    )
    zones = await zones_at(client, code_uri, line_of(path, "return orders[start"))
    assert [z["id"] for z in zones] == ["paging"] and zones[0]["ai"] == "deny"


async def test_weakening_a_locked_zone_is_refused_on_the_offending_line(client: LanguageClient, example_workspace: Path):
    config = example_workspace / ".pavedroad.yaml"
    text = config.read_text("utf-8").replace(
        "  - id: auth\n    match:", "  - id: auth\n    ai: allow\n    match:"
    )
    config.write_text(text, "utf-8")
    config_uri = open_file(client, config, text)
    diagnostics = await pushed(client, config_uri, lambda ds: any(d.code == "PR005" for d in ds), "PR005 refusal")
    refusal = next(d for d in diagnostics if d.code == "PR005")
    assert refusal.range.start.line == line_of(config, "ai: allow")
    path = handlers_py(example_workspace)
    code_uri = open_file(client, path)
    zones = await zones_at(client, code_uri, line_of(path, "jwt.decode("))
    assert next(z for z in zones if z["id"] == "auth")["ai"] == "review"  # central value in force


async def test_pull_client_gets_config_diagnostics_by_pull(pull_client: LanguageClient, example_workspace: Path):
    config = example_workspace / ".pavedroad.yaml"
    text = config.read_text("utf-8").replace("ai: warn", "ai: sometimes")
    config_uri = open_file(pull_client, config, text)
    report = await pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=config_uri))
    )
    assert [d.code for d in report.items] == ["PR002"]
    assert report.items[0].range.start.line == line_of(config, "ai: warn")
    assert config_uri not in pull_client.diagnostics  # a pull client is never pushed to


async def test_old_neovim_without_configuration_support(old_nvim_client: LanguageClient, example_workspace: Path):
    path = example_workspace / "services" / "token" / "token.go"
    uri = open_file(old_nvim_client, path)
    zones = await zones_at(old_nvim_client, uri, line_of(path, "aes.NewCipher"))
    assert [z["id"] for z in zones] == ["crypto"]


async def test_stale_versions_are_dropped(client: LanguageClient, example_workspace: Path):
    path = example_workspace / "app" / "new_module.py"
    uri = open_file(client, path, "x = 1\n")
    for version in range(2, 7):
        change_whole(client, uri, version, "\n" * version + "def login():\n    return 1\n")
    await wait_for(lambda: uri in client.diagnostics, what="a publish")
    zones = await zones_at(client, uri, 7)  # `def login` is on line 6 (0-based) in version 6
    assert [z["id"] for z in zones] == ["auth"]


@pytest.mark.parametrize(
    "name, text",
    [
        ("huge.py", "def login():\n    return 1\n" + "x = 1\n" * 3_500_000),  # ~21 MB
        ("blob.py", "\0\1\2binary\0" * 1000),
        ("weird.py", "def login():\n    return '\udcff'\n"),  # lone surrogate: what invalid UTF-8 decodes to
    ],
)
async def test_bad_files_never_break_the_server(client: LanguageClient, example_workspace: Path, name: str, text: str):
    path = example_workspace / "src" / "auth" / name
    uri = open_file(client, path, text)
    zones = await zones_at(client, uri, 0)
    assert "auth" in [z["id"] for z in zones]  # path rule src/auth/** still applies
    healthy = open_file(client, handlers_py(example_workspace))
    assert await zones_at(client, healthy, line_of(handlers_py(example_workspace), "jwt.decode("))


async def test_file_deleted_while_open(client: LanguageClient, example_workspace: Path):
    path = handlers_py(example_workspace)
    uri = open_file(client, path)
    path.unlink()
    change_whole(client, uri, 2, "def verify_token():\n    return 1\n")
    zones = await zones_at(client, uri, 0)
    assert [z["id"] for z in zones] == ["auth"]


async def test_a_caller_in_another_file_is_in_the_zone_and_follows_its_dependency(
    client: LanguageClient, example_workspace: Path
):
    dependency = example_workspace / "app" / "passwords.py"
    dependency.write_text("import bcrypt\n\n\ndef make_hash(p):\n    return bcrypt.hashpw(p, bcrypt.gensalt())\n")
    caller = example_workspace / "app" / "signup.py"
    caller.write_text("from app.passwords import make_hash\n\n\ndef enrol(name, p):\n    return make_hash(p)\n")
    uri = open_file(client, caller)
    # the editor never waits for a dependency it has not classified yet: that happens in the
    # background, and the caller's zone follows
    for _ in range(100):
        zones = await zones_at(client, uri, line_of(caller, "return make_hash"))
        if zones:
            break
        await asyncio.sleep(0.05)
    assert [z["id"] for z in zones] == ["auth", "crypto"]  # hashing a password is both
    # the dependency stops hashing and is saved: the open caller is re-evaluated
    dependency.write_text("def make_hash(p):\n    return p\n")
    dep_uri = open_file(client, dependency)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=dep_uri)))
    for _ in range(50):
        if await zones_at(client, uri, line_of(caller, "return make_hash")) == []:
            break
        await asyncio.sleep(0.05)
    final = await zones_at(client, uri, line_of(caller, "return make_hash"))
    assert final == []
