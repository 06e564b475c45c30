"""Decision records: hashing, line-precise loading, exception status, appending, builders."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from pathlib import Path

import pytest
import yaml

from pavedroad import codes
from pavedroad.config.model import EffectiveConfig, ExceptionPolicy, Level, Zone
from pavedroad.policy import records
from pavedroad.policy.records import (
    EXCEPTIONS_FILE,
    REVIEWS_FILE,
    ExceptionRecord,
    RecordWriteError,
    Review,
    append_exception,
    append_review,
    build_exception,
    build_review,
    code_hash,
    exception_status,
    load_exceptions,
    load_records,
    load_reviews,
)

from .conftest import GitRepo

H = "a" * 64
TODAY = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)


def config(root: Path, **kw: object) -> EffectiveConfig:
    zones = (
        Zone(id="auth", ai=Level.REVIEW, reviewers=("@acme/appsec",)),
        Zone(id="secrets", ai=Level.DENY, locked=True),
        Zone(id="billing", ai=Level.WARN),
    )
    policy = ExceptionPolicy(max_days=60, default_days=30, approvers=("@acme/security-leads",))
    return EffectiveConfig(root=str(root), zones=zones, exceptions=policy, digest="d" * 64, **kw)  # type: ignore[arg-type]


def write(root: Path, rel: str, text: str) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text, encoding="utf-8")


# --- hashing -------------------------------------------------------------------------------------------


def test_code_hash_ignores_layout_not_content() -> None:
    code = "def f(x):\n    return x + 1\n"
    reindented = "\n\n" + "".join("        " + line + "   \n" for line in code.splitlines()) + "\n"
    assert code_hash(code) == code_hash(reindented)
    assert code_hash(code) == code_hash(code.replace("\n", "\r\n"))
    assert code_hash(code) != code_hash(code.replace("1", "2"))
    assert code_hash(code) != code_hash(code.replace("    return", "  return"))  # relative indent


# --- loading ---------------------------------------------------------------------------------------------


REVIEWS = f"""\
# sign-offs
- zone: auth
  path: src/auth.py
  symbol: login
  hash: {H}
  reviewer: alice@acme.com
  date: 2026-02-01
  policy: xyz
- zone: auth
  path: src/auth.py
  hash: not-a-hash
  reviewer: bob@acme.com
  date: 2026-02-02
- zone: auth
  path: src/other.py
  hash: {H}
  reviewer: carol@acme.com
  date: '2026-02-03'
  colour: blue
- just a string
"""


def test_load_reviews_skips_bad_entries_with_lines(tmp_path: Path) -> None:
    write(tmp_path, REVIEWS_FILE, REVIEWS)
    reviews, problems = load_reviews(tmp_path)
    assert [(r.reviewer, r.line, r.symbol, r.date) for r in reviews] == [
        ("alice@acme.com", 2, "login", "2026-02-01"),
        ("carol@acme.com", 14, None, "2026-02-03"),
    ]
    got = sorted((p.where.line, p.code, p.severity) for p in problems)
    assert got == [
        (11, codes.RECORD_INVALID, "error"),  # bad hash, on its line
        (19, codes.RECORD_INVALID, "warning"),  # unknown key
        (20, codes.RECORD_INVALID, "error"),  # not a mapping
    ]
    assert all(p.where.file == str(tmp_path / REVIEWS_FILE) for p in problems)


def test_syntax_error_salvages_other_entries(tmp_path: Path) -> None:
    broken = REVIEWS.split("- just a string")[0] + (
        "<<<<<<< HEAD\n- zone: auth\n  path: [unclosed\n=======\n"
    )
    write(tmp_path, REVIEWS_FILE, broken)
    reviews, problems = load_reviews(tmp_path)
    assert [r.reviewer for r in reviews] == ["alice@acme.com", "carol@acme.com"]
    assert any(p.code == codes.RECORD_INVALID and p.where.line >= 20 for p in problems)


def test_wrong_root_and_missing_file(tmp_path: Path) -> None:
    assert load_reviews(tmp_path) == ([], [])
    write(tmp_path, REVIEWS_FILE, "reviews:\n  - zone: auth\n")
    reviews, problems = load_reviews(tmp_path)
    assert reviews == [] and problems[0].where.line == 1
    write(tmp_path, REVIEWS_FILE, "# nothing yet\n")
    assert load_reviews(tmp_path) == ([], [])


EXCEPTIONS = """\
- zone: secrets
  paths: ["src/legacy/**"]
  level: review
  reason: legacy import
  approver: "@acme/security-leads"
  created: 2026-02-01
  expires: 2026-03-15
