"""The decision log: hash chain, tampering, damage, rotation, concurrency, symlinks, CLI."""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import multiprocessing
import os
from pathlib import Path

import pytest

from pavedroad.audit import (
    CHAIN_BREAK,
    Event,
    EventError,
    LogError,
    ai_code_landed,
    append_event,
    hook_denied,
    read_events,
    verify,
)
from pavedroad.audit import cli as audit_cli
from pavedroad.audit.log import GENESIS, LOG_DIR, entry_hash

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)


def landed(i: int = 0) -> Event:
    return ai_code_landed(source="editor", zone="auth", path=f"src/auth/f{i}.py", lines=i + 1,
                          tool="Claude")  # fmt: skip


def fill(root: Path, n: int, **kw: object) -> None:
    for i in range(n):
        append_event(root, landed(i), now=T0 + dt.timedelta(minutes=i), **kw)  # type: ignore[arg-type]


def segment(root: Path, index: int = 1) -> Path:
    return root / LOG_DIR / f"events-{index:08d}.jsonl"


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines(keepends=True)


@pytest.fixture(autouse=True)
def _actor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAVEDROAD_ACTOR", "dev@example.com")


def test_chain_links_every_entry(tmp_path: Path) -> None:
    fill(tmp_path, 5)
    entries = [json.loads(x) for x in lines(segment(tmp_path))]
    assert [e["seq"] for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0]["prev"] == GENESIS
    for a, b in itertools.pairwise(entries):
        assert b["prev"] == a["hash"] == entry_hash(a)
    assert entries[0]["actor"] == "dev@example.com" and entries[0]["repo"] == tmp_path.name
    result = verify(tmp_path)
    assert result.ok and result.entries == 5 and result.first_bad is None
    events = read_events(tmp_path, since=T0 + dt.timedelta(minutes=3))
    assert [e.seq for e in events] == [4, 5]
    assert events[0].event.data["path"] == "src/auth/f3.py"


def test_no_log_yet(tmp_path: Path) -> None:
    assert verify(tmp_path).ok and read_events(tmp_path) == []


def test_edited_entry_is_named(tmp_path: Path) -> None:
    fill(tmp_path, 5)
    seg = segment(tmp_path)
    rows = lines(seg)
    rows[2] = rows[2].replace('"lines":3', '"lines":1')  # a hand edit, hash left as it was
    seg.write_text("".join(rows))
    result = verify(tmp_path)
    assert not result.ok
    assert result.first_bad is not None
    assert (result.first_bad.line, result.first_bad.kind) == (3, "edited")
    assert result.first_bad.seq == 3
    assert len(result.problems) == 1  # seq 4 links to seq 2's successor...: resynced on seq 4
    assert [e.seq for e in read_events(tmp_path)] == [1, 2, 4, 5]


def test_edited_and_rehashed_entry_breaks_the_next_link(tmp_path: Path) -> None:
    fill(tmp_path, 4)
    seg = segment(tmp_path)
    rows = lines(seg)
    entry = json.loads(rows[1])
    entry["data"]["lines"] = 99
    entry["hash"] = entry_hash(entry)
    rows[1] = json.dumps(entry, sort_keys=True, separators=(",", ":")) + "\n"
    seg.write_text("".join(rows))
    result = verify(tmp_path)
    assert result.first_bad is not None
    assert (result.first_bad.line, result.first_bad.kind) == (3, "relinked")
    assert "seq 2" in result.first_bad.message


def test_removed_entry_is_named(tmp_path: Path) -> None:
    fill(tmp_path, 5)
    seg = segment(tmp_path)
    rows = lines(seg)
    del rows[2]
    seg.write_text("".join(rows))
    result = verify(tmp_path)
    assert result.first_bad is not None
    assert result.first_bad.kind == "removed" and result.first_bad.seq == 4
    assert "3..3" in result.first_bad.message


def test_reordered_entries_are_named(tmp_path: Path) -> None:
    fill(tmp_path, 5)
    seg = segment(tmp_path)
    rows = lines(seg)
    rows[2], rows[3] = rows[3], rows[2]
    seg.write_text("".join(rows))
    result = verify(tmp_path)
    assert result.first_bad is not None
    assert (result.first_bad.line, result.first_bad.kind, result.first_bad.seq) == (3, "reordered", 4)


