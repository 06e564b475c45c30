"""Live AI ranges that survive a language-server restart.

Stored under ``<root>/.pavedroad/.local/ranges/`` (the ``.local`` directory gets a ``.gitignore``
of ``*`` so it is never committed), one JSON file per source file, named by a hash of its
relative path. What is stored per range is only offsets, lengths, hashes and metadata (source,
tool, commit, creation time): never the code, never a prompt, and not the `replaced` text, so
"revert AI insertion" is not offered for ranges restored after a restart.

On load, when the file's text is the one saved (same whole-text hash) the offsets are used as they
are. Otherwise each range is re-anchored by content: the stored text hash is looked for in the
current text and the occurrence nearest to the old line wins (ties prefer an occurrence whose
surrounding lines also match). A range whose text no longer occurs is dropped.

Writes are atomic (temporary file, fsync, rename).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pavedroad.fileio import is_within, read_regular
from pavedroad.provenance.ranges import AiRange, LineIndex, add_range

LOCAL_DIR = Path(".pavedroad") / ".local"
#: Largest range file read (offsets and hashes only: a few KB in practice).
MAX_STORE_BYTES = 4 << 20
RANGES_DIR = LOCAL_DIR / "ranges"
FORMAT_VERSION = 1
#: single-line ranges are searched on every column only within this many lines of the hint
_NEAR_LINES = 200


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class UnsafeLocalDir(OSError):
    """``.pavedroad/.local`` (or ``.pavedroad``) leads outside the repository: never written."""


def ensure_local_dir(root: str | os.PathLike[str]) -> Path:
    """Create ``.pavedroad/.local`` with a ``.gitignore`` of ``*``; return its path.

    A repository can commit ``.pavedroad/.local`` as a symlink to anywhere; the server must not
    then write its state outside the repository, so such a directory is refused.
    """
    local = Path(root) / LOCAL_DIR
    for part in (local.parent, local):
        if part.is_symlink() or (part.exists() and not is_within(part, root)):
            raise UnsafeLocalDir(f"{part} is a symlink or leads outside the repository; "
                                 "pavedroad does not write there")
    local.mkdir(parents=True, exist_ok=True)
    ignore = local / ".gitignore"
    if not ignore.exists():
        atomic_write(ignore, "# pavedroad local state: never commit\n*\n")
    return local


def atomic_write(path: Path, text: str, mode: int | None = None) -> None:
    """Write `text` to `path` atomically (same-directory temporary file, fsync, rename).

    `mode`: permission bits for the result (temporary files are created 0600).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _context_hash(text: str, index: LineIndex, start: int, end: int) -> str:
    """Hash of the whole lines around a range (the line before, the range's lines, the line
    after): tells apart identical blocks at different places."""
    first = index.line_of(start)
    last = index.line_of(max(start, end - 1))
    lo = index.line_start(max(0, first - 1))
    hi = index.line_end(min(index.line_count - 1, last + 1))
    return _sha(text[lo:start] + "\x00" + text[end:hi])


