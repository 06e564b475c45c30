"""The local decision log: append-only JSON lines, hash-chained, rotated, safe to share.

Where: ``<root>/.pavedroad/.local/log/`` (``.local`` is git-ignored), as segments
``events-00000001.jsonl``, ``events-00000002.jsonl``, ... plus ``head.json`` (the last entry
written), ``rotated.json`` (what rotation dropped), ``key`` (the HMAC key for prompt value
hashes) and ``.lock``.

How an entry is written (`append_event`):
1. The event is validated against its kind's schema (no free text, see `events`) and every string
   in it is run through the prompt engine's secret detectors; a hit refuses the event.
2. Under an exclusive ``fcntl.flock`` on ``.lock`` (editor, hooks and CI may append at once), the
   tail of the newest segment is read to find the last good entry. Each entry carries ``seq``,
   ``prev`` (the hash of the previous entry; 64 zeros for the first) and ``hash`` (sha256 of the
   entry's canonical JSON without ``hash``), so the entries form a chain.
3. A damaged tail (an incomplete or edited last line, or fewer entries than ``head.json``
   recorded) does not stop logging: a ``chain_break`` entry linked to the last good entry says
   what was found, and the new entry follows it. The damage stays visible to `verify`.
4. When the segment would pass `max_bytes`, a new segment starts (its first entry links to the
   previous segment's last); beyond `keep` segments the oldest is deleted and its last hash is
   kept in ``rotated.json``, so `verify` can tell "rotated away" from "removed".
5. The line is written with one ``write`` on an ``O_APPEND`` descriptor, then ``head.json`` is
   replaced atomically.

Reading is bounded: only regular files (``O_NOFOLLOW``), at most 64 MiB per segment and 16 KiB per
entry. A ``.pavedroad``, ``.local`` or ``log`` directory that is a symlink (leading out of the
repository or not) is refused (`LogError`), for reading and writing.

`verify` walks the chain and names the first bad entry: malformed or truncated lines, edited
entries (hash mismatch), removed entries (a sequence gap with an unknown link), reordered entries
(a link to an entry found elsewhere), a missing start not explained by rotation, and entries
removed from the end (``head.json``). A timestamp earlier than the previous entry's is reported
as clock skew, a warning only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import hashlib
import json
import os
import re
import secrets
import stat
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pavedroad.audit.events import (
    CHAIN_BREAK,
    Event,
    EventError,
    format_ts,
    parse_ts,
    validate,
)
from pavedroad.provenance.store import LOCAL_DIR, atomic_write, ensure_local_dir

LOG_DIR = LOCAL_DIR / "log"
GENESIS = "0" * 64
SEGMENT_RE = re.compile(r"events-(\d{8})\.jsonl")
HEAD_FILE = "head.json"
ROTATED_FILE = "rotated.json"
LOCK_FILE = ".lock"
KEY_FILE = "key"
KEY_ENV = "PAVEDROAD_LOG_KEY"
ACTOR_ENV = "PAVEDROAD_ACTOR"
MAX_ENTRY_BYTES = 16 * 1024
MAX_FILE_BYTES = 64 * 1024 * 1024
DEFAULT_SEGMENT_BYTES = 1024 * 1024
DEFAULT_KEEP = 8
_TAIL_CHUNK = 256 * 1024
_ENTRY_KEYS = ("seq", "ts", "kind", "actor", "repo", "policy", "data", "prev", "hash")
_NAME_BAD = re.compile(r"[^A-Za-z0-9_.:@/+ ()\[\]#~-]")


class LogError(Exception):
    """The log cannot be used here (a symlink out of the repository, an unreadable file)."""


@dataclass(frozen=True)
class LoggedEvent:
    """An entry as stored: the event plus its place in the chain."""

    seq: int
    ts: str
    kind: str
    actor: str
    repo: str
    policy: str | None
    data: dict[str, Any]
    prev: str
    hash: str
    segment: str = ""
    line: int = 0

    @property
    def when(self) -> dt.datetime:
        return parse_ts(self.ts)

    @property
    def event(self) -> Event:
        return Event(self.kind, dict(self.data), self.actor, self.ts, self.repo, self.policy)

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in _ENTRY_KEYS}


@dataclass(frozen=True)
class Problem:
    """Where the chain is broken. `kind`: malformed, truncated, edited, removed, reordered,
    relinked, missing-start, chain-break."""

    segment: str
    line: int
    seq: int | None
    kind: str
    message: str

    def __str__(self) -> str:
        where = f"{self.segment}:{self.line}" if self.line else self.segment
        seq = f" (seq {self.seq})" if self.seq is not None else ""
        return f"{where}{seq}: {self.kind}: {self.message}"


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int = 0
    segments: int = 0
    first_bad: Problem | None = None
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()
    chain_breaks: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        def p(x: Problem) -> dict[str, Any]:
            return {"segment": x.segment, "line": x.line, "seq": x.seq, "kind": x.kind,
                    "message": x.message}  # fmt: skip

        return {
            "ok": self.ok,
            "entries": self.entries,
            "segments": self.segments,
            "first_bad": p(self.first_bad) if self.first_bad else None,
            "problems": [p(x) for x in self.problems],
            "warnings": list(self.warnings),
            "chain_breaks": self.chain_breaks,
            "notes": list(self.notes),
        }


# --------------------------------------------------------------------------------------------
# files


def _within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def log_dir(root: str | os.PathLike[str], *, create: bool = False) -> Path:
    """``<root>/.pavedroad/.local/log``; refuses a symlinked part (say where it leads)."""
    base = Path(root)
    real_root = Path(os.path.realpath(base))
    cur = base
    rel = ""
    for part in LOG_DIR.parts:
        cur = cur / part
        rel = f"{rel}/{part}" if rel else part
        if cur.is_symlink():
            # refused even when it points inside the repository (as the provenance store does):
            # a committed symlink must never steer where local state is read or written
            target = Path(os.path.realpath(cur))
            where = "outside the repository" if not _within(target, real_root) else "a symlink"
            raise LogError(
                f"{rel} is a symlink to {target} ({where}): refusing to read or write the "
                "decision log there"
            )
        if cur.exists() and not cur.is_dir():
            raise LogError(f"{rel} is not a directory")
    if create:
        try:
            ensure_local_dir(base)
        except OSError as exc:
            raise LogError(str(exc)) from exc
        (base / LOG_DIR).mkdir(mode=0o700, exist_ok=True)
    return base / LOG_DIR


def _read_regular(path: Path, *, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file (not a symlink, not a FIFO), at most `limit`."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno in (40, 31):  # ELOOP: a symlink
            raise LogError(f"{path.name} is a symlink: not read") from exc
        raise LogError(f"cannot read {path.name}: {exc.strerror}") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise LogError(f"{path.name} is not a regular file: not read")
        if st.st_size > limit:
            raise LogError(f"{path.name} is larger than {limit // (1024 * 1024)} MiB: not read")
        chunks = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise LogError(f"{path.name} is larger than {limit // (1024 * 1024)} MiB: not read")
        return data
    finally:
        os.close(fd)


def _read_tail(path: Path, size: int) -> tuple[bytes, bool]:
    """The last `size` bytes of a regular file, and whether that is the whole file."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise LogError(f"{path.name} is not a regular file")
        start = max(0, st.st_size - size)
        return os.pread(fd, st.st_size - start, start), start == 0
    finally:
        os.close(fd)


