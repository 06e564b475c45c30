"""Benchmark `pavedroad check --since` on a repository with 10,000 commits.

Generates (with `git fast-import`, a few seconds) a repository of 200 files and 10,001 commits:
one base commit, then 10,000 commits that each edit one line of a random file (seeded); 5% carry
a `Co-authored-by: Claude` trailer and 1% get a git-ai note instead. 70 of the files are in zones
(deny / review / warn, matched by path), the rest in none.

Then it times, in the same run, `run_check(since=HEAD~10000)` (the base commit, so all 10,000
commits are in range) against a bare `git log HEAD~10000..HEAD` over the same range, and prints
both (median of --repeat runs) and the ratio. With --compare-plain it also times plain per-file
`git blame` (what ranges with merge commits get); with --commit-graph it writes git's commit-graph
with changed-path Bloom filters (what `git maintenance` does) and times again.

    .venv/bin/python benchmarks/bench_check.py [--commits 10000] [--repeat 3] [--compare-plain]
                                               [--commit-graph]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pathspec

from pavedroad.analysis.model import FileZones, Region
from pavedroad.check import run_check
from pavedroad.config import load_config
from pavedroad.config.model import EffectiveConfig
from pavedroad.provenance.git_history import GitHistory, HistoryScan

CONFIG = """\
version: 1
zones:
  - id: secrets
    why: Key material must never be AI-written.
    ai: deny
    scope: file
    match: {paths: ["secrets/**"]}
  - id: auth
    why: Auth flows need AppSec review.
    reviewers: ["@acme/appsec"]
    ai: review
    scope: file
    match: {paths: ["src/auth/**"]}
  - id: billing
    ai: warn
    scope: file
    match: {paths: ["billing/**"]}
