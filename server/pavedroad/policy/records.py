"""Decision records committed with the code: sign-offs and exceptions.

* ``.pavedroad/reviews.yaml``: a YAML list of sign-offs ``{zone, path, symbol, hash, reviewer,
  date, policy}``. `hash` is `code_hash` of the reviewed region (for a file-scope zone: of the
  AI-written lines, see `pavedroad.policy.verdicts`). A sign-off matches a finding when zone,
  path and hash match, so changing the code re-opens the review and re-indenting it does not.
* ``.pavedroad/exceptions.yaml``: a YAML list of ``{zone, paths: [globs], level, reason,
  approver, created, expires}``. A valid exception relaxes the zone's `ai` level to `level` for
  matching paths until `expires` (inclusive).

Loading never raises and never rewrites a file: each problem is a `ConfigProblem` (PR201-PR203)
on the offending line, a bad entry is skipped and the others still apply. If the whole file does
not parse (a merge conflict, a stray character), the entries are parsed one by one so only the
broken ones are lost.

Appending takes an exclusive lock (``fcntl.flock`` on a sidecar file under
``.pavedroad/.local/``), re-reads the file, adds the new entry as text at the end (comments and
formatting of existing entries stay byte-for-byte), and replaces the file atomically.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import getpass
import hashlib
import itertools
import os
import re
import socket
import stat
import subprocess
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pathspec
import yaml

from pavedroad import codes
from pavedroad.config.model import ConfigProblem, EffectiveConfig, Level, SourceRef
from pavedroad.config.validate import check_glob
from pavedroad.config.yamlpos import YNode, parse_yaml
from pavedroad.fileio import NotRegularFile, is_within, read_regular
from pavedroad.provenance.store import LOCAL_DIR, atomic_write, ensure_local_dir

REVIEWS_FILE = ".pavedroad/reviews.yaml"
#: Largest record file read (a decision log of years fits many times over).
MAX_RECORD_BYTES = 16 << 20
MAX_PATH_CHARS = 4096
EXCEPTIONS_FILE = ".pavedroad/exceptions.yaml"

#: Prefilled by `build_exception`; an exception still carrying a placeholder does not apply.
PLACEHOLDER_REASON = "<why this exception is needed, and the plan to remove it>"
PLACEHOLDER_APPROVER = "<who approved this exception>"

_REVIEWS_HEADER = """\
# pavedroad sign-offs: AI-written code in `ai: review` zones that a reviewer accepted.
# Appended by the "Sign off" code action. Each entry covers one region by the hash of its
# normalized text: changing the code re-opens the review. Review changes to this file like code.
"""
_EXCEPTIONS_HEADER = """\
# pavedroad exceptions: zones whose AI policy is relaxed for some paths, for a limited time.
# Appended by the "Request exception" code action with placeholders: fill in `reason` and
# `approver` (the exception does not apply until you do), then get this change approved.
"""

Clock = Callable[[], dt.datetime]


# --------------------------------------------------------------------------------------------
# hashing


def normalize_code(text: str) -> str:
    """The form a sign-off hashes: ``\\r\\n`` -> ``\\n``, trailing whitespace stripped per line,
    leading/trailing blank lines dropped, common indentation removed."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return textwrap.dedent("\n".join(lines))


def code_hash(text: str) -> str:
    """sha256 (hex) of `normalize_code(text)`."""
    return hashlib.sha256(normalize_code(text).encode("utf-8", "surrogatepass")).hexdigest()


def lines_text(text: str, start_line: int, end_line: int) -> str:
    """Lines `start_line`..`end_line` (1-based, inclusive) of `text`."""
    lines = text.split("\n")
    return "\n".join(lines[max(0, start_line - 1) : max(0, end_line)])


# --------------------------------------------------------------------------------------------
# records


@dataclass(frozen=True)
class Review:
    """One sign-off. `line` is where the entry starts in reviews.yaml (0: not from a file)."""

    zone: str
    path: str
    hash: str
    reviewer: str
    date: str
    policy: str = ""
    symbol: str | None = None
    line: int = 0

    def to_yaml_dict(self) -> dict[str, Any]:
        return {
            "zone": self.zone,
            "path": self.path,
            "symbol": self.symbol,
            "hash": self.hash,
            "reviewer": self.reviewer,
            "date": self.date,
            "policy": self.policy,
        }


