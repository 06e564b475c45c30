"""Prompt hygiene in the editor: diagnostics in prompt files, redaction actions, `pavedroad/checkPrompt`.

The feature keeps one `PromptWorkspace` per root (file index + zone cache), so a warm server answers
a prompt without walking the tree: the index is built in a background thread when the first prompt
file opens (or on the first check that needs it) and refreshed from file events: saves, watched-file
changes (`record_hooks`) and created, deleted and renamed files (`file_hooks`: watched files and
`workspace/didCreateFiles|didDeleteFiles|didRenameFiles`).
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.uris import to_fs_path

from pavedroad import codes
from pavedroad.lsp import render
from pavedroad.lsp.documents import DocumentState
from pavedroad.lsp.roots import RootState
from pavedroad.lsp.server import PavedroadServer

if TYPE_CHECKING:
    from pavedroad.promptcheck import PromptWorkspace

#: Every default prompt file ends like this; only such files (or any file, when the config names
#: extra prompt files) load the prompt engine, which keeps ~80 ms of imports off server start-up.
PROMPT_FILE_ENDINGS = (".md", ".mdc", ".cursorrules")

CODE_BY_KIND = {
    "secret": codes.PROMPT_SECRET,
    "pii": codes.PROMPT_PII,
    "internal": codes.PROMPT_INTERNAL,
    "sensitive_file": codes.PROMPT_SENSITIVE_FILE,
}
PROMPT_CODES = frozenset(CODE_BY_KIND.values())


class PromptFeature:
    """Per-root prompt workspaces, kept in step with the root's config and with file events."""

    def __init__(self) -> None:
        self.workspaces: dict[Path, PromptWorkspace] = {}

    def workspace(self, state: RootState) -> PromptWorkspace:
        from pavedroad.promptcheck import PromptWorkspace

        current = self.workspaces.get(state.root)
        if current is not None and current.config is state.config and current.classifier is state.classifier:
            return current
        # A new config keeps the file index (it does not depend on the config), not the zone cache.
        index = current.built_index if current is not None else None
        fresh = PromptWorkspace(state.root, state.config, state.classifier, index=index)
        self.workspaces[state.root] = fresh
        return fresh

    def files_changed(self, paths: Iterable[str]) -> None:
        """Absolute paths or `file:` URIs of created, changed, deleted or renamed files."""
        paths = [p for p in paths if p]
        if paths:
            for workspace in self.workspaces.values():
                workspace.files_changed(paths)

    def prewarm(self, server: PavedroadServer, state: RootState) -> None:
        """Build the root's index off the event loop, so the first glob does not wait for it."""
        workspace = self.workspace(state)
        if not workspace.index_built:
            server.spawn(asyncio.to_thread(_prewarm_and_freeze, workspace))

    def on_open(self, server: PavedroadServer, doc: DocumentState) -> None:
        if doc.rel_path is None or not doc.rel_path.endswith(PROMPT_FILE_ENDINGS):
            return
        state = server.root_state(doc)
        if state is not None and _is_prompt(doc, state):
            self.prewarm(server, state)

    def on_save(self, _server: PavedroadServer, doc: DocumentState) -> None:
        if doc.path is not None:
            self.files_changed([str(doc.path)])


def _prewarm_and_freeze(workspace: PromptWorkspace) -> None:
    workspace.prewarm()
    # The index lives as long as the root: like the start-up heap (see `app.run_stdio`), move it
    # out of the collector's way so a full collection on the prompt path does not walk it.
    gc.freeze()


FEATURE = PromptFeature()


def _is_prompt(doc: DocumentState, state: RootState) -> bool:
    if doc.rel_path is None or not (doc.rel_path.endswith(PROMPT_FILE_ENDINGS) or state.config.prompt_files):
        return False
    from pavedroad.promptcheck import is_prompt_document

    return is_prompt_document(doc.rel_path, state.config)


