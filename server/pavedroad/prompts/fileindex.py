"""A per-root index of the files under a workspace, so prompt references never walk the tree.

Globs and folder references in a prompt (`#folder:config`, `read src/**/*.env`) are answered from
a sorted list of the root's files instead of a directory walk per reference:

1. `FileIndex.build(root)` lists the files once (bounded by `max_files`; VCS, dependency and cache
   directories are skipped; symlinked directories are not followed, so a link loop cannot hang it).
2. `update(paths)` applies file events (created, changed, deleted files or directories) by
   stat-ing just those paths: a shell calls it from `didChangeWatchedFiles`, `didSave`,
   `didCreateFiles` / `didDeleteFiles` / `didRenameFiles`.
3. `lookup(reference)` resolves one reference (`.env`, `./src/../a.py`, an absolute path, a
   `file:` URI, `~/.ssh/id_rsa`) to a `Target`; `under(dir)` and `matching(spec)` answer folder and
   glob references from the list.

A NUL byte ends a referenced path (as for any C-level consumer); names that still cannot be encoded
are resolved by name only and never reach `os` calls, which would raise `ValueError` /
`UnicodeEncodeError` on them.
Pure apart from `os.scandir` / `os.stat`; no config, no zones.
"""

from __future__ import annotations

import bisect
import os
import posixpath
import re
import stat
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import unquote, urlparse

from pavedroad.searchcmd import HOME_VARIABLE

#: Upper bound on files listed under a root; a larger tree is listed up to here (`truncated`).
MAX_INDEX_FILES = 20_000
SKIP_DIRS = frozenset(
    [
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".gradle",
        ".idea",
        ".terraform",
    ]
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,20}://")


class Matcher(Protocol):
    def match_file(self, file: str) -> bool: ...


@dataclass(frozen=True)
class Target:
    """Where a referenced path points: `rel` is relative to the root when `inside_root`, else the
    path without its leading `/` or `~/` (matched by name only)."""

    rel: str
    inside_root: bool
    is_dir: bool


def _glob_regex(glob: str) -> str | None:
    """pathspec's regex for one gitignore-style glob, made safe for a newline-joined listing."""
    if not glob or glob.startswith("!") or "\n" in glob:
        return None
    try:
        from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

        regex, include = GitIgnoreSpecPattern.pattern_to_regex(glob)
    except Exception:
        return None
    if not include or regex is None:
        return None
    # One line per file: a negated class must not cross into the next path, and group names
    # must not repeat across the alternatives.
    return str(regex).replace("[^", "[^\\n").replace("(?P<ps_d>", "(?:")


_REGEX_META = frozenset(".^$*+?{}[]()|")


def literal_prefix(regex: str) -> str:
    """The text every line matched by `^...` (a `_glob_regex`) starts with: its literal head,
    `src/auth/` for `^src/auth/[^\\n/]*\\.py...`. Empty when the regex is not anchored there or
    has a top-level alternative."""
    if not regex.startswith("^"):
        return ""
    depth = 0
    escaped = False
    for ch in regex:  # a top-level `|` lets a line match without the head
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return ""
    head: list[str] = []
    i = 1
    while i < len(regex):
        ch = regex[i]
        if ch == "\\" and i + 1 < len(regex) and not regex[i + 1].isalnum():
            head.append(regex[i + 1])  # `\.`, `\*`: an escaped punctuation mark is itself
            i += 2
        elif ch == "\\" or ch in _REGEX_META:
            break
        else:
            head.append(ch)
            i += 1
    # a quantifier after the last literal (`a?`, `a*`) makes that literal optional
    if i < len(regex) and regex[i] in "*?{" and head:
        head.pop()
    return "".join(head)


def fs_safe(path: str) -> bool:
    """True when `path` can be handed to `os` calls (no NUL byte, encodable file name)."""
    if "\x00" in path:
        return False
    try:
        os.fsencode(path)
    except (UnicodeEncodeError, ValueError):
        return False
    return True


def is_dir(path: str) -> bool:
    return fs_safe(path) and os.path.isdir(path)