@dataclass(frozen=True)
class ExceptionRecord:
    """One exception. `line` is where the entry starts in exceptions.yaml (0: not from a file);
    `key_lines` maps each key to its line, for problems located on the exact line."""

    zone: str
    paths: tuple[str, ...]
    level: Level
    reason: str
    approver: str
    created: dt.date
    expires: dt.date
    line: int = 0
    key_lines: tuple[tuple[str, int], ...] = ()
    _spec: pathspec.PathSpec | None = field(default=None, compare=False, repr=False)

    def line_of(self, key: str) -> int:
        return dict(self.key_lines).get(key, self.line) or 1

    def matches(self, rel_path: str) -> bool:
        spec = self._spec
        if spec is None:
            spec = pathspec.PathSpec.from_lines("gitignore", self.paths)
            object.__setattr__(self, "_spec", spec)
        return spec.match_file(rel_path)

    @property
    def is_draft(self) -> bool:
        return is_placeholder(self.reason) or is_placeholder(self.approver)

    def to_yaml_dict(self) -> dict[str, Any]:
        return {
            "zone": self.zone,
            "paths": list(self.paths),
            "level": str(self.level),
            "reason": self.reason,
            "approver": self.approver,
            "created": self.created.isoformat(),
            "expires": self.expires.isoformat(),
        }


def is_placeholder(value: str) -> bool:
    """Empty, or still the ``<...>`` text the builder prefilled."""
    v = value.strip()
    return not v or (v.startswith("<") and v.endswith(">"))


@dataclass(frozen=True)
class Records:
    """Loaded records of a workspace: the entries, structural problems (malformed entries, PR201),
    and for each exception that does not apply now the reason (`exception_status`)."""

    reviews: tuple[Review, ...] = ()
    exceptions: tuple[ExceptionRecord, ...] = ()
    problems: tuple[ConfigProblem, ...] = ()
    statuses: tuple[tuple[ExceptionRecord, ConfigProblem], ...] = ()

    @property
    def all_problems(self) -> tuple[ConfigProblem, ...]:
        """Everything to show on the record files (publish on reviews.yaml / exceptions.yaml)."""
        return self.problems + tuple(p for _, p in self.statuses)

    @property
    def active_exceptions(self) -> tuple[ExceptionRecord, ...]:
        refused = {id(ex) for ex, _ in self.statuses}
        return tuple(ex for ex in self.exceptions if id(ex) not in refused)


# --------------------------------------------------------------------------------------------
# loading


def _problem(
    file: str,
    line: int,
    message: str,
    severity: Literal["error", "warning"] = "error",
    code: str = codes.RECORD_INVALID,
) -> ConfigProblem:
    return ConfigProblem(code, message, SourceRef(file, max(1, line), 1), severity)


def _entries(text: str, file: str) -> tuple[list[YNode], list[ConfigProblem]]:
    """Top-level list items of a record file; salvages item by item when the file is broken
    (a syntax error, or lines that were not valid UTF-8)."""
    root, raw_problems = parse_yaml(text, file)
    if root is not None and "\ufffd" in text:
        raw_problems = [*raw_problems, _problem(file, 1, "not valid UTF-8")]
        root = None
    problems = [dataclasses.replace(p, code=codes.RECORD_INVALID) for p in raw_problems]
    if root is None and not raw_problems:
        return [], []  # empty or comments only
    if root is not None:
        if root.kind != "seq":
            problems.append(
                _problem(
                    file,
                    root.line,
                    f"expected a list of entries (`- zone: ...`), got {root.describe()}",
                )
            )
            return [], problems
        return list(root.value), problems
    # broken somewhere: parse each top-level `- ` item on its own (with its line numbers)
    items: list[YNode] = []
    lines = text.split("\n")
    # an item runs from a `-` line to the next line that starts at column 0 (a comment does not
    # end it); anything else at column 0 (a conflict marker, stray text) belongs to no item
    bounds = [i for i, line in enumerate(lines) if line[:1] not in ("", " ", "\t", "#")]
    bounds.append(len(lines))
    for first, last in itertools.pairwise(bounds):
        if not lines[first].startswith("-"):
            continue
        chunk = "\n" * first + "\n".join(lines[first:last])
        if "\ufffd" in chunk:
            continue  # an entry holding undecodable bytes is not trusted
        node, chunk_problems = parse_yaml(chunk, file)
        if node is not None and node.kind == "seq" and not chunk_problems:
            items.extend(node.value)
    return items, [p for p in problems if p.message != "not valid UTF-8"]


