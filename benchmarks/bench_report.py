"""Benchmark `pavedroad report` and `pavedroad publish`.

1. report: a generated repository (``git fast-import``, a few seconds) of 200 files and 10,001
   commits an hour apart (about 14 months, so the weekly series is long): one base commit, then
   10,000 commits that each edit one line of a random file (seeded); 5% carry an AI trailer
   (Claude, Copilot or Cursor in turn) and 1% get a git-ai note (tool "windsurf") instead. 70 of
   the files are in deny/review/warn zones. Times, in the same run, the whole report
   (`collect` + `aggregate` + HTML rendering, over all of history) against a bare ``git log``
   over the same range, median of --repeat runs.
2. publish (with --postgres URL, or a throwaway server started by scripts/setup-postgres.sh when
   --start-postgres is given): 100,000 generated findings rows published with `store.publish`
   (staging COPY + INSERT ... ON CONFLICT DO NOTHING in one transaction, schema already there)
   against a bare ``COPY`` of the same rows into a plain table, and a re-publish of the same
   commit (which adds nothing).

    .venv/bin/python benchmarks/bench_report.py [--commits 10000] [--repeat 3]
        [--postgres postgresql://...] [--start-postgres] [--findings 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# the same repository shape as bench_check.py, so the two benchmarks compare
from bench_check import CONFIG, FILES, _data, git_env

ZONED = tuple(f for f in FILES if not f.startswith("src/lib/"))
TRAILERS = (
    "Co-authored-by: Claude <noreply@anthropic.com>",
    "Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
    "Co-authored-by: Cursor Agent <cursoragent@cursor.com>",
)
T0 = 1_700_000_000  # 2023-11-14


@dataclass
class Truth:
    """What the generator did: commit numbers with trailers, notes (number -> (path, line))."""

    trailered: set[int] = field(default_factory=set)
    notes: dict[int, tuple[str, int]] = field(default_factory=dict)

    @property
    def ai_commits(self) -> int:
        return len(self.trailered) + len(self.notes)


def generate(root: Path, commits: int, seed: int = 42) -> Truth:
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True, env=git_env())
    contents = {f: [f"# {f}\n"] + [f"value_{j} = {j}\n" for j in range(40)] for f in FILES}
    out: list[bytes] = []
    truth = Truth()

    def commit(mark: int, message: str, changed: list[str]) -> None:
        ts = T0 + mark * 3600
        out.append(b"commit refs/heads/main\nmark :%d\n" % mark)
        out.append(f"author Dev <dev@example.com> {ts} +0000\ncommitter Dev <dev@example.com> {ts} +0000\n".encode())
        out.append(_data(message.encode()))
        if mark > 1:
            out.append(b"from :%d\n" % (mark - 1))
        for path in changed:
            out.append(f"M 100644 inline {path}\n".encode())
            out.append(_data("".join(contents[path]).encode()))

    contents[".pavedroad.yaml"] = [CONFIG]
    commit(1, "base", [*FILES, ".pavedroad.yaml"])
    rng = random.Random(seed)
    for n in range(1, commits + 1):
        path = rng.choice(FILES)
        lines = contents[path]
        k = rng.randrange(1, len(lines))
        if rng.random() < 0.3:
            lines.insert(k, f"added_{n} = {n}\n")
        else:
            lines[k] = f"edited_{n} = {n}\n"
        message = f"change {n}"
        roll = rng.random()
        if roll < 0.05:
            message += "\n\n" + TRAILERS[n % len(TRAILERS)]
            truth.trailered.add(n)
        elif roll < 0.06:
            truth.notes[n] = (path, k + 1)
        commit(n + 1, message, [path])
    out.append(b"commit refs/notes/ai\n")
    out.append(f"committer Dev <dev@example.com> {T0 + (commits + 2) * 3600} +0000\n".encode())
    out.append(_data(b"git-ai notes"))
    meta = '{"schema_version":"authorship/3.0.0","sessions":{"s_1":{"agent_id":{"tool":"windsurf"}}}}'
    for n, (path, line) in truth.notes.items():
        out.append(b"N inline :%d\n" % (n + 1))
        out.append(_data(f"{path}\n  s_1::t_{n} {line}\n---\n{meta}".encode()))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(out), check=True, env=git_env())
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True, env=git_env())
    return truth


def expected_ai_lines(root: Path, truth: Truth) -> int:
    """AI-attributed lines in zoned files, counted with plain ``git blame`` (independent of
    pavedroad): a line counts when its commit has a trailer, or a note naming that line."""
    subjects = subprocess.run(["git", "log", "--format=%H %s"], cwd=root, capture_output=True,
                              check=True, env=git_env(), text=True).stdout  # fmt: skip
    number = {}
    for line in subjects.splitlines():
        sha, _, subject = line.partition(" ")
        if subject.startswith("change "):
            number[sha] = int(subject.split()[1])
    total = 0
    for path in ZONED:
        out = subprocess.run(["git", "blame", "--porcelain", "--root", "HEAD", "--", path], cwd=root,
                             capture_output=True, check=True, env=git_env(), text=True).stdout  # fmt: skip
        for line in out.splitlines():
            parts = line.split(" ")
            if len(parts) >= 3 and len(parts[0]) == 40 and parts[1].isdigit():
                n = number.get(parts[0])
                if n is None:
                    continue
                if n in truth.trailered or (n in truth.notes and truth.notes[n] == (path, int(parts[1]))):
                    total += 1
    return total


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def bench_report(commits: int, repeat: int) -> None:
    from pavedroad.config import load_config
    from pavedroad.report import build_report, render
    from pavedroad.report.aggregate import Window

    with tempfile.TemporaryDirectory(prefix="pavedroad-bench-report-") as tmp:
        root = Path(tmp) / "repo"
        start = time.perf_counter()
        truth = generate(root, commits)
        print(f"generated {commits + 1} commits ({truth.ai_commits} AI) in {time.perf_counter() - start:.1f}s")
        config = load_config(root).config
        assert config is not None
        now = dt.datetime.fromtimestamp(T0 + (commits + 3) * 3600, dt.timezone.utc)
        window = Window(dt.date(2023, 11, 1), now.date())

        def report() -> str:
            return render(build_report(root, config, now=now, window=window), "html")

        def git_log() -> int:
            return len(subprocess.run(["git", "log", "HEAD"], cwd=root, capture_output=True,
                                      check=True, env=git_env()).stdout)  # fmt: skip

        report_s, page = timed(report, repeat)
        log_s, _ = timed(git_log, repeat)
        data = build_report(root, config, now=now, window=window).repos[0]
        print(f"report (collect + aggregate + HTML, {len(page) // 1024} KiB page, "
              f"{data.totals['present_lines']} AI lines in zones, {len(data.zones[0].weekly)} weeks): "
              f"{report_s * 1000:.0f} ms")  # fmt: skip
        print(f"git log HEAD (same range): {log_s * 1000:.0f} ms")
        print(f"ratio: {report_s / log_s:.1f}x")


def _rows(n: int, repo: str) -> list[Any]:
    from pavedroad.report.model import AiLines

    rng = random.Random(7)
    statuses = ("reviewed", "unreviewed", "excepted", "denied", "warned")
    return [
        AiLines(path=f"src/pkg{i % 97}/file_{i}.py", zone=("auth", "secrets", "billing")[i % 3],
                zone_level="review", level="review", start_line=i % 500 + 1, end_line=i % 500 + 9,
                lines=rng.randrange(1, 9), status=statuses[i % 5], region_hash=f"{i:064x}",
                tool=("Claude", "Copilot", "Cursor")[i % 3], commit=f"{i * 7919 % (1 << 60):040x}",
                landed="2026-02-01T10:00:00Z")
        for i in range(n)
    ]  # fmt: skip


def bench_publish(url: str, findings: int, repeat: int) -> None:
    import psycopg

    from pavedroad.report import store

    rows = _rows(findings, "bench")
    records = store.Records()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_copy")
        conn.execute(
            "CREATE TABLE bench_copy (repo_id text, commit_sha text, fingerprint text, path text, zone text,"
            " zone_level text, level text, start_line int, end_line int, lines int, status text,"
            " region_hash text, tool text, ai_commit text, provenance text, landed text, symbol text,"
            " reviewer text, signed text, exception_expires text, code text)"
        )

    def bare_copy() -> None:
        with psycopg.connect(url) as conn, conn.cursor() as cur:
            cur.execute("TRUNCATE bench_copy")
            with cur.copy("COPY bench_copy FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(store.line_tuple("bench", "c0", r))

    n = 0

    def publish_new() -> None:
        nonlocal n
        n += 1
        store.publish(url, "bench", f"{n:040x}", rows, records, [])

    store.publish(url, "warmup", "0" * 40, rows[:10], records, [])  # schema created once
    copy_s, _ = timed(bare_copy, repeat)
    pub_s, _ = timed(publish_new, repeat)
    again_s, result = timed(lambda: store.publish(url, "bench", f"{1:040x}", rows, records, []), repeat)
    print(f"publish {findings:,} findings (new commit): {pub_s * 1000:.0f} ms")
    print(f"bare COPY of the same rows: {copy_s * 1000:.0f} ms")
    print(f"ratio: {pub_s / copy_s:.1f}x")
    print(f"re-publish of the same commit: {again_s * 1000:.0f} ms, rows added: {result.inserted}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--postgres", help="postgresql:// URL for the publish benchmark")
    parser.add_argument("--start-postgres", action="store_true",
                        help="start a throwaway server with scripts/setup-postgres.sh")  # fmt: skip
    parser.add_argument("--skip-report", action="store_true")
    args = parser.parse_args(argv)
    if not args.skip_report:
        bench_report(args.commits, args.repeat)
    url = args.postgres
    proc_dir = None
    if url is None and args.start_postgres:
        script = Path(__file__).resolve().parents[1] / "scripts" / "setup-postgres.sh"
        proc_dir = tempfile.mkdtemp(prefix="pavedroad-bench-pg-")
        out = subprocess.run(["bash", str(script), "start", proc_dir], capture_output=True, text=True, check=True)
        url = out.stdout.strip().splitlines()[-1]
    try:
        if url:
            bench_publish(url, args.findings, args.repeat)
        else:
            print("publish: skipped (give --postgres URL or --start-postgres)")
    finally:
        if proc_dir:
            subprocess.run(["bash", str(script), "stop", proc_dir], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
