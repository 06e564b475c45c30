"""The repository as `analysis.crossfile` sees it: which files exist and what each exports.

Every caller that classifies a file of a repository (the zone map, `check`, the language server,
agent hooks) hands the classifier a `DiskRepo`, so a function calling a zone function of another
file gets the same verdict everywhere. A dependency is classified on first need *without* its own
dependencies (propagation stays one level) and remembered until its size or mtime changes.

Everything read here is repository content: regular files only, confined to the root, bounded in
size and in number (see `crossfile.MAX_DEPENDENCIES`).
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

from pavedroad.analysis.model import Export, FileZones
from pavedroad.config.discover import PathAliases
from pavedroad.fileio import read_regular
from pavedroad.workspace import SKIPPED_DIRS

#: dependencies larger than this are not classified for their exports (generated code, bundles)
MAX_DEPENDENCY_BYTES = 2 * 1024 * 1024
#: remembered files and directory listings; past this the memo starts over
_MEMO_LIMIT = 20_000


class Classifies(Protocol):
    def classify(self, rel_path: str, data: bytes, *, aliases: Sequence[str] = ()) -> FileZones: ...


class DiskRepo:
    """`crossfile.RepoView` over the files under `root`, classified with `classifier`."""

    def __init__(self, root: Path, classifier: Classifies, aliases: PathAliases | None = None) -> None:
        self.root = root
        self.classifier = classifier
        self.aliases = aliases
        self._lock = threading.Lock()
        self._exports: dict[str, tuple[tuple[int, int], tuple[Export, ...]]] = {}
        self._dirs: dict[str, tuple[int, tuple[str, ...]]] = {}
        #: a scan's own results: trusted as they are for the scan's duration (see `preload`)
        self._known: dict[str, tuple[Export, ...]] | None = None
        self._known_files: frozenset[str] = frozenset()
        self._real_root = os.path.realpath(root)
        self._symlinked: dict[str, bool] = {}  # directory -> whether its real path differs

    def preload(self, files: Iterable[FileZones], paths: Iterable[str]) -> None:
        """Answer from a scan that just classified `paths` (`files`: those with regions) instead of
        reading them again."""
        self._known = {f.path: f.exports for f in files if f.exports}
        self._known_files = frozenset(paths)

    # --- RepoView ----------------------------------------------------------------------------
    def is_file(self, rel_path: str) -> bool:
        if rel_path in self._known_files:
            return True
        info = self._stat(rel_path)
        return info is not None and stat.S_ISREG(info.st_mode)

    def list_dir(self, rel_dir: str) -> Sequence[str]:
        if rel_dir.split("/", 1)[0] in SKIPPED_DIRS or any(p in SKIPPED_DIRS for p in rel_dir.split("/")):
            return ()
        info = self._stat(rel_dir)
        if info is None or not stat.S_ISDIR(info.st_mode):
            return ()
        with self._lock:
            cached = self._dirs.get(rel_dir)
        if cached is not None and cached[0] == info.st_mtime_ns:
            return cached[1]
        names: list[str] = []
        try:
            with os.scandir(self.root / rel_dir if rel_dir else self.root) as entries:
                for entry in entries:
                    try:
                        if entry.is_file():
                            names.append(entry.name)
                    except OSError:
                        continue
        except OSError:
            return ()
        listing = tuple(sorted(names))
        with self._lock:
            if len(self._dirs) >= _MEMO_LIMIT:
                self._dirs.clear()
            self._dirs[rel_dir] = (info.st_mtime_ns, listing)
        return listing

    def exports(self, rel_path: str) -> tuple[Export, ...]:
        if self._known is not None and rel_path in self._known_files:
            return self._known.get(rel_path, ())
        info = self._stat(rel_path)
        if info is None or not stat.S_ISREG(info.st_mode) or info.st_size > MAX_DEPENDENCY_BYTES:
            return ()
        key = (info.st_size, info.st_mtime_ns)
        with self._lock:
            cached = self._exports.get(rel_path)
        if cached is not None and cached[0] == key:
            return cached[1]
        try:
            data, size = read_regular(self.root / rel_path, MAX_DEPENDENCY_BYTES)
        except OSError:
            return ()
        if size > MAX_DEPENDENCY_BYTES:
            return ()
        names = self.aliases.of(rel_path) if self.aliases is not None else ()
        found = self.classifier.classify(rel_path, data, aliases=names).exports  # no repo: one level
        with self._lock:
            if len(self._exports) >= _MEMO_LIMIT:
                self._exports.clear()
            self._exports[rel_path] = (key, found)
        return found

    def _stat(self, rel_path: str) -> os.stat_result | None:
        if rel_path.startswith(("/", "../")) or rel_path == ".." or "/../" in rel_path or "\0" in rel_path:
            return None
        path = self.root / rel_path if rel_path else self.root
        try:
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode) or self._linked_dirs(rel_path):
                # a committed symlink may point anywhere: follow it only when it stays inside
                real = os.path.realpath(path)
                if os.path.commonpath([real, self._real_root]) != self._real_root:
                    return None
                info = os.stat(path)
            return info
        except (OSError, ValueError):
            return None

    def _linked_dirs(self, rel_path: str) -> bool:
        """Does a directory on the way to `rel_path` (inside the root) carry a symlink?"""
        parent = rel_path.rpartition("/")[0]
        if not parent:
            return False
        with self._lock:
            known = self._symlinked.get(parent)
        if known is None:
            known = os.path.realpath(self.root / parent) != os.path.join(self._real_root, parent)
            with self._lock:
                if len(self._symlinked) >= _MEMO_LIMIT:
                    self._symlinked.clear()
                self._symlinked[parent] = known
        return known


__all__ = ["MAX_DEPENDENCY_BYTES", "DiskRepo"]