def path_problem(path: str) -> str | None:
    """Why `path` is not a repository-relative POSIX path a record may name, or None."""
    if not path or len(path) > MAX_PATH_CHARS or "\0" in path or "\n" in path:
        return "must be a path relative to the repository root"
    if path.startswith("/") or "\\" in path or re.match(r"^[A-Za-z]:", path):
        return "must be relative to the repository root, not absolute"
    if any(part in ("", ".", "..") for part in path.split("/")):
        return "must be a normalized relative path (no '.', '..' or empty parts)"
    return None


def _read(root: Path, rel: str) -> tuple[str | None, str, list[ConfigProblem]]:
    path = root / rel
    file = str(path)
    try:
        data, _size = read_regular(path, MAX_RECORD_BYTES)
    except FileNotFoundError:
        return None, file, []
    except OSError as exc:
        why = exc.what if isinstance(exc, NotRegularFile) else exc.strerror
        return None, file, [_problem(file, 1, f"cannot read {rel}: {why}")]
    if len(data) > MAX_RECORD_BYTES:
        return None, file, [_problem(file, 1, f"{rel} is larger than {MAX_RECORD_BYTES >> 20} MB")]
    try:
        text = data.decode("utf-8-sig")
        problems: list[ConfigProblem] = []
    except UnicodeDecodeError:
        # One stray byte (a latin-1 name in a reviewer field) must not drop every sign-off:
        # decode what is valid, report each broken line, and let the entry parser salvage the
        # entries that do not contain one.
        text = data.decode("utf-8-sig", "replace")
        problems = [_problem(file, number, f"line {number} is not valid UTF-8; the entry that "
                                           "holds it is skipped")
                    for number, line in enumerate(text.split("\n"), 1) if "\ufffd" in line]
    return text, file, problems


class _Entry:
    """Typed access to one mapping entry, collecting problems on the right lines."""

    def __init__(self, node: YNode, file: str, what: str, known: Sequence[str]) -> None:
        self.node, self.file, self.what = node, file, what
        self.problems: list[ConfigProblem] = []
        self.ok = True
        for key, knode in node.keys.items():
            if key not in known:
                self.problems.append(
                    _problem(
                        file, knode.line, f"unknown key {key!r} in {what} (ignored)", "warning"
                    )
                )

    def fail(self, line: int, message: str) -> None:
        self.ok = False
        self.problems.append(_problem(self.file, line, f"{self.what}: {message}; entry skipped"))

    def line(self, key: str) -> int:
        k = self.node.keys.get(key)
        return k.line if k else self.node.line

    def text(self, key: str, *, required: bool = True) -> str | None:
        v = self.node.value.get(key)
        if v is None or (v.kind == "scalar" and v.value is None):
            if required:
                self.fail(self.node.line, f"missing {key!r}")
            return None
        if v.kind != "scalar" or isinstance(v.value, (bool, dict, list)):
            self.fail(v.line, f"{key!r} must be text, not {v.describe()}")
            return None
        value = v.value.isoformat() if isinstance(v.value, dt.date) else str(v.value)
        if required and not value.strip():
            self.fail(v.line, f"{key!r} is empty")
            return None
        return value

    def date(self, key: str) -> dt.date | None:
        v = self.node.value.get(key)
        if v is None or v.value is None:
            self.fail(self.node.line, f"missing {key!r} (YYYY-MM-DD)")
            return None
        if isinstance(v.value, dt.datetime):
            return v.value.date()
        if isinstance(v.value, dt.date):
            return v.value
        try:
            return dt.date.fromisoformat(str(v.value).strip())
        except ValueError:
            self.fail(v.line, f"{key!r} must be a date YYYY-MM-DD, not {str(v.value)!r}")
            return None

    def key_lines(self) -> tuple[tuple[str, int], ...]:
        return tuple((k, n.line) for k, n in self.node.keys.items())


