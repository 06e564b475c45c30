"""A prompt file in a nested project names files relative to that project: with the root at the
git top level (so nested configs cannot re-root central rules), references still resolve."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_reference_in_a_nested_project_resolves(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    project = repo / "services" / "api"
    (project / "app").mkdir(parents=True)
    (project / "prompts").mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (project / ".pavedroad.yaml").write_text(
        "version: 1\nzones:\n  - id: auth\n    context: deny\n    match: {paths: ['app/**']}\n")
    (project / "app" / "login.py").write_text("def login():\n    pass\n")
    prompt = project / "prompts" / "fix.prompt.md"
    prompt.write_text("Please read `app/login.py` and fix the bug.\n")
    env = {**os.environ, "PAVEDROAD_SYSTEM_CENTRAL": "/nonexistent"}
    env.pop("PAVEDROAD_CENTRAL", None)
    done = subprocess.run([sys.executable, "-m", "pavedroad", "prompt", str(prompt), "--format",
                           "json"], cwd=repo, capture_output=True, text=True, env=env, timeout=60,
                          check=False)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["verdict"] == "block"
    assert any("auth" in f["message"] for f in report["findings"])
