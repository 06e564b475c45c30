"""The org-wide store on SQLite and on a real PostgreSQL 15: idempotent, transactional,
migrated, concurrent, and clear when the store is down or refuses the connection."""

from __future__ import annotations

import argparse
import dataclasses
import sqlite3
import sys
import threading
from pathlib import Path

import pytest

from pavedroad.report import cli as report_cli
from pavedroad.report import collect, report_data, store
from pavedroad.report.aggregate import default_window
from pavedroad.report.model import AiLines

from .conftest import NOW, Sample

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_report import _rows


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'org.sqlite'}"


def counts(url: str) -> dict[str, int]:
    tables = ("publishes", "findings", "reviews", "exceptions", "ai_commits", "events")
    if store.is_postgres(url):
        import psycopg

        with psycopg.connect(url) as conn:
            return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}  # type: ignore[index]
    conn = sqlite3.connect(store.sqlite_path(url))
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    finally:
        conn.close()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser()
    report_cli.add_parser(p.add_subparsers(dest="command"))
    return p


def roundtrip(url: str, sample: Sample) -> None:
    facts = collect(sample.root, sample.config, now=NOW, repo_id="github.com/acme/payments")
    first = store.publish_facts(url, facts)
    assert first.by_table["findings"] == len(facts.lines) == 5
    assert first.by_table["events"] == 10 and first.by_table["reviews"] == 1
    again = store.publish_facts(url, facts)
    assert again.duplicate and again.inserted == 0  # re-running a commit adds nothing
    (loaded,) = store.load(url)
    assert loaded.lines == sorted(facts.lines, key=lambda r: (r.path, r.start_line, r.fingerprint))
    assert loaded.reviews == facts.reviews and loaded.exceptions == facts.exceptions
    assert sorted(loaded.commits, key=lambda c: c.sha) == sorted(facts.commits, key=lambda c: c.sha)
    assert [e["hash"] for e in loaded.events] == [e["hash"] for e in sorted(facts.events, key=lambda e: (e["ts"], e["seq"]))]
    # the store's report is the local report
    window = default_window(NOW.date())
    local = report_data([facts], window, now=NOW).repos[0]
    remote = report_data([loaded], window, now=NOW, org=True).repos[0]
    assert remote.totals == local.totals
    assert remote.zones == local.zones and remote.tools == local.tools
    assert remote.signoff_delay == local.signoff_delay


def test_sqlite_roundtrip_and_idempotence(sample: Sample, tmp_path: Path) -> None:
    roundtrip(sqlite_url(tmp_path), sample)


def test_postgres_roundtrip_and_idempotence(sample: Sample, pg_db: str) -> None:
    roundtrip(pg_db, sample)
    assert store.schema_version(pg_db) == store.SCHEMA_VERSION


