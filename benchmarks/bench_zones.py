"""Zone-map and language-server speed, each figure against a baseline measured in the same run.

1. `pavedroad zones` over the CPython standard library (its Lib/ directory) vs a bare loop that only
   reads and tree-sitter-parses the same files (target: ratio <= 1.5).
2. The same files through Semgrep with rules equivalent to two presets (auth, crypto), the peer a
   team would otherwise pick (Semgrep is installed into its own venv by `make bench`).
   `pavedroad zones --suggest` (the map, then the unzoned names) is timed the same way.
3. Hover / zonesAt latency and keystroke-to-diagnostics latency on a 5,000-line file, through the
   real server over stdio (target: p95 under 50 ms), against a bare parse of that file.

Usage: python benchmarks/bench_zones.py [--lib DIR] [--repeat N] [--semgrep PATH]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import Any

from lspclient import StdioClient, percentile
from pavedroad.analysis.languages import language_for_path, parser
from pavedroad.config import find_root, load_config
from pavedroad.workspace import iter_files
from pavedroad.zonemap import scan

REPO = Path(__file__).resolve().parents[1]
PRESETS = ["auth", "secrets", "crypto", "iac", "pii", "payments", "tests", "docs"]


def central_map(directory: Path, force_parse: bool = False) -> Path:
    """All presets; with `force_parse`, plus a raw query that rules out the anchor prefilter, so
    every Python file must be parsed (the worst case for the ratio against a bare parse)."""
    path = directory / ("central-forced.yaml" if force_parse else "central.yaml")
    text = "version: 1\nextends:\n" + "".join(f"  - preset:{p}\n" for p in PRESETS)
    if force_parse:
        text += (
            "zones:\n  - id: forced\n    ai: warn\n    match:\n      queries:\n"
            "        python: '(await (await) @nested)'\n"  # no literal: nothing to prefilter on
        )
    path.write_text(text)
    return path


def bare_parse(root: Path, files: list[str]) -> float:
    start = time.perf_counter()
    for rel in files:
        language = language_for_path(rel)
        data = (root / rel).read_bytes()
        if language is not None and b"\0" not in data[:8192] and len(data) <= 2 * 1024 * 1024:
            parser(language).parse(data)
    return time.perf_counter() - start


def _time(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def best_of(repeat: int, fn: Any) -> float:
    return min(fn() for _ in range(repeat))


SEMGREP_RULES = """
rules:
  - id: auth-imports
    languages: [python]
    severity: INFO
    message: auth zone
    pattern-either:
      - pattern: import jwt
      - pattern: import passlib
      - pattern: import flask_login
      - pattern: from jwt import $X
      - pattern: jwt.encode(...)
      - pattern: jwt.decode(...)
      - pattern: check_password_hash(...)
      - pattern: |
          @login_required
          def $F(...):
            ...
  - id: crypto-imports
    languages: [python]
    severity: INFO
    message: crypto zone
    pattern-either:
      - pattern: import hashlib
      - pattern: import hmac
      - pattern: import secrets
      - pattern: import ssl
      - pattern: hashlib.$F(...)
      - pattern: hmac.$F(...)
      - pattern: from cryptography.$M import $X
      - pattern: import cryptography
