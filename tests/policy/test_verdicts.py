"""Verdicts: zones x provenance x sign-offs x exceptions."""

from __future__ import annotations

import datetime as dt

from pavedroad import codes
from pavedroad.analysis.model import FileZones, Region
from pavedroad.config.model import EffectiveConfig, ExceptionPolicy, Level, Zone
from pavedroad.policy.records import ExceptionRecord, Review, code_hash
from pavedroad.policy.verdicts import evaluate
from pavedroad.provenance.ranges import AiSpan

PATH = "src/auth/session.py"
TEXT = """\
import jwt

def login(user, password):
    token = jwt.encode({"u": user}, KEY)
    audit(user)
    return token

def helper():
    return 42
"""
NOW = dt.date(2026, 3, 1)

AUTH = Zone(
    id="auth",
    title="Authentication and sessions",
    why="Auth flows are the top breach path; AI drafts need AppSec review.",
    reviewers=("@acme/appsec",),
    ai=Level.REVIEW,
)
SECRETS = Zone(id="secrets", ai=Level.DENY, locked=True, reviewers=("@acme/security-leads",))
BILLING = Zone(id="billing", title="Billing", ai=Level.WARN, scope="file")
TESTS = Zone(id="tests", ai=Level.ALLOW)
CONFIG = EffectiveConfig(
    root="/w",
    zones=(AUTH, SECRETS, BILLING, TESTS),
    exceptions=ExceptionPolicy(max_days=60, approvers=("@acme/security-leads",)),
    digest="f" * 64,
)


def region(
    zone: str, start: int, end: int, symbol: str | None = "login", kind: str = "function"
) -> Region:
    return Region(zone, start, end, 0, 0, symbol, (f"test {zone}",), kind)


def zones(*regions: Region) -> FileZones:
    return FileZones(PATH, "python", tuple(regions))


def history(start: int, end: int) -> AiSpan:
    return AiSpan(start, end, "history", "Claude", "0123456789abcdef0123")


def run(fz: FileZones, spans: list[AiSpan], text: str = TEXT, **kw: object):  # type: ignore[no-untyped-def]
    kw.setdefault("now", NOW)
    return evaluate(PATH, text, fz, spans, CONFIG, **kw)  # type: ignore[arg-type]


def test_review_zone_finding_and_message() -> None:
    (f,) = run(zones(region("auth", 3, 6)), [history(4, 5)])
    assert (f.code, f.severity, f.level, f.zone, f.start_line, f.end_line) == (
        codes.AI_REVIEW,
        "warning",
        "review",
        "auth",
        4,
        5,
    )
    assert f.provenance == "history" and f.tool == "Claude" and f.commit.startswith("0123")
    assert "Authentication and sessions" in f.message
    assert "top breach path" in f.message
    assert (
        "Sign off after review by @acme/appsec (`pavedroad signoff src/auth/session.py:4` or the "
        "editor's code action), or request an exception (`pavedroad exception request "
        "src/auth/session.py:4`)" in f.message
    )
    assert "commit 01234567" in f.message
    region_text = "\n".join(TEXT.split("\n")[2:6])
    assert f.data == {
        "zone": "auth",
        "path": PATH,
        "symbol": "login",
        "kind": "function",
        "region_start_line": 3,
        "region_end_line": 6,
        "region_hash": code_hash(region_text),
        "lines_hash": code_hash("\n".join(TEXT.split("\n")[3:5])),
        "level": "review",
        "zone_level": "review",
        "digest": "f" * 64,
    }


def test_sign_off_clears_until_code_changes() -> None:
    fz = zones(region("auth", 3, 6))
    (f,) = run(fz, [history(4, 5)])
    signed = [Review("auth", PATH, f.data["region_hash"], "alice@acme.com", "2026-02-01")]
    assert run(fz, [history(4, 5)], reviews=signed) == []
    # re-indenting the whole region keeps the sign-off
    lines = TEXT.split("\n")
    reindented = "\n".join(
        lines[:2] + ["    " + line if line else line for line in lines[2:6]] + lines[6:]
    )
    assert run(fz, [history(4, 5)], text=reindented, reviews=signed) == []
    # changing the code re-opens it
    changed = TEXT.replace("audit(user)", "audit(user, ok=True)")
    assert [x.code for x in run(fz, [history(4, 5)], text=changed, reviews=signed)] == [
        codes.AI_REVIEW
    ]
    # a sign-off for another path or zone does not match
    other = [Review("auth", "src/other.py", f.data["region_hash"], "a", "2026-02-01")]
    assert len(run(fz, [history(4, 5)], reviews=other)) == 1


