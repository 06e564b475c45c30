"""AI-written code in the editor: live provenance, verdict diagnostics, and the actions on them.

Live ranges (explicit `pavedroad/aiEdit`, heuristic multi-line insertions, and committed history
from git blame of the buffer) are kept as offsets that follow every edit; they are stored under
`.pavedroad/.local/` so they survive a restart. Verdicts come from `pavedroad.policy.verdicts`, the
same function `pavedroad check` uses, so the editor and CI agree.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import to_fs_path

from pavedroad import codes
from pavedroad.lsp import render
from pavedroad.lsp.documents import AppliedEdit, DocumentState
from pavedroad.lsp.positions import LineIndex
from pavedroad.lsp.roots import RootState
from pavedroad.lsp.server import PavedroadServer, plain
from pavedroad.policy.records import (
    EXCEPTIONS_FILE,
    REVIEWS_FILE,
    Records,
    RecordWriteError,
    append_exception,
    append_review,
    build_exception,
    build_review,
    load_records,
)
from pavedroad.policy.verdicts import Finding, evaluate
from pavedroad.provenance.git_history import GitHistory
from pavedroad.provenance.heuristic import RecentOrigins, classify_change
from pavedroad.provenance.ranges import AiRange, add_range, apply_edit, remove_range, to_spans
from pavedroad.provenance.store import RangeStore

log = logging.getLogger(__name__)

AI_CODES = (codes.AI_WARN, codes.AI_REVIEW, codes.AI_DENY)
SIGN_OFF_COMMAND = "pavedroad.signOff"
REQUEST_EXCEPTION_COMMAND = "pavedroad.requestException"
SHOW_ZONE_MAP_COMMAND = "pavedroad.showZoneMap"
#: How much edit history is kept to place a late `aiEdit` (sent for an older version) exactly.
EDIT_LOG_ENTRIES = 256
EDIT_LOG_CHARS = 4_000_000


@dataclass
class Provenance:
    """AI ranges of one open document plus the edit log needed to map late notifications."""

    ranges: list[AiRange] = field(default_factory=list)
    #: (version after the edit, edit), oldest first, bounded by EDIT_LOG_ENTRIES / EDIT_LOG_CHARS
    log: deque[tuple[int, AppliedEdit]] = field(default_factory=deque)
    log_chars: int = 0
    #: live ranges were added or removed since they were last stored (edits that only shift
    #: them do not count: the store re-anchors by content hash, so saving on every keystroke
    #: would only cost time)
    dirty: bool = False
    history_version: int | None = None

    def remember(self, version: int, edit: AppliedEdit) -> None:
        self.log.append((version, edit))
        self.log_chars += len(edit.new_text) + len(edit.old_text)
        while self.log and (len(self.log) > EDIT_LOG_ENTRIES or self.log_chars > EDIT_LOG_CHARS):
            _, dropped = self.log.popleft()
            self.log_chars -= len(dropped.new_text) + len(dropped.old_text)


class AiFeature:
    def __init__(self, server: PavedroadServer) -> None:
        self.server = server
        self.origins = RecentOrigins()
        self.provenance: dict[str, Provenance] = {}
        self.histories: dict[Path, GitHistory] = {}
        self.stores: dict[Path, RangeStore] = {}
        self.records: dict[Path, Records] = {}

    # --- clock and records ------------------------------------------------------------------------
    @staticmethod
    def now() -> dt.datetime:
        """Current time; `PAVEDROAD_NOW` (ISO date/time) pins it for tests and audits."""
        pinned = os.environ.get("PAVEDROAD_NOW")
        if pinned:
            value = dt.datetime.fromisoformat(pinned)
            return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        return dt.datetime.now(dt.timezone.utc)

    def records_for(self, state: RootState) -> Records:
        cached = self.records.get(state.root)
        if cached is None:
            try:
                cached = load_records(state.root, state.config, self.now())
            except Exception:
                log.exception("could not load decision records under %s", state.root)
                cached = Records()
            self.records[state.root] = cached
        return cached

    def forget_records(self, *_args: Any) -> None:
        self.records.clear()

    # --- provenance tracking ---------------------------------------------------------------------
    def tracked(self, doc: DocumentState) -> Provenance:
        prov = self.provenance.get(doc.uri)
        if prov is None:
            prov = self.provenance[doc.uri] = Provenance()
            state = self.server.root_state(doc)
            if state is not None and doc.rel_path is not None:
                try:
                    prov.ranges = self.store(state.root).load(doc.rel_path, doc.text)
                except Exception:
                    log.warning("stored AI ranges for %s could not be read", doc.rel_path, exc_info=True)
        return prov

    def store(self, root: Path) -> RangeStore:
        if root not in self.stores:
            self.stores[root] = RangeStore(root)
        return self.stores[root]

    def on_change(self, server: PavedroadServer, doc: DocumentState, params: Any, edits: list[AppliedEdit]) -> None:
        prov = self.tracked(doc)
        if any(edit.start_position is None for edit in edits):
            # the buffer was replaced (reloaded from disk after an agent wrote the file?): pick
            # up what its hook recorded, after this change has moved the existing ranges
            server.spawn(self._merge_after(doc))
        state = server.root_state(doc)
        settings = state.config.provenance if state is not None else None
        for edit in edits:
            prov.ranges = apply_edit(prov.ranges, edit.start, edit.old_end, len(edit.new_text))
            prov.remember(doc.version, edit)
            if settings is None or server.is_config_document(doc):
                continue
            verdict = classify_change(
                uri=doc.uri,
                version=doc.version,
                text=edit.new_text,
                settings=settings,
                origins=self.origins,
                start=edit.start_position,
                replaced_text=edit.old_text,
                whole_document=edit.start_position is None,
            )
            if verdict.source is not None:
                prov.ranges = add_range(
                    prov.ranges,
                    AiRange(edit.start, edit.start + len(edit.new_text), verdict.source,
                            replaced=edit.old_text, created=self.now().isoformat(timespec="seconds")),
                )
                prov.dirty = True

    async def _merge_after(self, doc: DocumentState) -> None:
        if self.merge_stored(doc):
            self.server.schedule(doc.uri, delay_ms=0)

    def place_in_version(self, doc: DocumentState, prov: Provenance, version: int, lsp_range: Any) -> tuple[int, int] | None:
        """Offsets in the current text of a range the client gave for an older `version`.

        The text of that version is rebuilt by undoing the logged edits made since, the range is
        placed there, then carried forward through the same edits. None when the log no longer
        reaches back that far (the range can no longer be placed safely).
        """
        later = [edit for v, edit in prov.log if v > version]
        if not later or prov.log[0][0] > version + 1:
            return None
        text = doc.text
        for edit in reversed(later):
            text = text[: edit.start] + edit.old_text + text[edit.start + len(edit.new_text) :]
        old_index = LineIndex(text, doc.encoding)
        start = old_index.offset_at(_position(lsp_range.start))
        end = old_index.offset_at(_position(lsp_range.end))
        if end <= start:
            return None
        mapped = [AiRange(start, end, "explicit")]
        for edit in later:
            mapped = apply_edit(mapped, edit.start, edit.old_end, len(edit.new_text))
        return (mapped[0].start, mapped[0].end) if mapped else None

    def mark(self, uri: str, version: int | None, lsp_range: Any, source: str, tool: str | None) -> bool:
        doc = self.server.documents.get(uri)
        if doc is None:
            return False
        prov = self.tracked(doc)
        start = doc.index.offset_at(_position(lsp_range.start))
        end = doc.index.offset_at(_position(lsp_range.end))
        if version is not None and version > doc.version:
            log.info("aiEdit for future version %s of %s (have %s): clamped to current text", version, uri, doc.version)
        elif version is not None and version < doc.version:
            placed = self.place_in_version(doc, prov, int(version), lsp_range)
            if placed is None:
                log.info("aiEdit for stale version %s of %s dropped", version, uri)
                return False
            start, end = placed
        if end <= start:
            return False
        replaced = next((r.replaced for r in prov.ranges if r.source == "heuristic" and r.start == start and r.end == end), None)
        prov.ranges = remove_range(prov.ranges, start, end, "heuristic")
        prov.ranges = add_range(
            prov.ranges,
            AiRange(start, end, source, tool=tool, replaced=replaced, created=self.now().isoformat(timespec="seconds")),  # type: ignore[arg-type]
        )
        prov.dirty = True
        doc.invalidate()
        return True

    def unmark(self, uri: str, lsp_range: Any) -> None:
        doc = self.server.documents.get(uri)
        if doc is None:
            return
        prov = self.tracked(doc)
        start = doc.index.offset_at(_position(lsp_range.start))
        end = doc.index.offset_at(_position(lsp_range.end))
        prov.ranges = remove_range(prov.ranges, start, end, "heuristic")
        prov.dirty = True
        doc.invalidate()

    async def refresh_history(self, doc: DocumentState) -> None:
        """Blame the buffer in a worker thread and replace the document's history ranges."""
        state = self.server.root_state(doc)
        if state is None or doc.rel_path is None or doc.path is None:
            return
        history = self.histories.get(state.root)
        if history is None:
            history = self.histories[state.root] = GitHistory(state.root)
        version, text = doc.version, doc.text
        try:
            result = await asyncio.to_thread(history.ai_lines, doc.rel_path, contents=text)
        except Exception:
            log.warning("git history of %s could not be read", doc.rel_path, exc_info=True)
            return
        current = self.server.documents.get(doc.uri)
        if current is None or current.version != version:
            return  # edited meanwhile: the next save blames again
        prov = self.tracked(current)
        index = current.index
        history_ranges = []
        for span in result.spans:
            first = index.line_starts[min(span.start_line - 1, index.line_count - 1)]
            last_line = min(span.end_line, index.line_count)
            end = index.line_starts[last_line] if last_line < index.line_count else len(current.text)
            if end > first:
                history_ranges.append(AiRange(first, end, "history", tool=span.tool, commit=span.commit))
        prov.ranges = sorted([r for r in prov.ranges if r.source != "history"] + history_ranges, key=lambda r: (r.start, r.end))
        prov.history_version = version
        current.invalidate()
        self.server.schedule(doc.uri, delay_ms=0)

    # --- verdicts ------------------------------------------------------------------------------------
    def findings(self, doc: DocumentState, state: RootState) -> list[Finding]:
        if doc.rel_path is None:
            return []
        prov = self.tracked(doc)
        if prov.dirty:
            self.persist(doc, prov, state)
        if not prov.ranges:
            return []
        zones = self.server.ensure_zones(doc)
        if zones is None or not zones.regions:
            return []
        records = self.records_for(state)
        spans = to_spans(prov.ranges, doc.text)
        findings = evaluate(doc.rel_path, doc.text, zones, spans, state.config, records.reviews,
                            records.active_exceptions, self.now())
        audit = getattr(self.server, "audit", None)
        if audit is not None and findings:
            audit.findings(state.root, findings, state.config.digest)
        return findings

    def diagnostics(self, server: PavedroadServer, doc: DocumentState, state: RootState) -> list[types.Diagnostic]:
        if doc.path is not None and doc.path.parent.name == ".pavedroad" and doc.path.name in (
            Path(REVIEWS_FILE).name, Path(EXCEPTIONS_FILE).name
        ):
            problems = self.records_for(state).all_problems
            own = doc.path.resolve()
            return [render.problem_diagnostic(p, doc.index) for p in problems if Path(p.where.file).resolve() == own]
        if server.is_config_document(doc):
            return []
        result = []
        for finding in self.findings(doc, state):
            data = dict(finding.data)
            data.update(uri=doc.uri, code=finding.code, provenance=finding.provenance)
            result.append(
                types.Diagnostic(
                    range=doc.index.lines_range(finding.start_line - 1, finding.end_line - 1),
                    message=finding.message,
                    severity=_SEVERITY[finding.severity],
                    source=render.SOURCE,
                    code=finding.code,
                    data=data,
                )
            )
        return result

    # --- code actions --------------------------------------------------------------------------------
    def code_actions(self, server: PavedroadServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        actions: list[types.CodeAction] = []
        doc = server.documents.get(params.text_document.uri)
        for diagnostic in params.context.diagnostics:
            if diagnostic.source != render.SOURCE or diagnostic.code not in AI_CODES or not isinstance(diagnostic.data, dict):
                continue
            data = plain(diagnostic.data)
            zone = data.get("zone", "?")
            uri = params.text_document.uri
            if diagnostic.code == codes.AI_REVIEW:
                actions.append(types.CodeAction(
                    title=f"Sign off: I reviewed this AI-written code for zone '{zone}'",
                    kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic], is_preferred=True,
                    command=types.Command(title="Sign off", command=SIGN_OFF_COMMAND, arguments=[uri, data]),
                ))
            actions.append(types.CodeAction(
                title=f"Request an exception for zone '{zone}' (opens .pavedroad/exceptions.yaml)",
                kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                command=types.Command(title="Request exception", command=REQUEST_EXCEPTION_COMMAND, arguments=[uri, data]),
            ))
            if doc is not None:
                revert = self._revert_action(doc, diagnostic)
                if revert is not None:
                    actions.append(revert)
            actions.append(types.CodeAction(
                title=f"Open the definition of zone '{zone}'",
                kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                command=types.Command(title="Open zone definition", command=render.OPEN_ZONE_COMMAND, arguments=[uri, zone]),
            ))
        return actions

    def _revert_action(self, doc: DocumentState, diagnostic: types.Diagnostic) -> types.CodeAction | None:
        """Undo a live AI insertion whose original text we know (only while it is untouched)."""
        prov = self.tracked(doc)
        first = doc.index.offset_at(diagnostic.range.start)
        last = doc.index.offset_at(diagnostic.range.end)
        for ai_range in prov.ranges:
            if ai_range.replaced is None or ai_range.end <= first or ai_range.start >= last:
                continue
            edit = types.TextEdit(
                range=types.Range(start=doc.index.position_at(ai_range.start), end=doc.index.position_at(ai_range.end)),
                new_text=ai_range.replaced,
            )
            return types.CodeAction(
                title="Revert this AI insertion",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=types.WorkspaceEdit(
                    document_changes=[types.TextDocumentEdit(
                        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
                        edits=[edit],
                    )]
                ),
            )
        return None

    # --- commands ------------------------------------------------------------------------------------
    def current_finding(self, uri: str, data: Any) -> tuple[RootState, Finding]:
        """The finding of the open document `uri` that `data` (a diagnostic's data, as a client
        sent it back) names. Commands act only on findings the server itself reported now: a
        buggy or hostile client cannot make it record an arbitrary zone, path or hash."""
        if not isinstance(uri, str) or not isinstance(data, dict):
            raise ValueError("expected the document's uri and the diagnostic's data")
        doc = self.server.documents.get(uri)
        state = self.server.root_state(doc) if doc is not None else None
        if doc is None or state is None:
            raise ValueError("the document is not open in this workspace")
        wanted = (data.get("zone"), data.get("path"), data.get("region_hash") or data.get("lines_hash"))
        for finding in self.findings(doc, state):
            if (finding.zone, finding.path, finding.data.get("region_hash")) == wanted:
                return state, finding
        raise ValueError("no current finding matches this diagnostic (the code changed since, or "
                         "it was already signed off); nothing recorded")

    def sign_off(self, uri: str, data: Any) -> dict[str, Any]:
        state, finding = self.current_finding(uri, data)
        record = build_review(
            state.config, zone=finding.zone, path=finding.path,
            region_hash=finding.data["region_hash"], symbol=finding.data.get("symbol"),
            clock=self.now,
        )
        path, line = append_review(state.root, record)
        audit = getattr(self.server, "audit", None)
        if audit is not None:
            audit.log(state.root, ("signoff", record.path, record.hash),
                      lambda a: a.signoff_from_review(record, source="editor"))
        self.records.pop(state.root, None)
        self.server.refresh_all()
        return {"file": path, "line": line, "reviewer": record.reviewer}

    async def request_exception(self, uri: str, data: Any) -> dict[str, Any]:
        state, finding = self.current_finding(uri, data)
        record = build_exception(state.config, zone=finding.zone, paths=[finding.path],
                                 clock=self.now)
        path, line = append_exception(state.root, record)
        audit = getattr(self.server, "audit", None)
        if audit is not None:
            audit.log(state.root, ("exception", path, line), lambda a: a.exception_event(
                a.EXCEPTION_REQUESTED, record, source="editor"))
        self.records.pop(state.root, None)
        position = types.Position(line=max(line - 1, 0), character=0)
        try:
            await self.server.window_show_document_async(types.ShowDocumentParams(
                uri=Path(path).as_uri(), take_focus=True, selection=types.Range(start=position, end=position)))
        except Exception:
            log.info("client cannot show documents; exception draft written to %s:%s", path, line)
        self.server.refresh_all()
        return {"file": path, "line": line}

    def persist(self, doc: DocumentState, prov: Provenance, state: RootState | None = None) -> None:
        """Store the live ranges of `doc` (under `.pavedroad/.local/`, hashes and offsets only)."""
        state = state or self.server.root_state(doc)
        if state is None or doc.rel_path is None:
            return
        prov.dirty = False
        try:
            # Agents' hooks record into the same store: keep what they recorded, replace what
            # the editor stored earlier with its current ranges.
            prov.ranges = self.store(state.root).merge(
                doc.rel_path, doc.text, prov.ranges, keep=lambda r: r.recorder == "hook")
        except OSError:
            log.warning("could not persist AI ranges for %s", doc.rel_path, exc_info=True)

    def merge_stored(self, doc: DocumentState) -> bool:
        """Add ranges that agents' hooks stored for `doc` since it was opened (the store changed,
        or the buffer was reloaded from disk after an agent wrote the file). True if any."""
        state = self.server.root_state(doc)
        if state is None or doc.rel_path is None:
            return False
        prov = self.tracked(doc)
        try:
            stored = [r for r in self.store(state.root).load(doc.rel_path, doc.text)
                      if r.recorder == "hook"]
        except Exception:
            return False
        before = prov.ranges
        for r in stored:
            if not any(o.start <= r.start and r.end <= o.end for o in prov.ranges):
                prov.ranges = add_range(prov.ranges, r)
        if prov.ranges != before:
            doc.invalidate()
            return True
        return False

    def stored_ranges_changed(self, server: PavedroadServer, changes: Any) -> None:
        """Watched-files events: re-read the stored ranges of open documents."""
        if not any("/.pavedroad/.local/ranges/" in getattr(c, "uri", "") for c in changes or ()):
            return
        for doc in list(server.documents.values()):
            if self.merge_stored(doc):
                server.schedule(doc.uri, delay_ms=0)

    def saved(self, doc: DocumentState) -> None:
        prov = self.provenance.get(doc.uri)
        if prov is not None and prov.ranges:
            self.persist(doc, prov)  # offsets now match the file on disk
        self.server.spawn(self.refresh_history(doc))

    def closed(self, uri: str) -> None:
        prov = self.provenance.pop(uri, None)
        doc = self.server.documents.get(uri)
        if prov is not None and doc is not None and (prov.dirty or prov.ranges):
            self.persist(doc, prov)
        self.origins.forget(uri)


