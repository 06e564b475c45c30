"""LSP method handlers for zones: documents, diagnostics, hover, code lens, zonesAt, config reload.

Each handler only translates; the decisions live in the engine (config, analysis, policy).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.uris import to_fs_path

from pavedroad.analysis import crossfile
from pavedroad.analysis.model import Region
from pavedroad.lsp import render
from pavedroad.lsp.roots import CONFIG_FILE
from pavedroad.lsp.server import PavedroadServer, plain

log = logging.getLogger(__name__)


def register(server: PavedroadServer) -> None:
    @server.feature(types.INITIALIZE)
    def on_initialize(ls: PavedroadServer, params: types.InitializeParams) -> None:
        ls.apply_initialization(params.initialization_options)
        ls.roots.folders = _folder_paths(params)
        # Load the folders' configs now, in the background, so the first diagnostic is not
        # kept waiting for YAML, git and (central) url maps.
        for folder in ls.roots.folders:
            ls.spawn(ls.roots.ensure(ls.roots.root_for(folder)))

    @server.feature(types.INITIALIZED)
    async def on_initialized(ls: PavedroadServer, _params: types.InitializedParams) -> None:
        await ls.register_watchers()
        if get_capability(ls.client_capabilities, "workspace.configuration", False):
            try:
                settings = await ls.workspace_configuration_async(
                    types.ConfigurationParams(items=[types.ConfigurationItem(section="pavedroad")])
                )
                if settings and ls.apply_client_settings(plain(settings[0])):
                    await ls.reload_all()
            except Exception:
                log.warning("workspace/configuration failed; using initializationOptions", exc_info=True)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def on_configuration(ls: PavedroadServer, params: types.DidChangeConfigurationParams) -> None:
        settings = plain(params.settings)
        if isinstance(settings, dict) and isinstance(settings.get("pavedroad"), dict):
            settings = settings["pavedroad"]
        elif get_capability(ls.client_capabilities, "workspace.configuration", False):
            try:
                answer = await ls.workspace_configuration_async(
                    types.ConfigurationParams(items=[types.ConfigurationItem(section="pavedroad")])
                )
                settings = plain(answer[0]) if answer else None
            except Exception:
                settings = None
        if ls.apply_client_settings(settings):
            await ls.reload_all()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PavedroadServer, params: types.DidOpenTextDocumentParams) -> None:
        doc = ls.open_document(params.text_document)
        for hook in ls.open_hooks:
            hook(ls, doc)
        ls.schedule(params.text_document.uri, delay_ms=0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PavedroadServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        doc = ls.documents.get(uri)
        if doc is None:
            return
        version = params.text_document.version
        if version is not None and version < doc.version:
            return  # out-of-order notification from a confused client
        final_text = ls.workspace.get_text_document(uri).source
        edits = doc.apply_changes(version, list(params.content_changes), final_text)
        for hook in ls.change_hooks:
            hook(ls, doc, params, edits)
        ls.schedule(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: PavedroadServer, params: types.DidSaveTextDocumentParams) -> None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None or doc.path is None:
            return
        for hook in ls.save_hooks:
            hook(ls, doc)
        if doc.path.name == CONFIG_FILE or ls.roots.is_layer_file(doc.path):
            ls.spawn(ls.reload_roots([ls.roots.root_for(doc.path)]))
        elif _is_config_path(doc.path):
            ls.records_changed([])
            ls.refresh_all()
        elif len(ls.documents) > 1 and doc.language in crossfile.LANGUAGES:
            ls.refresh_all()  # another open file may call a zone function this one defines

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PavedroadServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        for hook in ls.close_hooks:
            hook(ls, uri)
        ls.documents.pop(uri, None)
        if (task := ls.pending.pop(uri, None)) is not None:
            task.cancel()
        if not ls.pull_diagnostics:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched(ls: PavedroadServer, params: types.DidChangeWatchedFilesParams) -> None:
        # A branch switch can deliver thousands of events: reload each root once per batch. The
        # registered globs only cover zone configs and record files, and loading is cheap, so every
        # known root is reloaded (an extended central map may live outside any root).
        if not params.changes:
            return
        ls.files_changed([change.uri for change in params.changes])
        ls.records_changed(params.changes)
        paths = [Path(p) for p in (to_fs_path(change.uri) for change in params.changes) if p]
        policy = [p for p in paths if _is_config_path(p) or ls.roots.is_layer_file(p)]
        if not policy:
            return  # ranges agents recorded, or ordinary files: handled above, nothing to reload
        roots = {state.root for state in ls.roots}
        roots.update(ls.roots.root_for(p) for p in policy if p.name == CONFIG_FILE)
        await ls.reload_roots(sorted(roots))

    file_operations = types.FileOperationRegistrationOptions(
        filters=[types.FileOperationFilter(pattern=types.FileOperationPattern(glob="**/*"))])

    @server.feature(types.WORKSPACE_DID_CREATE_FILES, file_operations)
    def did_create_files(ls: PavedroadServer, params: types.CreateFilesParams) -> None:
        ls.files_changed([f.uri for f in params.files])

    @server.feature(types.WORKSPACE_DID_DELETE_FILES, file_operations)
    def did_delete_files(ls: PavedroadServer, params: types.DeleteFilesParams) -> None:
        ls.files_changed([f.uri for f in params.files])

    @server.feature(types.WORKSPACE_DID_RENAME_FILES, file_operations)
    def did_rename_files(ls: PavedroadServer, params: types.RenameFilesParams) -> None:
        ls.files_changed([u for f in params.files for u in (f.old_uri, f.new_uri)])

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier="pavedroad", inter_file_dependencies=True, workspace_diagnostics=False),
    )
    def pull_diagnostics(ls: PavedroadServer, params: types.DocumentDiagnosticParams) -> Any:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return types.FullDocumentDiagnosticReport(items=[])
        items = ls.diagnostics_for(doc)
        result_id = f"{doc.version}:{doc.revision}:{ls.generation}"
        if params.previous_result_id == result_id:
            return types.UnchangedDocumentDiagnosticReport(result_id=result_id)
        return types.FullDocumentDiagnosticReport(items=items, result_id=result_id)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: PavedroadServer, params: types.HoverParams) -> types.Hover | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        state = await ls.ensure_state(doc)
        regions_all = ls.regions_now(doc)
        if regions_all is None or state is None:
            return None
        regions = regions_at(regions_all, params.position.line + 1)
        text = render.hover_markdown(state.config, regions)
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    async def code_lens(ls: PavedroadServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return []
        state = await ls.ensure_state(doc)
        regions = ls.regions_now(doc)
        if regions is None or state is None:
            return []
        return render.code_lenses(doc.uri, doc.index, state.config, regions)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix,
                                                   types.CodeActionKind.RefactorRewrite]),
    )
    def code_action(ls: PavedroadServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        actions: list[types.CodeAction] = []
        for provider in ls.code_action_providers:
            try:
                actions.extend(provider(ls, params))
            except Exception:
                log.exception("code-action provider failed")
        return actions

    @server.feature("pavedroad/zonesAt")
    async def zones_at(ls: PavedroadServer, params: Any) -> dict[str, Any]:
        uri, line = _text_position(params)
        doc = ls.documents.get(uri) if uri is not None else None
        if doc is None or line is None:
            return {"zones": []}
        state = await ls.ensure_state(doc)
        regions = ls.regions_now(doc)
        if regions is None or state is None:
            return {"zones": []}
        config_uri = state.config_file.as_uri() if state.config_file.exists() else None
        return {"zones": render.zones_at_entries(doc.index, state.config,
                                                 regions_at(regions, line + 1), config_uri)}

    @server.command(render.OPEN_ZONE_COMMAND)
    async def open_zone_definition(ls: PavedroadServer, uri: str, zone_id: str) -> bool:
        """Show the config layer that defined `zone_id` (code lens click, code action, status bar)."""
        doc = ls.documents.get(uri)
        path = doc.path if doc is not None and doc.path is not None else Path(to_fs_path(uri) or ".")
        state = ls.roots.state_for(path)
        zone = state.config.zone(zone_id)
        target = state.config_file
        line = 0
        if zone is not None and zone.defined_at is not None:
            defined = Path(zone.defined_at.file)
            target = defined if defined.is_absolute() else state.root / defined
            line = zone.defined_at.line - 1
        if not target.exists():
            return False
        position = types.Position(line=max(line, 0), character=0)
        result = await ls.window_show_document_async(
            types.ShowDocumentParams(
                uri=target.resolve().as_uri(), take_focus=True, selection=types.Range(start=position, end=position)
            )
        )
        return bool(result and result.success)


def regions_at(regions: tuple[Region, ...], line: int) -> tuple[Region, ...]:
    return tuple(r for r in regions if r.start_line <= line <= r.end_line)


def _text_position(params: Any) -> tuple[str | None, int | None]:
    """(uri, 0-based line) of a custom request's `{textDocument: {uri}, position: {line}}`, or
    Nones when the client sent something else (answered with an empty result, not a crash)."""
    try:
        uri = params.textDocument.uri
        line = params.position.line
    except AttributeError:
        return None, None
    if not isinstance(uri, str) or not isinstance(line, int) or isinstance(line, bool) or line < 0:
        return None, None
    return uri, line


def _folder_paths(params: types.InitializeParams) -> list[Path]:
    uris = [f.uri for f in params.workspace_folders or []]
    if not uris and params.root_uri:
        uris = [params.root_uri]
    paths = []
    for uri in uris:
        path = to_fs_path(uri)
        if path:
            paths.append(Path(path))
    return paths


def _is_config_path(path: Path) -> bool:
    return path.name == CONFIG_FILE or (path.suffix in (".yaml", ".yml") and path.parent.name == ".pavedroad")