def _mapping_entries(
    root: str | os.PathLike[str], rel: str, what: str, article: str, known: Sequence[str]
) -> tuple[list[_Entry], list[ConfigProblem]]:
    """The mapping entries of a record file; anything else is a problem on its line."""
    text, file, problems = _read(Path(root), rel)
    if text is None:
        return [], problems
    items, more = _entries(text, file)
    problems += more
    entries = []
    for node in items:
        if node.kind != "map":
            problems.append(
                _problem(
                    file, node.line, f"{article} {what} must be a mapping, not {node.describe()}"
                )
            )
            continue
        entries.append(_Entry(node, file, what, known))
    return entries, problems


def load_reviews(root: str | os.PathLike[str]) -> tuple[list[Review], list[ConfigProblem]]:
    """Sign-offs in ``.pavedroad/reviews.yaml`` (none if the file does not exist)."""
    known = ("zone", "path", "symbol", "hash", "reviewer", "date", "policy")
    entries, problems = _mapping_entries(root, REVIEWS_FILE, "sign-off", "a", known)
    reviews = []
    for e in entries:
        node = e.node
        zone, path, digest = e.text("zone"), e.text("path"), e.text("hash")
        reviewer, date = e.text("reviewer"), e.text("date")
        symbol, policy = e.text("symbol", required=False), e.text("policy", required=False)
        if digest is not None and not re.fullmatch(r"[0-9a-f]{64}", digest):
            e.fail(e.line("hash"), "'hash' must be 64 lowercase hex digits (sha256)")
        if path is not None and (why := path_problem(path)) is not None:
            e.fail(e.line("path"), f"'path' {why}")
        problems += e.problems
        if e.ok and zone and path and digest and reviewer and date:
            reviews.append(
                Review(zone, path, digest, reviewer, date, policy or "", symbol, node.line)
            )
    return reviews, problems


def load_exceptions(
    root: str | os.PathLike[str],
) -> tuple[list[ExceptionRecord], list[ConfigProblem]]:
    """Well-formed exceptions in ``.pavedroad/exceptions.yaml`` with structural problems (PR201).

    Whether each applies depends on the config and the date: see `exception_status`.
    """
    known = ("zone", "paths", "level", "reason", "approver", "created", "expires")
    entries, problems = _mapping_entries(root, EXCEPTIONS_FILE, "exception", "an", known)
    out = []
    for e in entries:
        node = e.node
        zone, level_text = e.text("zone"), e.text("level")
        reason = e.text("reason", required=False) or ""
        approver = e.text("approver", required=False) or ""
        created, expires = e.date("created"), e.date("expires")
        paths: list[str] = []
        pnode = node.value.get("paths")
        if pnode is None:
            e.fail(node.line, "missing 'paths' (a list of globs)")
        else:
            raw = (
                [pnode] if pnode.kind == "scalar" else pnode.value if pnode.kind == "seq" else None
            )
            if raw is None or not raw:
                e.fail(pnode.line, "'paths' must be a non-empty list of globs")
            else:
                for item in raw:
                    if item.kind != "scalar" or not isinstance(item.value, str):
                        e.fail(item.line, f"a glob must be text, not {item.describe()}")
                        continue
                    why = check_glob(item.value)
                    if why:
                        e.fail(item.line, why)
                    paths.append(item.value)
        level: Level | None = None
        if level_text is not None:
            try:
                level = Level.parse(level_text)
            except KeyError:
                e.fail(
                    e.line("level"),
                    f"'level' must be allow, warn, review or deny, not {level_text!r}",
                )
        if created and expires and expires < created:
            e.fail(e.line("expires"), "'expires' is before 'created'")
        problems += e.problems
        if e.ok and zone and level is not None and created and expires and paths:
            out.append(
                ExceptionRecord(
                    zone,
                    tuple(paths),
                    level,
                    reason,
                    approver,
                    created,
                    expires,
                    node.line,
                    e.key_lines(),
                )
            )
    return out, problems


def _today(now: dt.datetime | dt.date) -> dt.date:
    """The UTC date of `now` (a naive datetime is taken as UTC)."""
    if isinstance(now, dt.datetime):
        return (now.astimezone(dt.timezone.utc) if now.tzinfo else now).date()
    return now


