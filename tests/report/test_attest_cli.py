"""`pavedroad attest` (in-toto Statement v1) and the report CLI handler."""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
from pathlib import Path

import jsonschema
import pytest

from pavedroad.report import cli as report_cli
from pavedroad.report.attest import PREDICATE_TYPE, AttestError, attest

from .conftest import CONFIG, NOW, Sample, commit_at
from .conftest import GitRepo as Repo

# The in-toto Statement v1 layer (in-toto/attestation spec/v1/statement.md, resource_descriptor.md):
# _type, a non-empty subject list of resource descriptors with a digest set, predicateType (a URI),
# predicate (an object).
STATEMENT_SCHEMA = {
    "type": "object",
    "required": ["_type", "subject", "predicateType", "predicate"],
    "additionalProperties": False,
    "properties": {
        "_type": {"const": "https://in-toto.io/Statement/v1"},
        "subject": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["digest"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "digest": {"type": "object", "minProperties": 1,
                               "additionalProperties": {"type": "string", "pattern": "^[0-9a-f]+$"}},
                },
            },
        },
        "predicateType": {"type": "string", "format": "uri", "pattern": "^https://"},
        "predicate": {"type": "object"},
    },
}  # fmt: skip


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser()
    report_cli.add_parser(p.add_subparsers(dest="command"))
    return p


def test_statement_shape_and_content(sample: Sample) -> None:
    st = attest(sample.root, None, sample.config, now=NOW, repo_id="github.com/acme/payments")
    jsonschema.validate(st, STATEMENT_SCHEMA)
    json.dumps(st)  # plain JSON
    (subject,) = st["subject"]
    assert subject["name"] == "git+github.com/acme/payments"
    assert subject["digest"] == {"gitCommit": sample.shas["noted"]}
    assert re.fullmatch(r"[0-9a-f]{40}", subject["digest"]["gitCommit"])
    assert st["predicateType"] == PREDICATE_TYPE
    pred = st["predicate"]
    assert pred["policy"]["digest"] == {"sha256": sample.config.digest}
    assert pred["policy"]["approvedTools"] == ["Claude", "Copilot"]
    by_path = {r["path"]: r for r in pred["regions"]}
    assert set(by_path) == {"src/auth/session.py", "src/auth/tokens.py", "secrets/keys.py",
                            "billing/invoice.py", "src/auth/oauth.py"}  # fmt: skip
    session = by_path["src/auth/session.py"]
    assert session["status"] == "reviewed"
    assert session["signoff"] == {"reviewer": "appsec@example.com", "date": "2026-01-14"}
    assert session["commits"] == [sample.shas["claude1"]] and session["tools"] == ["Claude"]
    assert by_path["src/auth/tokens.py"]["exception"] == {"level": "warn", "expires": "2026-03-10"}
    s = pred["summary"]
    assert (s["regions"], s["aiLines"], s["unreviewed"], s["unreviewedLines"]) == (5, 20, 2, 5)
    assert s["byStatus"] == {"reviewed": 1, "unreviewed": 1, "excepted": 1, "denied": 1, "warned": 1}


def test_since_limits_the_regions(sample: Sample) -> None:
    st = attest(sample.root, sample.shas["cursor"], sample.config, now=NOW)
    assert sorted(r["path"] for r in st["predicate"]["regions"]) == ["billing/invoice.py", "src/auth/oauth.py"]
    assert st["predicate"]["since"] == sample.shas["cursor"]
    assert st["predicate"]["summary"]["unreviewed"] == 1


def test_no_commit_is_refused(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "empty")
    repo.write(".pavedroad.yaml", CONFIG)
    from pavedroad.config import load_config

    cfg = load_config(repo.path).config
    assert cfg is not None
    with pytest.raises(AttestError, match="no commit"):
        attest(repo.path, None, cfg, now=NOW)


def test_attest_cli(sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ai.intoto.json"
    args = parser().parse_args(["attest", str(sample.root), "--output", str(out)])
    assert args.handler(args, now=NOW) == 0
    jsonschema.validate(json.loads(out.read_text()), STATEMENT_SCHEMA)
    args = parser().parse_args(["attest", str(sample.root), "--strict"])
    assert args.handler(args, now=NOW) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["_type"] == "https://in-toto.io/Statement/v1"
    assert "need a review" in captured.err
    args = parser().parse_args(["attest", str(sample.root), "--since", "nope"])
    assert args.handler(args, now=NOW) == 2
    assert "not a commit" in capsys.readouterr().err


def test_report_cli_formats(sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = parser()
    args = p.parse_args(["report", str(sample.root), "--format", "json", "--until", "2026-03-02"])
    assert args.handler(args, now=NOW) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["since"] == "2025-12-09" and doc["repos"][0]["totals"]["open_lines"] == 5
    args = p.parse_args(["report", str(sample.root), "--format", "csv", "--since", "2026-02-01",
                         "--until", "2026-03-02"])  # fmt: skip
    assert args.handler(args, now=NOW) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert any(r["section"] == "weekly" and r["key"] == "2026-02-02" for r in rows)
    page = tmp_path / "r.html"
    args = p.parse_args(["report", str(sample.root), "-o", str(page)])
    assert args.handler(args, now=NOW) == 0
    assert page.read_text().startswith("<!DOCTYPE html>") and "wrote the html report" in capsys.readouterr().err
    args = p.parse_args(["report", str(sample.root), "--since", "2026-03-05", "--until", "2026-03-01"])
    assert args.handler(args, now=NOW) == 2
    args = p.parse_args(["report", str(tmp_path / "missing")])
    assert args.handler(args, now=NOW) == 2
    args = p.parse_args(["report", "--store", f"sqlite:///{tmp_path}/none.db"])
    assert args.handler(args, now=NOW) == 2
    assert "publish to it first" in capsys.readouterr().err


def test_report_cli_bad_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = Repo(tmp_path / "r")
    commit_at(repo, "2026-02-02T10:00:00Z", "base", {".pavedroad.yaml": "version: 1\nzones: [\n"})
    args = parser().parse_args(["report", str(repo.path)])
    assert args.handler(args, now=NOW) == 2
    assert "error" in capsys.readouterr().err
