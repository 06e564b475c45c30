"""`pavedroad check PATH` limits findings to PATH (a real git repo with an AI-trailered commit)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ENV = {"GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@acme.test", "GIT_COMMITTER_NAME": "Dev",
       "GIT_COMMITTER_EMAIL": "dev@acme.test", "PATH": "/usr/bin:/bin"}


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env={**ENV, "HOME": str(root)})


def check(target: Path) -> tuple[int, list[dict]]:
    done = subprocess.run([sys.executable, "-m", "pavedroad", "check", str(target), "--format", "json"],
                          capture_output=True, text=True, check=False)
    return done.returncode, json.loads(done.stdout)["findings"] if done.stdout else []


def test_check_path_argument_limits_the_findings(tmp_path: Path):
    (tmp_path / ".pavedroad.yaml").write_text(
        "version: 1\nzones:\n  - id: secrets\n    ai: deny\n    match:\n      paths: ['a/**', 'b/**']\n"
    )
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "keys.py").write_text("KEY_ID = 'kid-1'\n")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "Add key ids\n\nCo-authored-by: Copilot <copilot@github.com>")

    code, findings = check(tmp_path)
    assert code == 1 and {f["path"] for f in findings} == {"a/keys.py", "b/keys.py"}
    assert {f["code"] for f in findings} == {"PR103"}
    code, findings = check(tmp_path / "a")
    assert code == 1 and {f["path"] for f in findings} == {"a/keys.py"}