def exception_status(
    ex: ExceptionRecord,
    config: EffectiveConfig,
    now: dt.datetime | dt.date,
    file: str = EXCEPTIONS_FILE,
) -> ConfigProblem | None:
    """None when `ex` applies now; otherwise the problem saying why not (PR201-PR203).

    * draft (reason or approver still a placeholder or empty): PR201, warning;
    * names no zone of the effective config, or does not relax its level: PR201, warning;
    * past `expires` (valid through that day): PR202, warning;
    * `created` in the future, or `expires` more than ``config.exceptions.max_days`` after
      `created`: PR203, error;
    * relaxes a locked (central) zone but `approver` is not one of
      ``config.exceptions.approvers``: PR203, error.
    """
    today = _today(now)
    zone = config.zone(ex.zone)
    if ex.is_draft:
        missing = " and ".join(
            k for k, v in (("reason", ex.reason), ("approver", ex.approver)) if is_placeholder(v)
        )
        return _problem(
            file,
            ex.line_of("reason" if is_placeholder(ex.reason) else "approver"),
            f"exception for zone {ex.zone!r} is a draft: fill in {missing}; it does not apply until then",
            "warning",
        )
    if zone is None:
        return _problem(
            file,
            ex.line_of("zone"),
            f"exception names zone {ex.zone!r}, which the configuration does not define; it has no effect",
            "warning",
        )
    if ex.level >= zone.ai:
        return _problem(
            file,
            ex.line_of("level"),
            f"exception level {ex.level} does not relax zone {ex.zone!r} (ai: {zone.ai}); it has no effect",
            "warning",
        )
    if today > ex.expires:
        return _problem(
            file,
            ex.line_of("expires"),
            f"exception for zone {ex.zone!r} expired on {ex.expires.isoformat()}; the zone's "
            f"`ai: {zone.ai}` applies again. Renew it (new entry) or remove it",
            "warning",
            codes.EXCEPTION_EXPIRED,
        )
    if ex.created > today + dt.timedelta(days=1):
        return _problem(
            file,
            ex.line_of("created"),
            f"exception for zone {ex.zone!r} is dated in the future ({ex.created.isoformat()}); refused",
            "error",
            codes.EXCEPTION_REFUSED,
        )
    cap = config.exceptions.max_days
    if (ex.expires - ex.created).days > cap:
        return _problem(
            file,
            ex.line_of("expires"),
            f"exception for zone {ex.zone!r} lasts {(ex.expires - ex.created).days} days, more than "
            f"the {cap} days policy allows; refused (expires at most {(ex.created + dt.timedelta(days=cap)).isoformat()})",
            "error",
            codes.EXCEPTION_REFUSED,
        )
    if zone.locked:
        allowed = {a.strip().lower() for a in config.exceptions.approvers}
        if ex.approver.strip().lower() not in allowed:
            who = (
                ", ".join(config.exceptions.approvers)
                or "nobody (the central map lists no approvers)"
            )
            return _problem(
                file,
                ex.line_of("approver"),
                f"zone {ex.zone!r} is set by a central map: relaxing it needs an approver from {who}, "
                f"not {ex.approver!r}; refused",
                "error",
                codes.EXCEPTION_REFUSED,
            )
    return None


def load_records(
    root: str | os.PathLike[str], config: EffectiveConfig, now: dt.datetime | dt.date
) -> Records:
    """Reviews and exceptions with every problem, exceptions' status included (as of `now`)."""
    reviews, problems = load_reviews(root)
    exceptions, ex_problems = load_exceptions(root)
    file = str(Path(root) / EXCEPTIONS_FILE)
    statuses = []
    for ex in exceptions:
        status = exception_status(ex, config, now, file)
        if status is not None:
            statuses.append((ex, status))
    return Records(
        tuple(reviews), tuple(exceptions), tuple(problems + ex_problems), tuple(statuses)
    )


def active_exceptions(
    exceptions: Sequence[ExceptionRecord], config: EffectiveConfig, now: dt.datetime | dt.date
) -> list[ExceptionRecord]:
    return [ex for ex in exceptions if exception_status(ex, config, now) is None]


# --------------------------------------------------------------------------------------------
# appending


class RecordWriteError(Exception):
    """The record file cannot be appended to without rewriting it (reported, file untouched)."""


