"""The org-wide store: repositories' facts in SQLite (default, no server) or PostgreSQL.

URLs: ``postgresql://user:pass@host:port/db`` (or ``postgres://``) through psycopg 3;
``sqlite:///abs/path.db``, ``sqlite:relative.db`` or a plain file path for SQLite.

`publish` writes one repository's facts at one commit (the AI-line rows, the records, the AI
commits and the decision-log events):
* in one transaction: a store that is down or refuses the connection raises `StoreError`
  before anything is written, and a failure half-way rolls everything back;
* idempotently: every table has a natural primary key (repo, commit and fingerprint for rows;
  repo and entry hash for events; ...) and rows go in with ``ON CONFLICT DO NOTHING``, so
  re-publishing a commit adds nothing, and concurrent publishers never conflict;
* on PostgreSQL the rows are ``COPY``-ed into a temporary staging table first, then inserted with
  one ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` (bulk speed, still idempotent).

The schema is created and migrated by the tool: `MIGRATIONS` are ordered steps, the
``schema_version`` table records the applied ones, and on PostgreSQL an advisory lock makes
concurrent first publishes migrate once. A store with a newer schema than this version knows is
refused rather than written wrongly.

`load` returns the `RepoFacts` of each repository's latest publish, for ``report --store``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pavedroad.report.model import (
    AiCommit,
    AiLines,
    ExceptionRow,
    RepoFacts,
    ReviewRow,
    ZoneInfo,
)

SCHEMA_VERSION = 2
_LOCK_KEY = 0x70617665  # "pave": pg_advisory_xact_lock key for migrations

LINE_COLUMNS = (
    "repo_id", "commit_sha", "fingerprint", "path", "zone", "zone_level", "level", "start_line",
    "end_line", "lines", "status", "region_hash", "tool", "ai_commit", "provenance", "landed",
    "symbol", "reviewer", "signed", "exception_expires", "code",
)  # fmt: skip
REVIEW_COLUMNS = ("repo_id", "commit_sha", "zone", "path", "hash", "reviewer", "date", "policy", "symbol")
EXCEPTION_COLUMNS = ("repo_id", "commit_sha", "zone", "paths", "level", "approver", "created",
                     "expires", "status", "code")  # fmt: skip
COMMIT_COLUMNS = ("repo_id", "sha", "tool", "authored")
EVENT_COLUMNS = ("repo_id", "hash", "seq", "ts", "kind", "actor", "repo", "policy", "data", "prev")

#: (version, statements); types are portable between SQLite and PostgreSQL
MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (1, (
        """CREATE TABLE publishes (repo_id TEXT NOT NULL, commit_sha TEXT NOT NULL,
           published_at TEXT NOT NULL, collected_at TEXT, policy TEXT, zones TEXT,
           approved_tools TEXT, unapproved_level TEXT, notes TEXT,
           PRIMARY KEY (repo_id, commit_sha))""",
        """CREATE TABLE findings (repo_id TEXT NOT NULL, commit_sha TEXT NOT NULL,
           fingerprint TEXT NOT NULL, path TEXT NOT NULL, zone TEXT NOT NULL, zone_level TEXT,
           level TEXT, start_line INTEGER, end_line INTEGER, lines INTEGER, status TEXT,
           region_hash TEXT, tool TEXT, ai_commit TEXT, provenance TEXT, landed TEXT,
           symbol TEXT, reviewer TEXT, signed TEXT, exception_expires TEXT, code TEXT,
           PRIMARY KEY (repo_id, commit_sha, fingerprint))""",
        """CREATE TABLE reviews (repo_id TEXT NOT NULL, commit_sha TEXT NOT NULL, zone TEXT NOT NULL,
           path TEXT NOT NULL, hash TEXT NOT NULL, reviewer TEXT NOT NULL, date TEXT NOT NULL,
           policy TEXT, symbol TEXT,
           PRIMARY KEY (repo_id, commit_sha, zone, path, hash, reviewer, date))""",
        """CREATE TABLE exceptions (repo_id TEXT NOT NULL, commit_sha TEXT NOT NULL,
           zone TEXT NOT NULL, paths TEXT NOT NULL, level TEXT NOT NULL, approver TEXT NOT NULL,
           created TEXT NOT NULL, expires TEXT NOT NULL, status TEXT, code TEXT,
           PRIMARY KEY (repo_id, commit_sha, zone, paths, level, approver, created, expires))""",
        """CREATE TABLE ai_commits (repo_id TEXT NOT NULL, sha TEXT NOT NULL, tool TEXT NOT NULL,
           authored TEXT, PRIMARY KEY (repo_id, sha, tool))""",
        """CREATE TABLE events (repo_id TEXT NOT NULL, hash TEXT NOT NULL, seq INTEGER, ts TEXT,
           kind TEXT, actor TEXT, repo TEXT, policy TEXT, data TEXT, prev TEXT,
           PRIMARY KEY (repo_id, hash))""",
    )),
    (2, (
        "CREATE INDEX events_repo_ts ON events (repo_id, ts)",
        "CREATE INDEX publishes_repo_time ON publishes (repo_id, published_at)",
    )),
)  # fmt: skip


class StoreError(Exception):
    """The store is unreachable, refused the connection, or the publish failed (rolled back)."""


@dataclass(frozen=True)
class Records:
    """The decision records of one publish."""

    reviews: Sequence[ReviewRow] = ()
    exceptions: Sequence[ExceptionRow] = ()


@dataclass(frozen=True)
class PublishMeta:
    collected_at: str = ""
    policy: str = ""
    zones: Sequence[ZoneInfo] = ()
    approved_tools: Sequence[str] = ()
    unapproved_level: str = "allow"
    notes: Sequence[str] = ()
    commits: Sequence[AiCommit] = ()


@dataclass(frozen=True)
class PublishResult:
    store: str
    repo_id: str
    commit: str
    inserted: int
    by_table: dict[str, int] = field(default_factory=dict)

    @property
    def duplicate(self) -> bool:
        return self.inserted == 0


# --------------------------------------------------------------------------------------------
# URLs and connections


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def redact_url(url: str) -> str:
    """The URL without its password (for messages)."""
    if not is_postgres(url):
        return url
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = (parts.username or "") + ":***"
    return urlunsplit(parts._replace(netloc=f"{user}@{netloc[-1]}"))


def sqlite_path(url: str) -> Path:
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite://") :])
    if url.startswith("sqlite:"):
        return Path(url[len("sqlite:") :])
    if "://" in url:
        raise StoreError(f"unsupported store URL {redact_url(url)!r}: use postgresql://... or sqlite:///path")
    return Path(url)


class _Db:
    """The few operations publish/load need, over sqlite3 or psycopg."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.pg = is_postgres(url)
        self.conn: Any = None

    def sql(self, text: str) -> str:
        return text.replace("?", "%s") if self.pg else text

    @contextlib.contextmanager
    def connect(self) -> Iterator[_Db]:
        where = redact_url(self.url)
        if self.pg:
            try:
                import psycopg
            except ImportError as exc:
                raise StoreError("PostgreSQL stores need psycopg 3: pip install 'psycopg[binary]>=3.2'") from exc
            try:
                self.conn = psycopg.connect(self.url, connect_timeout=10, autocommit=False)
            except psycopg.Error as exc:
                raise StoreError(f"cannot connect to the store {where}: {_first_line(exc)}") from exc
        else:
            path = sqlite_path(self.url)
            if not path.parent.is_dir():
                raise StoreError(f"cannot open the store {where}: directory {path.parent} does not exist")
            try:
                self.conn = sqlite3.connect(path, timeout=30, isolation_level=None)
                self.conn.execute("PRAGMA journal_mode=WAL")
            except sqlite3.Error as exc:
                raise StoreError(f"cannot open the store {where}: {exc}") from exc
        try:
            yield self
        finally:
            with contextlib.suppress(Exception):
                self.conn.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction; any error rolls everything back and becomes a `StoreError`."""
        where = redact_url(self.url)
        errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
        if self.pg:
            import psycopg

            errors = (psycopg.Error,)
        try:
            if self.pg:
                with self.conn.transaction():
                    yield
            else:
                self.conn.execute("BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    self.conn.execute("ROLLBACK")
                    raise
                self.conn.execute("COMMIT")
        except errors as exc:
            raise StoreError(f"the store {where} failed ({_first_line(exc)}); nothing was written") from exc

    def execute(self, text: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(self.sql(text), tuple(params))

    def fetchall(self, text: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self.execute(text, params).fetchall())

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
        """Insert rows, skipping those whose key exists; returns how many were added."""
        if not rows:
            return 0
        cols = ", ".join(columns)
        if self.pg:
            stage = f"stage_{table}"
            with self.conn.cursor() as cur:
                cur.execute(f"CREATE TEMP TABLE {stage} (LIKE {table}) ON COMMIT DROP")
                with cur.copy(f"COPY {stage} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {stage} ON CONFLICT DO NOTHING")
                added = cur.rowcount
                cur.execute(f"DROP TABLE {stage}")
                return int(added)
        before = self.conn.total_changes
        marks = ", ".join("?" for _ in columns)
        self.conn.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks}) ON CONFLICT DO NOTHING", rows)
        return int(self.conn.total_changes - before)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


# --------------------------------------------------------------------------------------------
# schema


def _migrate(db: _Db) -> int:
    """Apply missing migrations; returns the schema version."""
    with db.transaction():
        if db.pg:
            db.execute("SELECT pg_advisory_xact_lock(?)", (_LOCK_KEY,))
        db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
        rows = db.fetchall("SELECT max(version) FROM schema_version")
        current = int(rows[0][0] or 0)
        if current > SCHEMA_VERSION:
            raise _Newer(current)
        now = _now()
        for version, statements in MIGRATIONS:
            if version <= current:
                continue
            for statement in statements:
                db.execute(statement)
            db.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", (version, now))
            current = version
    return current


class _Newer(Exception):
    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


def schema_version(store_url: str) -> int:
    """Create or migrate the schema; returns the version now in force."""
    with _Db(store_url).connect() as db:
        return _checked_migrate(db)


def _checked_migrate(db: _Db) -> int:
    try:
        return _migrate(db)
    except _Newer as exc:
        raise StoreError(
            f"the store {redact_url(db.url)} has schema version {exc.version}, newer than this "
            f"pavedroad knows ({SCHEMA_VERSION}); upgrade pavedroad"
        ) from exc


# --------------------------------------------------------------------------------------------
# publishing


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def line_tuple(repo_id: str, commit: str, r: AiLines) -> tuple[Any, ...]:
    return (repo_id, commit, r.fingerprint, r.path, r.zone, r.zone_level, r.level, r.start_line,
            r.end_line, r.lines, r.status, r.region_hash, r.tool, r.commit, r.provenance, r.landed,
            r.symbol, r.reviewer, r.signed, r.exception_expires, r.code)  # fmt: skip


def _event_tuple(repo_id: str, e: Any) -> tuple[Any, ...]:
    d = e if isinstance(e, dict) else e.to_json()
    return (repo_id, d["hash"], d["seq"], d["ts"], d["kind"], d["actor"], d["repo"], d["policy"],
            json.dumps(d["data"], sort_keys=True), d["prev"])  # fmt: skip


def publish(
    store_url: str,
    repo_id: str,
    commit: str | None,
    findings: Sequence[AiLines],
    records: Records,
    events: Sequence[Any],
    *,
    meta: PublishMeta | None = None,
    published_at: str | None = None,
) -> PublishResult:
    """Write one repository's facts at `commit` (see the module docstring). `events` are
    `LoggedEvent`s or their ``to_json()`` dicts. Raises `StoreError`; then nothing was written."""
    meta = meta or PublishMeta()
    sha = commit or "uncommitted"
    with _Db(store_url).connect() as db:
        _checked_migrate(db)
        counts: dict[str, int] = {}
        with db.transaction():
            counts["publishes"] = db.insert("publishes", (
                "repo_id", "commit_sha", "published_at", "collected_at", "policy", "zones",
                "approved_tools", "unapproved_level", "notes"), [(
                repo_id, sha, published_at or _now(), meta.collected_at, meta.policy,
                json.dumps([[z.id, z.title, z.ai, list(z.reviewers)] for z in meta.zones]),
                json.dumps(list(meta.approved_tools)), meta.unapproved_level, json.dumps(list(meta.notes)),
            )])  # fmt: skip
            counts["findings"] = db.insert("findings", LINE_COLUMNS,
                                           [line_tuple(repo_id, sha, r) for r in findings])  # fmt: skip
            counts["reviews"] = db.insert("reviews", REVIEW_COLUMNS, [
                (repo_id, sha, r.zone, r.path, r.hash, r.reviewer, r.date, r.policy, r.symbol)
                for r in records.reviews])  # fmt: skip
            counts["exceptions"] = db.insert("exceptions", EXCEPTION_COLUMNS, [
                (repo_id, sha, x.zone, json.dumps(list(x.paths)), x.level, x.approver, x.created,
                 x.expires, x.status, x.code) for x in records.exceptions])  # fmt: skip
            counts["ai_commits"] = db.insert("ai_commits", COMMIT_COLUMNS, [
                (repo_id, c.sha, c.tool, c.authored) for c in meta.commits])  # fmt: skip
            counts["events"] = db.insert("events", EVENT_COLUMNS, [_event_tuple(repo_id, e) for e in events])
    return PublishResult(redact_url(store_url), repo_id, sha, sum(counts.values()), counts)


def publish_facts(store_url: str, facts: RepoFacts, *, published_at: str | None = None) -> PublishResult:
    """`publish` of everything `collect` gathered."""
    meta = PublishMeta(facts.collected_at, facts.policy, facts.zones, facts.approved_tools,
                       facts.unapproved_level, facts.notes, facts.commits)  # fmt: skip
    return publish(store_url, facts.repo_id, facts.commit, facts.lines,
                   Records(facts.reviews, facts.exceptions), facts.events, meta=meta,
                   published_at=published_at)  # fmt: skip


# --------------------------------------------------------------------------------------------
# loading


def load(store_url: str, repos: Sequence[str] | None = None) -> list[RepoFacts]:
    """The facts of each repository's latest publish (all repositories, or those named)."""
    if not is_postgres(store_url) and not sqlite_path(store_url).is_file():
        raise StoreError(f"no store at {store_url}: publish to it first")
    with _Db(store_url).connect() as db:
        _checked_migrate(db)
        with db.transaction():
            return _load(db, repos)