- zone: auth
  paths: [src/auth/**]
  level: warn
  reason: <why this exception is needed, and the plan to remove it>
  approver: <who approved this exception>
  created: 2026-02-01
  expires: 2026-03-01
- zone: auth
  paths: ["src/**"]
  level: sometimes
  reason: x
  approver: y
  created: 2026-02-01
  expires: 2026-13-45
"""


def test_load_exceptions_and_status(tmp_path: Path) -> None:
    write(tmp_path, EXCEPTIONS_FILE, EXCEPTIONS)
    cfg = config(tmp_path)
    found, problems = load_exceptions(tmp_path)
    assert [(e.zone, e.line) for e in found] == [("secrets", 1), ("auth", 8)]
    assert sorted(p.where.line for p in problems) == [17, 21]  # bad level, bad date
    valid, draft = found
    assert valid.matches("src/legacy/x/y.py") and not valid.matches("src/new.py")
    assert exception_status(valid, cfg, TODAY) is None
    problem = exception_status(draft, cfg, TODAY)
    assert problem is not None and problem.code == codes.RECORD_INVALID
    assert problem.where.line == 11  # on the placeholder
    # lifecycle: valid through the expiry day, then PR202 on the `expires` line
    assert exception_status(valid, cfg, dt.date(2026, 3, 15)) is None
    expired = exception_status(valid, cfg, dt.date(2026, 3, 16))
    assert (
        expired is not None and expired.code == codes.EXCEPTION_EXPIRED and expired.where.line == 7
    )
    recs = load_records(tmp_path, cfg, TODAY)
    assert [ex.zone for ex in recs.active_exceptions] == ["secrets"]
    assert len(recs.all_problems) == 3


def ex(**kw: object) -> ExceptionRecord:
    base: dict[str, object] = {
        "zone": "secrets",
        "paths": ("src/**",),
        "level": Level.REVIEW,
        "reason": "migration",
        "approver": "@acme/security-leads",
        "created": dt.date(2026, 2, 1),
        "expires": dt.date(2026, 3, 1),
    }
    base.update(kw)
    return ExceptionRecord(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("record", "code"),
    [
        (ex(), None),
        (ex(approver="@ACME/Security-Leads "), None),  # case and spacing do not matter
        (ex(approver="mallory@acme.com"), codes.EXCEPTION_REFUSED),  # locked zone, not an approver
        (ex(zone="auth", level=Level.WARN, approver="anyone"), None),  # unlocked zone
        (ex(expires=dt.date(2026, 4, 15)), codes.EXCEPTION_REFUSED),  # 73 days > 60
        (ex(created=dt.date(2027, 1, 1), expires=dt.date(2027, 2, 1)), codes.EXCEPTION_REFUSED),
        (ex(zone="nope"), codes.RECORD_INVALID),
        (ex(level=Level.DENY), codes.RECORD_INVALID),  # does not relax
        (ex(reason=""), codes.RECORD_INVALID),
    ],
)
def test_exception_status_rules(tmp_path: Path, record: ExceptionRecord, code: str | None) -> None:
    problem = exception_status(record, config(tmp_path), TODAY)
    assert (problem.code if problem else None) == code


# --- appending --------------------------------------------------------------------------------------------


def review(n: int) -> Review:
    return Review(
        zone="auth", path=f"src/f{n}.py", hash=H, reviewer=f"r{n}@acme.com", date="2026-02-01"
    )


def test_append_creates_file_and_preserves_existing_text(tmp_path: Path) -> None:
    path, line = append_review(tmp_path, review(1))
    assert path == str(tmp_path / REVIEWS_FILE)
    text = Path(path).read_text()
    assert text.startswith("# pavedroad sign-offs")
    assert text.splitlines()[line - 1] == "- zone: auth"
    handwritten = (
        text + "# a comment a human wrote\n- zone: auth   # keep me\n  path: x\n  hash: " + H
    )
    handwritten += "\n  reviewer: h\n  date: 2026-01-01"  # no trailing newline
    Path(path).write_text(handwritten)
    _, line = append_review(tmp_path, review(2))
    after = Path(path).read_text()
    assert after.startswith(handwritten + "\n")
    assert after.splitlines()[line - 1] == "- zone: auth"
    reviews, problems = load_reviews(tmp_path)
    assert [r.reviewer for r in reviews] == ["r1@acme.com", "h", "r2@acme.com"] and problems == []
    assert reviews[2].line == line


def test_append_refuses_to_damage_a_broken_file(tmp_path: Path) -> None:
    write(tmp_path, REVIEWS_FILE, "reviews: {}\n")
    with pytest.raises(RecordWriteError):
        append_review(tmp_path, review(1))
    assert (tmp_path / REVIEWS_FILE).read_text() == "reviews: {}\n"


def _writer(root: str, worker: int) -> None:
    for i in range(10):
        append_review(Path(root), review(worker * 100 + i))


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), w)) for w in range(8)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    data = yaml.safe_load((tmp_path / REVIEWS_FILE).read_text())
    assert len(data) == 80
    assert len({d["path"] for d in data}) == 80
    reviews, problems = load_reviews(tmp_path)
    assert len(reviews) == 80 and problems == []
    # the lock lives in the git-ignored local dir, not next to the committed file
    assert not list((tmp_path / ".pavedroad").glob("*.lock"))


# --- builders ----------------------------------------------------------------------------------------------


def test_build_review_uses_git_email_and_clock(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    cfg = config(repo.path)
    rec = build_review(
        cfg, zone="auth", path="src/a.py", region_hash=H, symbol="login", clock=lambda: TODAY
    )
    assert (rec.reviewer, rec.date, rec.policy, rec.symbol) == (
        "reviewer@example.com",
        "2026-03-01",
        "d" * 64,
        "login",
    )


def test_reviewer_fallback_user_at_host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USER", "dev")
    monkeypatch.setattr(records.socket, "gethostname", lambda: "box")
    assert records.current_reviewer(tmp_path) == "dev@box"


def test_build_exception_is_a_draft_until_filled(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    draft = build_exception(cfg, zone="secrets", paths=["src/legacy/**"], clock=lambda: TODAY)
    assert draft.level == Level.REVIEW  # one step below deny
    assert draft.expires - draft.created == dt.timedelta(days=30)
    assert "@acme/security-leads" in draft.approver and draft.is_draft
    path, line = append_exception(tmp_path, draft)
    (loaded,), problems = load_exceptions(tmp_path)
    assert problems == [] and loaded.line == line
    assert (loaded.zone, loaded.paths, loaded.level, loaded.expires) == (
        draft.zone,
        draft.paths,
        draft.level,
        draft.expires,
    )
    status = exception_status(loaded, cfg, TODAY)
    assert status is not None and status.code == codes.RECORD_INVALID
    # the human fills it in
    text = Path(path).read_text()
    text = text.replace(draft.reason, "vendor SDK migration").replace(
        f"'{draft.approver}'", "'@acme/security-leads'"
    )
    Path(path).write_text(text)
    (filled,), _ = load_exceptions(tmp_path)
    assert exception_status(filled, cfg, TODAY) is None
    long = build_exception(cfg, zone="auth", paths=["x"], days=365, clock=lambda: TODAY)
    assert (long.expires - long.created).days == 60 and long.level == Level.WARN