def test_schema_is_migrated_in_order(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    conn = sqlite3.connect(store.sqlite_path(url))
    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
    for statement in store.MIGRATIONS[0][1]:
        conn.execute(statement)
    conn.execute("INSERT INTO schema_version VALUES (1, 'then')")
    conn.commit()
    conn.close()
    assert store.schema_version(url) == 2
    conn = sqlite3.connect(store.sqlite_path(url))
    assert [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY version")] == [1, 2]
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'events_repo_ts'").fetchone()[0] == 1
    conn.execute("INSERT INTO schema_version VALUES (9, 'future')")
    conn.commit()
    conn.close()
    with pytest.raises(store.StoreError, match="newer than this pavedroad"):
        store.publish(url, "r", "a" * 40, [], store.Records(), [])


def test_a_failing_publish_writes_nothing_sqlite(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    rows = _rows(500, "r")
    with pytest.raises(KeyError):  # a broken event after the rows went in
        store.publish(url, "r", "a" * 40, rows, store.Records(), [{"seq": 1}])
    assert counts(url) == dict.fromkeys(counts(url), 0)


def test_a_failing_publish_writes_nothing_postgres(pg_db: str) -> None:
    rows = _rows(2000, "r")
    bad = dataclasses.replace(rows[-1], start_line="not a number")  # type: ignore[arg-type]
    with pytest.raises(store.StoreError, match="nothing was written"):
        store.publish(pg_db, "r", "a" * 40, [*rows[:-1], bad], store.Records(), [])
    assert counts(pg_db) == dict.fromkeys(counts(pg_db), 0)


def test_two_repos_publish_concurrently_with_duplicates(pg_db: str) -> None:
    """Two repositories with 5,000 findings each, each published twice at the same time, into a
    database that has no schema yet: every row exactly once, the schema migrated once."""
    data = {f"github.com/acme/{n}": [dataclasses.replace(r, path=f"{n}/{r.path}") for r in _rows(5000, n)]
            for n in ("payments", "web")}  # fmt: skip
    results: list[store.PublishResult] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def go(repo: str) -> None:
        try:
            barrier.wait(10)
            results.append(store.publish(pg_db, repo, "c" * 40, data[repo], store.Records(), []))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(repo,)) for repo in data for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert sorted(r.by_table["findings"] for r in results) == [0, 0, 5000, 5000]
    assert counts(pg_db)["findings"] == 10_000 and counts(pg_db)["publishes"] == 2
    import psycopg

    with psycopg.connect(pg_db) as conn:
        assert conn.execute("SELECT count(*) FROM schema_version").fetchone() == (2,)
    facts = store.load(pg_db)
    assert [f.repo_id for f in facts] == sorted(data) and all(len(f.lines) == 5000 for f in facts)
    assert len(store.load(pg_db, ["github.com/acme/web"])) == 1


def test_store_down_and_refused(pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    down = "postgresql://pavedroad:pw@127.0.0.1:1/pavedroad"
    with pytest.raises(store.StoreError, match=r"cannot connect.*refused") as info:
        store.publish(down, "r", "a" * 40, _rows(10, "r"), store.Records(), [])
    assert ":pw@" not in str(info.value) and ":***@" in str(info.value)
    refused = pg_url.replace("pavedroad:", "pavedroad:wrong", 1)
    with pytest.raises(store.StoreError, match="password authentication failed"):
        store.publish(refused, "r", "a" * 40, _rows(10, "r"), store.Records(), [])
    with pytest.raises(store.StoreError, match="does not exist"):
        store.publish(f"sqlite:///{tmp_path}/missing/dir/s.db", "r", "a" * 40, [], store.Records(), [])
    with pytest.raises(store.StoreError, match="unsupported store URL"):
        store.publish("mysql://x@y/z", "r", "a" * 40, [], store.Records(), [])


def test_cli_publish_and_report_from_store(sample: Sample, pg_db: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    p = parser()
    args = p.parse_args(["publish", str(sample.root), "--store", pg_db, "--repo-id", "acme/payments"])
    assert args.handler(args, now=NOW) == 0
    assert "published acme/payments" in capsys.readouterr().out
    assert args.handler(args, now=NOW) == 0
    assert "nothing new" in capsys.readouterr().out
    page = tmp_path / "org.html"
    args = p.parse_args(["report", "--store", pg_db, "--output", str(page), "--until", "2026-03-02"])
    assert args.handler(args, now=NOW) == 0
    html = page.read_text()
    assert 'id="overview"' in html and 'id="r-acme-payments-z-auth"' in html
    assert pg_db.split(":")[2].split("@")[0] not in html  # the password is not on the page
    down = "postgresql://pavedroad:pw@127.0.0.1:1/pavedroad"
    args = p.parse_args(["publish", str(sample.root), "--store", down])
    assert args.handler(args, now=NOW) == 2
    err = capsys.readouterr().err
    assert "cannot connect to the store" in err and ":pw@" not in err


def test_cli_publish_defaults_to_a_local_sqlite_file(sample: Sample, capsys: pytest.CaptureFixture[str]) -> None:
    args = parser().parse_args(["publish", str(sample.root), "--format", "json"])
    assert args.handler(args, now=NOW) == 0
    import json

    out = json.loads(capsys.readouterr().out)
    assert out["inserted"] > 0 and out["store"].endswith(".pavedroad/.local/store.sqlite")
    assert counts(out["store"])["findings"] == 5


def test_rows_keep_every_field(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    row = AiLines(path="a b/ü.py", zone="auth", zone_level="review", level="warn", start_line=3,
                  end_line=9, lines=4, status="excepted", region_hash="f" * 64, tool=None, commit=None,
                  provenance="explicit", landed=None, symbol="login", reviewer=None, signed=None,
                  exception_expires="2026-04-01", code="PR101")  # fmt: skip
    store.publish(url, "r", None, [row], store.Records(), [])
    (facts,) = store.load(url)
    assert facts.commit is None and facts.lines == [row]
