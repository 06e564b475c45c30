"""`apply(plan)` writes the plan; `check(plan)` reports drift without writing.

Files are read and written only inside the workspace root, never through a symlink (a repository
could point `.cursorignore` at `~/.bashrc`), at most `MAX_BYTES` each, as UTF-8; an existing file
that cannot be read or merged (invalid JSON, not UTF-8, too big) is left untouched and reported.
Writes are atomic (temp file + rename) and keep the file's mode.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pavedroad.sync.planner import SyncPlan
from pavedroad.sync.targets import MergeError, Target

MAX_BYTES = 3 * 1024 * 1024  # GitHub ignores a CODEOWNERS file of 3 MB or more

DriftKind = Literal["missing", "stale", "edited", "error"]


class FileProblem(Exception):
    """A generated file cannot be read or written safely (message says why)."""


@dataclass(frozen=True)
class Drift:
    """A generated file that is not what the zone config produces."""

    path: str
    tools: tuple[str, ...]
    kind: DriftKind
    message: str

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "tools": list(self.tools), "kind": self.kind, "message": self.message}

    def __str__(self) -> str:
        return f"{self.path}: {self.kind}: {self.message}"


@dataclass
class ApplyResult:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: (path, message) of files left alone because they could not be merged or written
    errors: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"written": self.written, "removed": self.removed, "unchanged": self.unchanged,
                "errors": [{"path": p, "message": m} for p, m in self.errors]}


def _safe_path(root: Path, rel: str) -> Path:
    """root/rel, refusing `..`, absolute parts and any symlink on the way (root itself excepted)."""
    parts = Path(rel).parts
    if not parts or Path(rel).is_absolute() or any(p in ("..", "") for p in parts):
        raise FileProblem("not a path inside the workspace")
    current = root
    for part in parts:
        current = current / part
        if current.is_symlink():
            raise FileProblem(f"{current.relative_to(root).as_posix()} is a symlink; not followed")
    return current


def read_existing(root: Path, rel: str) -> str | None:
    """The file's text, None when it does not exist; FileProblem when it cannot be used."""
    path = _safe_path(root, rel)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise FileProblem(f"cannot read: {exc.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise FileProblem("exists but is not a regular file")
    if st.st_size > MAX_BYTES:
        raise FileProblem(f"larger than {MAX_BYTES // (1024 * 1024)} MB; not merged")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileProblem(f"cannot read: {exc.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise FileProblem("not UTF-8 text; not merged") from None


def write_file(root: Path, rel: str, text: str) -> None:
    """Write root/rel atomically (keeping its mode), creating directories, never via a symlink."""
    path = _safe_path(root, rel)
    parent = path.parent
    for ancestor in reversed([parent, *parent.parents]):
        if ancestor == root or root not in ancestor.parents:
            continue
        if not ancestor.exists():
            ancestor.mkdir()
        elif ancestor.is_symlink() or not ancestor.is_dir():
            raise FileProblem(f"{ancestor.relative_to(root).as_posix()} is not a directory")
    try:
        mode = stat.S_IMODE(os.lstat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=".pavedroad-", dir=parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def apply(plan: SyncPlan) -> ApplyResult:
    """Write every target whose file differs from the plan; a file that fails is reported and
    the others are still written."""
    result = ApplyResult()
    root = plan.root
    for target in plan.targets:
        try:
            existing = read_existing(root, target.path)
            wanted = target.render(existing)
            if wanted == existing:
                if existing is not None:
                    result.unchanged.append(target.path)
                continue
            if wanted is None:
                _safe_path(root, target.path).unlink()
                result.removed.append(target.path)
            else:
                write_file(root, target.path, wanted)
                result.written.append(target.path)
        except (FileProblem, MergeError) as exc:
            result.errors.append((target.path, str(exc)))
        except OSError as exc:
            result.errors.append((target.path, f"cannot write: {exc.strerror or exc}"))
    return result


def check_target(root: Path, target: Target) -> Drift | None:
    try:
        existing = read_existing(root, target.path)
        wanted = target.render(existing)
    except (FileProblem, MergeError) as exc:
        return Drift(target.path, target.tools, "error", str(exc))
    if wanted == existing:
        return None
    if existing is None:
        return Drift(target.path, target.tools, "missing", "not generated yet (run `pavedroad sync`)")
    if wanted is None:
        return Drift(target.path, target.tools, "stale",
                     "holds only an outdated pavedroad block; sync removes the file")
    kind, message = target.describe_drift(existing)
    return Drift(target.path, target.tools, "edited" if kind == "edited" else "stale", message)


def check(plan: SyncPlan) -> list[Drift]:
    """Every target that `apply(plan)` would change, and why."""
    return [d for d in (check_target(plan.root, t) for t in plan.targets) if d is not None]