def test_levels() -> None:
    spans = [history(4, 4)]
    assert run(zones(region("tests", 1, 9)), spans) == []
    (deny,) = run(zones(region("secrets", 3, 6)), spans)
    assert (deny.code, deny.severity) == (codes.AI_DENY, "error")
    assert (
        "not allowed" in deny.message
        and "request an exception approved by @acme/security-leads" in deny.message
    )
    (warn,) = run(zones(region("billing", 1, 9, None, "file")), spans)
    assert (warn.code, warn.severity, warn.level) == (codes.AI_WARN, "warning", "warn")
    assert run(zones(region("unknown-zone", 1, 9)), spans) == []
    assert run(zones(region("secrets", 7, 9)), spans) == []  # no overlap


def test_overlapping_zones_each_report_their_own_verdict() -> None:
    found = run(zones(region("auth", 3, 6), region("secrets", 4, 4, "token")), [history(3, 6)])
    assert [(f.zone, f.code, f.start_line, f.end_line) for f in found] == [
        ("auth", codes.AI_REVIEW, 3, 6),
        ("secrets", codes.AI_DENY, 4, 4),
    ]
    # on the same lines, the strictest comes first
    found = run(zones(region("auth", 3, 6), region("secrets", 3, 6)), [history(3, 6)])
    assert [f.zone for f in found] == ["secrets", "auth"]


def test_provenance_merging_and_probable() -> None:
    fz = zones(region("auth", 3, 6))
    (h,) = run(fz, [AiSpan(4, 4, "heuristic")])
    assert h.provenance == "heuristic" and h.message.startswith("Probable AI-written code")
    (m,) = run(
        fz,
        [AiSpan(4, 5, "heuristic"), AiSpan(5, 6, "explicit", "Copilot"), AiSpan(1, 2, "explicit")],
    )
    assert (m.provenance, m.tool, m.start_line, m.end_line) == ("explicit", "Copilot", 4, 6)
    assert m.message.startswith("AI-written code (Copilot)")
    two = run(fz, [AiSpan(3, 3, "explicit"), AiSpan(6, 6, "explicit")])
    assert [(f.start_line, f.end_line) for f in two] == [(3, 3), (6, 6)]
    assert two[0].data["region_hash"] == two[1].data["region_hash"]


def test_file_scope_hashes_ai_lines_only() -> None:
    fz = zones(region("auth", 1, 9, None, "file"))
    (f,) = run(fz, [history(4, 5)])
    assert f.data["region_hash"] == code_hash("\n".join(TEXT.split("\n")[3:5]))
    signed = [Review("auth", PATH, f.data["region_hash"], "a", "2026-02-01")]
    edited_elsewhere = TEXT.replace("return 42", "return 43")
    assert run(fz, [history(4, 5)], text=edited_elsewhere, reviews=signed) == []


def exception(**kw: object) -> ExceptionRecord:
    base: dict[str, object] = {
        "zone": "secrets",
        "paths": ("src/auth/**",),
        "level": Level.REVIEW,
        "reason": "migration",
        "approver": "@acme/security-leads",
        "created": dt.date(2026, 2, 1),
        "expires": dt.date(2026, 3, 15),
        "line": 3,
    }
    base.update(kw)
    return ExceptionRecord(**base)  # type: ignore[arg-type]


def test_exception_lifecycle() -> None:
    fz = zones(region("secrets", 3, 6))
    spans = [history(4, 4)]
    ex = exception()
    (relaxed,) = run(fz, spans, exceptions=[ex])
    assert (relaxed.code, relaxed.level, relaxed.data["zone_level"]) == (
        codes.AI_REVIEW,
        "review",
        "deny",
    )
    assert (
        "Relaxed from `deny` to `review`" in relaxed.message and relaxed.data["exception_line"] == 3
    )
    # the relaxed finding can be signed off like any review finding
    signed = [Review("secrets", PATH, relaxed.data["region_hash"], "a", "2026-02-01")]
    assert run(fz, spans, exceptions=[ex], reviews=signed) == []
    # expired: the zone's own level applies again
    (again,) = run(fz, spans, exceptions=[ex], now=dt.date(2026, 3, 16))
    assert again.code == codes.AI_DENY
    # not applying: another path, a draft, a refused approver
    assert (
        run(fz, spans, exceptions=[exception(paths=("src/billing/**",))])[0].code == codes.AI_DENY
    )
    assert run(fz, spans, exceptions=[exception(reason="<fill in>")])[0].code == codes.AI_DENY
    assert run(fz, spans, exceptions=[exception(approver="bob")])[0].code == codes.AI_DENY
    # relaxed to allow: nothing to report
    assert run(fz, spans, exceptions=[exception(level=Level.ALLOW)]) == []