def test_missing_start_is_named(tmp_path: Path) -> None:
    fill(tmp_path, 3)
    seg = segment(tmp_path)
    seg.write_text("".join(lines(seg)[1:]))
    result = verify(tmp_path)
    assert result.first_bad is not None and result.first_bad.kind == "missing-start"


def test_truncated_tail_then_append_restarts_the_chain(tmp_path: Path) -> None:
    fill(tmp_path, 4)
    seg = segment(tmp_path)
    data = seg.read_bytes()
    seg.write_bytes(data[: len(data) - 40])  # cut the last entry mid-line
    result = verify(tmp_path)
    assert result.first_bad is not None
    assert (result.first_bad.line, result.first_bad.kind) == (4, "truncated")

    logged = append_event(tmp_path, landed(9), now=T0 + dt.timedelta(hours=1))
    assert logged.seq == 6  # 5 is the chain_break (seq 4 may have been written: never reused)
    rows = lines(seg)
    assert len(rows) == 6  # the cut line was ended with a newline, not removed
    entries = [json.loads(x) for i, x in enumerate(rows) if i != 3]
    brk = [e for e in entries if e["kind"] == CHAIN_BREAK]
    assert len(brk) == 1 and brk[0]["data"]["after_seq"] == 3
    assert brk[0]["prev"] == entries[2]["hash"]  # linked to the last good entry
    result = verify(tmp_path)
    assert not result.ok and result.first_bad is not None
    assert (result.first_bad.line, result.first_bad.kind) == (4, "truncated")  # still named
    assert len(result.problems) == 1 and result.chain_breaks == 1
    assert any("restarted the chain" in n for n in result.notes)
    # and it goes on appending cleanly
    append_event(tmp_path, landed(10), now=T0 + dt.timedelta(hours=2))
    assert len(verify(tmp_path).problems) == 1
    assert [e.seq for e in read_events(tmp_path)][-3:] == [5, 6, 7]


def test_garbage_tail_then_append(tmp_path: Path) -> None:
    fill(tmp_path, 2)
    with segment(tmp_path).open("a") as fh:
        fh.write("<<<<<<< HEAD\n{not json}\n")
    append_event(tmp_path, landed(5))
    result = verify(tmp_path)
    assert result.first_bad is not None and result.first_bad.line == 3
    assert result.first_bad.kind == "malformed"
    assert read_events(tmp_path)[-1].data["path"] == "src/auth/f5.py"


def test_entries_removed_from_the_end(tmp_path: Path) -> None:
    fill(tmp_path, 5)
    seg = segment(tmp_path)
    seg.write_text("".join(lines(seg)[:3]))  # whole lines: the chain alone cannot tell
    result = verify(tmp_path)
    assert result.first_bad is not None
    assert result.first_bad.kind == "truncated" and "up to seq 5" in result.first_bad.message
    logged = append_event(tmp_path, landed(7))
    assert logged.seq == 7  # chain_break took 6
    result = verify(tmp_path)
    assert result.first_bad is not None and result.first_bad.kind == "truncated"
    assert "4..5" in result.first_bad.message


def test_clock_skew_is_a_warning(tmp_path: Path) -> None:
    append_event(tmp_path, landed(0), now=T0)
    append_event(tmp_path, landed(1), now=T0 - dt.timedelta(minutes=5))  # the clock went back
    result = verify(tmp_path)
    assert result.ok
    assert any("clock skew" in w and "seq 2" in w for w in result.warnings)


def test_rotation_keeps_the_chain_and_says_what_was_rotated(tmp_path: Path) -> None:
    fill(tmp_path, 60, max_bytes=2000, keep=3)
    log = tmp_path / LOG_DIR
    segs = sorted(p.name for p in log.glob("events-*.jsonl"))
    assert len(segs) == 3 and segs[0] != "events-00000001.jsonl"
    total = sum(p.stat().st_size for p in log.glob("events-*.jsonl"))
    assert total <= 3 * 2000
    result = verify(tmp_path)
    assert result.ok, result.problems
    assert any("rotated away" in w for w in result.warnings)
    seqs = [e.seq for e in read_events(tmp_path)]
    assert seqs[-1] == 60 and seqs == list(range(seqs[0], 61))
    # the first entry of each segment links to the last of the previous one
    first = json.loads(lines(log / segs[1])[0])
    last = json.loads(lines(log / segs[0])[-1])
    assert first["prev"] == last["hash"]
    # deleting the oldest remaining segment by hand is not rotation
    (log / segs[0]).unlink()
    result = verify(tmp_path)
    assert result.first_bad is not None and result.first_bad.kind == "missing-start"


