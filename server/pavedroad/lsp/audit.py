"""The editor's decisions in the decision log (`pavedroad.audit`): policy changes, refused attempts
to weaken a central rule, AI-written code landing in zones, sign-offs and exception requests.

Each is logged once per server session (a re-published diagnostic is not a new event), in a
worker thread (the log's own secret check imports the prompt engine), and never blocks or fails
an editor action.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pavedroad import codes
from pavedroad.lsp.roots import RootState
from pavedroad.lsp.server import PavedroadServer

log = logging.getLogger(__name__)


class AuditFeature:
    def __init__(self, server: PavedroadServer) -> None:
        self.server = server
        self.seen: set[tuple[Any, ...]] = set()
        self.digests: dict[Path, str] = {}

    def log(self, root: Path, key: tuple[Any, ...], build: Callable[[Any], Any]) -> None:
        """Append the event `build(audit)` to `root`'s log once for `key`."""
        if key in self.seen:
            return
        self.seen.add(key)

        def write() -> None:
            try:
                from pavedroad import audit

                audit.append_event(root, build(audit))
            except Exception:
                log.debug("could not log an editor decision", exc_info=True)

        self.server.spawn(asyncio.to_thread(write))

    def root_loaded(self, state: RootState) -> None:
        config = state.config
        previous = self.digests.get(state.root)
        if previous != config.digest:
            self.digests[state.root] = config.digest
            self.log(state.root, ("policy", state.root, config.digest),
                     lambda audit: audit.policy_change(
                         digest=config.digest, previous=previous,
                         layers=list(config.layers)[:50]))
        for problem in state.problems:
            if problem.code != codes.CONFIG_LOCKED:
                continue
            file = problem.where.file
            with contextlib.suppress(ValueError, OSError):
                file = Path(file).resolve().relative_to(state.root).as_posix()
            self.log(state.root, ("weaken", state.root, file, problem.where.line, problem.message),
                     _weaken(file, problem.where.line, config.digest))

    def findings(self, root: Path, findings: list[Any], digest: str) -> None:
        for f in findings:
            key = ("landed", root, f.path, f.zone, f.data.get("lines_hash"))
            self.log(root, key, _landed(f, digest))


def _weaken(file: str, line: int, digest: str) -> Callable[[Any], Any]:
    return lambda audit: audit.weaken_attempt(file=file, line=line, policy=digest)


def _landed(f: Any, digest: str) -> Callable[[Any], Any]:
    return lambda audit: audit.ai_code_landed(
        source="editor", zone=f.zone, path=f.path, lines=f.end_line - f.start_line + 1,
        start_line=f.start_line, end_line=f.end_line, level=f.level, tool=f.tool, policy=digest)


def register(server: PavedroadServer) -> AuditFeature:
    feature = AuditFeature(server)
    server.audit = feature  # type: ignore[attr-defined]
    server.load_hooks.append(lambda _ls, state: feature.root_loaded(state))
    return feature
