"""Packages an AI nudged into a manifest, shown where they land (issue 12, in the editor).

For an open manifest in the `dependencies` zone, the buffer is compared with its committed version
and the dependencies that AI-written lines add or change are checked (`deps.ai_change`, the same
call `check` and the hooks make). Registry look-ups run in a worker thread; until they finish the
document shows the checks that need no network, and it is refreshed when they do. Each finding
offers its code actions: replace a likely typo with the popular name, pin to the lockfile's
version, request an exception for the `dependencies` zone.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
from typing import Any

from lsprotocol import types

from pavedroad.lsp import render
from pavedroad.lsp.documents import DocumentState
from pavedroad.lsp.roots import RootState
from pavedroad.lsp.server import PavedroadServer

log = logging.getLogger(__name__)

REQUEST_DEPENDENCY_EXCEPTION = "pavedroad.requestDependencyException"
_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
             "information": types.DiagnosticSeverity.Information}


class DepsFeature:
    def __init__(self, server: PavedroadServer) -> None:
        self.server = server
        #: uri -> (document version, revision, diagnostics)
        self.results: dict[str, tuple[int, int, list[types.Diagnostic]]] = {}
        self.running: set[str] = set()
        self.committed: dict[str, str | None] = {}

    def applies(self, doc: DocumentState, state: RootState) -> bool:
        from pavedroad.deps.ai_change import is_manifest
        from pavedroad.deps.check import ZONE_ID

        return (doc.rel_path is not None and is_manifest(doc.rel_path)
                and state.config.zone(ZONE_ID) is not None)

    def diagnostics(self, server: PavedroadServer, doc: DocumentState,
                    state: RootState) -> list[types.Diagnostic]:
        if not self.applies(doc, state):
            return []
        cached = self.results.get(doc.uri)
        if cached is not None and cached[:2] == (doc.version, doc.revision):
            return cached[2]
        if doc.uri not in self.running:
            self.running.add(doc.uri)
            server.spawn(self._compute(doc, state))
        return cached[2] if cached is not None else []

    def _ai_lines(self, doc: DocumentState) -> list[tuple[int, int]]:
        from pavedroad.provenance.ranges import to_spans

        ai = getattr(self.server, "ai", None)
        if ai is None:
            return []
        prov = ai.provenance.get(doc.uri)
        return [(s.start_line, s.end_line) for s in to_spans(prov.ranges, doc.text)] if prov else []

    def _committed(self, doc: DocumentState, state: RootState) -> str | None:
        if doc.uri not in self.committed:
            try:
                out = subprocess.run(["git", "show", f"HEAD:{doc.rel_path}"], cwd=state.root,
                                     capture_output=True, timeout=10, check=False,
                                     stdin=subprocess.DEVNULL)
                self.committed[doc.uri] = (out.stdout.decode("utf-8", "replace")
                                           if out.returncode == 0 else None)
            except (OSError, subprocess.SubprocessError):
                self.committed[doc.uri] = None
        return self.committed[doc.uri]

    async def _compute(self, doc: DocumentState, state: RootState) -> None:
        from pavedroad.deps.ai_change import check_ai_change, default_registry

        version, revision, text = doc.version, doc.revision, doc.text
        try:
            ai_lines = self._ai_lines(doc)
            old = await asyncio.to_thread(self._committed, doc, state)
            report = await asyncio.to_thread(
                check_ai_change, state.root, doc.rel_path or "", old, text, state.config,
                ai_lines, registry=default_registry(), budget=8.0)
            diagnostics = [self._diagnostic(doc, f) for f in report.findings]
            self.results[doc.uri] = (version, revision, diagnostics)
        except Exception:
            log.exception("dependency check of %s failed", doc.rel_path)
            self.results[doc.uri] = (version, revision, [])
        finally:
            self.running.discard(doc.uri)
        current = self.server.documents.get(doc.uri)
        if current is not None:
            current.diagnostics = None
            if (current.version, current.revision) == (version, revision):
                current.needs_refresh = True
            self.server.schedule(doc.uri, delay_ms=0)

    @staticmethod
    def _diagnostic(doc: DocumentState, finding: Any) -> types.Diagnostic:
        line = max(0, finding.line - 1)
        rng = doc.index.lines_range(line, line)
        if finding.end > finding.start:
            rng = types.Range(start=types.Position(line=line, character=finding.start),
                              end=types.Position(line=line, character=finding.end))
        actions = [{"kind": a.kind, "title": a.title, "line": a.line, "start": a.start,
                    "end": a.end, "new_text": a.new_text, "zone": a.zone, "path": a.path}
                   for a in finding.actions]
        return types.Diagnostic(range=rng, message=finding.message, source=render.SOURCE,
                                code=finding.code, severity=_SEVERITY.get(finding.severity),
                                data={"dependency_actions": actions, "uri": doc.uri})

    def code_actions(self, server: PavedroadServer,
                     params: types.CodeActionParams) -> list[types.CodeAction]:
        out: list[types.CodeAction] = []
        doc = server.documents.get(params.text_document.uri)
        if doc is None:
            return out
        for diagnostic in params.context.diagnostics:
            data = diagnostic.data if isinstance(diagnostic.data, dict) else None
            if diagnostic.source != render.SOURCE or not data or "dependency_actions" not in data:
                continue
            for action in data["dependency_actions"]:
                if action["kind"] in ("replace_name", "pin_lockfile"):
                    line = max(0, int(action["line"]) - 1)
                    edit = types.TextEdit(
                        range=types.Range(start=types.Position(line=line, character=int(action["start"])),
                                          end=types.Position(line=line, character=int(action["end"]))),
                        new_text=str(action["new_text"]))
                    out.append(types.CodeAction(
                        title=str(action["title"]), kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        edit=types.WorkspaceEdit(changes={doc.uri: [edit]})))
                elif action["kind"] == "request_exception":
                    out.append(types.CodeAction(
                        title=str(action["title"]), kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        command=types.Command(title=str(action["title"]),
                                              command=REQUEST_DEPENDENCY_EXCEPTION,
                                              arguments=[doc.uri, str(action["path"])])))
        return out


def register(server: PavedroadServer) -> None:
    feature = DepsFeature(server)
    server.providers.append(feature.diagnostics)
    server.code_action_providers.append(feature.code_actions)
    server.save_hooks.append(lambda _ls, doc: feature.committed.pop(doc.uri, None))
    server.close_hooks.append(lambda _ls, uri: (feature.results.pop(uri, None),
                                                feature.committed.pop(uri, None)))

    @server.command(REQUEST_DEPENDENCY_EXCEPTION)
    def request_exception(ls: PavedroadServer, *args: Any) -> dict[str, Any]:
        from pavedroad.deps.check import ZONE_ID
        from pavedroad.policy.records import RecordWriteError, append_exception, build_exception

        if len(args) != 2 or not all(isinstance(a, str) for a in args):
            return {"error": "expected (uri, path)"}
        doc = ls.documents.get(args[0])
        state = ls.root_state(doc) if doc is not None else None
        if doc is None or state is None or doc.rel_path is None or doc.rel_path != args[1]:
            return {"error": "the manifest is not open in this workspace"}
        try:
            path, line = append_exception(state.root, build_exception(
                state.config, zone=ZONE_ID, paths=[doc.rel_path]))
        except (RecordWriteError, OSError) as exc:
            return {"error": str(exc)}
        return {"file": path, "line": line}