def diagnostics(server: PavedroadServer, doc: DocumentState, state: RootState) -> list[types.Diagnostic]:
    if not _is_prompt(doc, state):
        return []
    from pavedroad.promptcheck import prompt_directory, reference_bases
    from pavedroad.prompts.masking import placeholder

    bases = reference_bases(state.root, doc.path) if doc.path is not None else []
    near = prompt_directory(state.root, doc.path) if doc.path is not None else None
    report = FEATURE.workspace(state).check(doc.text, bases=bases, near=near)
    result = []
    for finding in report.findings:
        if finding.end <= finding.start:
            continue
        result.append(
            types.Diagnostic(
                range=types.Range(start=doc.index.position_at(finding.start), end=doc.index.position_at(finding.end)),
                message=finding.message,
                severity=types.DiagnosticSeverity.Error if finding.severity == "block" else types.DiagnosticSeverity.Warning,
                source=render.SOURCE,
                code=CODE_BY_KIND.get(finding.kind, codes.PROMPT_SECRET),
                data={"rule": finding.rule, "kind": finding.kind, "masked": finding.masked, "replacement": placeholder(finding)},
            )
        )
    return result


def code_actions(server: PavedroadServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    doc = server.documents.get(params.text_document.uri)
    if doc is None:
        return []
    ours = [
        d for d in params.context.diagnostics
        if d.source == render.SOURCE and d.code in PROMPT_CODES and isinstance(d.data, dict) and "replacement" in d.data
    ]
    actions = []
    for diagnostic in ours:
        data: dict[str, Any] = diagnostic.data if isinstance(diagnostic.data, dict) else {}
        title = (
            f"Replace the reference to {data['masked']} with a safe description"
            if data.get("kind") == "sensitive_file"
            else f"Redact {data['masked']} ({data['rule']})"
        )
        actions.append(types.CodeAction(
            title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic], is_preferred=True,
            edit=_edit(doc, [types.TextEdit(range=diagnostic.range, new_text=data["replacement"])]),
        ))
    everything = [d for d in server.diagnostics_for(doc) if d.code in PROMPT_CODES and isinstance(d.data, dict)]
    if ours and len(everything) > 1:
        actions.append(types.CodeAction(
            title=f"Redact all {len(everything)} findings in this file",
            kind=types.CodeActionKind.QuickFix, diagnostics=everything,
            edit=_edit(doc, [types.TextEdit(range=d.range, new_text=_replacement(d)) for d in everything]),
        ))
    return actions


def _replacement(diagnostic: types.Diagnostic) -> str:
    data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
    return str(data.get("replacement", ""))


def _edit(doc: DocumentState, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version), edits=edits)])


def _anchor(ls: PavedroadServer, references: list[str]) -> Path:
    """Where to look for the root: the first attached file that is a usable path, else the workspace."""
    from pavedroad.prompts.fileindex import fs_safe

    for reference in references:
        if reference.startswith("file:"):
            try:
                path = to_fs_path(reference)
            except Exception:
                continue
            if path and fs_safe(path):
                return Path(path)
    folders = list(ls.workspace.folders.values())
    anchor = to_fs_path(folders[0].uri) if folders else (ls.workspace.root_path or ".")
    return Path(anchor or ".")


def register(server: PavedroadServer) -> None:
    server.providers.append(diagnostics)
    server.code_action_providers.append(code_actions)
    server.open_hooks.append(FEATURE.on_open)
    server.save_hooks.append(FEATURE.on_save)
    server.file_hooks.append(lambda _ls, uris: FEATURE.files_changed(uris))

    @server.feature("pavedroad/checkPrompt")
    def check(ls: PavedroadServer, params: Any) -> dict[str, Any]:
        text = getattr(params, "text", None)
        if not isinstance(text, str):
            text = ""
        raw = getattr(params, "references", None)
        references = [str(r) for r in raw] if isinstance(raw, (list, tuple)) else []
        state = ls.roots.state_for(_anchor(ls, references))
        return FEATURE.workspace(state).check(text, references).to_json()
