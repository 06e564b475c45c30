"""Prompt hygiene in the editor: diagnostics in prompt files, redaction actions, `pavedroad/checkPrompt`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import to_fs_path

from pavedroad import codes
from pavedroad.lsp import render
from pavedroad.lsp.documents import DocumentState
from pavedroad.lsp.roots import RootState
from pavedroad.lsp.server import PavedroadServer

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


def diagnostics(server: PavedroadServer, doc: DocumentState, state: RootState) -> list[types.Diagnostic]:
    if doc.rel_path is None or not (doc.rel_path.endswith(PROMPT_FILE_ENDINGS) or state.config.prompt_files):
        return []
    from pavedroad.promptcheck import check_workspace_prompt, is_prompt_document
    from pavedroad.prompts.masking import placeholder

    if not is_prompt_document(doc.rel_path, state.config):
        return []
    report = check_workspace_prompt(doc.text, root=state.root, config=state.config, classifier=state.classifier)
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


def register(server: PavedroadServer) -> None:
    server.providers.append(diagnostics)
    server.code_action_providers.append(code_actions)

    @server.feature("pavedroad/checkPrompt")
    def check(ls: PavedroadServer, params: Any) -> dict[str, Any]:
        from pavedroad.promptcheck import check_workspace_prompt

        text = getattr(params, "text", None)
        if not isinstance(text, str):
            text = ""
        references = [str(r) for r in (getattr(params, "references", None) or [])]
        anchor = next((to_fs_path(r) for r in references if r.startswith("file:")), None)
        if anchor is None:
            folders = list(ls.workspace.folders.values())
            anchor = to_fs_path(folders[0].uri) if folders else (ls.workspace.root_path or ".")
        state = ls.roots.state_for(Path(anchor or "."))
        report = check_workspace_prompt(
            text, root=state.root, config=state.config, classifier=state.classifier, references=references
        )
        return report.to_json()
