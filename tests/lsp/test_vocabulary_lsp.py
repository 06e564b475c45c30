"""End-to-end: "Add to zone" from the editor (lsp.vocabulary), over stdio with the real server.

A function whose name sounds like a zone's code but is in no zone gets a code action that adds an
exact-name `symbols` rule to `.pavedroad.yaml`; applied and reloaded, the function is in the zone
and the action is gone.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest_lsp
import yaml
from lsprotocol import types
from pytest_lsp import LanguageClient
from tests.lsp.helpers import SERVER, change_whole, line_of, open_file, start, zones_at

from pavedroad.lsp.positions import LineIndex

PUBLISH = (
    '"""Package publishing."""\n\n\n'
    "def allow_publish(user, package):\n"
    "    return package.owner == user.name or user.name in package.maintainers\n\n\n"
    "def list_packages(index):\n"
    "    return sorted(index)\n"
)


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, example_workspace: Path):
    await start(lsp_client, example_workspace, "visual-studio-code")
    yield
    await lsp_client.shutdown_session()


async def actions_at(client: LanguageClient, uri: str, line: int) -> list[types.CodeAction]:
    position = types.Position(line=line, character=0)
    answer = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(start=position, end=position),
        context=types.CodeActionContext(diagnostics=[])))
    return [a for a in answer or [] if isinstance(a, types.CodeAction) and a.title.startswith("Add `")]


def applied(text: str, edit: types.TextEdit, encoding: str = "utf-16") -> str:
    index = LineIndex(text, encoding)
    start, end = index.offset_at(edit.range.start), index.offset_at(edit.range.end)
    return text[:start] + edit.new_text + text[end:]


def only_text_edit(action: types.CodeAction) -> tuple[str, types.TextDocumentEdit]:
    assert action.edit is not None and action.edit.document_changes is not None
    (change,) = [c for c in action.edit.document_changes if isinstance(c, types.TextDocumentEdit)]
    return change.text_document.uri, change


async def test_add_to_zone_then_the_function_is_in_it(client: LanguageClient, example_workspace: Path):
    path = example_workspace / "app" / "publish.py"
    path.write_text(PUBLISH, "utf-8")
    uri = open_file(client, path)
    definition = line_of(path, "def allow_publish")
    assert await zones_at(client, uri, definition + 1) == []

    (action,) = await actions_at(client, uri, definition)
    assert action.title == "Add `allow_publish` to zone auth (.pavedroad.yaml)"
    assert action.kind == types.CodeActionKind.RefactorRewrite
    assert await actions_at(client, uri, line_of(path, "def list_packages")) == []  # no zone word in it

    config = example_workspace / ".pavedroad.yaml"
    before = config.read_text("utf-8")
    target, change = only_text_edit(action)
    assert target == config.as_uri() and change.text_document.version is None  # not open: the file on disk
    after = applied(before, change.edits[0])
    kept = [line for line in before.splitlines() if line not in after.splitlines()]
    assert kept == ['      symbols: ["(?i)^(login|logout|authenticate|verify_token)$"]']  # gains an element
    auth = next(z for z in yaml.safe_load(after)["zones"] if z["id"] == "auth")
    assert auth["match"]["symbols"][-1] == "^(allow_publish)$"

    config.write_text(after, "utf-8")  # what the client does when the user picks the action
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]))
    zones = await zones_at(client, uri, definition + 1)
    assert [z["id"] for z in zones] == ["auth"]
    assert await actions_at(client, uri, definition) == []  # in the zone now: nothing to offer


async def test_the_open_config_buffer_is_what_gets_edited(client: LanguageClient, example_workspace: Path):
    path = example_workspace / "app" / "publish.py"
    path.write_text(PUBLISH, "utf-8")
    uri = open_file(client, path)
    config = example_workspace / ".pavedroad.yaml"
    config_uri = open_file(client, config)
    unsaved = "# unsaved: owners of the publish flow ¶ review this file\n" + config.read_text("utf-8")
    change_whole(client, config_uri, 2, unsaved)

    (action,) = await actions_at(client, uri, line_of(path, "def allow_publish"))
    target, change = only_text_edit(action)
    assert target == config_uri and change.text_document.version == 2
    after = applied(unsaved, change.edits[0])
    assert after.startswith("# unsaved: owners")
    auth = next(z for z in yaml.safe_load(after)["zones"] if z["id"] == "auth")
    assert "^(allow_publish)$" in auth["match"]["symbols"]


async def test_without_a_config_file_the_action_creates_one(client: LanguageClient, example_workspace: Path):
    (example_workspace / ".pavedroad.yaml").unlink()  # the central map alone defines the zones
    path = example_workspace / "app" / "publish.py"
    path.write_text(PUBLISH, "utf-8")
    uri = open_file(client, path)
    (action,) = await actions_at(client, uri, line_of(path, "def allow_publish"))
    assert action.edit is not None and action.edit.document_changes is not None
    create, edit = action.edit.document_changes
    assert isinstance(create, types.CreateFile) and create.uri == (example_workspace / ".pavedroad.yaml").as_uri()
    # a file created in the meantime makes the edit fail, not get a second `version` prepended
    assert create.options is not None and not create.options.ignore_if_exists and not create.options.overwrite
    assert isinstance(edit, types.TextDocumentEdit)
    created = applied("", edit.edits[0])
    assert yaml.safe_load(created) == {
        "version": 1, "zones": [{"id": "auth", "match": {"symbols": ["^(allow_publish)$"]}}]}


async def test_a_config_it_cannot_edit_safely_gets_no_action(client: LanguageClient, example_workspace: Path):
    config = example_workspace / ".pavedroad.yaml"
    config.write_text("version: 1\nzones: [{id: auth, match: {symbols: ['^x$']}}]\n", "utf-8")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]))
    path = example_workspace / "app" / "publish.py"
    path.write_text(PUBLISH, "utf-8")
    uri = open_file(client, path)
    assert await actions_at(client, uri, line_of(path, "def allow_publish")) == []


# --- a hostile repository -------------------------------------------------------------------------
async def test_a_fifo_or_an_outside_symlink_as_config_gets_no_action_and_no_hang(
        client: LanguageClient, example_workspace: Path, tmp_path: Path):
    """A repo can commit `.pavedroad.yaml` as a FIFO (reading it would block the server forever)
    or as a symlink to a file outside it (the action would have the editor write there)."""
    config = example_workspace / ".pavedroad.yaml"
    path = example_workspace / "app" / "publish.py"
    path.write_text(PUBLISH, "utf-8")
    uri = open_file(client, path)
    line = line_of(path, "def allow_publish")

    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(config.read_text("utf-8"), "utf-8")
    config.unlink()
    config.symlink_to(outside)
    assert await actions_at(client, uri, line) == []

    config.unlink()
    os.mkfifo(config)
    assert await actions_at(client, uri, line) == []  # answered: the FIFO was never opened blocking


async def test_an_invisible_character_in_a_name_is_shown_escaped(client: LanguageClient, example_workspace: Path):
    """A zero-width joiner is legal inside a JavaScript identifier and invisible in a menu: the
    title shows it, so `allow\u200dPublish` cannot pass for `allowPublish`."""
    path = example_workspace / "app" / "publish.js"
    path.write_text("function allow\u200dPublish(user) {\n  return user.admin;\n}\n", "utf-8")
    uri = open_file(client, path)
    (action,) = await actions_at(client, uri, 0)
    assert action.title == "Add `allow\\u200dPublish` to zone auth (.pavedroad.yaml)"
    _target, change = only_text_edit(action)
    assert "allow\\u200dPublish" in change.edits[0].new_text  # the rule names the real identifier