def _load(db: _Db, repos: Sequence[str] | None) -> list[RepoFacts]:
    latest: dict[str, tuple[Any, ...]] = {}
    for row in db.fetchall("SELECT repo_id, commit_sha, published_at, collected_at, policy, zones, "
                           "approved_tools, unapproved_level, notes FROM publishes"):  # fmt: skip
        if repos and row[0] not in repos:
            continue
        if row[0] not in latest or (row[2], row[1]) > (latest[row[0]][2], latest[row[0]][1]):
            latest[row[0]] = row
    out = []
    for repo_id, sha, _, collected, policy, zones, tools, unapproved, notes in latest.values():
        facts = RepoFacts(
            repo_id=repo_id, commit=None if sha == "uncommitted" else sha, collected_at=collected or "",
            policy=policy or "", zones=[ZoneInfo(z[0], z[1], z[2], tuple(z[3])) for z in json.loads(zones or "[]")],
            approved_tools=tuple(json.loads(tools or "[]")), unapproved_level=unapproved or "allow",
            notes=list(json.loads(notes or "[]")),
        )  # fmt: skip
        cols = ", ".join(LINE_COLUMNS[3:])
        for r in db.fetchall(f"SELECT {cols} FROM findings WHERE repo_id = ? AND commit_sha = ? "
                             "ORDER BY path, start_line, fingerprint", (repo_id, sha)):  # fmt: skip
            facts.lines.append(AiLines(
                path=r[0], zone=r[1], zone_level=r[2], level=r[3], start_line=r[4], end_line=r[5],
                lines=r[6], status=r[7], region_hash=r[8], tool=r[9], commit=r[10], provenance=r[11],
                landed=r[12], symbol=r[13], reviewer=r[14], signed=r[15], exception_expires=r[16], code=r[17],
            ))  # fmt: skip
        facts.reviews = [ReviewRow(*r) for r in db.fetchall(
            "SELECT zone, path, hash, reviewer, date, policy, symbol FROM reviews "
            "WHERE repo_id = ? AND commit_sha = ? ORDER BY date, path", (repo_id, sha))]  # fmt: skip
        facts.exceptions = [
            ExceptionRow(r[0], tuple(json.loads(r[1])), r[2], r[3], r[4], r[5], r[6], r[7])
            for r in db.fetchall("SELECT zone, paths, level, approver, created, expires, status, code "
                                 "FROM exceptions WHERE repo_id = ? AND commit_sha = ? ORDER BY expires",
                                 (repo_id, sha))
        ]  # fmt: skip
        facts.commits = [AiCommit(*r) for r in db.fetchall(
            "SELECT sha, tool, authored FROM ai_commits WHERE repo_id = ? ORDER BY authored, sha", (repo_id,))]  # fmt: skip
        facts.events = [
            {"hash": r[0], "seq": r[1], "ts": r[2], "kind": r[3], "actor": r[4], "repo": r[5],
             "policy": r[6], "data": json.loads(r[7] or "{}"), "prev": r[8]}
            for r in db.fetchall("SELECT hash, seq, ts, kind, actor, repo, policy, data, prev FROM events "
                                 "WHERE repo_id = ? ORDER BY ts, seq", (repo_id,))
        ]  # fmt: skip
        out.append(facts)
    return sorted(out, key=lambda f: f.repo_id)


def default_store(root: str | os.PathLike[str]) -> str:
    """The embedded default: a SQLite file under the repository's git-ignored ``.pavedroad/.local``."""
    from pavedroad.provenance.store import ensure_local_dir

    return f"sqlite:///{ensure_local_dir(root).resolve() / 'store.sqlite'}"
