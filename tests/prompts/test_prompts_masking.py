"""Masking and redaction: the raw value never leaves the engine."""

from __future__ import annotations

import json
import random

import pytest
from prompt_corpus_loader import load

from pavedroad.prompts import check_prompt, mask, redact, scan_text
from pavedroad.prompts.model import PromptFinding

gen = load("generate")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("AKIAABCDEFGHIJKLMNOP", "AKI**************NOP"),  # 20 chars: 3 + 3 <= a third
        ("A" * 24 + "B" * 6, "AAAA**********************BBBB"[:4] + "*" * 22 + "BBBB"),
        ("hunter2", "h*****2"),  # 2 of 7 shown: within a third
        ("hunt3r", "h****r"),
        ("abcde", "*****"),
        ("", "*"),
    ],
)
def test_mask_keeps_at_most_a_third(value: str, expected: str) -> None:
    out = mask(value)
    assert out == expected
    shown = len(out.replace("*", ""))
    assert shown <= len(value) / 3
    assert shown <= 8


def test_mask_bounds_long_values() -> None:
    out = mask("x" * 5000)
    assert len(out) <= 4 + 24 + 4


def _all_secrets(r: random.Random) -> list[str]:
    values = [gen.TOKENS[rule](r) for rule in sorted(gen.TOKENS)]
    values += [gen.pem_key(r), gen.card(r), gen.iban(r), gen.ssn(r), gen.email(r)]
    return values


def test_raw_values_never_in_messages_masks_redaction_or_json() -> None:
    r = random.Random(7)
    values = _all_secrets(r)
    pw = gen.password(r)
    text = "\n".join(f"value {i}: {v}" for i, v in enumerate(values))
    text += f"\nDB_PASSWORD={pw}\npostgres://app:{pw}x@db.acmecorp.io/orders\n"
    report = check_prompt(text, internal_domains=("corp.acme.com",))
    assert report.verdict == "block"
    assert len(report.findings) >= len(values)
    blob = json.dumps(report.to_json())
    redacted_and_meta = report.redacted + "".join(f.message + f.masked for f in report.findings)
    for v in [*values, pw, pw + "x"]:
        assert v not in redacted_and_meta
        # JSON escapes newlines (PEM keys): compare against the JSON form of the value too.
        assert json.dumps(v)[1:-1] not in blob
    for f in report.findings:
        raw = text[f.start : f.end]
        assert raw not in f.message
        assert raw not in f.masked or len(raw) <= 0


def test_redaction_placeholders_and_offsets() -> None:
    r = random.Random(3)
    token = gen.TOKENS["secret.aws-access-key"](r)
    text = f"key={token} mail dana.novak@gmail.com end"
    findings = scan_text(text)
    out = redact(text, findings)
    assert out == "key=[REDACTED:secret.aws-access-key] mail [REDACTED:pii.email] end"
    for f in findings:
        assert 0 <= f.start < f.end <= len(text)


def test_overlapping_findings_merge_into_the_most_severe_label() -> None:
    text = "aaaa bbbbbbbb cccc"
    a = PromptFinding("internal", "internal.url", "m", 0, 13, "warn", "x")
    b = PromptFinding("secret", "secret.url-credentials", "m", 5, 13, "block", "x")
    assert redact(text, [a, b]) == "[REDACTED:secret.url-credentials] cccc"


def test_to_json_shape() -> None:
    report = check_prompt("DB_PASSWORD=Vq9#kLm2!xTz")
    data = report.to_json()
    assert set(data) == {"verdict", "findings", "redacted"}
    assert data["verdict"] == "block"
    (f,) = data["findings"]
    assert set(f) == {"kind", "rule", "message", "start", "end", "severity", "masked"}
    assert f["kind"] == "secret" and f["rule"] == "secret.generic-assignment"
    assert data["redacted"] == "DB_PASSWORD=[REDACTED:secret.generic-assignment]"
    json.dumps(data)


def test_messages_explain_why_and_what_to_do() -> None:
    (f,) = scan_text("card 4539 1488 0343 6467")
    assert "payment card" in f.message and "pii.card" in f.message
    assert "remove" in f.message.lower()
