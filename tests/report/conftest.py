"""A realistic repository for the report tests: dated AI commits by several tools in deny,
review and warn zones, a git-ai note, a sign-off, an exception and a decision log."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pavedroad.audit import (
    EXCEPTION_APPROVED,
    EXCEPTION_REQUESTED,
    Event,
    append_event,
    hook_denied,
    policy_change,
    signoff,
    weaken_attempt,
)
from pavedroad.config import load_config
from pavedroad.config.model import AiToolsPolicy, EffectiveConfig, Level
from pavedroad.policy.records import ExceptionRecord, Review, append_exception, append_review

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "provenance"))

from gitrepo import GitRepo, lines

CONFIG = """\
version: 1
zones:
  - id: secrets
    title: Secrets handling
    why: Key material must never be AI-written.
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
    title: Billing
    ai: warn
    scope: file
    match: {paths: ["billing/**"]}
"""
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
CLAUDE = "Co-authored-by: Claude <noreply@anthropic.com>"
COPILOT = "Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>"
CURSOR = "Co-authored-by: Cursor Agent <cursoragent@cursor.com>"
NOTE = (
    "src/auth/oauth.py\n  s_abc123::t_1 1-2\n---\n"
    '{"schema_version": "authorship/3.0.0", "sessions": {"s_abc123": {"agent_id": {"tool": "windsurf"}}}}'
)


def commit_at(repo: GitRepo, when: str, message: str, files: dict[str, str]) -> str:
    for rel, text in files.items():
        repo.write(rel, text)
        repo.git("add", "--", rel)
    env = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    repo.git("commit", "-q", "-m", message, env=env)
    return repo.git("rev-parse", "HEAD").strip()


def config_of(root: Path, approved: tuple[str, ...] = ("Claude", "Copilot")) -> EffectiveConfig:
    result = load_config(root)
    assert result.config is not None, result.problems
    return dataclasses.replace(result.config, ai_tools=AiToolsPolicy(approved, Level.WARN))


@dataclasses.dataclass
class Sample:
    repo: GitRepo
    config: EffectiveConfig
    shas: dict[str, str]

    @property
    def root(self) -> Path:
        return self.repo.path


def build_sample(path: Path, *, with_log: bool = True) -> Sample:
    repo = GitRepo(path)
    shas = {}
    session = lines(10, "session")
    shas["base"] = commit_at(repo, "2026-01-05T10:00:00Z", "base", {
        ".pavedroad.yaml": CONFIG, "src/auth/session.py": session, "secrets/keys.py": lines(4, "key"),
        "billing/invoice.py": lines(3, "inv"), "src/app.py": lines(3, "app"),
        "src/auth/oauth.py": lines(4, "oauth"),
    })  # fmt: skip
    shas["claude1"] = commit_at(repo, "2026-01-12T10:00:00Z", f"session refresh\n\n{CLAUDE}",
                                {"src/auth/session.py": session + lines(5, "ai_refresh")})  # fmt: skip
    shas["copilot"] = commit_at(repo, "2026-01-20T10:00:00Z", f"token helpers\n\n{COPILOT}",
                                {"src/auth/tokens.py": lines(4, "tok")})  # fmt: skip
    shas["cursor"] = commit_at(repo, "2026-02-02T10:00:00Z", f"key rotation\n\n{CURSOR}",
                               {"secrets/keys.py": lines(4, "key") + lines(3, "ai_key")})  # fmt: skip
    shas["claude2"] = commit_at(repo, "2026-02-10T10:00:00Z", f"invoice totals\n\n{CLAUDE}",
                                {"billing/invoice.py": lines(3, "inv") + lines(6, "ai_inv"), "src/app.py": lines(5, "app")})  # fmt: skip
    shas["noted"] = commit_at(repo, "2026-02-16T10:00:00Z", "oauth scopes",
                              {"src/auth/oauth.py": lines(2, "ai_scope") + lines(4, "oauth")})  # fmt: skip
    repo.note(shas["noted"], NOTE)
    config = config_of(repo.path)
    # the sign-off of the Claude lines in session.py (hash computed as the editor would)
    from pavedroad.report.collect import collect

    rows = [r for r in collect(repo.path, config, now=NOW, with_log=False).lines
            if r.path == "src/auth/session.py"]  # fmt: skip
    assert rows, "the sample's AI lines were not found"
    append_review(repo.path, Review("auth", "src/auth/session.py", rows[0].region_hash,
                                    "appsec@example.com", "2026-01-14", config.digest))  # fmt: skip
    exception = ExceptionRecord("auth", ("src/auth/tokens.py",), Level.WARN, "vendored helper",
                                "lead@example.com", dt.date(2026, 2, 20), dt.date(2026, 3, 10))  # fmt: skip
    append_exception(repo.path, exception)
    if with_log:
        def log(ev: Event, when: str) -> None:
            append_event(repo.path, ev, now=dt.datetime.fromisoformat(when.replace("Z", "+00:00")))

        log(Event("prompt_blocked", {"source": "hook", "rules": ["secret.aws-access-key"],
                                     "value_hashes": ["1" * 64]}), "2025-11-01T10:00:00Z")  # fmt: skip
        log(signoff(zone="auth", path="src/auth/session.py", hash=rows[0].region_hash,
                    reviewer="appsec@example.com"), "2026-01-13T15:00:00Z")  # fmt: skip
        log(Event("prompt_blocked", {"source": "hook", "rules": ["secret.aws-access-key", "secret.github-token"],
                                     "value_hashes": ["2" * 64, "3" * 64]}), "2026-02-03T10:00:00Z")  # fmt: skip
        log(Event("prompt_warned", {"source": "editor", "rules": ["pii.email"], "value_hashes": ["4" * 64]}),
            "2026-02-04T10:00:00Z")  # fmt: skip
        log(hook_denied(tool="claude-code", hook_event="PreToolUse", reason="sensitive", path=".env"),
            "2026-02-05T10:00:00Z")  # fmt: skip
        log(weaken_attempt(file=".pavedroad.yaml", line=7, zone="secrets"), "2026-02-06T10:00:00Z")
        log(policy_change(digest=config.digest), "2026-02-07T10:00:00Z")
        ex_data = {"zone": "auth", "paths": ["src/auth/tokens.py"], "level": "warn"}
        log(Event(EXCEPTION_REQUESTED, ex_data), "2026-02-19T10:00:00Z")
        log(Event(EXCEPTION_APPROVED, {**ex_data, "approver": "lead@example.com"}), "2026-02-20T16:00:00Z")
        log(Event("ai_code_landed", {"source": "editor", "zone": "auth", "path": "src/auth/oauth.py",
                                     "lines": 2, "tool": "Windsurf"}), "2026-02-16T09:00:00Z")  # clock skew  # fmt: skip
    return Sample(repo, config, shas)


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Sample:
    monkeypatch.setenv("PAVEDROAD_ACTOR", "dev@example.com")
    return build_sample(tmp_path / "acme-payments")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """postgresql:// URL of a throwaway PostgreSQL 15 (one per test session)."""
    from .pg import postgres_server

    yield from postgres_server()


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[str]:
    """A fresh, empty database on that server (for migration tests)."""
    import uuid

    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield pg_url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
