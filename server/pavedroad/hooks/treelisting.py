"""The files a recursive search reads, listed as the tool would list them (see `treesearch`).

A walk of each searched folder (`scandir`, which also says which files are links) with the
search's rules for hidden files, skipped folders and include/exclude globs, the last matching
glob deciding as in grep and ripgrep; a commit's tree from `git ls-tree` for `git grep KEY HEAD`;
git's answer on ignored or untracked files, asked only of the few sensitive ones.
"""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
from collections.abc import Iterator
from typing import Any

import pathspec

from pavedroad.hooks.treesearch import TreeSearch

#: Files a search lists before giving up on checking them all (and denying, to be safe).
MAX_SEARCHED_FILES = 50_000
#: Folders no search tool is pointed at for secrets and that are huge (not looked into).
_SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"})


def searched_files(search: TreeSearch, folder: str, links: set[str] | None = None) -> Iterator[str]:
    """The files under `folder` (absolute) that `search` would read, as absolute paths, but for
    the ignore test (`IgnoredTest`, dearer: the caller asks it of sensitive files only). Raises
    `TooManyFiles` past `MAX_SEARCHED_FILES`. The ones that are symbolic links are added to
    `links` (known from the directory listing, without a system call per file)."""
    if search.revisions:
        committed = _committed_files(search.revisions, folder)
        if committed is not None:
            yield from committed
            return
    globs = _Globs(search)
    seen = 0
    visited: set[tuple[int, int]] = set()  # `grep -R` through `a -> .`: each folder once
    for here, dirs, files, linked in _walk(folder, search.follow):
        if search.follow:
            try:
                st = os.stat(here)
            except OSError:
                continue
            if (st.st_dev, st.st_ino) in visited:
                dirs[:] = []
                continue
            visited.add((st.st_dev, st.st_ino))
        rel_here = os.path.relpath(here, folder)
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS and (search.hidden or not d.startswith("."))
                   and not any(fnmatch.fnmatchcase(d, _posix_class(g)) for g in search.exclude_dirs)
                   and not globs.skips_dir(_join(rel_here, d))]
        for name in files:
            seen += 1
            if seen > MAX_SEARCHED_FILES:
                raise TooManyFiles(folder)
            if not search.hidden and name.startswith("."):
                continue
            if globs.skips(_join(rel_here, name), name):
                continue
            path = os.path.join(here, name)
            if links is not None and name in linked:
                links.add(path)
            yield path


def _walk(top: str, follow: bool) -> Iterator[tuple[str, list[str], list[str], set[str]]]:
    """`os.walk(top, followlinks=follow)`, top-down, that also says which files are symbolic
    links (from the same `scandir` listing). The caller may prune `dirs`."""
    try:
        entries = list(os.scandir(top))
    except OSError:
        return
    dirs: list[str] = []
    files: list[str] = []
    linked: set[str] = set()
    walk_into: set[str] = set()
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        link = entry.is_symlink()
        if is_dir:
            dirs.append(entry.name)
            if follow or not link:
                walk_into.add(entry.name)
        else:
            files.append(entry.name)
            if link:
                linked.add(entry.name)
    yield top, dirs, files, linked
    for name in dirs:
        if name in walk_into:
            yield from _walk(os.path.join(top, name), follow)


def _posix_class(glob: str) -> str:
    """GNU fnmatch reads `[^x]` as `[!x]`; Python's fnmatch reads it as "^ or x"."""
    return glob.replace("[^", "[!")


_BRACE = re.compile(r"\{[^{}]*\}")