def is_file(path: str) -> bool:
    """A regular file (after symlinks); never a FIFO or device, whose reads could block."""
    if not fs_safe(path):
        return False
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def resolve_reference(reference: str, root: str | None) -> Target | None:
    """Resolve a referenced path against `root` (lexically: `..` is normalised, links are not
    followed). None for URLs and empty paths. A NUL byte ends the path, as it would for any C-level
    consumer (`.env\\0junk` names `.env`)."""
    raw = reference.split("\x00", 1)[0].strip().strip("\"'")
    if raw.startswith("file:"):
        raw = unquote(urlparse(raw).path).split("\x00", 1)[0]
    elif _SCHEME.match(raw):
        return None
    raw = raw.replace("\\", "/")
    trailing_slash = raw.endswith("/")
    raw = HOME_VARIABLE.sub("~", raw, count=1)  # `$HOME/.aws/credentials` is `~/.aws/credentials`
    if raw.startswith("~"):  # the user's home: never inside the workspace
        rel = raw.lstrip("~").lstrip("/")
        return Target(posixpath.normpath(rel), False, trailing_slash) if rel else None
    root_posix = os.path.abspath(root).replace("\\", "/") if root and fs_safe(root) else None
    if raw.startswith("/"):
        norm = posixpath.normpath(raw)
        if root_posix and (norm == root_posix or norm.startswith(root_posix.rstrip("/") + "/")):
            rel, inside = posixpath.relpath(norm, root_posix), True
        else:
            rel, inside = norm.lstrip("/"), False
    else:
        rel = posixpath.normpath(raw)
        inside = not (rel == ".." or rel.startswith("../"))
        while rel.startswith("../"):
            rel = rel[3:]
    if rel in ("", ".", ".."):
        return None
    directory = trailing_slash
    if inside and root_posix and not directory:
        directory = is_dir(os.path.join(root_posix, rel))
    return Target(rel, inside and root_posix is not None, directory)