"""

FILES = (
    [f"secrets/vault_{i}.py" for i in range(20)]
    + [f"src/auth/flow_{i}.py" for i in range(30)]
    + [f"billing/invoice_{i}.py" for i in range(20)]
    + [f"src/lib/module_{i}.py" for i in range(130)]
)


def git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"})
    return env


def _data(payload: bytes) -> bytes:
    return b"data %d\n" % len(payload) + payload + b"\n"


def generate(root: Path, commits: int) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True, env=git_env())
    contents = {f: [f"# {f}\n"] + [f"value_{j} = {j}\n" for j in range(40)] for f in FILES}
    out: list[bytes] = []
    notes: list[tuple[int, bytes]] = []
    t0 = 1_700_000_000

    def commit(mark: int, message: str, changed: list[str], author: str) -> None:
        ts = t0 + mark * 60
        out.append(b"commit refs/heads/main\nmark :%d\n" % mark)
        out.append(
            f"author {author} {ts} +0000\ncommitter Dev <dev@example.com> {ts} +0000\n".encode()
        )
        out.append(_data(message.encode()))
        if mark > 1:
            out.append(b"from :%d\n" % (mark - 1))
        for path in changed:
            out.append(f"M 100644 inline {path}\n".encode())
            out.append(_data("".join(contents[path]).encode()))

    contents[".pavedroad.yaml"] = [CONFIG]
    commit(1, "base", [*FILES, ".pavedroad.yaml"], "Dev <dev@example.com>")
    rng = random.Random(42)
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
            message += "\n\nCo-authored-by: Claude <noreply@anthropic.com>"
        elif roll < 0.06:
            notes.append((n + 1, f"{path}\n  abcd1234abcd1234 {k + 1}\n---\n{{}}".encode()))
        commit(n + 1, message, [path], "Dev <dev@example.com>")
    ts = t0 + (commits + 2) * 60
    out.append(b"commit refs/notes/ai\n")
    out.append(f"committer Dev <dev@example.com> {ts} +0000\n".encode())
    out.append(_data(b"git-ai notes"))
    for mark, note in notes:
        out.append(b"N inline :%d\n" % mark)
        out.append(_data(note))
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=root, input=b"".join(out), check=True, env=git_env()
    )
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True, env=git_env())


class PathClassifier:
    """Zones from `match.paths` only (used when the tree-sitter classifier is not available)."""

    def __init__(self, config: EffectiveConfig) -> None:
        self.specs = [
            (z.id, pathspec.PathSpec.from_lines("gitignore", z.match.paths)) for z in config.zones
        ]

    def classify(self, rel_path: str, data: bytes) -> FileZones:
        n = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        regions = tuple(
            Region(z, 1, n, 0, len(data), None, ("path",), "file")
            for z, spec in self.specs
            if spec.match_file(rel_path)
        )
        return FileZones(rel_path, None, regions)


@contextlib.contextmanager
def plain_blame() -> Iterator[None]:
    """Make every scan look non-linear, so each file is blamed by walking the whole range."""
    real = GitHistory.scan

    def scan(self: GitHistory, since: str | None = None) -> HistoryScan:
        result = dataclasses.replace(real(self, since), linear=False, chains={}, parents={})
        self._scan = result
        return result

    GitHistory.scan = scan  # type: ignore[method-assign]
    try:
        yield
    finally:
        GitHistory.scan = real  # type: ignore[method-assign]


def timed(fn, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def measure(
    root: Path, since: str, config: EffectiveConfig, factory, repeat: int, label: str
) -> None:  # type: ignore[no-untyped-def]
    now = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
    check_s, result = timed(
        lambda: run_check(root, since=since, config=config, classifier_factory=factory, now=now),
        repeat,
    )

    def git_log() -> int:
        proc = subprocess.run(
            ["git", "log", f"{since}..HEAD"],
            cwd=root,
            capture_output=True,
            check=True,
            env=git_env(),
        )
        return len(proc.stdout)

    log_s, _ = timed(git_log, repeat)
    findings = result.findings  # type: ignore[attr-defined]
    by_code: dict[str, int] = {}
    for f in findings:
        by_code[f.code] = by_code.get(f.code, 0) + 1
    print(f"[{label}]")
    print(
        f"  run_check(since=HEAD~N): {check_s * 1000:8.0f} ms  "
        f"({len(findings)} findings {by_code}, {result.files_classified} files classified)"
    )  # type: ignore[attr-defined]
    print(f"  git log HEAD~N..HEAD   : {log_s * 1000:8.0f} ms")
    print(f"  ratio check / git log  : {check_s / log_s:8.1f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--commit-graph", action="store_true", help="also time with a commit-graph")
    parser.add_argument("--classifier", choices=("auto", "real", "paths"), default="auto")
    parser.add_argument("--keep", help="generate into this directory and keep it")
    parser.add_argument(
        "--compare-plain",
        action="store_true",
        help="also time with plain per-file blame (as on a range with merge commits)",
    )
    args = parser.parse_args()

    factory = PathClassifier
    if args.classifier != "paths":
        try:
            from pavedroad.analysis.classify import Classifier

            factory = Classifier  # type: ignore[assignment]
        except ImportError:
            if args.classifier == "real":
                raise
    with tempfile.TemporaryDirectory(prefix="pavedroad-bench-") as tmp:
        root = Path(args.keep or tmp) / "repo"
        start = time.perf_counter()
        generate(root, args.commits)
        print(
            f"generated {args.commits + 1} commits, {len(FILES)} files in "
            f"{time.perf_counter() - start:.1f}s ({root})"
        )
        loaded = load_config(root)
        if loaded.config is None:
            print(loaded.problems, file=sys.stderr)
            return 2
        since = f"HEAD~{args.commits}"
        print(
            f"classifier: {getattr(factory, '__module__', '')}.{factory.__name__}; "
            f"cpus: {os.cpu_count()}; since={since}"
        )
        measure(root, since, loaded.config, factory, args.repeat, "no commit-graph")
        if args.compare_plain:
            with plain_blame():
                measure(
                    root, since, loaded.config, factory, args.repeat, "plain blame, no commit-graph"
                )
        if args.commit_graph:
            subprocess.run(
                ["git", "commit-graph", "write", "--reachable", "--changed-paths"],
                cwd=root,
                check=True,
                env=git_env(),
            )
            measure(
                root,
                since,
                loaded.config,
                factory,
                args.repeat,
                "commit-graph with changed-path Bloom filters",
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
