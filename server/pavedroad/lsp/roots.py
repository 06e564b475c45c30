"""Zone config per workspace root, with the "last good config stays in force" rule.

A root is the directory holding `.pavedroad.yaml` (found by walking up from a file). Loading is
cheap and happens lazily the first time a document under the root is analysed, never for the whole
workspace at start-up.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pavedroad.analysis.classify import Classifier
from pavedroad.config import find_root, load_config
from pavedroad.config.model import ConfigProblem, EffectiveConfig, LoadResult

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

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE


class Roots:
    def __init__(self, central: Sequence[str] = ()) -> None:
        self.central: tuple[str, ...] = tuple(central)
        self._roots: dict[Path, RootState] = {}

    def __iter__(self) -> Iterator[RootState]:
        return iter(list(self._roots.values()))

    def root_for(self, path: Path) -> Path:
        return Path(find_root(path)).resolve()

    def state_for(self, path: Path) -> RootState:
        root = self.root_for(path)
        state = self._roots.get(root)
        if state is None:
            state = self._load(root, previous=None)
            self._roots[root] = state
        return state

    def reload(self, root: Path, repo_text: str | None = None) -> RootState:
        """Reload `root`'s config (the last good one stays in force if the new one is broken)."""
        state = self._load(root, self._roots.get(root), repo_text)
        self._roots[root] = state
        return state

    def _load(self, root: Path, previous: RootState | None, repo_text: str | None = None) -> RootState:
        result: LoadResult = load_config(root, central=self.central, repo_text=repo_text)
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
        return RootState(root, config, classifier, result.problems, stale, files, result.files)

    def is_layer_file(self, path: Path) -> bool:
        """True when `path` is a config layer (e.g. a central map) that some loaded root extends."""
        resolved = str(path.resolve())
        return any(resolved in state.files for state in self._roots.values())

    def check_text(self, root: Path, repo_text: str) -> LoadResult:
        """Validate an unsaved `.pavedroad.yaml` buffer without applying it."""
        return load_config(root, central=self.central, repo_text=repo_text)
