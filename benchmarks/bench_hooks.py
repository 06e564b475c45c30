"""Agent hook latency: process start to answer, as the AI tools run `pavedroad hook`.

Cases (each a fresh process per call, like the tools do), on a temp git repo with all 8 presets:
1. a read check (Claude `PreToolUse` Read of a source file);
2. an edit of a 2,000-line file in a `review` zone (Claude `PreToolUse` Edit): classify the old and
   new text, evaluate, record the AI-written lines;
3. the same edit through Codex's `apply_patch`.
Each case runs twice: in-process (`PAVEDROAD_HOOKD=0`: every call imports the engine and loads
the config) and through the resident daemon (`pavedroad hookd`, which the first in-process call
starts; the client then only forwards stdin). Baseline in the same run: `python -c pass` (the
interpreter's own start-up). Target: edit p95 under 150 ms.

Usage: python benchmarks/bench_hooks.py [--runs N]
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

PRESETS = ["auth", "secrets", "crypto", "iac", "pii", "payments", "tests", "docs"]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(command: list[str], stdin: bytes, cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, input=stdin, cwd=cwd, capture_output=True, check=False, env=env)
    return (time.perf_counter() - started) * 1000


def repo(directory: Path) -> tuple[Path, Path]:
    root = directory / "repo"
    (root / "src" / "auth").mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    (root / ".pavedroad.yaml").write_text(
        "version: 1\nextends:\n" + "".join(f"  - preset:{p}\n" for p in PRESETS))
    chunks = ["import jwt\n\n"]
    for i in range(200):  # 200 functions x 10 lines = 2,000 lines
        body = "    claims = jwt.decode(token, key)\n" if i % 10 == 0 else "    value = compute(token)\n"
        chunks.append(f"def handler_{i}(token, key):\n{body}" + "    total = 0\n" * 6 + "    return total\n\n")
    path = root / "src" / "auth" / "handlers.py"
    path.write_text("".join(chunks))
    return root, path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    hook = [sys.executable, "-m", "pavedroad", "hook"]
    with tempfile.TemporaryDirectory() as tmp:
        root, path = repo(Path(tmp))
        read = json.dumps({"session_id": "s", "transcript_path": "/t", "cwd": str(root),
                           "hook_event_name": "PreToolUse", "tool_name": "Read",
                           "tool_input": {"file_path": str(path)}, "tool_use_id": "r"}).encode()
        edit = json.dumps({"session_id": "s", "transcript_path": "/t", "cwd": str(root),
                           "hook_event_name": "PreToolUse", "tool_name": "Edit", "tool_use_id": "e",
                           "tool_input": {"file_path": str(path),
                                          "old_string": "def handler_100(token, key):\n    claims = jwt.decode(token, key)",
                                          "new_string": "def handler_100(token, key):\n    claims = jwt.decode(token, key, algorithms=['HS256'])"}}).encode()
        patch = ("*** Begin Patch\n*** Update File: src/auth/handlers.py\n@@ def handler_100(token, key):\n"
                 "-    claims = jwt.decode(token, key)\n+    claims = jwt.decode(token, key, algorithms=['RS256'])\n"
                 "*** End Patch\n")
        codex = json.dumps({"session_id": "s", "turn_id": "t", "cwd": str(root), "model": "m",
                            "hook_event_name": "PreToolUse", "tool_name": "apply_patch",
                            "tool_input": {"command": patch}, "tool_use_id": "p",
                            "transcript_path": None, "permission_mode": "default"}).encode()
        runtime = Path(tmp) / "runtime"
        runtime.mkdir(mode=0o700)
        base_env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime)}
        modes = {"in-process": {**base_env, "PAVEDROAD_HOOKD": "0"}, "resident": base_env}
        cases = {
            "read check": ([*hook, "claude", "PreToolUse"], read),
            "edit, 2,000-line file": ([*hook, "claude", "PreToolUse"], edit),
            "edit via apply_patch": ([*hook, "codex", "PreToolUse"], codex),
        }
        baseline = [timed([sys.executable, "-c", "pass"], b"", root, base_env)
                    for _ in range(args.runs)]
        results = {"python -c pass (baseline)": {
            "p50_ms": round(statistics.median(baseline), 1),
            "p95_ms": round(percentile(baseline, 0.95), 1)}}
        daemon = subprocess.Popen([sys.executable, "-m", "pavedroad", "hookd", "--idle-exit", "120"],
                                  env=base_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2.0)
        try:
            for mode, env in modes.items():
                for name, (command, stdin) in cases.items():
                    timed(command, stdin, root, env)  # warm caches
                    samples = [timed(command, stdin, root, env) for _ in range(args.runs)]
                    results[f"{name} ({mode})"] = {"p50_ms": round(statistics.median(samples), 1),
                                                   "p95_ms": round(percentile(samples, 0.95), 1)}
        finally:
            daemon.terminate()
        base = results["python -c pass (baseline)"]["p50_ms"]
        for value in results.values():
            value["p50_vs_python"] = round(value["p50_ms"] / base, 1)
        print(json.dumps({"runs": args.runs, "cpu_count": os.cpu_count(), "cases": results}, indent=2))


if __name__ == "__main__":
    main()
