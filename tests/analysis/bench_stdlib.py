"""Benchmark: classify a tree of source files vs. a bare read + tree-sitter parse of the same files.

Not a test (a timed unit test would be flaky); run it by hand:

    .venv/bin/python tests/analysis/bench_stdlib.py [DIR] [--config WORKSPACE] [--rounds N] [--parse-all]

DIR defaults to the running interpreter's standard library (without site-packages); the config
defaults to the example workspace (central map + presets). Prints both timings and their ratio.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "server"))

from pavedroad.analysis.classify import Classifier  # noqa: E402
from pavedroad.analysis.languages import language_for_path, parse_with  # noqa: E402
from pavedroad.config import load_config  # noqa: E402


def source_files(base: Path) -> list[str]:
    out = []
    for directory, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d not in ("site-packages", "__pycache__", ".git"))
        for name in sorted(files):
            path = os.path.join(directory, name)
            if language_for_path(path) is not None:
                out.append(path)
    return out


def bare(paths: list[str]) -> float:
    start = time.perf_counter()
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        language = language_for_path(path)
        if language is not None and len(data) <= 2 * 1024 * 1024:
            parse_with(language, data)
    return time.perf_counter() - start


def zones(paths: list[str], base: Path, classifier: Classifier, parse_all: bool = False) -> tuple[float, int, int]:
    """Classify every file; with `parse_all`, parse each one first and hand the tree over (the
    worst case, where no file can skip its parse)."""
    regions = files_in_zones = 0
    start = time.perf_counter()
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        tree = None
        if parse_all and len(data) <= 2 * 1024 * 1024:
            tree = parse_with(language_for_path(path) or "python", data)
        result = classifier.classify(os.path.relpath(path, base).replace(os.sep, "/"), data, tree=tree)
        regions += len(result.regions)
        files_in_zones += bool(result.regions)
    return time.perf_counter() - start, regions, files_in_zones


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir", nargs="?", default=os.path.dirname(os.__file__))
    parser.add_argument("--config", default=str(ROOT / "zones/examples/workspace"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--parse-all", action="store_true", help="parse every file (worst case)")
    args = parser.parse_args()
    base = Path(args.dir)
    config = load_config(args.config).config
    assert config is not None, "config failed to load"
    paths = source_files(base)
    size = sum(os.path.getsize(p) for p in paths)
    print(f"{len(paths)} files, {size / 1e6:.1f} MB under {base}; zones: {[z.id for z in config.zones]}")
    classifier = Classifier(config)
    zones(paths[:50], base, classifier)  # warm up: grammars, per-language plans
    bare(paths[:50])
    best_bare = best_zones = float("inf")
    regions = files_in_zones = 0
    for _ in range(args.rounds):  # alternate, keep the best of each (least disturbed by noise)
        best_bare = min(best_bare, bare(paths))
        elapsed, regions, files_in_zones = zones(paths, base, classifier, args.parse_all)
        best_zones = min(best_zones, elapsed)
    print(f"bare read+parse: {best_bare:.3f} s")
    label = "pavedroad zones (every file parsed)" if args.parse_all else "pavedroad zones"
    print(f"{label}: {best_zones:.3f} s ({files_in_zones} files with zones, {regions} regions)")
    print(f"ratio: {best_zones / best_bare:.2f}x")


if __name__ == "__main__":
    main()