class _Globs:
    """A search's include and exclude globs, the last matching one deciding as the tool does.
    grep: file-name globs; with no match a file is searched unless the first option is an
    `--include`. ripgrep and ag: gitignore-style globs on the path; with no match a file is
    searched unless some glob is an include. A glob this cannot read (`{a,b}` alternatives)
    is taken to include every file and exclude none: the search then looks wider, never narrower
    (grep's globs have no braces, and a backslash escapes there, as Python's fnmatch does not)."""

    def __init__(self, search: TreeSearch) -> None:
        ordered = search.ordered or (tuple((True, g) for g in search.includes)
                                     + tuple((False, g) for g in search.excludes))
        self.gitignore_style = search.gitignore_style
        self.rules: list[tuple[bool, Any, bool]] = []  # (include, matcher, without case)
        for include, pattern in ordered:
            if _BRACE.search(pattern) if search.gitignore_style else "\\" in pattern:
                if include:
                    self.rules.append((True, None, False))  # matches every file
                continue
            nocase = pattern in search.nocase
            pattern = pattern.lower() if nocase else pattern
            if search.gitignore_style:
                try:
                    self.rules.append((include, pathspec.GitIgnoreSpec.from_lines([pattern]), nocase))
                except Exception:  # a glob ripgrep would refuse too: read widely
                    if include:
                        self.rules.append((True, None, False))
            else:
                self.rules.append((include, _posix_class(pattern), nocase))
        self.default = not ordered or (not ordered[0][0] if not search.gitignore_style
                                       else not any(inc for inc, _ in ordered))

    def _decides(self, rel: str, name: str) -> bool | None:
        for include, matcher, nocase in reversed(self.rules):
            if matcher is None:
                return True
            key_rel, key_name = (rel.lower(), name.lower()) if nocase else (rel, name)
            hit = (matcher.match_file(key_rel) if not isinstance(matcher, str)
                   else fnmatch.fnmatchcase(key_name, matcher))
            if hit:
                return include
        return None

    def skips(self, rel: str, name: str) -> bool:
        verdict = self._decides(rel, name)
        return not (self.default if verdict is None else verdict)

    def skips_dir(self, rel: str) -> bool:
        """A folder an exclude glob names (`-g '!build/'`): not entered (ripgrep)."""
        if not self.gitignore_style:
            return False
        for include, matcher, nocase in reversed(self.rules):
            if matcher is None or isinstance(matcher, str):
                continue
            if matcher.match_file((rel.lower() if nocase else rel) + "/"):
                return not include and not any(inc for inc, _, _ in self.rules)
        return False


def _committed_files(revisions: tuple[str, ...], folder: str) -> list[str] | None:
    """The files of these commits' trees under `folder` (`git ls-tree`), as absolute paths; a
    deleted file is still there. None when git cannot list one of them (no commit yet, not a
    revision): the folder's own files then stand in, the wider reading."""
    out: list[str] = []
    for revision in revisions:
        try:
            done = subprocess.run(["git", "-c", "core.fsmonitor=false", "-C", folder, "ls-tree", "-r", "-z", "--name-only", revision, "--", "."],
                                  capture_output=True, timeout=10, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        if done.returncode != 0:
            return None
        out.extend(os.path.join(folder, n) for n in done.stdout.decode("utf-8", "surrogateescape").split("\0") if n)
        if len(out) > MAX_SEARCHED_FILES:
            raise TooManyFiles(folder)
    return out


def committed_bytes(revision: str, path: str, limit: int) -> bytes | None:
    """Up to `limit` bytes of `path` as commit `revision` holds it (`git show REV:./name`); None
    when git cannot show it."""
    try:
        done = subprocess.run(["git", "-c", "core.fsmonitor=false", "-C", os.path.dirname(path), "show", f"{revision}:./{os.path.basename(path)}"],
                              capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout[: limit + 1] if done.returncode == 0 else None


def _join(rel_dir: str, name: str) -> str:
    return name if rel_dir == "." else f"{rel_dir}/{name}".replace(os.sep, "/")


class TooManyFiles(Exception):
    """The searched tree is too large to check file by file."""


def skipped_by_git(search: TreeSearch, path: str) -> bool:
    """Whether the tool skips this file for git's sake: ignored (ripgrep, ag) or untracked
    (`git grep`). One git call per file asked: only the few sensitive files are. When git cannot
    tell (no repository, no git), the file counts as searched, the safe answer."""
    if search.revisions:
        return False  # a commit's file is searched whatever .gitignore says now (`git rm --cached .env`)
    if search.tracked_only:
        return _git_ok(path, "ls-files", "--error-unmatch") is False
    if not search.ignored:
        return _git_ok(path, "check-ignore", "-q") is True
    return False


def _git_ok(path: str, *args: str) -> bool | None:
    try:
        done = subprocess.run(["git", "-c", "core.fsmonitor=false", "-C", os.path.dirname(path), *args, "--", os.path.basename(path)],
                              capture_output=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode not in (0, 1) or b"not a git repository" in done.stderr:
        return None
    return done.returncode == 0