@contextlib.contextmanager
def _locked(root: Path, name: str) -> Iterator[None]:
    locks = ensure_local_dir(root) / "locks"  # refuses a `.local` that leads out of the repo
    locks.mkdir(exist_ok=True)
    with open(locks / f"{name}.lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _append(
    root: str | os.PathLike[str], rel: str, header: str, entry: Mapping[str, Any]
) -> tuple[str, int]:
    root_path = Path(root)
    path = root_path / rel
    snippet = yaml.safe_dump(
        [dict(entry)], sort_keys=False, default_flow_style=False, allow_unicode=True, width=100
    )
    if not is_within(path.parent, root_path) or (path.exists() and not is_within(path, root_path)):
        raise RecordWriteError(f"{rel} leads outside the repository (a symlink?); not written")
    with _locked(root_path, Path(rel).name):
        try:
            data, _size = read_regular(path, MAX_RECORD_BYTES)
            existing = data.decode("utf-8")
        except FileNotFoundError:
            existing = ""
        except (OSError, UnicodeDecodeError):
            raise RecordWriteError(f"{rel} cannot be read as UTF-8 text; fix it before adding "
                                   "entries") from None
        if existing.strip() == "":
            existing = header
        elif not existing.endswith("\n"):
            existing += "\n"
        try:
            before = yaml.safe_load(existing)
        except yaml.YAMLError as exc:
            # say where, never what: the file's text is not echoed into messages
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            raise RecordWriteError(
                f"{rel} does not parse{where}; fix it before adding entries"
            ) from None
        if before is not None and not isinstance(before, list):
            raise RecordWriteError(
                f"{rel} is not a YAML list of entries; fix it before adding entries"
            )
        combined = existing + snippet
        after = yaml.safe_load(combined)
        if not isinstance(after, list) or len(after) != len(before or []) + 1:
            raise RecordWriteError(
                f"appending to {rel} would not add exactly one entry; file left unchanged"
            )
        line = existing.count("\n") + 1
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, combined, mode=_mode_of(path))
    return str(path), line