class RangeStore:
    """Persisted live ranges of one workspace root."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.dir = self.root / RANGES_DIR

    def _file(self, rel_path: str) -> Path:
        return self.dir / (_sha(rel_path)[:32] + ".json")

    def save(self, rel_path: str, text: str, ranges: Sequence[AiRange]) -> None:
        """Persist the live (explicit / heuristic) ranges of `rel_path` for document `text`.

        No ranges left: the file's record is removed.
        """
        live = [r for r in ranges if r.source != "history" and 0 <= r.start < r.end <= len(text)]
        if not live:
            self.delete(rel_path)
            return
        ensure_local_dir(self.root)
        index = LineIndex(text)
        entries = []
        for r in live:
            line = index.line_of(r.start)
            body = text[r.start : r.end]
            newline = body.find("\n")
            entries.append(
                {
                    "start": r.start,
                    "end": r.end,
                    "source": r.source,
                    "tool": r.tool,
                    "commit": r.commit,
                    "created": r.created,
                    "session": r.session,
                    "model": r.model,
                    "recorder": r.recorder,
                    "length": r.end - r.start,
                    "text_hash": _sha(body),
                    "context_hash": _context_hash(text, index, r.start, r.end),
                    "line_hint": line,
                    "column_hint": r.start - index.line_start(line),
                    # length of the range's first line (up to its first newline), -1 if none:
                    # a multi-line range can only start that far before some line end
                    "head_length": newline,
                }
            )
        doc = {
            "version": FORMAT_VERSION,
            "path": rel_path,
            "file_hash": _sha(text),
            "ranges": entries,
        }
        atomic_write(self._file(rel_path), json.dumps(doc, indent=1, sort_keys=True) + "\n")

    def merge(self, rel_path: str, text: str, ranges: Sequence[AiRange], *,
              keep: Callable[[AiRange], bool] = lambda _r: True) -> list[AiRange]:
        """Add `ranges` to what is stored for `rel_path` (re-anchored on `text`), under a lock, so
        several writers (agents' hooks, the editor) lose nothing. Stored ranges that `keep`
        rejects are replaced by `ranges` (the editor passes "recorded by a hook", keeping hooks'
        ranges while its own in-memory ones stay authoritative). Returns what was saved."""
        with self._locked(rel_path):
            merged = [r for r in self.load(rel_path, text) if keep(r)]
            for r in ranges:
                merged = add_range(merged, r)
            self.save(rel_path, text, merged)
        return merged

    @contextlib.contextmanager
    def _locked(self, rel_path: str) -> Iterator[None]:
        locks = ensure_local_dir(self.root) / "locks"
        locks.mkdir(exist_ok=True)
        with open(locks / f"ranges-{_sha(rel_path)[:16]}.lock", "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def delete(self, rel_path: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._file(rel_path).unlink()

    def move(self, old_rel: str, new_rel: str) -> None:
        """Follow a file rename (``workspace/didRenameFiles``)."""
        doc = self._read(old_rel)
        if doc is None:
            return
        doc["path"] = new_rel
        atomic_write(self._file(new_rel), json.dumps(doc, indent=1, sort_keys=True) + "\n")
        self.delete(old_rel)

    def paths(self) -> list[str]:
        """Relative paths that have stored ranges."""
        out = []
        if self.dir.is_dir():
            for f in sorted(self.dir.glob("*.json")):
                doc = self._read_file(f)
                if doc is not None and isinstance(doc.get("path"), str):
                    out.append(doc["path"])
        return out

    def _read_file(self, f: Path) -> dict[str, Any] | None:
        try:
            data, _size = read_regular(f, MAX_STORE_BYTES)
            doc = json.loads(data[:MAX_STORE_BYTES])
        except (OSError, ValueError):
            return None
        if not isinstance(doc, dict) or doc.get("version") != FORMAT_VERSION:
            return None
        return doc

    def _read(self, rel_path: str) -> dict[str, Any] | None:
        doc = self._read_file(self._file(rel_path))
        if doc is None or doc.get("path") != rel_path:
            return None
        return doc

    def load(self, rel_path: str, text: str) -> list[AiRange]:
        """Stored ranges of `rel_path`, re-anchored on `text` (the document as it is now)."""
        doc = self._read(rel_path)
        if doc is None:
            return []
        entries = [e for e in doc.get("ranges", ()) if _valid_entry(e)]
        unchanged = doc.get("file_hash") == _sha(text)
        index = LineIndex(text)
        out: list[AiRange] = []
        for e in entries:
            if unchanged and e["end"] <= len(text):
                start = e["start"]
            else:
                found = _reanchor(text, index, e)
                if found is None:
                    continue
                start = found
            out.append(
                AiRange(
                    start=start,
                    end=start + e["length"],
                    source=e["source"],
                    tool=e.get("tool"),
                    commit=e.get("commit"),
                    created=e.get("created") or "",
                    session=_opt_str(e.get("session")),
                    model=_opt_str(e.get("model")),
                    recorder="hook" if e.get("recorder") == "hook" else "editor",
                )
            )
        out.sort(key=lambda r: (r.start, r.end))
        return out


def _opt_str(value: Any) -> str | None:
    return value[:200] if isinstance(value, str) and value else None


def _valid_entry(e: Any) -> bool:
    if not isinstance(e, dict):
        return False
    ints = ("start", "end", "length", "line_hint", "column_hint", "head_length")
    if not all(isinstance(e.get(k), int) for k in ints):
        return False
    return (
        e["source"] in ("explicit", "heuristic")
        and e["length"] > 0
        and e["end"] - e["start"] == e["length"]
        and isinstance(e.get("text_hash"), str)
    )


def _candidates(text: str, index: LineIndex, e: dict[str, Any]) -> Iterable[int]:
    """Start offsets where the range's text could begin, nearest lines to the hint first."""
    length, head, column, hint = e["length"], e["head_length"], e["column_hint"], e["line_hint"]
    n = index.line_count
    order = sorted(range(n), key=lambda line: (abs(line - hint), line))
    if head >= 0:
        # multi-line: its first line ends `head` characters after the start, at a line end
        for line in order:
            p = index.line_end(line) - head
            if p >= index.line_start(line) and p + length <= len(text):
                yield p
        return
    # single line: same column on any line first, then every column near the hint
    for line in order:
        p = index.line_start(line) + column
        if p + length <= index.line_end(line):
            yield p
    for line in order:
        if abs(line - hint) > _NEAR_LINES:
            break
        lo, hi = index.line_start(line), index.line_end(line)
        for p in range(lo, hi - length + 1):
            if p - lo != column:
                yield p


def _reanchor(text: str, index: LineIndex, e: dict[str, Any]) -> int | None:
    want, length = e["text_hash"], e["length"]
    best: tuple[int, int, int] | None = None
    for p in _candidates(text, index, e):
        if _sha(text[p : p + length]) != want:
            continue
        distance = abs(index.line_of(p) - e["line_hint"])
        if best is not None and distance > best[1]:
            break  # candidates come nearest first: nothing further can win
        ctx_mismatch = int(_context_hash(text, index, p, p + length) != e.get("context_hash"))
        key = (ctx_mismatch, distance, p)
        if best is None or key < best:
            best = key
        if ctx_mismatch == 0:
            break
    return best[2] if best is not None else None
