"""`pavedroad check` on real git repositories built in temp dirs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pavedroad import codes
from pavedroad.check import CheckError, CheckResult, exit_code, render, run_check
from pavedroad.config import load_config
from pavedroad.config.model import EffectiveConfig
from pavedroad.policy.records import (
    EXCEPTIONS_FILE,
    append_exception,
    append_review,
    build_exception,
    build_review,
)
from pavedroad.provenance.ranges import AiRange
from pavedroad.provenance.store import RangeStore

from .conftest import CLAUDE, GitRepo, PathClassifier, lines

CONFIG = """\
version: 1
zones:
  - id: secrets
    title: Secrets handling
    why: Key material must never be AI-written.
    reviewers: ["@acme/security-leads"]
    ai: deny
    scope: file
    match: {paths: ["secrets/**"]}
  - id: auth
    title: Authentication
    why: Auth flows need AppSec review.
    reviewers: ["@acme/appsec"]
    ai: review
    scope: file
    match: {paths: ["src/auth/**"]}
  - id: billing
    ai: warn
    scope: file
    match: {paths: ["billing/**"]}
"""
NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = GitRepo(tmp_path / "repo")
    r.commit("config", {".pavedroad.yaml": CONFIG, "README.md": "hello\n"})
    return r


def cfg(root: Path) -> EffectiveConfig:
    result = load_config(root)
    assert result.config is not None, result.problems
    return result.config


def check(repo: GitRepo, **kw: object) -> CheckResult:
    kw.setdefault("now", NOW)
    kw.setdefault("classifier_factory", PathClassifier)
    return run_check(repo.path, config=cfg(repo.path), **kw)  # type: ignore[arg-type]


def rows(result: CheckResult) -> list[tuple[str, int, int, str | None, str]]:
    return [
        (r["path"], r["start_line"], r["end_line"], r["zone"], r["code"])
        for r in json.loads(render(result, "json"))["findings"]
    ]


def test_ai_commit_into_deny_zone_fails(repo: GitRepo) -> None:
    repo.commit("human key loader", {"secrets/keys.py": lines(5), "src/app.py": lines(3)})
    repo.commit(
        f"ai edit\n\n{CLAUDE}", {"secrets/keys.py": lines(5) + "ai 1\nai 2\n", "docs/x.md": "ai\n"}
    )
    result = check(repo)
    assert rows(result) == [("secrets/keys.py", 6, 7, "secrets", codes.AI_DENY)]
    assert exit_code(result) == 1
    (row,) = json.loads(render(result, "json"))["findings"]
    assert set(row) == {
        "path",
        "start_line",
        "end_line",
        "zone",
        "level",
        "code",
        "message",
        "provenance",
    }
    assert (row["level"], row["provenance"]) == ("deny", "history")
    assert "Secrets handling" in row["message"] and "Claude" in row["message"]
    text = render(result, "text")
    assert "secrets/keys.py:6-7" in text and "PR103" in text and "1 finding (1 error" in text


def test_only_files_touched_by_ai_commits_are_classified(repo: GitRepo) -> None:
    repo.commit("human", {f"src/auth/h{i}.py": lines(3) for i in range(5)})
    repo.commit(f"ai\n\n{CLAUDE}", {"src/auth/ai.py": lines(2), "billing/b.py": lines(1)})
    seen: list[PathClassifier] = []

    def factory(config: EffectiveConfig) -> PathClassifier:
        seen.append(PathClassifier(config))
        return seen[0]

    result = check(repo, classifier_factory=factory)
    assert sorted(seen[0].seen) == ["billing/b.py", "src/auth/ai.py"]
    assert rows(result) == [
        ("billing/b.py", 1, 1, "billing", codes.AI_WARN),
        ("src/auth/ai.py", 1, 2, "auth", codes.AI_REVIEW),
    ]
    assert result.files_with_ai == 2


def test_review_finding_clears_after_sign_off(repo: GitRepo) -> None:
    repo.commit(f"ai login\n\n{CLAUDE}", {"src/auth/login.py": lines(4)})
    config = cfg(repo.path)
    result = check(repo)
    (finding,) = result.findings
    assert finding.code == codes.AI_REVIEW and exit_code(result) == 1
    record = build_review(
        config,
        zone=finding.zone,
        path=finding.path,
        region_hash=finding.data["region_hash"],
        symbol=finding.data["symbol"],
        clock=lambda: NOW,
    )
    assert record.reviewer == "reviewer@example.com" and record.policy == config.digest
    append_review(repo.path, record)
    cleared = check(repo)
    assert cleared.findings == [] and exit_code(cleared) == 0
    assert "1 AI-written region in restricted zones is signed off" in render(cleared, "text")
    # changing the reviewed code re-opens the review
    repo.commit(f"ai again\n\n{CLAUDE}", {"src/auth/login.py": lines(4) + "more\n"})
    assert [f.code for f in check(repo).findings] == [codes.AI_REVIEW]


def test_exception_lifecycle_with_clock(repo: GitRepo) -> None:
    repo.commit(f"ai\n\n{CLAUDE}", {"secrets/keys.py": lines(2)})
    config = cfg(repo.path)
    draft = build_exception(
        config, zone="secrets", paths=["secrets/**"], days=14, clock=lambda: NOW
    )
    path, line = append_exception(repo.path, draft)
    # a draft does not apply, and says so on its line
    result = check(repo)
    assert (codes.AI_DENY in {f.code for f in result.findings}) and exit_code(result) == 1
    assert [(p.path, p.code) for p in result.problems] == [(EXCEPTIONS_FILE, codes.RECORD_INVALID)]
    text = (
        Path(path)
        .read_text()
        .replace(draft.reason, "vendor migration")
        .replace(draft.approver, "alice@acme.com")
    )
    Path(path).write_text(text)
    # valid: relaxed from deny to review (a review finding still needs a sign-off)
    valid = check(repo)
    assert [(f.code, f.level) for f in valid.findings] == [(codes.AI_REVIEW, "review")]
    assert valid.problems == []
    # expired: deny applies again, and the exception itself is reported on its `expires` line
    later = NOW + dt.timedelta(days=15)
    expired = check(repo, now=later)
    assert [f.code for f in expired.findings] == [codes.AI_DENY]
    (problem,) = expired.problems
    assert problem.code == codes.EXCEPTION_EXPIRED and problem.zone == "secrets"
    assert Path(path).read_text().splitlines()[problem.line - 1].startswith("  expires:")
    assert problem.line > line
    assert (
        EXCEPTIONS_FILE,
        problem.line,
        problem.line,
        "secrets",
        codes.EXCEPTION_EXPIRED,
    ) in rows(expired)
    assert exit_code(expired) == 1


def test_since_limits_findings(repo: GitRepo) -> None:
    repo.commit(f"old ai\n\n{CLAUDE}", {"secrets/a.py": lines(2), "secrets/b.py": lines(2)})
    base = repo.git("rev-parse", "HEAD").strip()
    repo.commit(f"new ai\n\n{CLAUDE}", {"secrets/b.py": lines(2) + "new\n"})
    assert len(check(repo).findings) == 2
    result = check(repo, since=base)
    assert rows(result) == [("secrets/b.py", 3, 3, "secrets", codes.AI_DENY)]
    assert "since" in render(result, "text")
    with pytest.raises(CheckError):
        check(repo, since="no-such-rev")


def test_git_ai_notes_and_renames(repo: GitRepo) -> None:
    sha = repo.commit("agent work", {"src/auth/tok.py": lines(4)})
    repo.note(sha, "src/auth/tok.py\n  abcd1234abcd1234 2-3\n---\n{}")
    repo.git("mv", "src/auth/tok.py", "src/auth/token.py")
    repo.commit("rename")
    assert rows(check(repo)) == [("src/auth/token.py", 2, 3, "auth", codes.AI_REVIEW)]


def test_paths_filter_and_untracked_ignored(repo: GitRepo) -> None:
    repo.commit(f"ai\n\n{CLAUDE}", {"secrets/a.py": lines(1), "billing/b.py": lines(1)})
    assert [f.path for f in check(repo, paths=["billing"]).findings] == ["billing/b.py"]
    # an untracked file is never walked (only live ranges in the store can name one)
    repo.write("secrets/untracked.py", "x\n")
    assert [f.path for f in check(repo).findings] == ["billing/b.py", "secrets/a.py"]


def test_live_store_ranges_count(repo: GitRepo) -> None:
    repo.commit("human", {"secrets/k.py": lines(3)})
    edited = lines(3) + "pasted_by_ai()\n"
    repo.write("secrets/k.py", edited)
    start = edited.index("pasted")
    RangeStore(repo.path).save(
        "secrets/k.py", edited, [AiRange(start, len(edited), "explicit", "Copilot")]
    )
    result = check(repo)
    assert [(f.start_line, f.provenance, f.tool) for f in result.findings] == [
        (4, "explicit", "Copilot")
    ]
    # the pre-commit hook's mode: nothing committed is looked at, live ranges still are
    repo.commit(f"older ai\n\n{CLAUDE}", {"secrets/other.py": lines(2)})
    assert len(check(repo).findings) == 2
    assert [f.path for f in check(repo, since="HEAD").findings] == ["secrets/k.py"]


def test_unsaved_work_tree_lines_match_blame(repo: GitRepo) -> None:
    repo.commit(f"ai\n\n{CLAUDE}", {"secrets/k.py": lines(2)})
    repo.write("secrets/k.py", "# human comment on top\n" + lines(2))
    assert rows(check(repo)) == [("secrets/k.py", 2, 3, "secrets", codes.AI_DENY)]


def test_not_a_repository_and_empty_repository(tmp_path: Path) -> None:
    (tmp_path / ".pavedroad.yaml").write_text(CONFIG)
    result = run_check(tmp_path, config=cfg(tmp_path), classifier_factory=PathClassifier, now=NOW)
    assert result.findings == [] and exit_code(result) == 0
    assert any("not a git repository" in n for n in result.notes)
    empty = GitRepo(tmp_path / "empty")
    empty.write(".pavedroad.yaml", CONFIG)
    result = run_check(
        empty.path, config=cfg(empty.path), classifier_factory=PathClassifier, now=NOW
    )
    assert result.findings == [] and any("no commits" in n for n in result.notes)
    assert "note:" in render(result, "text")


def test_render_rejects_unknown_format(repo: GitRepo) -> None:
    with pytest.raises(CheckError):
        render(check(repo), "xml")


SYMBOL_CONFIG = """\
version: 1
zones:
  - id: auth
    title: Authentication
    why: Auth flows need AppSec review.
    reviewers: ["@acme/appsec"]
    ai: review
    scope: symbol
    match:
      symbols: ["^login$"]
