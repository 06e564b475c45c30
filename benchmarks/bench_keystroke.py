"""The keystroke path of the language server, with a real LSP client over stdio (issue 8 targets).

1. Typing at 20 keys/s into a 5,000-line Python file with the debounce at 0: for each keystroke,
   the time until diagnostics for that version (or a later one) arrive. Target: p95 <= 50 ms.
   Baseline in the same run: one full tree-sitter parse of the file.
2. Memory over 5,000 keystrokes (each waits for its diagnostics): the server's resident set after
   a warm-up and at the end. Target: growth < 5 MB.
3. Server start to first diagnostic, against the bare import of the server's modules in a fresh
   interpreter (`import pavedroad.lsp.app`), both medians of several runs. Target: <= 1.5x.

Usage: python benchmarks/bench_keystroke.py [--keys N] [--memory-keys N] [--starts N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lspclient import StdioClient, percentile
from pavedroad.analysis.languages import parser

PRESETS = ["auth", "secrets", "crypto", "iac", "pii", "payments", "tests", "docs"]


def workspace(directory: Path) -> tuple[Path, Path, str]:
    root = directory / "ws"
    root.mkdir()
    (root / ".pavedroad.yaml").write_text(
        "version: 1\nextends:\n" + "".join(f"  - preset:{p}\n" for p in PRESETS))
    chunks = []
    for i in range(500):  # 500 functions x 10 lines, every 10th in the auth zone
        body = "    claims = jwt.decode(token, key)\n" if i % 10 == 0 else "    value = compute(token)\n"
        chunks.append(f"def handler_{i}(token, key):\n{body}" + "    total = 0\n" * 6 + "    return total\n\n")
    text = "import jwt\n\n" + "".join(chunks)
    path = root / "big_module.py"
    path.write_text(text)
    return root, path, text


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def open_server(root: Path, path: Path, text: str) -> tuple[StdioClient, str, float]:
    started = time.perf_counter()
    client = StdioClient([sys.executable, "-m", "pavedroad", "lsp"], root)
    client.request("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(),
                                  "capabilities": {}, "initializationOptions": {"debounceMs": 0}})
    client.notify("initialized", {})
    uri = path.as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": text}})
    wait_version(client, uri, 1)
    return client, uri, (time.perf_counter() - started) * 1000


def wait_version(client: StdioClient, uri: str, version: int) -> float:
    """Wait for diagnostics of `version` or later; return their arrival time."""
    while True:
        message = client.notifications.get(timeout=60)
        params = message.get("params", {})
        if (message.get("method") == "textDocument/publishDiagnostics" and params.get("uri") == uri
                and (params.get("version") or 0) >= version):
            return float(message["_arrived"])


def typing(client: StdioClient, uri: str, text: str, keys: int, rate: float) -> list[float]:
    """Type `keys` characters at `rate` keys/s into the middle of an auth function; the latency of
    each keystroke is the time until diagnostics of its version or a later one arrive."""
    lines = text.split("\n")
    line = next(i for i, value in enumerate(lines) if "jwt.decode" in value and i > len(lines) // 2)
    column = len(lines[line])
    sent: dict[int, float] = {}
    latencies: list[float] = []
    pending: list[int] = []
    interval = 1.0 / rate
    next_at = time.perf_counter()
    version = 1
    for k in range(keys):
        version += 1
        now = time.perf_counter()
        if now < next_at:
            time.sleep(next_at - now)
        next_at += interval
        char = "x" if k % 8 else "\n    "
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": line, "character": column},
                                          "end": {"line": line, "character": column}}, "text": char}]})
        if char == "x":
            column += 1
        else:
            line, column = line + 1, 4
        sent[version] = time.perf_counter()
        pending.append(version)
        drain(client, uri, sent, pending, latencies, block=False)
    while pending:
        drain(client, uri, sent, pending, latencies, block=True)
    return latencies


def drain(client: StdioClient, uri: str, sent: dict[int, float], pending: list[int],
          latencies: list[float], block: bool) -> None:
    while pending:
        try:
            message = client.notifications.get(timeout=60 if block else 0)
        except Exception:
            return
        params = message.get("params", {})
        if message.get("method") != "textDocument/publishDiagnostics" or params.get("uri") != uri:
            continue
        arrived = message["_arrived"]
        got = params.get("version") or 0
        while pending and pending[0] <= got:
            latencies.append((arrived - sent[pending.pop(0)]) * 1000)
        if block:
            return


def memory(client: StdioClient, uri: str, text: str, keys: int) -> list[tuple[int, int]]:
    """RSS (KB) after every 1000 keys. Keys alternate typing and deleting one character, so the
    document keeps its size and any steady growth is the server's own."""
    pid = client.proc.pid
    lines = text.split("\n")
    line = len(lines) // 3
    version = 10_000
    samples: list[tuple[int, int]] = []
    for k in range(keys + 200):
        version += 1
        end = {"line": line, "character": 1 if k % 2 else 0}
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": line, "character": 0}, "end": end},
                                "text": "" if k % 2 else "y"}]})
        wait_version(client, uri, version)
        done = k - 199
        if done >= 0 and done % 1000 == 0:
            samples.append((done, rss_kb(pid)))
    return samples


def bare_import_ms(runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import pavedroad.lsp.app"], check=True)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keys", type=int, default=300, help="keystrokes typed at 20 keys/s")
    ap.add_argument("--rate", type=float, default=20.0)
    ap.add_argument("--memory-keys", type=int, default=5000)
    ap.add_argument("--starts", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root, path, text = workspace(Path(tmp))
        data = text.encode()
        parses = []
        for _ in range(30):
            started = time.perf_counter()
            parser("python").parse(data)
            parses.append((time.perf_counter() - started) * 1000)
        bare_parse = statistics.median(parses)

        starts = []
        for _ in range(args.starts):
            client, _uri, first = open_server(root, path, text)
            starts.append(first)
            client.close()
        imports = bare_import_ms(args.starts)

        client, uri, _first = open_server(root, path, text)
        latencies = typing(client, uri, text, args.keys, args.rate)
        client.close()
        client, uri, _first = open_server(root, path, text)
        samples = memory(client, uri, text, args.memory_keys)
        client.close()

    result: dict[str, Any] = {
        "lines": text.count("\n"),
        "bare_parse_ms": round(bare_parse, 2),
        "keystroke_p50_ms": round(percentile(latencies, 0.5), 1),
        "keystroke_p95_ms": round(percentile(latencies, 0.95), 1),
        "keystroke_max_ms": round(max(latencies), 1),
        "keystroke_p95_vs_bare_parse": round(percentile(latencies, 0.95) / bare_parse, 2),
        "keys": len(latencies),
        "rss_after_warmup_mb": round(samples[0][1] / 1024, 1),
        "rss_growth_mb": round((samples[-1][1] - samples[0][1]) / 1024, 2),
        # Growth over the second half alone: a plateau (cache warm-up) vs a steady leak.
        "rss_growth_second_half_mb": round(
            (samples[-1][1] - samples[len(samples) // 2][1]) / 1024, 2),
        "rss_mb_per_1000_keys": [round(kb / 1024, 1) for _k, kb in samples],
        "memory_keys": args.memory_keys,
        "first_diagnostic_ms": round(statistics.median(starts), 1),
        "bare_import_ms": round(imports, 1),
        "start_vs_import": round(statistics.median(starts) / imports, 2),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
