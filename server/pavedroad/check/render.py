"""Rendering a `CheckResult`: text for people, JSON for scripts, SARIF 2.1.0 for code scanning."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pavedroad import __version__, codes
from pavedroad.check.run import CheckError, CheckResult
from pavedroad.shown import shown

FORMATS = ("text", "json", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# --------------------------------------------------------------------------------------------
# rendering

#: code -> (rule name, short description, help text). Also the source of docs/ai-code.md.
RULES: dict[str, tuple[str, str, str]] = {
    codes.CONFIG_LOCKED: (
        "CentralRuleWeakened",
        "A repository's config tries to weaken a central rule",
        "The repository's zone config tries to lower, unlock, replace or loosen something a "
        "central map sets (a locked zone's level, scope or text, the exception cap or approvers, "
        "provenance thresholds, the tool or dependency allow lists). The change is refused and "
        "the central value stays in force, but the attempt fails the check: remove it from the "
        "config, or ask the security team to change the central map.",
    ),
    codes.AI_WARN: (
        "AiCodeInWarnZone",
        "AI-written code in an `ai: warn` zone",
        "AI-written code landed in a zone whose policy asks for extra care (`ai: warn`). "
        "Nothing blocks it; read the zone's rationale and have its reviewers look if unsure.",
    ),
    codes.AI_REVIEW: (
        "AiCodeNeedsReview",
        "AI-written code in an `ai: review` zone without a sign-off",
        "AI-written code landed in a zone that needs a review (`ai: review`). After one of the "
        "zone's reviewers has reviewed it, record a sign-off in .pavedroad/reviews.yaml "
        "(`pavedroad signoff PATH:LINE`, or the editor's 'Sign off' code action). The sign-off "
        "covers the region's normalized text: changing the code re-opens the review. Or request "
        "a time-limited exception (`pavedroad exception request PATH:LINE`).",
    ),
    codes.AI_DENY: (
        "AiCodeInDenyZone",
        "AI-written code in an `ai: deny` zone",
        "AI-written code landed in a zone where the policy does not allow it (`ai: deny`). "
        "Rewrite it without AI assistance or move it out of the zone; if that is not possible, "
        "request a time-limited exception (`pavedroad exception request PATH:LINE`), approved "
        "as the policy requires (`pavedroad exception approve`).",
    ),
    codes.RECORD_INVALID: (
        "RecordInvalid",
        "Malformed or draft entry in reviews.yaml / exceptions.yaml",
        "An entry of a decision record is malformed (missing or mistyped key, bad date or glob) "
        "or still a draft (placeholder reason/approver). The entry is skipped; other entries "
        "still apply. Fix the entry at the reported line.",
    ),
    codes.EXCEPTION_EXPIRED: (
        "ExceptionExpired",
        "Exception past its `expires` date",
        "The exception expired and no longer applies: the zone's level is back in force. Renew "
        "it with a new, approved entry, or remove it.",
    ),
    codes.EXCEPTION_REFUSED: (
        "ExceptionRefused",
        "Exception refused by the central policy",
        "The exception would relax a zone set by a central map without one of the listed "
        "approvers, or it lasts longer than the policy's maximum (or is dated in the future). "
        "It does not apply.",
    ),
}

def _dependency_rules() -> dict[str, tuple[str, str, str]]:
    from pavedroad.deps.codes import ALL

    names = {codes.DEP_DENIED: "DependencyDenied", codes.DEP_NOT_ALLOWED: "DependencyNotAllowed",
             codes.DEP_MISSING: "DependencyMissing", codes.DEP_TYPO: "DependencyTypo",
             codes.DEP_CONFUSABLE: "DependencyConfusable",
             codes.DEP_VULNERABLE: "DependencyVulnerable", codes.DEP_SOURCE: "DependencySource",
             codes.DEP_UNVERIFIED: "DependencyUnverified", codes.MANIFEST_INVALID: "ManifestInvalid"}
    return {code: (names[code], text[0].upper() + text[1:],
                   f"{text[0].upper() + text[1:]} (added by AI-written lines of a manifest). "
                   "See docs/dependencies.md for the check and what to do.")
            for code, text in ALL.items()}


RULES.update(_dependency_rules())
_RULE_IDS = list(RULES)


def _rows(result: CheckResult) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "path": f.path,
            "start_line": f.start_line,
            "end_line": f.end_line,
            "zone": f.zone,
            "level": f.level,
            "code": f.code,
            "message": f.message,
            "provenance": f.provenance,
        }
        for f in result.findings
    ]
    rows += [
        {
            "path": p.path,
            "start_line": p.line,
            "end_line": p.line,
            "zone": p.zone,
            "level": None,
            "code": p.code,
            "message": p.message,
            "provenance": None,
        }
        for p in result.problems
    ]
    rows += [
        {
            "path": d.path,
            "start_line": d.line,
            "end_line": d.line,
            "zone": "dependencies",
            "level": None,
            "code": d.code,
            "message": d.message,
            "provenance": "history",
        }
        for d in result.dependencies
    ]
    return rows


def render_json(result: CheckResult) -> str:
    """``{"findings": [{path, start_line, end_line, zone, level, code, message, provenance}]}``.

    Record problems (PR201-PR203) are rows too, located in the record file, with `level` and
    `provenance` null.
    """
    return json.dumps({"findings": _rows(result)}, indent=2, ensure_ascii=False) + "\n"


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def render_sarif(result: CheckResult) -> str:
    """SARIF 2.1.0 for GitHub code scanning (one run, rule per code, relative URIs)."""
    level_of = {"error": "error", "warning": "warning", "info": "note"}
    rules = [
        {
            "id": code,
            "name": name,
            "shortDescription": {"text": short},
            "fullDescription": {"text": help_text},
            "help": {"text": help_text, "markdown": help_text},
            "defaultConfiguration": {
                "level": "error"
                if code in (codes.AI_DENY, codes.EXCEPTION_REFUSED, codes.CONFIG_LOCKED)
                else "warning"
            },
            "properties": {"tags": ["security", "ai-code"]},
        }
        for code, (name, short, help_text) in RULES.items()
    ]
    results: list[dict[str, Any]] = []

    def location(path: str, start: int, end: int) -> dict[str, Any]:
        return {
            "physicalLocation": {
                "artifactLocation": {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": start, "endLine": end},
            }
        }

    for f in result.findings:
        results.append(
            {
                "ruleId": f.code,
                "ruleIndex": _RULE_IDS.index(f.code),
                "level": level_of[f.severity],
                "message": {"text": f.message},
                "locations": [location(f.path, f.start_line, f.end_line)],
                "partialFingerprints": {
                    "pavedroadFinding/v1": _fingerprint(
                        f.path, f.zone, f.code, str(f.data.get("lines_hash", ""))
                    )
                },
                "properties": {
                    "zone": f.zone,
                    "provenance": f.provenance,
                    "tool": f.tool,
                    "commit": f.commit,
                },
            }
        )
    for p in result.problems:
        results.append(
            {
                "ruleId": p.code,
                "ruleIndex": _RULE_IDS.index(p.code),
                "level": level_of.get(p.severity, "warning"),
                "message": {"text": p.message},
                "locations": [location(p.path, p.line, p.line)],
                "partialFingerprints": {
                    "pavedroadFinding/v1": _fingerprint(p.path, p.zone or "", p.code, p.message)
                },
            }
        )
    for d in result.dependencies:
        results.append(
            {
                "ruleId": d.code,
                "ruleIndex": _RULE_IDS.index(d.code),
                "level": level_of.get(d.severity, "note"),
                "message": {"text": d.message},
                "locations": [location(d.path, d.line, d.line)],
                "partialFingerprints": {
                    "pavedroadFinding/v1": _fingerprint(d.path, "dependencies", d.code, d.message)
                },
            }
        )
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "pavedroad",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path(result.root).as_uri() + "/"}},
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_text(result: CheckResult) -> str:
    """A table: location, code, level, zone, provenance; the message below each row."""
    rows: list[tuple[str, ...]] = []
    for f in result.findings:
        where = f"{f.path}:{f.start_line}" + (
            f"-{f.end_line}" if f.end_line != f.start_line else ""
        )
        rows.append((where, f.code, f.severity, f.zone, f.provenance, f.message))
    for p in result.problems:
        rows.append((f"{p.path}:{p.line}", p.code, p.severity, p.zone or "-", p.source, p.message))
    for d in result.dependencies:
        severity = "info" if d.severity in ("info", "information") else d.severity
        rows.append((f"{d.path}:{d.line}", d.code, severity, "dependencies", "history", d.message))
    rows = [tuple(shown(cell) for cell in row) for row in rows]  # paths and messages name repo content
    out: list[str] = []
    if rows:
        headers = ("LOCATION", "CODE", "SEVERITY", "ZONE", "SOURCE")
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
        out.append("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
        for r in rows:
            out.append("  ".join(c.ljust(w) for c, w in zip(r[:5], widths, strict=True)).rstrip())
            out.append(f"    {r[5]}")
    errors = sum(1 for r in rows if r[2] == "error")
    warnings = sum(1 for r in rows if r[2] == "warning")
    scope = f" since {result.since}" if result.since else ""
    if rows:
        out.append("")
        out.append(
            f"{len(rows)} finding{'s' if len(rows) != 1 else ''} ({errors} error"
            f"{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}){scope}; "
            f"{result.files_with_ai} file{'s' if result.files_with_ai != 1 else ''} with AI-written "
            "code in zones."
        )
    elif result.cleared:
        out.append(
            f"No open findings{scope}: {result.cleared} AI-written region"
            f"{'s' if result.cleared != 1 else ''} in restricted zones "
            f"{'are' if result.cleared != 1 else 'is'} signed off or covered by an exception."
        )
    else:
        out.append(f"No AI-written code in restricted zones{scope}.")
    for note in result.notes:
        out.append(f"note: {shown(note)}")
    return "\n".join(out) + "\n"


def render(result: CheckResult, fmt: str) -> str:
    """Render as "text", "json" or "sarif"."""
    if fmt == "json":
        return render_json(result)
    if fmt == "sarif":
        return render_sarif(result)
    if fmt == "text":
        return render_text(result)
    raise CheckError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