def _segments(directory: Path) -> list[tuple[int, Path]]:
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise LogError(f"cannot list the decision log: {exc.strerror}") from exc
    out = []
    for name in names:
        m = SEGMENT_RE.fullmatch(name)
        if m:
            out.append((int(m.group(1)), directory / name))
    return sorted(out)


def _segment_name(index: int) -> str:
    return f"events-{index:08d}.jsonl"


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(_read_regular(path, limit=64 * 1024))
    except (LogError, ValueError):
        return None
    return value if isinstance(value, dict) else None


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    fd = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


# --------------------------------------------------------------------------------------------
# entries


def _canonical(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def entry_hash(entry: dict[str, Any]) -> str:
    """sha256 of the entry's canonical JSON without its ``hash`` key."""
    return hashlib.sha256(_canonical({k: v for k, v in entry.items() if k != "hash"})).hexdigest()


def _parse(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """(entry, None) for a good line; (entry or None, reason) for a bad one."""
    if len(raw) > MAX_ENTRY_BYTES:
        return None, f"longer than {MAX_ENTRY_BYTES} bytes"
    try:
        obj = json.loads(raw)
    except ValueError:
        return None, "not JSON"
    if not isinstance(obj, dict) or set(obj) != set(_ENTRY_KEYS):
        return None, "not a log entry (wrong keys)"
    if not (
        isinstance(obj["seq"], int)
        and not isinstance(obj["seq"], bool)
        and all(isinstance(obj[k], str) for k in ("ts", "kind", "actor", "repo", "prev", "hash"))
        and isinstance(obj["data"], dict)
        and (obj["policy"] is None or isinstance(obj["policy"], str))
    ):
        return None, "not a log entry (wrong value types)"
    if entry_hash(obj) != obj["hash"]:
        return obj, "edited"
    return obj, None


def _logged(obj: dict[str, Any], segment: str = "", line: int = 0) -> LoggedEvent:
    return LoggedEvent(**{k: obj[k] for k in _ENTRY_KEYS}, segment=segment, line=line)


@dataclass
class _Tail:
    last: dict[str, Any] | None  # last good entry (any segment)
    bad_lines: int  # bad lines after it in the newest segment
    partial: bool  # the newest segment does not end with a newline


def _last_good(path: Path) -> tuple[dict[str, Any] | None, int, bool]:
    """Last good entry of a segment, the number of bad lines after it, and whether the file
    ends without a newline. Reads the tail first, the whole file only when needed."""
    data, whole = _read_tail(path, _TAIL_CHUNK)
    for attempt in range(2):
        lines = data.split(b"\n")
        partial = lines[-1] != b""
        if not whole:
            lines = lines[1:]  # the chunk starts mid-line
        body = lines if partial else lines[:-1]
        bad = 0
        for raw in reversed(body):
            obj, reason = _parse(raw)
            if reason is None:
                return obj, bad, partial
            bad += 1
        if whole or attempt:
            return None, bad, partial
        data, whole = _read_regular(path), True
    return None, 0, False  # pragma: no cover


def _tail(segments: Sequence[tuple[int, Path]]) -> _Tail:
    if not segments:
        return _Tail(None, 0, False)
    last, bad, partial = _last_good(segments[-1][1])
    for _, path in reversed(segments[:-1]):
        if last is not None:
            break
        last = _last_good(path)[0]
    return _Tail(last, bad, partial)


# --------------------------------------------------------------------------------------------
# who and where


def _sanitize_name(value: str, fallback: str) -> str:
    cleaned = _NAME_BAD.sub("_", value.strip())[:128].strip()
    if not cleaned or not cleaned[0].isalnum():
        cleaned = (fallback + "_" + cleaned)[:128] if cleaned else fallback
    return cleaned


@functools.lru_cache(maxsize=32)
def default_actor(root: str) -> str:
    """``$PAVEDROAD_ACTOR``, else ``git config user.email``, else ``$USER@host``."""
    from pavedroad.policy.records import current_reviewer

    return _sanitize_name(os.environ.get(ACTOR_ENV) or current_reviewer(root), "unknown")


def repo_identity(url: str) -> str:
    """`host/path` of a remote URL, with any user name, password or token dropped."""
    url = url.strip()
    m = re.fullmatch(r"(?:[^@/]+@)?([^:/]+):(?!//)(.+)", url)  # scp-like git@host:org/repo.git
    if m and "://" not in url:
        host, path = m.group(1), m.group(2)
    else:
        parts = urlsplit(url)
        host, path = parts.hostname or "", parts.path
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[:-4]
    return f"{host}/{path}" if host else path


@functools.lru_cache(maxsize=32)
def default_repo(root: str) -> str:
    """The repository's identity: its ``origin`` remote without credentials, else the directory
    name."""
    name = Path(root).resolve().name or "repo"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(
            ["git", "config", "--get", "remote.origin.url"],
            cwd=root,
            capture_output=True,
            timeout=5,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        url = out.stdout.decode("utf-8", "replace").strip()
        if out.returncode == 0 and url:
            name = repo_identity(url) or name
    return _sanitize_name(name, "repo")


def log_key(root: str | os.PathLike[str]) -> bytes:
    """The HMAC key for prompt value hashes: ``$PAVEDROAD_LOG_KEY`` or the machine-local key file
    (created on first use, mode 0600)."""
    env = os.environ.get(KEY_ENV)
    if env:
        return env.encode()
    directory = log_dir(root, create=True)
    path = directory / KEY_FILE
    with _locked(directory):
        try:
            data = _read_regular(path, limit=1024).strip()
        except LogError:
            data = b""
        if len(data) >= 32:
            return data
        data = secrets.token_hex(32).encode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, data + b"\n")
        finally:
            os.close(fd)
        return data


def _guard_secrets(entry: dict[str, Any]) -> None:
    """Refuse an entry in which any string looks like a secret (never expected: the schemas
    allow no free text; this catches a path or name that carries one)."""
    strings: list[str] = [entry["actor"], entry["repo"]]

    def walk(value: Any) -> None:
        if isinstance(value, str):
            if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", value):
                strings.append(value)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for value in entry["data"].values():
        walk(value)
    from pavedroad.prompts.scanner import scan_text

    found = [f for f in scan_text("\n".join(strings)) if f.kind == "secret"]
    if found:
        raise EventError(
            f"refusing to log a {entry['kind']} event: a value looks like a secret "
            f"({found[0].rule}); secrets are never written to the decision log"
        )


# --------------------------------------------------------------------------------------------
# appending


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _rotate(directory: Path, keep: int, ts: str) -> None:
    segments = _segments(directory)
    while len(segments) > max(1, keep):
        _, oldest = segments.pop(0)
        try:
            last = _last_good(oldest)[0]
        except LogError:
            last = None
        info = _read_json(directory / ROTATED_FILE) or {}
        record: dict[str, Any] = {"segments": int(info.get("segments", 0)) + 1, "at": ts}
        if last is not None:
            record.update(through_seq=last["seq"], last_hash=last["hash"])
        else:  # a wholly damaged segment: anchor on what the next segment links to
            record["damaged"] = True
            nxt = _first_good(segments[0][1]) if segments else None
            if nxt is not None:
                record.update(through_seq=nxt["seq"] - 1, last_hash=nxt["prev"])
        atomic_write(directory / ROTATED_FILE, json.dumps(record) + "\n")
        oldest.unlink()


def _first_good(path: Path) -> dict[str, Any] | None:
    with contextlib.suppress(LogError):
        for raw in _read_regular(path).split(b"\n"):
            obj, reason = _parse(raw)
            if reason is None:
                return obj
    return None


def _make(seq: int, ts: str, prev: str, ev: Event, actor: str, repo: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "seq": seq,
        "ts": ts,
        "kind": ev.kind,
        "actor": actor,
        "repo": repo,
        "policy": ev.policy,
        "data": dict(ev.data),
        "prev": prev,
    }
    entry["hash"] = entry_hash(entry)
    return entry


def append_event(
    root: str | os.PathLike[str],
    event: Event,
    *,
    max_bytes: int = DEFAULT_SEGMENT_BYTES,
    keep: int = DEFAULT_KEEP,
    now: dt.datetime | None = None,
) -> LoggedEvent:
    """Append `event` to the decision log of `root` (see the module docstring).

    Raises `EventError` for an event that may not be written and `LogError` when the log cannot
    be used (symlink out of the repository, unreadable segment). Never raises for a damaged log:
    it appends after a ``chain_break`` entry.
    """
    ev = validate(event)
    root_s = os.fspath(root)
    ts = ev.ts or format_ts(now or _utcnow())
    actor = ev.actor or default_actor(root_s)
    repo = ev.repo or default_repo(root_s)
    probe = _make(0, ts, GENESIS, ev, actor, repo)
    _guard_secrets(probe)
    if len(_canonical(probe)) + 200 > MAX_ENTRY_BYTES:
        raise EventError(f"{ev.kind}: the entry would exceed {MAX_ENTRY_BYTES} bytes")

    directory = log_dir(root, create=True)
    with _locked(directory):
        segments = _segments(directory)
        tail = _tail(segments)
        head = _read_json(directory / HEAD_FILE)
        rotated = _read_json(directory / ROTATED_FILE)
        if tail.last is not None:
            prev_hash, last_seq = tail.last["hash"], tail.last["seq"]
        elif rotated and isinstance(rotated.get("last_hash"), str):
            prev_hash, last_seq = rotated["last_hash"], int(rotated.get("through_seq", 0))
        else:
            prev_hash, last_seq = GENESIS, 0
        head_seq = head.get("seq") if head else None
        head_ahead = isinstance(head_seq, int) and head_seq > last_seq
        entries: list[dict[str, Any]] = []
        if tail.bad_lines or tail.partial or head_ahead:
            data: dict[str, Any] = {"reason": "damaged-tail", "after_seq": last_seq,
                                    "bad_lines": tail.bad_lines + (0 if tail.bad_lines else int(tail.partial))}  # fmt: skip
            if head_ahead and not tail.bad_lines and not tail.partial:
                data.update(reason="truncated-tail", missing_from=last_seq + 1, missing_to=head_seq)
            seq = max(last_seq, head_seq if isinstance(head_seq, int) else 0) + 1
            brk = validate(Event(CHAIN_BREAK, data, policy=None), internal=True)
            entries.append(_make(seq, ts, prev_hash, brk, actor, repo))
            prev_hash, last_seq = entries[-1]["hash"], seq
        entries.append(_make(last_seq + 1, ts, prev_hash, ev, actor, repo))
        payload = b"".join(_canonical(e) + b"\n" for e in entries)
        if tail.partial:
            payload = b"\n" + payload  # end the broken line; it stays visible to verify

        index = segments[-1][0] if segments else 1
        if segments:
            size = segments[-1][1].stat().st_size
            if size > 0 and size + len(payload) > max_bytes and not tail.partial:
                index += 1
        path = directory / _segment_name(index)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise LogError(f"{path.name} is not a regular file")
            _write_all(fd, payload)
        finally:
            os.close(fd)
        last = entries[-1]
        atomic_write(
            directory / HEAD_FILE,
            json.dumps({"segment": path.name, "seq": last["seq"], "hash": last["hash"]}) + "\n",
        )
        if index > (segments[-1][0] if segments else 1) or len(segments) > keep:
            _rotate(directory, keep, ts)
    return _logged(last, path.name)


# --------------------------------------------------------------------------------------------
# reading and verifying


@dataclass
class _Line:
    segment: str
    line: int
    entry: dict[str, Any] | None
    reason: str | None
    partial: bool = False


def _lines(directory: Path) -> tuple[list[_Line], int]:
    out: list[_Line] = []
    segments = _segments(directory)
    for _, path in segments:
        data = _read_regular(path)
        raws = data.split(b"\n")
        partial = raws[-1] != b""
        if not partial:
            raws = raws[:-1]
        for n, raw in enumerate(raws, 1):
            if not raw.strip():
                out.append(_Line(path.name, n, None, "empty line"))
                continue
            entry, reason = _parse(raw)
            cut = reason == "not JSON" and raw.startswith(b"{") and not raw.rstrip().endswith(b"}")
            out.append(_Line(path.name, n, entry, reason, (partial and n == len(raws)) or cut))
    return out, len(segments)


def read_events(
    root: str | os.PathLike[str],
    since: dt.datetime | str | None = None,
    *,
    kinds: Sequence[str] | None = None,
) -> list[LoggedEvent]:
    """Good entries (hash intact), oldest first; `since`: only those at or after that time.
    Damaged lines are skipped (`verify` reports them). No log yet: an empty list."""
    directory = log_dir(root)
    if not directory.is_dir():
        return []
    cutoff = parse_ts(since) if isinstance(since, str) else since
    if cutoff is not None and cutoff.tzinfo is None:
        cutoff = cutoff.replace(tzinfo=dt.timezone.utc)
    wanted = set(kinds) if kinds else None
    out = []
    for item in _lines(directory)[0]:
        if item.entry is None or item.reason is not None:
            continue
        ev = _logged(item.entry, item.segment, item.line)
        if wanted is not None and ev.kind not in wanted:
            continue
        if cutoff is not None:
            try:
                if ev.when < cutoff:
                    continue
            except EventError:
                continue
        out.append(ev)
    return out


def _safe_ts(ts: str) -> dt.datetime | None:
    try:
        return parse_ts(ts)
    except EventError:
        return None


def verify(root: str | os.PathLike[str]) -> VerifyResult:
    """Check the whole chain (see the module docstring); never raises for a damaged log.
    Raises `LogError` only when the log may not be read at all (symlink out of the repo)."""
    directory = log_dir(root)
    if not directory.is_dir():
        return VerifyResult(True, notes=("no decision log yet",))
    lines, nseg = _lines(directory)
    good = [x for x in lines if x.entry is not None and x.reason is None]
    index = {x.entry["hash"]: i for i, x in enumerate(good) if x.entry is not None}
    rotated = _read_json(directory / ROTATED_FILE)
    problems: list[Problem] = []
    warnings: list[str] = []
    notes: list[str] = []
    breaks = 0
    prev: _Line | None = None
    gi = -1
    dirty = False  # a problem was reported since `prev`
    for item in lines:
        if item.entry is None or item.reason is not None:
            seq = item.entry.get("seq") if isinstance(item.entry, dict) else None
            if item.partial:
                kind, msg = "truncated", "an incomplete entry (an interrupted write, or the file was cut)"
            elif item.reason == "edited":
                kind, msg = "edited", "the entry was changed after it was written (its hash does not match its content)"
            else:
                kind, msg = "malformed", f"not a valid entry ({item.reason})"
            problems.append(Problem(item.segment, item.line, seq if isinstance(seq, int) else None, kind, msg))
            dirty = True
            if item.reason == "edited" and prev is not None:
                prev = item  # its stored hash still links the next entry: report it once only
            continue
        gi += 1
        e = item.entry
        if prev is None:
            if e["prev"] == GENESIS and e["seq"] == 1:
                pass
            elif rotated and rotated.get("last_hash") == e["prev"]:
                warnings.append(
                    f"{rotated.get('segments', '?')} earlier segment(s) rotated away "
                    f"(entries up to seq {rotated.get('through_seq', '?')}); the chain is checked from seq {e['seq']}"
                )
            else:
                problems.append(Problem(item.segment, item.line, e["seq"], "missing-start",
                                        f"the log starts at seq {e['seq']} and no rotation record explains it: earlier entries were removed"))  # fmt: skip
                dirty = True
        else:
            p = prev.entry
            assert p is not None
            if e["prev"] != p["hash"]:
                j = index.get(e["prev"])
                if j is not None and j != gi - 1:
                    other = good[j].entry or {}
                    problems.append(Problem(item.segment, item.line, e["seq"], "reordered",
                                            f"seq {e['seq']} follows seq {p['seq']} but was written after seq {other.get('seq', '?')} ({good[j].segment}:{good[j].line})"))  # fmt: skip
                elif e["seq"] > p["seq"] + 1:
                    problems.append(Problem(item.segment, item.line, e["seq"], "removed",
                                            f"entries seq {p['seq'] + 1}..{e['seq'] - 1} are missing before this one"))  # fmt: skip
                else:
                    problems.append(Problem(item.segment, item.line, e["seq"], "relinked",
                                            f"does not link to the previous entry (seq {p['seq']}, {prev.segment}:{prev.line}): one of them was edited and re-hashed, or replaced"))  # fmt: skip
                dirty = True
            elif e["seq"] != p["seq"] + 1 and e["kind"] != CHAIN_BREAK:
                problems.append(Problem(item.segment, item.line, e["seq"], "relinked",
                                        f"sequence jumps from {p['seq']} to {e['seq']} on an intact link"))  # fmt: skip
                dirty = True
            t0, t1 = _safe_ts(p["ts"]), _safe_ts(e["ts"])
            if t0 and t1 and t1 < t0:
                warnings.append(
                    f"clock skew: seq {e['seq']} ({e['ts']}) is {(t0 - t1).total_seconds():.0f}s "
                    f"earlier than seq {p['seq']} ({p['ts']})"
                )
        if e["kind"] == CHAIN_BREAK:
            breaks += 1
            d = e["data"]
            if d.get("reason") == "truncated-tail" and not dirty:
                problems.append(Problem(item.segment, item.line, e["seq"], "truncated",
                                        f"entries seq {d.get('missing_from')}..{d.get('missing_to')} were removed from the end of the log; "
                                        f"noticed when seq {e['seq']} was appended at {e['ts']}"))  # fmt: skip
            else:
                notes.append(f"seq {e['seq']}: the appender found a damaged log end at {e['ts']} and restarted the chain after seq {d.get('after_seq')}")
        prev = item
        dirty = False

    head = _read_json(directory / HEAD_FILE)
    if head and isinstance(head.get("seq"), int) and not dirty:
        if not good:
            if lines or head["seq"] > 0:
                problems.append(Problem(str(head.get("segment", "")), 0, None, "truncated",
                                        f"no intact entry, but entries up to seq {head['seq']} were written"))  # fmt: skip
        else:
            last = good[-1]
            assert last.entry is not None
            if head.get("hash") != last.entry["hash"] and head.get("hash") not in index:
                if head["seq"] > last.entry["seq"]:
                    problems.append(Problem(last.segment, last.line, last.entry["seq"], "truncated",
                                            f"the log ends at seq {last.entry['seq']} but entries up to seq {head['seq']} were written: the rest was removed from the end"))  # fmt: skip
                else:
                    problems.append(Problem(last.segment, last.line, last.entry["seq"], "edited",
                                            "the last entry is not the one recorded as written last (head.json)"))  # fmt: skip
    return VerifyResult(
        ok=not problems,
        entries=len(good),
        segments=nseg,
        first_bad=problems[0] if problems else None,
        problems=tuple(problems),
        warnings=tuple(warnings),
        chain_breaks=breaks,
        notes=tuple(notes),
    )
