"""Dependency checks: speed of a change that adds 200 dependencies, and the typo check's false alarms.

1. Speed, all in one process and one run, in wall-clock ms (median of `--repeat` runs):
   - baseline A: `parse_manifest` of the new requirements.txt (just reading it);
   - baseline B: `added_dependencies` (parse old and new, diff);
   - local checks: `check_manifest_change` without a registry (policy, typo, look-alike, source);
   - cold cache: with a registry client against a loopback HTTP server that answers each lookup
     after `--latency` ms (a stand-in for PyPI: deterministic, and no load on a public service),
     fresh cache directory each run;
   - warm cache: the same client and cache again (no request is sent);
   - with `--live`: the same cold/warm pair against the real PyPI (network permitting).
   The 200 names are real PyPI packages ranked 1001-1200 in the shipped list (so they exist and
   none is a typo: what is measured is the cost of checking, not of reporting).
2. False alarms of the typo check on each shipped popularity list:
   - shipped behaviour: how many of the top 1,000 are flagged (a popular package must not be);
   - without the popularity exemption: how many of the top 1,000 lie within the typo criteria
     of another top-1,000 name (what the exemption prevents);
   - held out: names ranked 1,001-2,000 (real, moderately popular packages) checked against the
     top 1,000 with the exemption off: how often a legitimate name just outside the list would
     be flagged if it were not listed.

Usage: python benchmarks/bench_deps.py [--repeat N] [--latency MS] [--live]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pavedroad.config.model import EffectiveConfig
from pavedroad.deps import (
    RegistryClient,
    added_dependencies,
    check_manifest_change,
    parse_manifest,
    popular,
)
from pavedroad.deps.typo import TypoIndex

CONFIG = EffectiveConfig(root="/bench")


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def fake_pypi(latency_ms: float) -> ThreadingHTTPServer:
    body = b'{"info": {"name": "x", "version": "1.0"}, "vulnerabilities": []}'

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            time.sleep(latency_ms / 1000)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def speed(repeat: int, latency: float, live: bool) -> None:
    names = popular.load("pypi").names[1000:1200]
    old = "flask==3.0.0\n"
    new = old + "".join(f"{name}>=0\n" for name in names)
    rows: list[tuple[str, float]] = []
    rows.append(("baseline A: parse the new manifest", median_ms(
        lambda: parse_manifest("requirements.txt", new), repeat)))
    rows.append(("baseline B: parse old + new, diff", median_ms(
        lambda: added_dependencies("requirements.txt", old, new), repeat)))
    rows.append(("local checks (no registry)", median_ms(
        lambda: check_manifest_change("requirements.txt", old, new, CONFIG), repeat)))
    server = fake_pypi(latency)
    base = f"http://127.0.0.1:{server.server_port}/pypi"
    try:
        def cold() -> None:
            with tempfile.TemporaryDirectory() as cache:
                client = RegistryClient(cache_dir=Path(cache), endpoints={"pypi": base})
                report = check_manifest_change("requirements.txt", old, new, CONFIG,
                                               registry=client, budget=60)
                assert report.lookups == 200 and not report.unverified, report.unverified[:1]

        rows.append((f"cold cache, loopback registry ({latency:g} ms per lookup)",
                     median_ms(cold, repeat)))
        with tempfile.TemporaryDirectory() as cache:
            client = RegistryClient(cache_dir=Path(cache), endpoints={"pypi": base})
            check_manifest_change("requirements.txt", old, new, CONFIG, registry=client)

            def warm() -> None:
                report = check_manifest_change("requirements.txt", old, new, CONFIG,
                                               registry=client)
                assert report.lookups == 0

            rows.append(("warm cache (no request sent)", median_ms(warm, repeat)))
    finally:
        server.shutdown()
        server.server_close()
    if live:
        with tempfile.TemporaryDirectory() as cache:
            client = RegistryClient(cache_dir=Path(cache))
            start = time.perf_counter()
            report = check_manifest_change("requirements.txt", old, new, CONFIG, registry=client,
                                           budget=120)
            rows.append((f"cold cache, real PyPI ({200 - len(report.unverified)} verified)",
                         (time.perf_counter() - start) * 1000))
            rows.append(("warm cache, real PyPI", median_ms(
                lambda: check_manifest_change("requirements.txt", old, new, CONFIG,
                                              registry=client), repeat)))
    base_ms = rows[0][1]
    print(f"\nA change adding 200 dependencies to requirements.txt (median of {repeat} runs)\n")
    print(f"{'what':58} {'ms':>9} {'x baseline A':>13}")
    for label, ms in rows:
        print(f"{label:58} {ms:9.1f} {ms / base_ms:13.1f}")


def false_alarms() -> None:
    print("\nTypo check on the shipped popularity lists\n")
    print(f"{'list':10} {'names':>6} {'flagged':>8} {'no exemption':>13} {'held out':>15} "
          f"{'us/name':>8}  source date")
    for eco in ["pypi", "npm", "maven", "go", "cargo", "gem", "terraform"]:
        plist = popular.load(eco)
        top = plist.names[: popular.TARGETS]
        shipped = TypoIndex(eco, plist.names)
        flagged = sum(1 for n in top if shipped.closest(n) is not None)
        bare = TypoIndex(eco, top)
        bare.popular = set()  # the exemption off: only a name's own entry is skipped
        start = time.perf_counter()  # timed here: every name goes through the whole search
        raw = [(n, m.target) for n in top if (m := bare.closest(n)) is not None]
        per_name_us = (time.perf_counter() - start) / max(1, len(top)) * 1e6
        held = plist.names[popular.TARGETS: 2 * popular.TARGETS]
        held_hits = sum(1 for n in held if bare.closest(n) is not None)
        held_text = f"{held_hits}/{len(held)} {100 * held_hits / len(held):.1f}%" if held else "-"
        print(f"{eco:10} {len(top):6} {flagged:8} {len(raw):6} {100 * len(raw) / len(top):5.1f}% "
              f"{held_text:>15} {per_name_us:8.1f}  {plist.meta('source-date')}")
        for name, target in raw[:3]:
            print(f"{'':10}   e.g. {name} ~ {target}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--latency", type=float, default=20.0, help="loopback ms per lookup")
    parser.add_argument("--live", action="store_true", help="also time the real PyPI")
    args = parser.parse_args()
    speed(args.repeat, args.latency, args.live)
    false_alarms()


if __name__ == "__main__":
    main()