_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


def _position(value: Any) -> types.Position:
    return types.Position(line=max(int(value.line), 0), character=max(int(value.character), 0))



def register(server: PavedroadServer) -> None:
    feature = AiFeature(server)
    server.ai = feature  # type: ignore[attr-defined]
    server.providers.append(feature.diagnostics)
    server.change_hooks.append(feature.on_change)
    server.record_hooks.append(feature.forget_records)
    server.record_hooks.append(feature.stored_ranges_changed)
    server.code_action_providers.append(feature.code_actions)
    server.open_hooks.append(lambda ls, doc: ls.spawn(feature.refresh_history(doc)))
    server.save_hooks.append(lambda ls, doc: feature.saved(doc))
    server.close_hooks.append(lambda ls, uri: feature.closed(uri))

    @server.feature("pavedroad/aiEdit")
    def ai_edit(ls: PavedroadServer, params: Any) -> None:
        document = params.textDocument
        tool = getattr(params, "tool", None)
        if feature.mark(document.uri, getattr(document, "version", None), params.range, "explicit", tool):
            ls.schedule(document.uri, delay_ms=0)

    @server.feature("pavedroad/editOrigin")
    def edit_origin(ls: PavedroadServer, params: Any) -> None:
        document = params.textDocument
        origin = str(params.origin)
        version = getattr(document, "version", None)
        start = (int(params.range.start.line), int(params.range.start.character))
        if origin == "ai":
            if feature.mark(document.uri, version, params.range, "explicit", None):
                ls.schedule(document.uri, delay_ms=0)
            return
        if origin in ("paste", "typing") and version is not None:
            feature.origins.record(document.uri, int(version), "paste" if origin == "paste" else "typing", start)
            feature.unmark(document.uri, params.range)  # if the change already arrived and was guessed AI
            ls.schedule(document.uri, delay_ms=0)

    @server.command(SIGN_OFF_COMMAND)
    def sign_off(ls: PavedroadServer, *args: Any) -> dict[str, Any]:
        try:
            if len(args) != 2:
                raise ValueError("expected (uri, diagnostic data)")
            return feature.sign_off(args[0], plain(args[1]))
        except (ValueError, RecordWriteError) as exc:
            ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"pavedroad: {exc}"))
            return {"error": str(exc)}

    @server.command(REQUEST_EXCEPTION_COMMAND)
    async def request_exception(ls: PavedroadServer, *args: Any) -> dict[str, Any]:
        try:
            if len(args) != 2:
                raise ValueError("expected (uri, diagnostic data)")
            return await feature.request_exception(args[0], plain(args[1]))
        except (ValueError, RecordWriteError) as exc:
            ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"pavedroad: {exc}"))
            return {"error": str(exc)}

    @server.command(SHOW_ZONE_MAP_COMMAND)
    async def show_zone_map(ls: PavedroadServer, *args: Any) -> dict[str, Any]:
        """Zone map of the root of `args[0]` (a URI), or of the first workspace folder."""
        from pavedroad import zonemap

        uri = args[0] if args and isinstance(args[0], str) else None
        folders = [p for p in (to_fs_path(f.uri) for f in ls.workspace.folders.values()) if p]
        target = to_fs_path(uri) if uri else (folders[0] if folders else None)
        if not target:
            return {"root": None, "files": []}
        # Only roots of the workspace: `file:///` must not walk the whole filesystem.
        path = Path(os.path.abspath(target))
        known = [Path(os.path.abspath(f)) for f in folders] + [s.root for s in ls.roots]
        if not any(path == k or k in path.parents for k in known):
            return {"root": None, "files": [], "error": "not inside a workspace folder"}
        state = await ls.roots.ensure(ls.roots.root_for(path))
        files = await asyncio.to_thread(zonemap.scan, state.root, state.config, jobs=1)
        return zonemap.to_json(state.root, files)

