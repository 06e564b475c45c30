"""Walking a repository the way a developer expects: .gitignore honoured, vendored code skipped.

Used by `pavedroad zones` and workspace-wide commands, never at language-server start-up.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pathspec

from pavedroad.fileio import open_regular

#: Directories that hold other people's code or generated output; never zoned.
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "vendor",
        "third_party",
        "bower_components",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".terraform",
        "site-packages",
    }
)

#: How many bytes are sniffed for NUL to call a file binary.
SNIFF_BYTES = 8192


def is_binary(head: bytes) -> bool:
    return b"\0" in head[:SNIFF_BYTES]


def _ignore_spec(directory: Path) -> pathspec.GitIgnoreSpec | None:
    try:
        text = (directory / ".gitignore").read_text("utf-8", errors="replace")
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(text.splitlines())


def iter_files(root: str | Path) -> Iterator[str]:
    """Relative POSIX paths of the regular files under `root`, sorted per directory.

    Honours every `.gitignore` on the way down (each relative to its own directory) and
    `.git/info/exclude`; skips `SKIPPED_DIRS`, and never follows directory symlinks (so a symlink
    loop cannot trap the walk). File symlinks are listed only when they point at a regular file.
    """
    root = Path(root)
    specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []
    exclude = root / ".git" / "info" / "exclude"
    if exclude.is_file():
        specs.append(
            ("", pathspec.GitIgnoreSpec.from_lines(exclude.read_text("utf-8", "replace").splitlines()))
        )
    yield from _walk(root, "", specs)


def _matchable(rel: str) -> str:
    """`rel` as text a matcher can take: a name that is not valid UTF-8 (kept by the walk as
    surrogate escapes, so the file can still be opened) has its bad bytes as U+FFFD here."""
    try:
        rel.encode("utf-8")
        return rel
    except UnicodeEncodeError:
        return rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _ignored(rel: str, is_dir: bool, specs: list[tuple[str, pathspec.GitIgnoreSpec]]) -> bool:
    rel = _matchable(rel)
    for base, spec in specs:
        if base and not rel.startswith(base + "/"):
            continue
        local = rel[len(base) + 1 :] if base else rel
        if spec.match_file(local + "/" if is_dir else local):
            return True
    return False


def _walk(root: Path, rel_dir: str, specs: list[tuple[str, pathspec.GitIgnoreSpec]]) -> Iterator[str]:
    directory = root / rel_dir if rel_dir else root
    own = _ignore_spec(directory)
    if own is not None:
        specs = [*specs, (rel_dir, own)]
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return
    subdirs: list[str] = []
    for entry in entries:
        rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
        try:
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in SKIPPED_DIRS and not _ignored(rel, True, specs):
                    subdirs.append(rel)
            elif entry.is_file(follow_symlinks=True) and not _ignored(rel, False, specs):
                yield rel
        except OSError:  # vanished or unreadable while walking
            continue
    for rel in subdirs:
        yield from _walk(root, rel, specs)


def read_bounded(path: Path, limit: int) -> tuple[bytes, int]:
    """Up to `limit` bytes of a regular file and its full size, so huge files are never read
    whole (only the head is, to sniff it); devices and pipes are refused (`fileio`)."""
    fd, size = open_regular(path)
    with os.fdopen(fd, "rb") as handle:
        return (handle.read(limit + 1) if size <= limit else handle.read(SNIFF_BYTES)), size
