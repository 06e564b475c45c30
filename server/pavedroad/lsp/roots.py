"""Zone config per workspace root, with the "last good config stays in force" rule.

A root is found by walking up from a file (`config.discover.find_root`: the outermost config up to
the git top level, never re-rooted by a nested config). Loading reads files, may run git and may
fetch a central url map, so it never runs on the event loop: `ensure(root)` loads in a worker
thread once and every caller awaits the same future. The server starts loading the workspace
folders' roots at `initialize`, so the first diagnostic does not wait for it.

Url maps that the repository names (not central ones) are fetched only when the user approved
them (`config.approvals`); the roots that needed one are reported so the server can ask.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pavedroad.analysis.classify import Classifier
from pavedroad.config import find_root, load_config
from pavedroad.config.approvals import is_approved
from pavedroad.config.discover import PathAliases, path_aliases
from pavedroad.config.model import ConfigProblem, EffectiveConfig, LoadResult
from pavedroad.lsp.settings import Settings
from pavedroad.repoview import DiskRepo

log = logging.getLogger(__name__)

CONFIG_FILE = ".pavedroad.yaml"


@dataclass
class RootState:
    root: Path
    #: the config in force: the newest one that loaded without a fatal error (or the fallback)
    config: EffectiveConfig
    classifier: Classifier
    #: problems of the newest load attempt (shown on the config files even if that load failed)
    problems: tuple[ConfigProblem, ...] = ()
    #: True when the newest load failed and an older (or central-only) config is in force
    stale: bool = False
    #: files the problems are located in, so their diagnostics can be cleared on the next load
    problem_files: set[str] = field(default_factory=set)
    #: absolute paths of every local file the config was read from (repo file, central maps)
    files: tuple[str, ...] = ()
    #: other names of the root's files (git-top prefix, committed symlinks)
    aliases: PathAliases = field(default_factory=PathAliases)
    #: (url, sha256) of repo url maps waiting for the user's approval
    needs_approval: tuple[tuple[str, str], ...] = ()
    #: the root's other files, for calls into their zone functions (see `analysis.crossfile`)
    repo: DiskRepo | None = None

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE


class Roots:
    def __init__(self, settings: Settings | None = None,
                 url_approved: Callable[[str, str], bool] = is_approved) -> None:
        self.settings = settings or Settings()
        self.url_approved = url_approved
        self._roots: dict[Path, RootState] = {}
        #: the editor's workspace folders (roots for files with neither git nor a config above)
        self.folders: list[Path] = []
        self._loading: dict[Path, asyncio.Future[RootState]] = {}
        self._reloading: dict[Path, asyncio.Future[RootState]] = {}

    @property
    def central(self) -> tuple[str, ...]:
        return self.settings.central

    def __iter__(self) -> Iterator[RootState]:
        return iter(list(self._roots.values()))

    def root_for(self, path: Path) -> Path:
        """The root of `path` as the path is presented (symlinks are not resolved)."""
        return Path(os.path.abspath(find_root(path, self.folders)))

    def get(self, root: Path) -> RootState | None:
        return self._roots.get(root)

    async def ensure(self, root: Path) -> RootState:
        """The state of `root`, loading it in a worker thread on first use (and waiting for a
        reload under way, so a request after a save sees the saved config)."""
        reloading = self._reloading.get(root)
        if reloading is not None:
            return await asyncio.shield(reloading)
        state = self._roots.get(root)
        if state is not None:
            return state
        pending = self._loading.get(root)
        if pending is None:
            loop = asyncio.get_running_loop()
            pending = loop.run_in_executor(None, self._load, root, None, None)
            self._loading[root] = pending
            try:
                state = await pending
            finally:
                self._loading.pop(root, None)
            self._roots.setdefault(root, state)
            return self._roots[root]
        return await asyncio.shield(pending)

    def state_for(self, path: Path) -> RootState:
        """The state of `path`'s root, loading it here if needed (threads and the CLI path)."""
        root = self.root_for(path)
        state = self._roots.get(root)
        if state is None:
            state = self._roots[root] = self._load(root, None)
        return state

    def reload(self, root: Path, repo_text: str | None = None) -> RootState:
        """Reload `root`'s config (the last good one stays in force if the new one is broken)."""
        state = self._load(root, self._roots.get(root), repo_text)
        self._roots[root] = state
        return state

    async def reload_async(self, root: Path) -> RootState:
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(None, self._load, root, self._roots.get(root), None)
        self._reloading[root] = future
        try:
            state = await future
        finally:
            if self._reloading.get(root) is future:
                del self._reloading[root]
        self._roots[root] = state
        return state

    def _load_result(self, root: Path, repo_text: str | None = None) -> LoadResult:
        return load_config(root, central=self.settings.central,
                           client_central=self.settings.client_central, repo_text=repo_text,
                           url_approved=self.url_approved)

    def _load(self, root: Path, previous: RootState | None, repo_text: str | None = None) -> RootState:
        result = self._load_result(root, repo_text)
        files = {p.where.file for p in result.problems}
        if result.config is not None:
            config, stale = result.config, False
        elif previous is not None:
            config, stale = previous.config, True  # the last good config stays in force
        elif result.fallback is not None:
            config, stale = result.fallback, True  # central maps still apply if the repo file is broken
        else:
            config, stale = EffectiveConfig(root=str(root)), True
        if stale:
            log.warning("zone config under %s has errors; keeping the last good config", root)
        # Same digest, same zones and match rules: keep the compiled globs, regexes and queries.
        classifier = (
            previous.classifier
            if previous is not None and previous.config.digest == config.digest
            else Classifier(config)
        )
        aliases = previous.aliases if previous is not None else path_aliases(root, walk=False)
        repo = (previous.repo if previous is not None and previous.classifier is classifier
                and previous.repo is not None else DiskRepo(root, classifier, aliases))
        return RootState(root, config, classifier, result.problems, stale, files, result.files,
                         aliases, result.needs_approval, repo)

    def is_layer_file(self, path: Path) -> bool:
        """True when `path` is a config layer (e.g. a central map) that some loaded root extends."""
        resolved = str(path.resolve())
        return any(resolved in state.files for state in self._roots.values())

    def check_text(self, root: Path, repo_text: str) -> LoadResult:
        """Validate an unsaved `.pavedroad.yaml` buffer without applying it."""
        return self._load_result(root, repo_text)