"""
APP = """\
import os


def helper():
    return 1


def login(user):
    token = make(user)
    return token
"""


def test_symbol_zone_with_the_real_classifier(tmp_path: Path) -> None:
    pytest.importorskip("pavedroad.analysis.classify")
    repo = GitRepo(tmp_path / "repo")
    repo.commit("config", {".pavedroad.yaml": SYMBOL_CONFIG, "app.py": APP})
    ai_text = APP.replace("return 1", "return 2").replace(
        "token = make(user)", "token = mint(user)"
    )
    repo.commit(f"ai edits\n\n{CLAUDE}", {"app.py": ai_text})
    config = cfg(repo.path)
    result = run_check(repo.path, config=config, now=NOW)  # default classifier factory
    (finding,) = result.findings  # helper() is in no zone: its AI line is not reported
    assert (finding.code, finding.start_line, finding.end_line) == (codes.AI_REVIEW, 9, 9)
    assert (
        finding.data["symbol"],
        finding.data["region_start_line"],
        finding.data["region_end_line"],
    ) == (
        "login",
        8,
        10,
    )
    append_review(
        repo.path,
        build_review(
            config,
            zone="auth",
            path="app.py",
            region_hash=finding.data["region_hash"],
            symbol="login",
            clock=lambda: NOW,
        ),
    )
    assert run_check(repo.path, config=config, now=NOW).findings == []
    # moving the function (lines shift) keeps the sign-off: it is bound to the code, not lines
    repo.write("app.py", "# moved down\n\n" + ai_text)
    assert run_check(repo.path, config=config, now=NOW).findings == []