def _mode_of(path: Path) -> int:
    """The permission bits to keep when a record file is replaced (0644 for a new one, as git
    would check it out), so an append never turns a shared file private."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o644 & ~_umask()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def review_problem(record: Review) -> str | None:
    """Why `record` must not be written (the fields a caller handed in are checked, so a buggy
    or hostile client cannot plant `hash: zz` or a `../` path), or None."""
    if not re.fullmatch(r"[a-z][a-z0-9_-]{0,63}", record.zone):
        return "the zone id is not valid"
    if (why := path_problem(record.path)) is not None:
        return f"the path {why}"
    if not re.fullmatch(r"[0-9a-f]{64}", record.hash):
        return "the region hash is not a sha256"
    if record.symbol is not None and (len(record.symbol) > 512 or "\n" in record.symbol):
        return "the symbol name is not valid"
    return None


def replace_entry_fields(root: str | os.PathLike[str], line: int, **fields: str | None) -> None:
    """Set `fields` (e.g. approver, reason) of the exceptions.yaml entry starting at `line`, in
    place: every other byte of the file stays as it was (an approval is a one-line diff)."""
    root_path = Path(root)
    path = root_path / EXCEPTIONS_FILE
    with _locked(root_path, path.name):
        try:
            data, _size = read_regular(path, MAX_RECORD_BYTES)
            lines = data.decode("utf-8").split("\n")
        except (OSError, UnicodeDecodeError):
            raise RecordWriteError(f"{EXCEPTIONS_FILE} cannot be read as UTF-8 text") from None
        if not 1 <= line <= len(lines) or not lines[line - 1].startswith("-"):
            raise RecordWriteError(f"no entry starts at line {line} of {EXCEPTIONS_FILE}")
        end = line
        while end < len(lines) and (not lines[end] or lines[end][:1] in (" ", "\t", "#")):
            end += 1
        before = yaml.safe_load("\n".join(lines))
        for key, value in fields.items():
            if value is None:
                continue
            scalar = yaml.safe_dump(value, default_flow_style=True, width=10_000).strip()
            scalar = scalar.removesuffix("\n...").removesuffix("...").strip()
            pattern = re.compile(rf"^(-?\s*){re.escape(key)}:\s.*$|^(-?\s*){re.escape(key)}:$")
            for i in range(line - 1, end):
                match = pattern.match(lines[i])
                if match:
                    indent = match.group(1) if match.group(1) is not None else match.group(2)
                    lines[i] = f"{indent}{key}: {scalar}"
                    break
            else:
                raise RecordWriteError(f"the entry at line {line} has no `{key}` to fill in")
        text = "\n".join(lines)
        after = yaml.safe_load(text)
        if not isinstance(after, list) or len(after) != len(before or []):
            raise RecordWriteError("the edit would change the file's entries; left unchanged")
        atomic_write(path, text, mode=_mode_of(path))


def append_review(root: str | os.PathLike[str], record: Review) -> tuple[str, int]:
    """Append a sign-off to reviews.yaml; returns (absolute path, 1-based line of the entry)."""
    if (why := review_problem(record)) is not None:
        raise RecordWriteError(f"refusing to record this sign-off: {why}")
    return _append(root, REVIEWS_FILE, _REVIEWS_HEADER, record.to_yaml_dict())


def append_exception(root: str | os.PathLike[str], record: ExceptionRecord) -> tuple[str, int]:
    """Append an exception to exceptions.yaml; returns (absolute path, 1-based line of the entry)."""
    if not re.fullmatch(r"[a-z][a-z0-9_-]{0,63}", record.zone):
        raise RecordWriteError("refusing to record this exception: the zone id is not valid")
    for glob in record.paths:
        if check_glob(glob) is not None or ".." in glob.split("/") or glob.startswith("/"):
            raise RecordWriteError("refusing to record this exception: a path is not valid")
    return _append(root, EXCEPTIONS_FILE, _EXCEPTIONS_HEADER, record.to_yaml_dict())


# --------------------------------------------------------------------------------------------
# builders


def current_reviewer(root: str | os.PathLike[str]) -> str:
    """Who is signing off: ``git config user.email`` in `root`; falls back to ``$USER@hostname``."""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(
            ["git", "config", "user.email"],
            cwd=root,
            capture_output=True,
            timeout=5,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        email = out.stdout.decode("utf-8", "replace").strip()
        if out.returncode == 0 and email:
            return email
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname() or 'localhost'}"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def build_review(
    config: EffectiveConfig,
    *,
    zone: str,
    path: str,
    region_hash: str,
    symbol: str | None = None,
    reviewer: str | None = None,
    clock: Clock = _utcnow,
) -> Review:
    """A sign-off for a finding (its `data` carries zone, path, symbol and region hash)."""
    return Review(
        zone=zone,
        path=path,
        hash=region_hash,
        reviewer=reviewer if reviewer is not None else current_reviewer(config.root),
        date=_today(clock()).isoformat(),
        policy=config.digest,
        symbol=symbol,
    )


def build_exception(
    config: EffectiveConfig,
    *,
    zone: str,
    paths: Sequence[str],
    level: Level | None = None,
    days: int | None = None,
    clock: Clock = _utcnow,
) -> ExceptionRecord:
    """A draft exception with placeholder reason and approver (which keep it from applying).

    `level` defaults to one step below the zone's `ai` level; `days` to the policy's
    `default_days`, capped at `max_days`.
    """
    z = config.zone(zone)
    current = z.ai if z is not None else Level.DENY
    relaxed = level if level is not None else Level(max(0, int(current) - 1))
    policy = config.exceptions
    lifetime = min(days if days is not None else policy.default_days, policy.max_days)
    today = _today(clock())
    approver = PLACEHOLDER_APPROVER
    if z is not None and z.locked and policy.approvers:
        approver = f"<one of: {', '.join(policy.approvers)}>"
    return ExceptionRecord(
        zone=zone,
        paths=tuple(paths),
        level=relaxed,
        reason=PLACEHOLDER_REASON,
        approver=approver,
        created=today,
        expires=today + dt.timedelta(days=lifetime),
    )


__all__ = [
    "EXCEPTIONS_FILE",
    "LOCAL_DIR",
    "PLACEHOLDER_APPROVER",
    "PLACEHOLDER_REASON",
    "REVIEWS_FILE",
    "ExceptionRecord",
    "RecordWriteError",
    "Records",
    "Review",
    "active_exceptions",
    "append_exception",
    "append_review",
    "build_exception",
    "build_review",
    "code_hash",
    "current_reviewer",
    "exception_status",
    "lines_text",
    "load_exceptions",
    "load_records",
    "load_reviews",
    "normalize_code",
    "replace_entry_fields",
]