def _appender(root: str, worker: int, n: int) -> None:
    os.environ["PAVEDROAD_ACTOR"] = f"worker{worker}@example.com"
    for i in range(n):
        append_event(root, hook_denied(tool="claude-code", hook_event="PreToolUse",
                                       reason="sensitive", path=f"w{worker}/{i}.env"),
                     max_bytes=20_000, keep=100)  # fmt: skip


def test_concurrent_appenders_lose_nothing(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_appender, args=(str(tmp_path), w, 60)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    result = verify(tmp_path)
    assert result.ok, result.problems
    events = read_events(tmp_path)
    assert [e.seq for e in events] == list(range(1, 241))
    assert len({e.data["path"] for e in events}) == 240


def test_symlinked_local_dir_out_of_the_repo_is_refused(tmp_path: Path) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "elsewhere"
    (repo / ".pavedroad").mkdir(parents=True)
    outside.mkdir()
    (repo / ".pavedroad" / ".local").symlink_to(outside)
    with pytest.raises(LogError, match="outside the repository"):
        append_event(repo, landed())
    with pytest.raises(LogError, match="outside the repository"):
        verify(repo)
    with pytest.raises(LogError, match="outside the repository"):
        read_events(repo)
    assert list(outside.iterdir()) == []
    parser = argparse.ArgumentParser()
    audit_cli.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["log", "verify", str(repo)])
    assert args.handler(args) == 2


def test_symlink_inside_the_repo_is_refused_too(tmp_path: Path) -> None:
    (tmp_path / ".pavedroad" / "state").mkdir(parents=True)
    (tmp_path / ".pavedroad" / ".local").symlink_to(tmp_path / ".pavedroad" / "state")
    with pytest.raises(LogError, match="symlink"):
        append_event(tmp_path, landed())
    assert list((tmp_path / ".pavedroad" / "state").iterdir()) == []


def test_symlinked_segment_is_not_read(tmp_path: Path) -> None:
    fill(tmp_path, 1)
    secret = tmp_path / "other.txt"
    secret.write_text("x\n")
    (tmp_path / LOG_DIR / "events-00000002.jsonl").symlink_to(secret)
    with pytest.raises(LogError, match="symlink"):
        verify(tmp_path)


def test_overlong_line_is_malformed(tmp_path: Path) -> None:
    fill(tmp_path, 1)
    with segment(tmp_path).open("a") as fh:
        fh.write('{"x":"' + "a" * 20000 + '"}\n')
    result = verify(tmp_path)
    assert result.first_bad is not None and "longer than" in result.first_bad.message


def test_events_are_validated(tmp_path: Path) -> None:
    with pytest.raises(EventError, match="unknown key"):
        append_event(tmp_path, Event("signoff", {"zone": "auth", "note": "free text"}))
    with pytest.raises(EventError, match="unknown event kind"):
        append_event(tmp_path, Event(CHAIN_BREAK, {"reason": "x"}))
    with pytest.raises(EventError, match="missing"):
        append_event(tmp_path, Event("ai_code_landed", {"zone": "auth"}))
    with pytest.raises(EventError, match="relative path"):
        ai_code_landed(source="ci", zone="auth", path="/etc/passwd", lines=1)
    assert not (tmp_path / LOG_DIR).exists() or not list((tmp_path / LOG_DIR).glob("events-*"))


def test_cli_verify_text_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".pavedroad.yaml").write_text("version: 1\nzones: []\n")
    fill(tmp_path, 3)
    parser = argparse.ArgumentParser()
    audit_cli.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["log", "verify", str(tmp_path), "--format", "json"])
    assert args.handler(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] and out["entries"] == 3
    seg = segment(tmp_path)
    seg.write_text(seg.read_text().replace('"lines":2', '"lines":7'))
    args = parser.parse_args(["log", "verify", str(tmp_path)])
    assert args.handler(args) == 1
    captured = capsys.readouterr()
    assert "first bad entry" in captured.out and ":2 (seq 2): edited" in captured.out
    assert "fails verification" in captured.err
