"""Where a workspace's config lives: its root, its git top level, nested configs and path aliases.

The root must not be something a repository can move. If the nearest `.pavedroad.yaml` were the
root, a repo could commit `src/auth/.pavedroad.yaml` and files below it would be matched as
`session.py` instead of `src/auth/session.py`, so a central rule `src/auth/**` would miss them.
So:

1. The **root** is the git top level (the nearest directory containing `.git`), where central
   maps' paths are anchored. Outside git it is the *outermost* directory holding a
   `.pavedroad.yaml` (the walk stops at the user's home and never looks at world-writable
   directories: a `/tmp/.pavedroad.yaml` is anybody's), else the path's own directory.
2. Configs below the root are **nested** layers of the same root: they add to it (their globs
   rebased onto their directory) and never re-root anything.
3. Path rules see every name a file has in the repository: its path relative to the root, relative
   to the git top level (when the root is below it, so central maps written for the repository
   still match), and through every symlink inside the repository that leads to it
   (`src/auth -> ../lib/authimpl` puts `lib/authimpl/x.py` under `src/auth/x.py` too). The
   strictest zone of any name applies.
"""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

REPO_FILE = ".pavedroad.yaml"
#: Nested configs and symlinks considered per root (a repo with more is reported, not walked on).
MAX_NESTED = 256
MAX_SYMLINKS = 10_000
_GIT_TIMEOUT = 10.0


def _is_world_writable(directory: Path) -> bool:
    try:
        return bool(os.stat(directory).st_mode & stat.S_IWOTH)
    except OSError:
        return True


def _has(directory: Path, name: str) -> bool:
    try:
        return os.path.lexists(directory / name)
    except (OSError, ValueError):
        return False


def git_top(path: str | os.PathLike[str]) -> Path | None:
    """The nearest directory at or above `path` that contains `.git` (the work tree's top)."""
    start = Path(os.path.abspath(os.fspath(path)))
    if not start.is_dir():
        start = start.parent
    for directory in (start, *start.parents):
        if _has(directory, ".git"):
            return directory
    return None


def find_root(path: str | os.PathLike[str],
              folders: Sequence[str | os.PathLike[str]] = ()) -> Path:
    """The workspace root for a file or directory (see the module docstring, point 1).

    Works on the path as given (symlinks are not resolved, so a file reached through a symlinked
    directory keeps the root the repository presents). `folders`: the editor's workspace
    folders; with neither git nor a config above `path`, the folder holding it is the root (not
    the file's own directory, where root-relative path rules would miss it).
    """
    start = Path(os.path.abspath(os.fspath(path)))
    if not start.is_dir():
        start = start.parent
    top = git_top(start)
    if top is not None:
        return top
    home = Path(os.path.expanduser("~"))
    outermost: Path | None = None
    for directory in (start, *start.parents):
        if directory == home.parent or (_is_world_writable(directory) and directory != start):
            break  # outside git: never above home, never in a world-writable directory
        if _has(directory, REPO_FILE):
            outermost = directory
    if outermost is not None:
        return outermost
    for folder in folders:
        base = Path(os.path.abspath(os.fspath(folder)))
        if start == base or base in start.parents:
            return base
    return start


