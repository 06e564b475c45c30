"""End-to-end: prompt files and `pavedroad/checkPrompt` through the real server over stdio."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient
from tests.lsp.helpers import SERVER, open_file, pushed, start
from tests.prompts.corpus.generate import TOKENS, card

#: The workspace's own config, so these tests do not depend on the example's central map.
CONFIG = """version: 1
extends:
  - preset: secrets
  - preset: auth
zones:
  - id: auth
    match: {paths: ["src/auth/**"]}
"""


@pytest.fixture
def workspace(example_workspace: Path) -> Path:
    (example_workspace / ".pavedroad.yaml").write_text(CONFIG)
    return example_workspace


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, workspace: Path):
    await start(lsp_client, workspace, "visual-studio-code")
    yield
    await lsp_client.shutdown_session()


def live_token() -> str:
    return TOKENS["secret.github-token"](random.Random(7))  # format-valid, random, CRC-correct


async def test_prompt_file_diagnostics_and_redaction(client: LanguageClient, workspace: Path):
    token = live_token()
    number = card(random.Random(3))
    text = (
        "---\ndescription: debug the billing export\n---\n"
        f"The export fails for the customer whose card is {number}.\n"
        f"Use my token {token} to call the API.\n"
        "Compare with `.env.production` and with docs at https://example.com/api.\n"
    )
    path = workspace / "prompts" / "debug.prompt.md"
    uri = open_file(client, path, text)
    diagnostics = await pushed(client, uri, lambda ds: {"PR301", "PR302", "PR304"} <= {d.code for d in ds}, "prompt findings")
    assert all(d.source == "pavedroad" for d in diagnostics)
    assert len(diagnostics) == 3  # example.com is a reserved documentation domain: no finding
    for d in diagnostics:
        assert token not in d.message and number not in d.message
        assert d.severity == types.DiagnosticSeverity.Error
    secret = next(d for d in diagnostics if d.code == "PR301")
    assert secret.range.start.line == 4

    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=secret.range,
        context=types.CodeActionContext(diagnostics=[secret])))
    redact = next(a for a in actions if a.title.startswith("Redact") and "all" not in a.title)
    edit = redact.edit.document_changes[0].edits[0]
    assert edit.range == secret.range and token not in edit.new_text and "REDACTED" in edit.new_text
    assert token not in redact.title
    everything = next(a for a in actions if a.title.startswith("Redact all"))
    assert len(everything.edit.document_changes[0].edits) == 3

    reference = next(d for d in diagnostics if d.code == "PR304")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=reference.range,
        context=types.CodeActionContext(diagnostics=[reference])))
    assert any("safe description" in a.title for a in actions)


async def test_ordinary_prompt_file_raises_nothing(client: LanguageClient, workspace: Path):
    text = (
        '---\napplyTo: "**"\n---\n'  # a scope, not a reference, although the repo has .env.production
        "# Agent rules\n\nUse `${API_TOKEN}` from the environment, never `your-api-key`.\n"
        "Never commit `.env.production`; copy `.env.example` to `.env` instead.\n"
        "Example request: curl https://api.example.com/v1/items -H 'Authorization: Bearer <token>'\n"
        "The lockfile hash sha512-Vq4Zz0Bq3rL7mQ9dWm8z+Pq== and the id 123e4567-e89b-12d3-a456-426614174000 are fine.\n"
        "Test with card 4242 4242 4242 4242 and host 192.0.2.10.\n"
    )
    uri = open_file(client, workspace / "AGENTS.md", text)
    diagnostics = await pushed(client, uri, lambda ds: True, "a publish")
    assert list(diagnostics) == []


async def test_check_prompt_request(client: LanguageClient, workspace: Path):
    token = live_token()
    answer = await client.protocol.send_request_async("pavedroad/checkPrompt", {
        "text": f"why does login fail? token={token} see src/auth/session.py",
        "references": [(workspace / ".env.production").as_uri()],
    })
    assert answer.verdict == "block"
    rules = {f.rule for f in answer.findings}
    assert any(r.startswith("secret.") for r in rules)
    assert token not in answer.redacted and "REDACTED" in answer.redacted
    kinds = [f.kind for f in answer.findings]
    assert kinds.count("sensitive_file") == 2  # the attached .env.production and the auth file (context: warn)
    clean = await client.protocol.send_request_async("pavedroad/checkPrompt", {"text": "Rename foo to bar in utils."})
    assert clean.verdict == "allow" and list(clean.findings) == [] and clean.redacted == "Rename foo to bar in utils."


async def test_check_prompt_survives_hostile_references(client: LanguageClient, workspace: Path):
    # issue 8: a NUL byte in a referenced path crashed the request with `embedded null byte`.
    answer = await client.protocol.send_request_async("pavedroad/checkPrompt", {
        "text": "read #file:src/a\x00b.py and #folder:\x00 and @\x00x.py",
        "references": ["file:///tmp/a%00b", (workspace / "src").as_uri() + "/%00", "not a uri \x00", 5],
    })
    assert answer.verdict in ("allow", "warn")
    answer = await client.protocol.send_request_async("pavedroad/checkPrompt", {"text": "read #file:.env.production\x00x"})
    assert answer.verdict == "block" and answer.findings[0].rule == "sensitive_file.pattern"
    binary = bytes(range(256)).decode("latin-1") * 4
    answer = await client.protocol.send_request_async("pavedroad/checkPrompt", {"text": binary, "references": None})
    assert answer.verdict in ("allow", "warn", "block")


async def test_glob_index_follows_saved_and_watched_files(client: LanguageClient, workspace: Path):
    ask = {"text": "read `src/keys/*`"}
    first = await client.protocol.send_request_async("pavedroad/checkPrompt", ask)
    assert first.verdict == "allow"
    key = workspace / "src" / "keys" / "prod.pem"
    key.parent.mkdir(parents=True)
    key.write_text("not really a key\n")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=key.as_uri(), type=types.FileChangeType.Created)]))
    second = await client.protocol.send_request_async("pavedroad/checkPrompt", ask)
    assert second.verdict == "block" and second.findings[0].rule == "sensitive_file.glob"
    key.unlink()
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=key.as_uri(), type=types.FileChangeType.Deleted)]))
    third = await client.protocol.send_request_async("pavedroad/checkPrompt", ask)
    assert third.verdict == "allow"
