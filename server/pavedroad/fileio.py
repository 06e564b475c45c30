"""Reading files a repository controls: regular files only, never more than a bound.

A committed symlink can point anywhere: `.pavedroad.yaml -> /dev/stdin` would make the language
server read its own protocol stream, a record or source file `-> /dev/zero` would never end, and a
FIFO would block forever. Every read of repository content goes through `read_regular`, which
opens without blocking, checks the opened file is a regular file, and reads at most `limit` bytes.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


class NotRegularFile(OSError):
    """The path is a device, FIFO, socket or directory: refused without reading it."""

    def __init__(self, path: str | os.PathLike[str], what: str) -> None:
        super().__init__(errno.EINVAL, f"not a regular file ({what})", str(path))
        self.what = what


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_regular(path: str | os.PathLike[str]) -> tuple[int, int]:
    """An fd open for reading and the file's size; raises NotRegularFile or OSError."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(path, _kind(info.st_mode))
        # O_NONBLOCK stays set: it changes nothing for real files, and a pseudo-file that claims
        # to be regular but blocks (`/proc/kmsg`) then fails instead of hanging the reader.
        return fd, info.st_size
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | os.PathLike[str], limit: int) -> tuple[bytes, int]:
    """Up to `limit` + 1 bytes of the regular file at `path` (so callers can tell "over the
    limit") and its size."""
    fd, size = open_regular(path)
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(limit + 1)
        except BlockingIOError:
            raise NotRegularFile(path, "not readable without blocking") from None
        if data is None:
            raise NotRegularFile(path, "not readable without blocking")
        return data, size


def is_regular(path: str | os.PathLike[str]) -> bool:
    """True when `path` (following symlinks) is a regular file."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def is_within(path: str | os.PathLike[str], directory: str | os.PathLike[str]) -> bool:
    """True when `path`, with every symlink resolved, lies inside `directory` (also resolved)."""
    try:
        real = Path(os.path.realpath(path))
        base = Path(os.path.realpath(directory))
    except (OSError, ValueError):
        return False
    return real == base or base in real.parents
