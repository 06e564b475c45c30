"""The pavedroad language server: LSP handlers that translate between the client and the engine.

Design: all state is mutated on the event-loop thread; analysis of one document is a few
milliseconds (incremental parse + one query pass), so it runs inline after a per-URI debounce that
drops superseded versions. Nothing is scanned at start-up: roots load lazily on first use.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from pavedroad import __version__
from pavedroad.analysis.crossfile import MAX_DEPENDENCIES
from pavedroad.analysis.model import FileZones, Region
from pavedroad.config.approvals import approve
from pavedroad.lsp import render, transport
from pavedroad.lsp import settings as settings_module
from pavedroad.lsp.documents import DocumentState
from pavedroad.lsp.positions import UTF16, LineIndex
from pavedroad.lsp.protocol import PavedroadProtocol
from pavedroad.lsp.roots import CONFIG_FILE, Roots, RootState
from pavedroad.lsp.settings import Settings
from pavedroad.lsp.shift import shift_regions
from pavedroad.repoview import DiskRepo, WarmOnly

log = logging.getLogger(__name__)

WATCH_GLOBS = ("**/.pavedroad.yaml", "**/.pavedroad/*.yaml", "**/*zones*.yaml",
               "**/.pavedroad/.local/ranges/*.json")

#: Extra diagnostics for a document, contributed by feature modules (AI provenance, prompts).
DiagnosticProvider = Callable[["PavedroadServer", DocumentState, RootState], list[types.Diagnostic]]


class PavedroadServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("pavedroad", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
                         protocol_cls=PavedroadProtocol)
        self.settings = Settings()
        self.roots = Roots(self.settings)
        self.documents: dict[str, DocumentState] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        #: (url, sha256) the user was already asked about in this session
        self.asked_approval: set[tuple[str, str]] = set()
        #: central-map problems that have no file to show them on, already shown
        self.shown_problems: set[str] = set()
        self.providers: list[DiagnosticProvider] = []
        self.published_problem_files: set[str] = set()
        #: called after each didChange with the str-offset edits applied (provenance tracking)
        self.change_hooks: list[Callable[..., None]] = []
        #: called when record files (.pavedroad/*.yaml) may have changed
        self.record_hooks: list[Callable[..., None]] = []
        #: called after a root's config was (re)loaded, with its RootState
        self.load_hooks: list[Callable[[PavedroadServer, RootState], None]] = []
        #: called with the URIs of files created, deleted or renamed outside the editor's buffers
        #: (watched files, workspace/did*Files): file indexes stay current without a walk
        self.file_hooks: list[Callable[[PavedroadServer, list[str]], None]] = []
        #: called after a document is opened / saved (with the DocumentState) and before one is closed (with the URI)
        self.open_hooks: list[Callable[..., Any]] = []
        self.save_hooks: list[Callable[..., Any]] = []
        self.close_hooks: list[Callable[..., Any]] = []
        #: code-action contributors: (server, CodeActionParams) -> list[CodeAction]
        self.code_action_providers: list[Callable[..., list[types.CodeAction]]] = []
        #: bumped whenever config or records change, so pull clients get fresh result ids
        self.generation = 0
        #: strong references to fire-and-forget tasks (asyncio only keeps weak ones)
        self.background: set[asyncio.Future[Any]] = set()
        #: (root, dependency) being classified in the background (see `_warm`)
        self.warming: set[tuple[Path, str]] = set()

    # --- transport ----------------------------------------------------------------------------
    def _start_io_async(self, stdin: Any = None, stdout: Any = None) -> None:
        """pygls' stdio loop with `transport.run` as the reader (hardened framing)."""
        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        fd = (stdin or sys.stdin.buffer).fileno()
        reader_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pavedroad-stdin")
        try:
            asyncio.run(transport.run(self._stop_event, fd, self.protocol, reader_pool,
                                      self.report_server_error))
        except BrokenPipeError:
            log.error("connection to the client is lost; shutting down")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            reader_pool.shutdown(wait=False, cancel_futures=True)
            self.shutdown()

    # --- capabilities -------------------------------------------------------------------------
    @property
    def pull_diagnostics(self) -> bool:
        return get_capability(self.client_capabilities, "text_document.diagnostic", None) is not None

    @property
    def encoding(self) -> str:
        return str(getattr(self.workspace, "position_encoding", UTF16) or UTF16)

    @property
    def debounce_ms(self) -> int:
        return self.settings.debounce_ms

    def apply_initialization(self, options: Any) -> None:
        """Settings from initializationOptions (machine-level: they may set central maps)."""
        self.settings = settings_module.from_initialization(options)
        self.roots = Roots(self.settings)

    def apply_client_settings(self, options: Any) -> bool:
        """Settings from workspace/configuration or didChangeConfiguration: central maps may only
        be added (see `lsp.settings`). True when central maps were added."""
        updated = settings_module.with_client_settings(self.settings, options)
        added = updated.client_central != self.settings.client_central
        self.settings = updated
        self.roots.settings = updated
        return added

    # --- documents ------------------------------------------------------------------------------
    def open_document(self, item: types.TextDocumentItem) -> DocumentState:
        path_str = to_fs_path(item.uri)
        # The path as the editor presents it: resolving symlinks here would let a symlinked
        # directory (`src/auth -> ../lib/authimpl`) move a file out of its path zones.
        path = Path(os.path.abspath(path_str)) if path_str else None
        root = rel = None
        if path is not None:
            root = self.roots.root_for(path)
            try:
                rel = path.relative_to(root).as_posix()
            except ValueError:
                rel = path.name
        doc = DocumentState(item.uri, path, root, rel, item.version, item.text, self.encoding)
        self.documents[item.uri] = doc
        if root is not None:
            self.spawn(self._root_ready(root))
        return doc

    def root_state(self, doc: DocumentState) -> RootState | None:
        """The loaded state of `doc`'s root (loaded here, synchronously, only if a feature needs
        it before the background load finished)."""
        if doc.path is None or doc.root is None:
            return None
        return self.roots.get(doc.root) or self.roots.state_for(doc.path)

    async def ensure_state(self, doc: DocumentState) -> RootState | None:
        if doc.path is None or doc.root is None:
            return None
        return await self.roots.ensure(doc.root)

    def aliases_of(self, doc: DocumentState, state: RootState) -> tuple[str, ...]:
        """Every other name of `doc` in its root: its resolved path (it may have been opened
        through a symlink), the git-top prefix and committed symlinks leading to it."""
        if doc.rel_path is None or doc.path is None:
            return ()
        names = list(state.aliases.of(doc.rel_path))
        try:
            real = Path(os.path.realpath(doc.path)).relative_to(os.path.realpath(state.root))
            real_rel = real.as_posix()
            if real_rel != doc.rel_path:
                names.extend([real_rel, *state.aliases.of(real_rel)])
        except (OSError, ValueError):
            pass
        return tuple(dict.fromkeys(n for n in names if n != doc.rel_path))

    async def _root_ready(self, root: Path) -> None:
        state = await self.roots.ensure(root)
        self.after_load(state)

    def after_load(self, state: RootState) -> None:
        """Tell the user what a root's load needs from them: url maps to approve, problems in
        central maps that have no file to show them on; let features know (`load_hooks`)."""
        for hook in self.load_hooks:
            try:
                hook(self, state)
            except Exception:
                log.exception("load hook failed")
        for url, digest in state.needs_approval:
            if (url, digest) not in self.asked_approval:
                self.asked_approval.add((url, digest))
                self.spawn(self._ask_approval(state.root, url, digest))
        for problem in state.problems:
            central = problem.message.startswith("central map")
            if problem.severity == "error" and (central or not Path(problem.where.file).is_file()):
                text = f"pavedroad: {problem.message} [{problem.code}]"
                if text not in self.shown_problems:
                    self.shown_problems.add(text)
                    self.window_show_message(types.ShowMessageParams(
                        type=types.MessageType.Error, message=text))

    async def _ask_approval(self, root: Path, url: str, digest: str) -> None:
        fetch = "Fetch it"
        try:
            answer = await self.window_show_message_request_async(types.ShowMessageRequestParams(
                type=types.MessageType.Warning,
                message=(f"pavedroad: the zone config of {root.name} extends a map from {url} "
                         f"(pinned sha256 {digest[:12]}…). Fetch it? Only approve hosts you "
                         "trust; the approval is remembered for this url and digest."),
                actions=[types.MessageActionItem(title=fetch),
                         types.MessageActionItem(title="Not now")]))
        except Exception:
            log.warning("client cannot ask the user; url map %s stays unfetched", url)
            return
        if answer is not None and answer.title == fetch:
            approve(url, digest)
            await self.roots.reload_async(root)
            self.refresh_all()

    def is_config_document(self, doc: DocumentState) -> bool:
        return doc.path is not None and doc.path.name == CONFIG_FILE

    def ensure_zones(self, doc: DocumentState) -> FileZones | None:
        state = self.root_state(doc)
        if state is None or doc.rel_path is None:
            return None
        if doc.zones is None or doc.zones_version != doc.version or doc.zones_digest != state.config.digest:
            view = WarmOnly(state.repo) if state.repo is not None else None
            try:
                doc.zones = state.classifier.classify(
                    doc.rel_path, doc.data, tree=doc.current_tree(), aliases=self.aliases_of(doc, state),
                    repo=view)
            except Exception:  # a classifier bug must never take the server down
                log.exception("classification failed for %s", doc.rel_path)
                doc.zones = FileZones(doc.rel_path, doc.language, skipped="internal error while classifying")
            if view is not None and view.cold and state.repo is not None:
                self._warm(doc.uri, state.repo, view.cold)
            doc.zones_version, doc.zones_digest = doc.version, state.config.digest
            doc.line_shifts = []
        return doc.zones

    def _warm(self, uri: str, repo: DiskRepo, cold: list[str]) -> None:
        """Classify `cold` dependencies of `uri` in a thread, then evaluate the document again."""
        batch = [p for p in cold if (repo.root, p) not in self.warming][:MAX_DEPENDENCIES]
        if not batch:
            return
        keys = {(repo.root, p) for p in batch}
        self.warming.update(keys)

        async def warm() -> None:
            try:
                await asyncio.to_thread(lambda: [repo.exports(p) for p in batch])
            finally:
                self.warming.difference_update(keys)
            doc = self.documents.get(uri)
            if doc is not None:
                doc.zones = None
                doc.diagnostics = None
                self.schedule(uri, delay_ms=0)

        self.spawn(warm())

    def regions_now(self, doc: DocumentState) -> tuple[Region, ...] | None:
        """The zone regions of `doc` for an interactive request: the last classification shifted
        by the edits since (no parse on the request path), or a fresh one when there is none."""
        state = self.roots.get(doc.root) if doc.root is not None else None
        if (doc.zones is not None and doc.zones_version != doc.version and state is not None
                and doc.zones_digest == state.config.digest):
            shifted = shift_regions(doc.zones.regions, doc.line_shifts)
            if shifted is not None:
                return shifted
        zones = self.ensure_zones(doc)
        return zones.regions if zones is not None else None

    def diagnostics_for(self, doc: DocumentState) -> list[types.Diagnostic]:
        if doc.diagnostics is not None and doc.diagnostics_version == doc.version:
            return doc.diagnostics
        state = self.root_state(doc)
        diagnostics: list[types.Diagnostic] = []
        if state is not None:
            if self.is_config_document(doc):
                diagnostics = self._config_buffer_diagnostics(doc, state)
            else:
                diagnostics.extend(self._problem_diagnostics_in(doc, state))
                zones = self.ensure_zones(doc)
                if zones is not None and zones.skipped and doc.language is not None:
                    diagnostics.append(render.skipped_diagnostic(zones.skipped))
            for provider in self.providers:
                try:
                    diagnostics.extend(provider(self, doc, state))
                except Exception:
                    log.exception("diagnostic provider %s failed", getattr(provider, "__name__", provider))
        doc.diagnostics, doc.diagnostics_version = diagnostics, doc.version
        return diagnostics

    def _config_buffer_diagnostics(self, doc: DocumentState, state: RootState) -> list[types.Diagnostic]:
        """Problems of the (possibly unsaved) config buffer; applied only on save or file change."""
        result = self.roots.check_text(state.root, doc.text)
        own = str(doc.path)
        diagnostics = [
            render.problem_diagnostic(p, doc.index)
            for p in result.problems
            if _same_file(p.where.file, own, state.root)
        ]
        return diagnostics

    def _problem_diagnostics_in(self, doc: DocumentState, state: RootState) -> list[types.Diagnostic]:
        own = str(doc.path)
        return [render.problem_diagnostic(p, doc.index) for p in state.problems if _same_file(p.where.file, own, state.root)]

    # --- publishing -----------------------------------------------------------------------------
    def schedule(self, uri: str, delay_ms: int | None = None) -> None:
        if (task := self.pending.pop(uri, None)) is not None:
            task.cancel()
        doc = self.documents.get(uri)
        if doc is None:
            return
        delay = (self.debounce_ms if delay_ms is None else delay_ms) / 1000
        self.pending[uri] = asyncio.ensure_future(self._publish_later(uri, doc.version, delay))

    async def _publish_later(self, uri: str, version: int, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            doc = self.documents.get(uri)
            if doc is None or doc.version != version:
                return  # closed or superseded while we waited
            await self.ensure_state(doc)
            if doc.version != version or self.documents.get(uri) is not doc:
                return
            diagnostics = self.diagnostics_for(doc)
            if not self.pull_diagnostics:
                self.text_document_publish_diagnostics(
                    types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics)
                )
            elif doc.needs_refresh:
                # Pull clients re-pull after their own edits only; provenance changed without one.
                doc.needs_refresh = False
                if get_capability(self.client_capabilities, "workspace.diagnostics.refresh_support", False):
                    self.spawn(self._refresh_pull())
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("analysis of %s failed", uri)
        finally:
            if self.pending.get(uri) is asyncio.current_task():
                self.pending.pop(uri, None)

    def spawn(self, coroutine: Any) -> None:
        """Run `coroutine` in the background, keeping it alive and logging its failure."""
        task = asyncio.ensure_future(coroutine)
        self.background.add(task)

        def done(finished: asyncio.Future[Any]) -> None:
            self.background.discard(finished)
            if not finished.cancelled() and finished.exception() is not None:
                log.error("background task failed", exc_info=finished.exception())

        task.add_done_callback(done)

    def records_changed(self, changes: Sequence[Any]) -> None:
        for hook in self.record_hooks:
            hook(self, changes)

    def files_changed(self, uris: list[str]) -> None:
        for hook in self.file_hooks:
            try:
                hook(self, uris)
            except Exception:
                log.exception("file-change hook failed")

    def refresh_all(self) -> None:
        """Re-evaluate every open document after a config or record change."""
        self.generation += 1
        for doc in self.documents.values():
            doc.zones = None
            doc.diagnostics = None
        self.publish_problem_files()
        if self.pull_diagnostics:
            if get_capability(self.client_capabilities, "workspace.diagnostics.refresh_support", False):
                self.spawn(self._refresh_pull())
        else:
            for uri in self.documents:
                self.schedule(uri, delay_ms=0)

    async def _refresh_pull(self) -> None:
        try:
            await self.workspace_diagnostic_refresh_async(None)
        except Exception:
            log.warning("client refused workspace/diagnostic/refresh")

    def publish_problem_files(self) -> None:
        """Push config problems located in files that are not open (e.g. a central map)."""
        if self.pull_diagnostics:
            return
        by_file: dict[str, list[types.Diagnostic]] = {}
        for state in self.roots:
            for problem in state.problems:
                path = _absolute(problem.where.file, state.root)
                uri = from_fs_path(str(path))
                if uri is None or uri in self.documents:
                    continue
                by_file.setdefault(uri, []).append(render.problem_diagnostic(problem, _index_of(path)))
        for uri in self.published_problem_files - set(by_file):
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        for uri, diagnostics in by_file.items():
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))
        self.published_problem_files = set(by_file)

    async def reload_roots(self, roots: Sequence[Path]) -> None:
        """Reload each root in the background, then re-evaluate every open document."""
        for root in roots:
            state = await self.roots.reload_async(root)
            self.after_load(state)
            self._warn_if_stale(state)
        self.refresh_all()

    async def reload_all(self) -> None:
        await self.reload_roots([state.root for state in self.roots])

    def _warn_if_stale(self, state: RootState) -> None:
        if state.stale and state.problems:
            errors = sum(1 for p in state.problems if p.severity == "error")
            self.window_show_message(
                types.ShowMessageParams(
                    type=types.MessageType.Warning,
                    message=f"pavedroad: {CONFIG_FILE} has {errors} error(s); the last good zone config stays in force.",
                )
            )

    async def register_watchers(self) -> None:
        if not get_capability(self.client_capabilities, "workspace.did_change_watched_files.dynamic_registration", False):
            return
        try:
            await self.client_register_capability_async(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id=str(uuid.uuid4()),
                            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                                watchers=[types.FileSystemWatcher(glob_pattern=g) for g in WATCH_GLOBS]
                                + [types.FileSystemWatcher(
                                    glob_pattern="**/*",
                                    kind=types.WatchKind.Create | types.WatchKind.Delete)]
                            ),
                        )
                    ]
                )
            )
        except Exception:
            log.warning("client did not accept the file-watcher registration", exc_info=True)


def plain(value: Any) -> Any:
    """pygls hands custom/any-typed payloads over as namedtuples; turn them back into dicts."""
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _absolute(file: str, root: Path) -> Path:
    path = Path(file)
    return path if path.is_absolute() else (root / path)


def _same_file(file: str, other: str, root: Path) -> bool:
    try:
        return _absolute(file, root).resolve() == Path(other).resolve()
    except OSError:
        return False


def _read_text(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _index_of(path: Path) -> LineIndex | None:
    text = _read_text(path)
    return LineIndex(text) if text is not None else None
