"""False blocks of the agent hook on real shell commands that public prompt files tell agents to run.

The commands are every line of the fenced `bash` / `sh` / `shell` / `console` / `zsh` blocks of
the two pinned prompt-file corpora (`benchmarks/corpora/prompt_files.json` and
`prompt_files_oos.json`: awesome-copilot skills and instructions, Claude Code commands and agents,
Cursor rules, AGENTS.md / CLAUDE.md of public projects), read at benchmark time from local git
mirrors (`--mirrors DIR`, laid out as the project's `fetch` tool leaves them); nothing is vendored.

Each command goes through `answer_hook("claude", "PreToolUse", ...)` as a `Bash` tool call, in a
real git repository built for the run: `.pavedroad.yaml` extends `preset:secrets`; `.env` (a
credential) was committed once and removed in the next commit; the home directory is an empty
temporary one; `OPENAI_API_KEY` is set. Every denial is looked up in the hand labels
(`benchmarks/corpora/agent_commands_labels.json`: command -> "true" | "false" with a note);
unlabelled denials are listed and counted as false (pessimistic) until judged.

Printed: commands, denials (true, false, unlabelled), false blocks per 100 commands, and the
hook's latency per command (in-process, median and p99).

Usage: python benchmarks/bench_agent_commands.py [--mirrors /work/.mirror] [--show]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO / "benchmarks" / "corpora"
LABELS = CORPORA / "agent_commands_labels.json"
_FENCE = re.compile(r"```(?:bash|sh|shell|console|zsh)[ \t]*\n(.*?)```", re.S)


def commands(mirrors: Path) -> dict[str, str]:
    """Each distinct command line of the corpora's shell blocks -> the first file holding it."""
    found: dict[str, str] = {}
    for corpus in ("prompt_files.json", "prompt_files_oos.json"):
        for entry in json.loads((CORPORA / corpus).read_text())["repos"]:
            git_dir = mirrors / entry["repo"].replace("/", "+") / "repo"
            for path in entry["paths"]:
                done = subprocess.run(["git", f"--git-dir={git_dir}", "show", f"{entry['commit']}:{path}"],
                                      capture_output=True, check=False)
                if done.returncode != 0:
                    print(f"missing {entry['repo']}:{path} (fetch the mirror first)", file=sys.stderr)
                    continue
                for block in _FENCE.finditer(done.stdout.decode("utf-8", "replace")):
                    for line in block.group(1).splitlines():
                        line = line.strip().removeprefix("$ ")
                        if line and not line.startswith("#") and len(line) <= 300:
                            found.setdefault(line, f"{entry['repo']}:{path}")
    return found


def fixture(tmp: Path) -> Path:
    """A repository whose history holds a removed `.env`, with `preset:secrets` in force."""
    root = tmp / "repo"
    (root / "src").mkdir(parents=True)

    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.email=a@b", "-c", "user.name=a", *args], cwd=root, check=True,
                       capture_output=True)

    git("init", "-q")
    (root / ".pavedroad.yaml").write_text("version: 1\nextends:\n  - preset: secrets\n")
    (root / "src" / "app.py").write_text("x = 1\n")
    (root / "README.md").write_text("hello\n")
    (root / ".env").write_text("OPENAI_API_KEY=sk-fixture\n")
    git("add", "-f", ".")
    git("commit", "-qm", "one")
    git("rm", "-q", "--cached", ".env")
    (root / ".gitignore").write_text(".env\n")
    git("add", ".gitignore")
    git("commit", "-qm", "two")
    return root


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--show", action="store_true", help="print every denial with its label")
    args = parser.parse_args()
    cmds = commands(args.mirrors)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        root = fixture(tmp)
        (tmp / "home").mkdir()
        central = tmp / "central.yaml"
        central.write_text("version: 1\n")
        os.environ.update(PAVEDROAD_CENTRAL=str(central), PAVEDROAD_SYSTEM_CENTRAL=str(tmp / "none.yaml"),
                          XDG_CONFIG_HOME=str(tmp / "xdg"), HOME=str(tmp / "home"), PAVEDROAD_HOOKD="0",
                          OPENAI_API_KEY="sk-bench-value")
        from pavedroad.hooks.cli import answer_hook  # after HOME is set: the hook reads it

        denied: dict[str, str] = {}
        latencies: list[float] = []
        for command in cmds:
            payload = {"session_id": "bench", "transcript_path": "/t", "cwd": str(root), "permission_mode": "default",
                       "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": command},
                       "tool_use_id": "t"}
            start = time.perf_counter()
            answer = answer_hook("claude", "PreToolUse", json.dumps(payload).encode())
            latencies.append((time.perf_counter() - start) * 1000)
            if answer.code == 2:
                denied[command] = answer.stderr.removeprefix("pavedroad: ").split(". ")[0].replace(str(tmp), "<tmp>")
    labels = json.loads(LABELS.read_text())["labels"]
    true = [c for c in denied if labels.get(c, {}).get("verdict") == "true"]
    false = [c for c in denied if labels.get(c, {}).get("verdict") == "false"]
    unlabelled = [c for c in denied if c not in labels]
    if args.show or unlabelled:
        for command, why in denied.items():
            verdict = labels.get(command, {}).get("verdict", "UNLABELLED")
            print(f"[{verdict}] {command[:120]}\n    {why[:160]}  ({cmds[command]})")
    latencies.sort()
    n = len(cmds)
    print(f"commands: {n} (from the shell blocks of the pinned prompt-file corpora)")
    print(f"denied: {len(denied)}; true {len(true)}, false {len(false)}, unlabelled {len(unlabelled)} (counted as false)")
    print(f"false blocks per 100 commands: {100 * (len(false) + len(unlabelled)) / max(n, 1):.2f}")
    print(f"hook latency in-process, ms per command: median {statistics.median(latencies):.1f}, "
          f"p99 {latencies[int(0.99 * (n - 1))]:.1f}, max {latencies[-1]:.1f}")
    stale = [c for c in labels if c not in denied]
    if stale:
        print(f"labelled but no longer denied: {len(stale)}")
        for command in stale:
            print(f"    [{labels[command]['verdict']}] {command[:120]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
