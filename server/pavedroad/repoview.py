"""The repository as `analysis.crossfile` sees it: which files exist and what each exports.

Every caller that classifies a file of a repository (the zone map, `check`, the language server,
agent hooks) hands the classifier a `DiskRepo`, so a function calling a zone function of another
file gets the same verdict everywhere. A dependency is classified on first need *without* its own
dependencies (propagation stays one level) and remembered until it changes (size, mtime, ctime,
inode).

Everything read here is repository content: regular files only, whose real path is inside the
root (checked when a file is read, so a directory swapped for a symlink later is caught too),
at most `MAX_DEPENDENCY_BYTES` each.
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

#: dependencies larger than this are not classified for their exports (generated code, bundles);
#: the zone map applies the same limit to the exports of the files it classified itself
MAX_DEPENDENCY_BYTES = 2 * 1024 * 1024
#: remembered files and directory listings; past this the memo starts over
_MEMO_LIMIT = 20_000

_Key = tuple[int, int, int, int]


class Classifies(Protocol):
    def classify(self, rel_path: str, data: bytes, *, aliases: Sequence[str] = ()) -> FileZones: ...


class DiskRepo:
    """`crossfile.RepoView` over the files under `root`, classified with `classifier`."""

    def __init__(self, root: Path, classifier: Classifies, aliases: PathAliases | None = None) -> None:
        self.root = root
        self.classifier = classifier
        self.aliases = aliases
        self._lock = threading.Lock()
        self._exports: dict[str, tuple[_Key, tuple[Export, ...]]] = {}
        self._dirs: dict[str, tuple[int, tuple[str, ...]]] = {}
        #: a scan's own results: trusted as they are for the scan's duration (see `preload`)
        self._known: dict[str, tuple[Export, ...]] | None = None
        self._known_files: frozenset[str] = frozenset()
        self._real_root = os.path.realpath(root)

    def preload(self, files: Iterable[FileZones], paths: Iterable[str]) -> None:
        """Answer from a scan that just classified `paths` (`files`: those with regions) instead of
        reading them again; the same rules as reading apply (inside the root, size limit)."""
        known: dict[str, tuple[Export, ...]] = {}
        for f in files:
            if f.exports and self._readable(f.path) is not None:
                known[f.path] = f.exports
        self._known = known
        self._known_files = frozenset(paths)

    # --- RepoView ----------------------------------------------------------------------------
    def is_file(self, rel_path: str) -> bool:
        if rel_path in self._known_files:
            return True
        info = self._stat(rel_path)
        return info is not None and stat.S_ISREG(info.st_mode)

    def list_dir(self, rel_dir: str) -> Sequence[str]:
        if any(part in SKIPPED_DIRS for part in rel_dir.split("/")):
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

    def read_head(self, rel_path: str, limit: int) -> bytes:
        info = self._readable(rel_path)
        if info is None:
            return b""
        try:
            return read_regular(self.root / rel_path, limit)[0][:limit]
        except OSError:
            return b""

    def remembered(self, rel_path: str) -> tuple[Export, ...] | None:
        """`rel_path`'s exports when known without classifying it (preloaded, or remembered and
        unchanged), else None."""
        if self._known is not None and rel_path in self._known_files:
            return self._known.get(rel_path, ())
        with self._lock:
            cached = self._exports.get(rel_path)
        if cached is None:
            return None
        info = self._stat(rel_path)
        return cached[1] if info is not None and cached[0] == _key(info) else None

    def is_cheap(self, rel_path: str) -> bool:
        """Are `rel_path`'s exports known without classifying it (preloaded or remembered)?"""
        return self.remembered(rel_path) is not None

    def exports(self, rel_path: str) -> tuple[Export, ...]:
        if self._known is not None and rel_path in self._known_files:
            return self._known.get(rel_path, ())
        info = self._stat(rel_path)
        if info is None:
            return ()
        key = _key(info)
        with self._lock:
            cached = self._exports.get(rel_path)
        if cached is not None and cached[0] == key:
            return cached[1]  # read and confined before; a swapped path changes the inode
        if self._readable(rel_path) is None:
            return ()
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

    # --- confinement ------------------------------------------------------------------------------
    def _readable(self, rel_path: str) -> os.stat_result | None:
        """The stat of `rel_path` when it may be read for its exports: a regular file within the
        size limit whose real path is inside the root (a committed symlink may point anywhere)."""
        info = self._stat(rel_path)
        if info is None or not stat.S_ISREG(info.st_mode) or info.st_size > MAX_DEPENDENCY_BYTES:
            return None
        real = os.path.realpath(self.root / rel_path)
        if os.path.commonpath([real, self._real_root]) != self._real_root:
            return None
        return info

    def _stat(self, rel_path: str) -> os.stat_result | None:
        if rel_path.startswith(("/", "../")) or rel_path == ".." or "/../" in rel_path or "\0" in rel_path:
            return None
        try:
            return os.stat(self.root / rel_path if rel_path else self.root)
        except (OSError, ValueError):
            return None


class WarmOnly:
    """A `RepoView` over `repo` that never classifies: it answers with the exports already known
    and notes the other files in `cold`, for the editor to classify them off its event loop and
    re-evaluate (a keystroke must not wait for a dependency it has never seen)."""

    def __init__(self, repo: DiskRepo) -> None:
        self.repo = repo
        self.cold: list[str] = []

    def is_file(self, rel_path: str) -> bool:
        return self.repo.is_file(rel_path)

    def list_dir(self, rel_dir: str) -> Sequence[str]:
        return self.repo.list_dir(rel_dir)

    def read_head(self, rel_path: str, limit: int) -> bytes:
        return self.repo.read_head(rel_path, limit)

    def is_cheap(self, rel_path: str) -> bool:
        return True  # nothing here costs a classification: cold files are deferred

    def exports(self, rel_path: str) -> tuple[Export, ...]:
        found = self.repo.remembered(rel_path)
        if found is not None:
            return found
        if rel_path not in self.cold:
            self.cold.append(rel_path)
        return ()


def _key(info: os.stat_result) -> _Key:
    """What changes when a file does (an edit keeping size and mtime still changes ctime)."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


__all__ = ["MAX_DEPENDENCY_BYTES", "DiskRepo", "WarmOnly"]
