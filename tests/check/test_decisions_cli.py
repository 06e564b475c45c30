"""Decisions without an editor (issue 11, item 1): `pavedroad signoff` and `pavedroad exception
request|approve` on a real git repository, writing the same records as the code actions and
clearing or relaxing what `check` reports."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.provenance.gitrepo import CLAUDE, GitRepo

from pavedroad.policy.records import code_hash, load_exceptions, load_reviews

CENTRAL = """\
version: 1
locked: true
exception_approvers: ["@sec/leads"]
zones:
  - id: auth
    ai: review
    reviewers: ["@sec/appsec"]
    match: {imports: [jwt]}
  - id: pay
    ai: deny
    match: {paths: ["pay/**"]}
"""
AUTH = "import jwt\n\n\ndef verify(token):\n    return jwt.decode(token, 'k')\n\n\ndef other():\n    return 1\n"


def run(root: Path, *args: str, central: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PAVEDROAD_SYSTEM_CENTRAL": "/nonexistent", "PAVEDROAD_CENTRAL": str(central)}
    return subprocess.run([sys.executable, "-m", "pavedroad", *args], cwd=root, capture_output=True,
                          text=True, env=env, timeout=120, check=False)


@pytest.fixture
def setup(tmp_path: Path) -> tuple[GitRepo, Path]:
    central = tmp_path / "central.yaml"
    central.write_text(CENTRAL)
    repo = GitRepo(tmp_path / "repo")
    repo.commit("config", {".pavedroad.yaml": "version: 1\n"})
    repo.commit(f"auth\n\n{CLAUDE}", {"src/session.py": AUTH, "pay/charge.py": "x = 1\n"})
    return repo, central


def test_signoff_by_line_clears_the_finding_with_the_editor_s_hash(setup: tuple[GitRepo, Path]) -> None:
    repo, central = setup
    before = run(repo.path, "check", "--format", "json", central=central)
    codes = sorted(f["code"] for f in json.loads(before.stdout)["findings"])
    assert codes == ["PR102", "PR103"]
    assert "pavedroad signoff src/session.py:4" in before.stdout  # check names the command
    none = run(repo.path, "signoff", "src/session.py:9", central=central)
    assert none.returncode == 2 and "no unreviewed AI-written code" in none.stderr
    done = run(repo.path, "signoff", "src/session.py:5", "--reviewer", "ana@acme.test",
               "--format", "json", central=central)
    assert done.returncode == 0, done.stderr
    [row] = json.loads(done.stdout)
    assert (row["zone"], row["symbol"], row["reviewer"]) == ("auth", "verify", "ana@acme.test")
    reviews, problems = load_reviews(repo.path)
    assert not problems
    # the same hash the editor's sign-off writes: the function's normalized text
    assert reviews[0].hash == code_hash("def verify(token):\n    return jwt.decode(token, 'k')")
    after = run(repo.path, "check", "--format", "json", central=central)
    assert [f["code"] for f in json.loads(after.stdout)["findings"]] == ["PR103"]
    log = run(repo.path, "log", "verify", central=central)
    assert log.returncode == 0 and "intact" in log.stdout


def test_signoff_by_symbol(setup: tuple[GitRepo, Path]) -> None:
    repo, central = setup
    done = run(repo.path, "signoff", "src/session.py:verify", central=central)
    assert done.returncode == 0 and "signed off src/session.py" in done.stdout


def test_exception_request_then_approve(setup: tuple[GitRepo, Path]) -> None:
    repo, central = setup
    requested = run(repo.path, "exception", "request", "pay/charge.py:1", "--level", "review",
                    "--days", "14", central=central)
    assert requested.returncode == 0, requested.stderr
    line = int(requested.stdout.split("exceptions.yaml:")[1].split()[0].rstrip(")"))
    still = run(repo.path, "check", "--format", "json", central=central)
    assert "PR103" in [f["code"] for f in json.loads(still.stdout)["findings"]]  # a draft
    refused = run(repo.path, "exception", "approve", f".pavedroad/exceptions.yaml:{line}",
                  "--approver", "@me", "--reason", "migration", central=central)
    assert refused.returncode == 2 and "only @sec/leads may approve" in refused.stderr
    original = (repo.path / ".pavedroad" / "exceptions.yaml").read_text()
    approved = run(repo.path, "exception", "approve", f".pavedroad/exceptions.yaml:{line}",
                   "--approver", "@sec/leads", "--reason", "migration to the new PSP", central=central)
    assert approved.returncode == 0, approved.stderr
    changed = (repo.path / ".pavedroad" / "exceptions.yaml").read_text()
    diff = [(a, b) for a, b in zip(original.split("\n"), changed.split("\n"), strict=True) if a != b]
    assert len(diff) == 2  # the approver and reason lines, nothing else
    exceptions, problems = load_exceptions(repo.path)
    assert not problems and exceptions[0].approver == "@sec/leads"
    assert exceptions[0].expires == dt.date.today() + dt.timedelta(days=14)
    after = run(repo.path, "check", "--format", "json", central=central)
    assert [f["code"] for f in json.loads(after.stdout)["findings"]] == ["PR102", "PR102"]


def test_bad_targets(setup: tuple[GitRepo, Path]) -> None:
    repo, central = setup
    assert run(repo.path, "signoff", "nope.py:3", central=central).returncode == 2
    bad = run(repo.path, "exception", "approve", ".pavedroad/exceptions.yaml", central=central)
    assert bad.returncode == 2 and "FILE:LINE" in bad.stderr


def test_code_from_an_unapproved_tool_needs_review_anywhere(tmp_path: Path) -> None:
    """`ai_tools` (issue 11): the central map approves tools; code from others gets its level."""
    central = tmp_path / "central.yaml"
    central.write_text("version: 1\nai_tools: {approved: [cursor], unapproved: review}\n")
    repo = GitRepo(tmp_path / "repo")
    repo.commit("config", {".pavedroad.yaml": "version: 1\n"})
    repo.commit(f"docs\n\n{CLAUDE}", {"notes/todo.py": "x = 1\n"})
    result = run(repo.path, "check", "--format", "json", central=central)
    rows = json.loads(result.stdout)["findings"]
    assert result.returncode == 1
    assert [(r["path"], r["zone"], r["code"]) for r in rows] == [("notes/todo.py", "ai-tools", "PR102")]
    assert "approves only cursor" in rows[0]["message"]
    repo.commit("docs 2\n\nCo-authored-by: Cursor <cursoragent@cursor.com>", {"notes/more.py": "y = 1\n"})
    again = json.loads(run(repo.path, "check", "--format", "json", central=central).stdout)["findings"]
    assert [r["path"] for r in again] == ["notes/todo.py"]  # cursor is approved
