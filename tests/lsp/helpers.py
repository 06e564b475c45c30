"""Small helpers for driving the real server over stdio with pytest-lsp."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Union

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "pavedroad", "lsp"])

LANGUAGE_IDS = {".py": "python", ".ts": "typescript", ".go": "go", ".java": "java", ".tf": "terraform", ".yaml": "yaml"}


def _fix_code_action_parsing(client: LanguageClient) -> None:
    """lsprotocol 2025.0.0 parses every CodeAction that carries a `command` as a bare Command
    (its union hook only checks for the key). Real clients read the JSON correctly; make the test
    client do the same: a Command's `command` is a string, a CodeAction's is an object."""
    converter = client.protocol._converter

    def hook(obj: Any, _type: Any) -> Any:
        if isinstance(obj.get("command"), str):
            return converter.structure(obj, types.Command)
        return converter.structure(obj, types.CodeAction)

    converter.register_structure_hook(Union[types.Command, types.CodeAction], hook)  # noqa: UP007


def example_central(root: Path) -> list[str]:
    """The bundled example's central map when `root` is (a copy of) the example workspace: given
    as a machine-level setting, the way security deploys it (never from the repo itself)."""
    central = root.parent / "central" / "security-zones.yaml"
    return [str(central)] if central.is_file() else []


async def start(client: LanguageClient, root: Path, capabilities: str | types.ClientCapabilities, init: Any = None) -> None:
    _fix_code_action_parsing(client)
    if init is None:
        init = {"debounceMs": 20, "centralZones": example_central(root)}
    client.registrations = []  # type: ignore[attr-defined]

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(cl: LanguageClient, params: types.RegistrationParams) -> None:
        cl.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    client.set_configuration({"debounceMs": 20}, section="pavedroad")
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(capabilities) if isinstance(capabilities, str) else capabilities,
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options=init,
        )
    )


def open_file(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id=LANGUAGE_IDS.get(path.suffix, "plaintext"),
                version=version,
                text=path.read_text("utf-8") if text is None else text,
            )
        )
    )
    return uri


def change_whole(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def insert(client: LanguageClient, uri: str, version: int, line: int, character: int, text: str) -> None:
    position = types.Position(line=line, character=character)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangePartial(range=types.Range(start=position, end=position), text=text)],
        )
    )


async def wait_for(predicate: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
    """Poll until `predicate()` is truthy; fail with a clear message after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.02)


async def pushed(
    client: LanguageClient, uri: str, predicate: Callable[[list[types.Diagnostic]], bool], what: str
) -> list[types.Diagnostic]:
    """Wait until the diagnostics last pushed for `uri` satisfy `predicate`; return them."""
    await wait_for(lambda: uri in client.diagnostics and predicate(client.diagnostics[uri]), what=what)
    return client.diagnostics[uri]


def line_of(path: Path, needle: str) -> int:
    """0-based line of the first line containing `needle`."""
    for number, line in enumerate(path.read_text("utf-8").splitlines()):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


async def zones_at(client: LanguageClient, uri: str, line: int, character: int = 4) -> list[dict[str, Any]]:
    answer = await client.protocol.send_request_async(
        "pavedroad/zonesAt", {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}
    )
    return [_plain(z) for z in answer.zones]


def _plain(value: Any) -> Any:
    if hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