"""


def run_semgrep(semgrep: str, root: Path, directory: Path) -> float | None:
    rules = directory / "semgrep-rules.yaml"
    rules.write_text(SEMGREP_RULES)
    command = [semgrep, "scan", "--config", str(rules), "--metrics=off", "--disable-version-check",
               "--jobs", "1", "--json", "--quiet", "--no-git-ignore", "--max-target-bytes", "2000000", str(root)]
    env = {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env, timeout=1800, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        print(f"  semgrep failed (exit {done.returncode}): {done.stderr.decode()[-400:]}")
        return None
    return elapsed


def server_latency(directory: Path, samples: int) -> dict[str, float]:
    workspace = directory / "ws"
    workspace.mkdir()
    (workspace / ".pavedroad.yaml").write_text(
        "version: 1\nextends:\n" + "".join(f"  - preset:{p}\n" for p in PRESETS)
    )
    chunks = []
    for i in range(500):  # 500 functions x 10 lines = 5,000 lines, every 10th in the auth zone
        body = "    claims = jwt.decode(token, key)\n" if i % 10 == 0 else "    value = compute(token)\n"
        chunks.append(f"def handler_{i}(token, key):\n{body}" + "    total = 0\n" * 6 + "    return total\n\n")
    text = "import jwt\n\n" + "".join(chunks)
    path = workspace / "big_module.py"
    path.write_text(text)
    lines = text.count("\n")

    parse_times = []
    for _ in range(30):
        start = time.perf_counter()
        parser("python").parse(text.encode())
        parse_times.append(time.perf_counter() - start)
    bare = statistics.median(parse_times) * 1000

    client = StdioClient([sys.executable, "-m", "pavedroad", "lsp"], workspace)
    started = time.perf_counter()
    client.request("initialize", {"processId": os.getpid(), "rootUri": workspace.as_uri(), "capabilities": {},
                                  "initializationOptions": {"debounceMs": 0}})
    client.notify("initialized", {})
    uri = path.as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
    while True:
        message = client.notifications.get(timeout=30)
        if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
            break
    first_diagnostics = (time.perf_counter() - started) * 1000

    hover, zones_at = [], []
    for i in range(samples):
        line = (i * 37) % lines
        params = {"textDocument": {"uri": uri}, "position": {"line": line, "character": 6}}
        start = time.perf_counter()
        client.request("textDocument/hover", params)
        hover.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        client.request("pavedroad/zonesAt", params)
        zones_at.append((time.perf_counter() - start) * 1000)

    keystroke = []
    for version in range(2, 2 + samples // 2):
        line = (version * 53) % lines
        start = time.perf_counter()
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}, "text": "x"}],
        })
        while True:
            message = client.notifications.get(timeout=30)
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"].get("version") == version:
                break
        keystroke.append((time.perf_counter() - start) * 1000)
    client.close()
    return {
        "lines": lines,
        "bare_parse_ms": bare,
        "first_diagnostics_ms": first_diagnostics,
        "hover_p50": percentile(hover, 0.5), "hover_p95": percentile(hover, 0.95),
        "zones_at_p50": percentile(zones_at, 0.5), "zones_at_p95": percentile(zones_at, 0.95),
        "keystroke_p50": percentile(keystroke, 0.5), "keystroke_p95": percentile(keystroke, 0.95),
    }


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__)
    arguments.add_argument("--lib", default=sysconfig.get_paths()["stdlib"])
    arguments.add_argument("--repeat", type=int, default=3)
    arguments.add_argument("--samples", type=int, default=200)
    arguments.add_argument("--semgrep", default=shutil.which("semgrep") or str(REPO / ".tools/semgrep/bin/semgrep"))
    options = arguments.parse_args()
    lib = Path(options.lib).resolve()
    root = Path(find_root(lib)).resolve()  # where `pavedroad zones LIB` looks for the config

    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        central = central_map(directory)
        result = load_config(root, central=[str(central)])
        assert result.config is not None, [str(p) for p in result.problems]
        config = result.config
        files = sorted(iter_files(lib))
        parsed = sum(1 for f in files if language_for_path(f))
        size = sum((lib / f).stat().st_size for f in files) / 1e6
        print(f"Corpus: {lib} — {len(files)} files ({parsed} parseable), {size:.1f} MB; config: {len(config.zones)} zones from {len(PRESETS)} presets")

        bare_parse(lib, files)  # warm the page cache and grammars
        bare = best_of(options.repeat, lambda: bare_parse(lib, files))

        def timed_scan(jobs: int) -> float:
            start = time.perf_counter()
            found = scan(root, config, jobs=jobs, start=lib)
            elapsed = time.perf_counter() - start
            timed_scan.files = len(found)  # type: ignore[attr-defined]
            return elapsed

        serial = best_of(options.repeat, lambda: timed_scan(1))
        parallel = best_of(options.repeat, lambda: timed_scan(min(os.cpu_count() or 1, 4)))

        def cli(jobs: int, *extra: str) -> float:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "pavedroad", "zones", str(lib), "--central", str(central),
                            "--format", "json", "--jobs", str(jobs), *extra], check=True, capture_output=True)
            return time.perf_counter() - start

        cli_serial = best_of(options.repeat, lambda: cli(1))
        cli_suggest = best_of(options.repeat, lambda: cli(1, "--suggest"))
        forced = load_config(root, central=[str(central_map(directory, force_parse=True))]).config
        assert forced is not None
        forced_time = best_of(options.repeat, lambda: _time(lambda: scan(root, forced, jobs=1, start=lib)))
        print(f"Bare read + tree-sitter parse (serial):  {bare:7.2f} s   (baseline 1.00x)")
        print(f"Zone map in-process, 1 process:          {serial:7.2f} s   ratio {serial / bare:.2f}x  ({timed_scan.files} files in zones)")  # type: ignore[attr-defined]
        print(f"Zone map in-process, {min(os.cpu_count() or 1, 4)} processes:        {parallel:7.2f} s   ratio {parallel / bare:.2f}x")
        print(f"`pavedroad zones --jobs 1` (whole CLI):  {cli_serial:7.2f} s   ratio {cli_serial / bare:.2f}x")
        print(f"`... zones --suggest --jobs 1`:          {cli_suggest:7.2f} s   ratio {cli_suggest / bare:.2f}x"
              f"  ({cli_suggest / cli_serial:.2f}x the zone map alone)")
        print(f"Worst case, every .py file parsed, 1 p.: {forced_time:7.2f} s   ratio {forced_time / bare:.2f}x")

        if Path(options.semgrep).exists():
            semgrep = run_semgrep(options.semgrep, lib, directory)
            if semgrep is not None:
                print(f"Semgrep, 2 presets' rules, --jobs 1:     {semgrep:7.2f} s   ratio {semgrep / bare:.2f}x")
        else:
            print(f"Semgrep not found at {options.semgrep}; `make bench` installs it")

        latency = server_latency(directory, options.samples)
        bare_ms = latency["bare_parse_ms"]
        print(f"\nServer over stdio, {latency['lines']:.0f}-line Python file (bare full parse {bare_ms:.2f} ms = 1.00x):")
        for key, label in (("hover", "hover"), ("zones_at", "pavedroad/zonesAt"), ("keystroke", "keystroke -> diagnostics (debounce 0)")):
            p50, p95 = latency[f"{key}_p50"], latency[f"{key}_p95"]
            print(f"  {label:38s} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  ({p95 / bare_ms:.1f}x bare parse)")
        print(f"  server start -> first diagnostics       {latency['first_diagnostics_ms']:.0f} ms")


if __name__ == "__main__":
    main()