class FileIndex:
    """Sorted relative POSIX paths of the files under `root` (see the module docstring)."""

    def __init__(self, root: str, *, max_files: int = MAX_INDEX_FILES) -> None:
        self.root = os.path.abspath(root) if fs_safe(root) else root
        self.max_files = max_files
        self._files: list[str] = []
        self._set: set[str] = set()
        #: True when the tree held more files than `max_files` (globs may then miss some)
        self.truncated = False
        #: bumped on every change, so callers can cache answers per generation
        self.generation = 0
        self.built_at = 0.0
        self._joined_cache: tuple[int, str, list[int]] | None = None

    @classmethod
    def build(cls, root: str, *, max_files: int = MAX_INDEX_FILES) -> FileIndex:
        index = cls(root, max_files=max_files)
        index.rebuild()
        return index

    # --- building and updating ----------------------------------------------------------------
    def rebuild(self) -> None:
        files, truncated = self._walk("", self.max_files)
        self._files = sorted(files)
        self._set = set(files)
        self.truncated = truncated
        self.generation += 1
        self.built_at = time.monotonic()

    def _walk(self, rel_dir: str, budget: int) -> tuple[list[str], bool]:
        out: list[str] = []
        if not fs_safe(self.root) or budget <= 0:
            return out, budget <= 0
        stack = [rel_dir]
        while stack:
            current = stack.pop()
            try:
                entries = sorted(os.scandir(os.path.join(self.root, current)), key=lambda e: e.name)
            except (OSError, ValueError):
                continue
            subdirs = []
            for entry in entries:
                rel = f"{current}/{entry.name}" if current else entry.name
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name not in SKIP_DIRS:
                            subdirs.append(rel)
                        continue
                    if not entry.is_file():
                        continue
                except OSError:
                    continue
                out.append(rel)
                if len(out) >= budget:
                    return out, True
            stack.extend(reversed(subdirs))
        return out, False

    def update(self, paths: Iterable[str]) -> None:
        """Apply events for `paths` (absolute, `file:` URIs or root-relative): each is stat-ed and
        added, removed, or (a directory) re-listed. Paths outside the root are ignored."""
        changed = False
        for path in paths:
            target = resolve_reference(path, self.root)
            if target is None or not target.inside_root or not fs_safe(target.rel):
                continue
            rel = target.rel
            if any(part in SKIP_DIRS for part in rel.split("/")):
                continue
            absolute = os.path.join(self.root, rel)
            self._remove_under(rel)
            if is_file(absolute):
                self._add(rel)
            elif is_dir(absolute):
                budget = self.max_files - len(self._files)
                files, truncated = self._walk(rel, budget)
                self.truncated = self.truncated or truncated
                for f in files:
                    self._add(f)
            else:
                self._remove(rel)
            changed = True
        if changed:
            self.generation += 1

    def _add(self, rel: str) -> None:
        if rel in self._set:
            return
        if len(self._files) >= self.max_files:
            self.truncated = True
            return
        bisect.insort(self._files, rel)
        self._set.add(rel)

    def _remove(self, rel: str) -> None:
        if rel not in self._set:
            return
        i = bisect.bisect_left(self._files, rel)
        del self._files[i]
        self._set.discard(rel)

    def _remove_under(self, rel_dir: str) -> None:
        lo, hi = self._span(rel_dir)
        for rel in self._files[lo:hi]:
            self._set.discard(rel)
        del self._files[lo:hi]

    def _span(self, rel_dir: str) -> tuple[int, int]:
        prefix = rel_dir.rstrip("/") + "/"
        lo = bisect.bisect_left(self._files, prefix)
        hi = bisect.bisect_left(self._files, prefix[:-1] + "0")  # "0" sorts right after "/"
        return lo, hi

    # --- queries ------------------------------------------------------------------------------
    def lookup(self, reference: str) -> Target | None:
        return resolve_reference(reference, self.root)

    def files(self) -> list[str]:
        return self._files

    def __len__(self) -> int:
        return len(self._files)

    def __contains__(self, rel: object) -> bool:
        return rel in self._set

    def under(self, rel_dir: str) -> list[str]:
        lo, hi = self._span(rel_dir)
        return self._files[lo:hi]

    def glob_matches(self, globs: Sequence[str]) -> list[str] | None:
        """Files matched by gitignore-style `globs`, in one regex scan over the joined listing
        (C speed, instead of a Python call per file). None when a glob cannot be translated
        (negations, odd syntax): the caller then matches file by file."""
        parts = []
        for glob in globs:
            translated = _glob_regex(glob)
            if translated is None:
                return None
            parts.append(translated)
        if not parts:
            return []
        try:
            regex = re.compile("|".join(f"(?:{p})" for p in parts), re.M)
        except re.error:
            return None
        joined, starts = self._joined()
        # Lines matched by an anchored glob (`src/**/*.py`) start with its literal head: only
        # that span of the sorted listing is scanned (one `**/` glob scans it all).
        lo, hi = len(self._files), 0
        for part in parts:
            span = self._prefix_span(literal_prefix(part))
            lo, hi = min(lo, span[0]), max(hi, span[1])
        if lo >= hi:
            return []
        begin = starts[lo]
        end = starts[hi] if hi < len(starts) else len(joined)
        out = []
        last = -1
        for m in regex.finditer(joined, begin, end):
            i = bisect.bisect_right(starts, m.start()) - 1
            if i != last:
                out.append(self._files[i])
                last = i
        return out

    def _prefix_span(self, prefix: str) -> tuple[int, int]:
        """Index range of the listed files that start with `prefix` (all of them for "")."""
        if not prefix:
            return 0, len(self._files)
        lo = bisect.bisect_left(self._files, prefix)
        hi = bisect.bisect_left(self._files, prefix[:-1] + chr(ord(prefix[-1]) + 1))
        return lo, hi

    def _joined(self) -> tuple[str, list[int]]:
        cached = self._joined_cache
        if cached is not None and cached[0] == self.generation:
            return cached[1], cached[2]
        joined = "\n".join(self._files)
        starts = []
        pos = 0
        for rel in self._files:
            starts.append(pos)
            pos += len(rel) + 1
        self._joined_cache = (self.generation, joined, starts)
        return joined, starts

    def matching(self, spec: Matcher, limit: int | None = None) -> list[str]:
        out = []
        for rel in self._files:
            if spec.match_file(rel):
                out.append(rel)
                if limit is not None and len(out) >= limit:
                    break
        return out
