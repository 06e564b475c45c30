"""`pavedroad report`: figures from a real repository, JSON/CSV/HTML, odd repositories."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest

from pavedroad.config import load_config
from pavedroad.report import CollectError, build_report, collect, render, report_data
from pavedroad.report.aggregate import Window, percentile
from pavedroad.report.model import DENIED, EXCEPTED, REVIEWED, UNREVIEWED, WARNED

from .conftest import CONFIG, NOW, Sample, build_sample, commit_at
from .conftest import GitRepo as Repo


def zone(data, zid):  # type: ignore[no-untyped-def]
    return next(z for z in data.repos[0].zones if z.zone == zid)


def test_statuses_of_every_ai_line(sample: Sample) -> None:
    facts = collect(sample.root, sample.config, now=NOW)
    by_path = {(r.path, r.status, r.tool, r.lines) for r in facts.lines}
    assert by_path == {
        ("src/auth/session.py", REVIEWED, "Claude", 5),
        ("src/auth/tokens.py", EXCEPTED, "Copilot", 4),
        ("secrets/keys.py", DENIED, "Cursor", 3),
        ("billing/invoice.py", WARNED, "Claude", 6),
        ("src/auth/oauth.py", UNREVIEWED, "windsurf", 2),
    }
    session = next(r for r in facts.lines if r.path == "src/auth/session.py")
    assert (session.reviewer, session.signed, session.commit) == (
        "appsec@example.com", "2026-01-14", sample.shas["claude1"])
    assert session.landed == "2026-01-12T10:00:00Z"
    assert {c.tool for c in facts.commits} == {"Claude", "Copilot", "Cursor", "windsurf"}
    assert len(facts.events) == 10


def test_risk_and_delay_figures(sample: Sample) -> None:
    data = build_report(sample.root, sample.config, now=NOW)
    r = data.repos[0]
    assert [z.zone for z in r.zones] == ["secrets", "auth", "billing"]  # deny first
    auth = zone(data, "auth")
    assert auth.in_window == {"reviewed": 5, "unreviewed": 2, "excepted": 4, "denied": 0, "warned": 0}
    assert auth.share_reviewed == pytest.approx(5 / 7, abs=1e-3)
    assert zone(data, "secrets").open_lines == 3
    assert r.totals["open_lines"] == 5 and r.totals["open_regions"] == 2
    assert [o.path for o in r.open_regions] == ["secrets/keys.py", "src/auth/oauth.py"]
    oauth = r.open_regions[1]
    assert oauth.age_days == pytest.approx(13.96, abs=0.01) and oauth.tools == ("Windsurf",)
    # sign-off: from the Claude commit (01-12 10:00) to the log's signoff event (01-13 15:00)
    assert r.signoff_delay.count == 1 and r.signoff_delay.median == pytest.approx(29.0)
    assert dict(r.signoff_delay.buckets)["1-2 days"] == 1
    assert r.waiting.count == 1 and r.waiting.median == pytest.approx(335.0)
    assert r.exception_lead.median == pytest.approx(30.0)
    (ex,) = r.exceptions
    assert (ex.status, ex.days_left, ex.expiring) == ("active", 8, True)
    # weekly: the Claude lines in session.py land in the week of 2026-01-12
    week = next(p for p in auth.weekly if p.week == "2026-01-12")
    assert (week.reviewed, week.unreviewed) == (5, 0)
    assert sum(p.total for z in r.zones for p in z.weekly) == r.totals["ai_lines_window"] == 20


def test_prompts_hooks_and_tools(sample: Sample) -> None:
    r = build_report(sample.root, sample.config, now=NOW).repos[0]
    # the 2025-11-01 block is outside the 12-week window
    assert [(x.rule, x.blocked, x.warned) for x in r.prompt_rules] == [
        ("secret.aws-access-key", 1, 0), ("secret.github-token", 1, 0), ("pii.email", 0, 1)]
    assert r.hook_denials == (("sensitive", 1),)
    assert r.weaken_attempts == 1 and len(r.policy_changes) == 1
    tools = {t.tool: t for t in r.tools}
    assert set(tools) == {"Claude", "Copilot", "Cursor", "Windsurf"}  # one spelling per tool
    assert tools["Cursor"].approved is False and tools["Windsurf"].approved is False
    assert tools["Claude"].approved is True and tools["Claude"].commits == 2
    assert tools["Windsurf"].landed_events == 1 and tools["Windsurf"].lines == 2
    assert r.totals["unapproved_tools"] == ["Cursor", "Windsurf"]
    assert r.tools[0].approved is False  # flagged tools come first


def test_no_approved_list_flags_nothing(sample: Sample) -> None:
    cfg = load_config(sample.root).config
    assert cfg is not None
    r = build_report(sample.root, cfg, now=NOW).repos[0]
    assert all(t.approved is None for t in r.tools) and r.totals["unapproved_tools"] == []


def test_window_excludes_older_lines_but_not_open_risk(sample: Sample) -> None:
    window = Window(dt.date(2026, 2, 9), dt.date(2026, 3, 2))
    data = report_data([collect(sample.root, sample.config, now=NOW)], window, now=NOW)
    r = data.repos[0]
    assert zone(data, "auth").in_window["reviewed"] == 0  # signed-off lines are from January
    assert r.totals["open_lines"] == 5  # still needs action, whenever it landed
    assert r.signoff_delay.count == 0
    assert [p.week for p in zone(data, "auth").weekly] == ["2026-02-09", "2026-02-16", "2026-02-23", "2026-03-02"]


def test_json_and_csv(sample: Sample) -> None:
    data = build_report(sample.root, sample.config, now=NOW)
    doc = json.loads(render(data, "json"))
    assert doc["repos"][0]["totals"]["open_lines"] == 5
    assert doc["since"] == "2025-12-09" and doc["until"] == "2026-03-02"
    rows = list(csv.DictReader(io.StringIO(render(data, "csv"))))
    assert set(rows[0]) == {"repo", "section", "zone", "key", "metric", "value"}
    get = {(r["section"], r["zone"], r["key"], r["metric"]): r["value"] for r in rows}
    assert get[("total", "", "", "open_lines")] == "5"
    assert get[("weekly", "auth", "2026-01-12", "reviewed")] == "5"
    assert get[("open", "secrets", "secrets/keys.py:5-7", "lines")] == "3"
    assert get[("tool", "", "Cursor", "approved")] == "false"


def test_html_is_self_contained_and_escaped(sample: Sample) -> None:
    data = build_report(sample.root, sample.config, now=NOW)
    page = render(data, "html")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower() and "@import" not in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert "default-src 'none'" in page
    assert 'id="r-acme-payments-z-auth"' in page and "@media print" in page
    assert page.count("<svg") >= 8
    assert "ai_refresh" not in page  # no code text, only paths, zones and counts


def test_html_escapes_hostile_names(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    commit_at(repo, "2026-02-02T10:00:00Z", "base", {".pavedroad.yaml": CONFIG})
    evil = 'src/auth/<img src=x onerror=alert(1)>.py'
    commit_at(repo, "2026-02-03T10:00:00Z",
              "x\n\nCo-authored-by: Claude <noreply@anthropic.com>", {evil: "a = 1\nb = 2\n"})  # fmt: skip
    cfg = load_config(repo.path).config
    assert cfg is not None
    page = render(build_report(repo.path, cfg, now=NOW, repo_id="<b>repo</b>"), "html")
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<b>repo" not in page


def test_repo_without_history(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "empty")
    repo.write(".pavedroad.yaml", CONFIG)
    cfg = load_config(repo.path).config
    assert cfg is not None
    data = build_report(repo.path, cfg, now=NOW)
    r = data.repos[0]
    assert r.commit is None and r.totals["ai_lines_window"] == 0
    assert any("no commits yet" in n for n in r.notes)
    assert "no commits yet" in render(data, "html")


def test_not_a_git_repository(tmp_path: Path) -> None:
    (tmp_path / ".pavedroad.yaml").write_text(CONFIG)
    cfg = load_config(tmp_path).config
    assert cfg is not None
    r = build_report(tmp_path, cfg, now=NOW).repos[0]
    assert any("not a git repository" in n for n in r.notes)


def test_unknown_since_revision(sample: Sample) -> None:
    with pytest.raises(CollectError, match="not a commit"):
        collect(sample.root, sample.config, since="no-such-rev", now=NOW)


def test_damaged_log_still_reports(sample: Sample) -> None:
    seg = next((sample.root / ".pavedroad/.local/log").glob("events-*.jsonl"))
    text = seg.read_text().splitlines(keepends=True)
    text[2] = text[2].replace("secret.aws-access-key", "secret.edited")  # tampered: dropped
    seg.write_text("".join(text))
    r = build_report(sample.root, sample.config, now=NOW).repos[0]
    assert [x.rule for x in r.prompt_rules] == ["pii.email"]


def test_percentile_nearest_rank() -> None:
    assert percentile([], 50) is None
    assert percentile([5.0], 90) == 5.0
    assert percentile([float(i) for i in range(1, 11)], 90) == 9.0
    assert percentile([float(i) for i in range(1, 11)], 50) == 5.0


def test_large_history(tmp_path: Path) -> None:
    """2,000 generated commits (5% Claude, 1% git-ai notes): the report matches the generator."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from bench_report import expected_ai_lines, generate

    root = tmp_path / "big"
    truth = generate(root, 2000)
    cfg = load_config(root).config
    assert cfg is not None
    data = build_report(root, cfg, now=dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc),
                        window=Window(dt.date(2023, 1, 1), dt.date(2026, 3, 1)))  # fmt: skip
    r = data.repos[0]
    assert r.totals["present_lines"] == expected_ai_lines(root, truth)
    assert r.totals["ai_commits_window"] == truth.ai_commits
    assert sum(p.total for z in r.zones for p in z.weekly) == r.totals["present_lines"]


def test_sample_builds_twice_identically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAVEDROAD_ACTOR", "dev@example.com")
    a = build_sample(tmp_path / "a", with_log=False)
    b = build_sample(tmp_path / "b", with_log=False)
    fa = collect(a.root, a.config, now=NOW, repo_id="x", with_log=False)
    fb = collect(b.root, b.config, now=NOW, repo_id="x", with_log=False)
    assert fa.lines == fb.lines