def _git_lines(args: Sequence[str], cwd: Path) -> list[str] | None:
    try:
        out = subprocess.run(
            ["git", "-c", "core.quotePath=false", "-c", "core.fsmonitor=false", *args], cwd=cwd, capture_output=True,
            timeout=_GIT_TIMEOUT, stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return [p for p in out.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def nested_configs(root: Path) -> list[str]:
    """Directories below `root` (relative POSIX paths) that hold a `.pavedroad.yaml`.

    Inside git, the index and untracked-but-not-ignored files are asked (fast in any repo size);
    outside git the tree is walked as `pavedroad zones` walks it.
    """
    found: list[str] = []
    if git_top(root) is not None:
        lines = _git_lines(["ls-files", "-z", "--cached", "--others", "--exclude-standard",
                            "--", f"*{REPO_FILE}"], root)
        if lines is not None:
            for rel in lines:
                p = PurePosixPath(rel)
                if p.name == REPO_FILE and str(p.parent) not in (".", ""):
                    found.append(str(p.parent))
            return sorted(set(found))[:MAX_NESTED]
    from pavedroad.workspace import iter_files  # lazy: the walker is only needed outside git

    for rel in iter_files(root):
        p = PurePosixPath(rel)
        if p.name == REPO_FILE and str(p.parent) not in (".", ""):
            found.append(str(p.parent))
            if len(found) >= MAX_NESTED:
                break
    return sorted(found)


def rebase_glob(pattern: str, base: str) -> str:
    """A gitignore-style glob written in directory `base` (relative to the root), as the same glob
    written at the root: `*.py` -> `base/**/*.py`, `lib/x` and `/lib/x` -> `/base/lib/x`."""
    if not base:
        return pattern
    base = base.strip("/")
    if pattern.startswith("/"):
        return f"/{base}{pattern}"
    body = pattern.rstrip("/")
    if "/" in body:  # a slash before the end anchors the pattern to its own directory
        return f"/{base}/{pattern}"
    return f"/{base}/**/{pattern}"


@dataclass(frozen=True)
class PathAliases:
    """The other names files of one root have (see the module docstring, point 3)."""

    #: the root relative to the git top level ("" when they are the same or there is no git)
    prefix: str = ""
    #: symlink targets -> the link paths that lead to them, both relative to the root
    links: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def of(self, rel_path: str) -> tuple[str, ...]:
        """Every other name of `rel_path` (not including itself)."""
        out: list[str] = []
        names = [rel_path]
        for target, link in self.links:
            for name in list(names):
                if name == target or name.startswith(target + "/"):
                    alias = link + name[len(target):]
                    if alias not in names:
                        names.append(alias)
        out.extend(names[1:])
        if self.prefix:
            out.extend(f"{self.prefix}/{n}" for n in names)
        return tuple(out)


def path_aliases(root: Path, links: Iterable[tuple[str, str]] | None = None, *,
                 walk: bool = True) -> PathAliases:
    """The aliases of files under `root`: the git-top prefix and symlinks within the root."""
    top = git_top(root)
    prefix = ""
    if top is not None:
        try:
            rel = Path(os.path.abspath(root)).relative_to(Path(os.path.abspath(top)))
            prefix = "" if str(rel) == "." else rel.as_posix()
        except ValueError:
            prefix = ""
    pairs = list(links) if links is not None else symlinks_in(root, walk=walk)
    return PathAliases(prefix, tuple(pairs))


def _link_target(root_real: Path, link_abs: Path) -> str | None:
    """The symlink's target relative to the root, or None when it leads outside or is broken."""
    try:
        target = Path(os.path.realpath(link_abs))
        return target.relative_to(root_real).as_posix()
    except (OSError, ValueError):
        return None


def symlinks_in(root: Path, *, walk: bool = True) -> list[tuple[str, str]]:
    """(target, link) pairs, relative to `root`, for symlinks inside `root` that lead inside it.

    In git, the index lists committed symlinks (mode 120000: what CI sees); outside git the tree is
    walked without following links when `walk` is set (the editor does not walk at start-up). Links that lead outside the root or nowhere are ignored: their
    target is not part of the repository.
    """
    root_abs = Path(os.path.abspath(root))
    try:
        root_real = Path(os.path.realpath(root_abs))
    except OSError:
        return []
    candidates: list[str] = []
    lines = _git_lines(["ls-files", "-z", "-s", "--", "."], root) if git_top(root) else None
    if lines is not None:
        for entry in lines:
            meta, _, rel = entry.partition("\t")
            if meta.startswith("120000 "):
                candidates.append(rel)
    elif walk:
        for directory, dirnames, filenames in os.walk(root_abs):
            dirnames[:] = [d for d in dirnames if d not in (".git", "node_modules")]
            for name in (*dirnames, *filenames):
                full = Path(directory) / name
                if full.is_symlink():
                    candidates.append(full.relative_to(root_abs).as_posix())
            if len(candidates) >= MAX_SYMLINKS:
                break
    pairs: list[tuple[str, str]] = []
    for rel in candidates[:MAX_SYMLINKS]:
        target = _link_target(root_real, root_abs / rel)
        if target is not None and target not in ("", ".") and target != rel:
            pairs.append((target, rel))
    return sorted(set(pairs))
