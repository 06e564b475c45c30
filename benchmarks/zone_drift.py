"""What an engine change takes out of zones on real code the labels do not cover.

`bench_corpus.py` scores the labelled lines only (2,448 of them). A rule that removes false
positives there can also take security code out of every zone on the millions of unlabelled
lines around them: on 2026-12-01 a Java rule that scored 7 false positives fewer also took
hsqldb's TLS hostname check, Netty's `setClientAuth` and Tomcat's CORS-preflight bypass out of
every zone, and only a reviewer reading the maps saw it. This script reads the maps.

For each corpus app (trees from `bench_corpus.py`'s cache), it runs `pavedroad zones` with the
bundled presets as the central map twice, once with the code of BASE (a git revision, checked
out into a temporary worktree) and once with the working tree's, and prints:

* per app: regions before and after; lines that left their zone; lines that left *every* zone
  (the ones to read); lines that joined a zone;
* the regions that lost the most lines, by path, line range, zone and symbol.

Nothing from the code itself is printed (some lines hold credentials): paths, line numbers,
zone ids and symbol names only.

Usage: python benchmarks/zone_drift.py BASE [--only APP ...] [--top N] [--cache DIR]
       [--tree APP=DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import bench_corpus  # the corpus's apps, cache and central map (next to this script)

REPO = Path(__file__).resolve().parents[1]
Lines = dict[tuple[str, str], set[int]]


def zone_map(server: Path, tree: Path, central: Path) -> list[dict[str, object]]:
    """`pavedroad zones TREE --format json` with the package under `server` (one process)."""
    env = {**os.environ, "PYTHONPATH": str(server), "PAVEDROAD_SYSTEM_CENTRAL": "/nonexistent"}
    env.pop("PAVEDROAD_CENTRAL", None)
    result = subprocess.run(
        [sys.executable, "-m", "pavedroad", "zones", str(tree), "--format", "json", "--jobs", "1",
         "--central", str(central)],
        capture_output=True, text=True, env=env, check=False,
    )
    if result.returncode not in (0, 1):
        raise SystemExit(f"pavedroad zones failed on {tree} ({server}): {result.stderr.strip()[-400:]}")
    files: list[dict[str, object]] = json.loads(result.stdout)["files"]
    return files


def covered(files: list[dict[str, object]]) -> tuple[Lines, dict[str, set[int]], list[tuple[str, dict[str, object]]]]:
    """(path, zone) -> lines; path -> lines in any zone; every (path, region)."""
    by_zone: Lines = defaultdict(set)
    anywhere: dict[str, set[int]] = defaultdict(set)
    regions: list[tuple[str, dict[str, object]]] = []
    for entry in files:
        path = str(entry["path"])
        for region in entry.get("regions", ()):  # type: ignore[attr-defined]
            lines = set(range(int(region["start_line"]), int(region["end_line"]) + 1))
            by_zone[(path, str(region["zone"]))] |= lines
            anywhere[path] |= lines
            regions.append((path, region))
    return by_zone, anywhere, regions


def compare(app: str, before: list[dict[str, object]], after: list[dict[str, object]], top: int) -> None:
    old_zone, _, old_regions = covered(before)
    new_zone, new_any, new_regions = covered(after)
    lost: list[tuple[int, int, str, dict[str, object]]] = []
    left_zone = left_every = 0
    for path, region in old_regions:
        lines = set(range(int(region["start_line"]), int(region["end_line"]) + 1))  # type: ignore[call-overload]
        gone = lines - new_zone.get((path, str(region["zone"])), set())
        if not gone:
            continue
        gone_everywhere = lines - new_any.get(path, set())
        left_zone += len(gone)
        left_every += len(gone_everywhere)
        lost.append((len(gone_everywhere), len(gone), path, region))
    joined = sum(len(lines - old_zone.get(key, set())) for key, lines in new_zone.items())
    print(f"{app}: regions {len(old_regions)} -> {len(new_regions)}; lines that left their zone {left_zone}, "
          f"left every zone {left_every}, joined a zone {joined}")
    lost.sort(key=lambda item: (-item[0], -item[1]))
    for everywhere, from_zone, path, region in lost[:top]:
        print(f"  -{from_zone:5d} (in no zone now: {everywhere:5d})  {path}:{region['start_line']}-{region['end_line']}"
              f"  [{region['zone']}] {region.get('symbol') or '(file)'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base", help="git revision to compare the working tree's engine against")
    cache_home = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    parser.add_argument("--cache", type=Path, default=cache_home / "pavedroad" / "corpus")
    parser.add_argument("--only", action="append", default=[], help="only this app (repeatable)")
    parser.add_argument("--top", type=int, default=15, help="regions listed per app (default 15)")
    parser.add_argument("--tree", action="append", default=[], metavar="APP=DIR",
                        help="use an unpacked tree of your own for APP (as bench_corpus.py)")
    options = parser.parse_args()
    own = bench_corpus.parse_trees(parser, options.tree)
    every = bench_corpus.load_apps()
    known = {a.name for a in every}
    for option, names in (("--tree", own), ("--only", options.only)):
        unknown = sorted(set(names) - known)
        if unknown:  # a typo would silently compare without it
            parser.error(f"{option}: no corpus app named {', '.join(unknown)}")
    apps = [a for a in every if not options.only or a.name in options.only]
    with tempfile.TemporaryDirectory() as tmp:
        worktree = Path(tmp) / "base"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(worktree), options.base],
                       check=True, capture_output=True)
        try:
            central = bench_corpus.central_map(Path(tmp))
            for app in apps:
                tree = own[app.name] if app.name in own else bench_corpus.fetch(app, options.cache)
                root = tree / app.source.get("repository", app.source.get("root", ""))
                compare(app.name, zone_map(worktree / "server", root, central),
                        zone_map(REPO / "server", root, central), options.top)
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(worktree)],
                           check=False, capture_output=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
