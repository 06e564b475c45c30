"""Inputs built to make regexes backtrack or loops go quadratic must still finish.

The 10 s guard is a hang detector only (a normal run takes milliseconds); speed is measured by
benchmarks/bench_prompts.py, never asserted here.
"""

from __future__ import annotations

import random
import string
import threading
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pavedroad.prompts import check_prompt, decode_prompt_bytes, scan_text
from pavedroad.prompts.prefilter import Anchor, AnchorSet
from pavedroad.prompts.tokens import RULES as TOKEN_RULES

GUARD_SECONDS = 10.0
DOMAINS = ("corp.acme.com", "*.internal")
SENSITIVE = ("**/.env*", "secrets/**", "*.pem")


def finishes(fn: Callable[[], object]) -> object:
    """Run `fn` in a daemon thread; fail (instead of hanging the suite) if it does not return."""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # surfaced below
            box["error"] = exc

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(GUARD_SECONDS)
    assert not t.is_alive(), "did not finish: probable catastrophic backtracking or a hang"
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box.get("value")


def full_check(text: str) -> object:
    report = check_prompt(text, internal_domains=DOMAINS, sensitive=SENSITIVE)
    assert report.verdict in ("allow", "warn", "block")
    for f in report.findings:
        assert 0 <= f.start <= f.end <= len(text)
    return report


r = random.Random(99)
B64 = string.ascii_letters + string.digits + "+/"
ADVERSARIAL = {
    "empty": "",
    "at-signs": "@" * 10_000,
    "a-at": "a@" * 20_000,
    "dotted-words": "a." * 50_000,
    "dotted-long-words": ".".join("word" for _ in range(20_000)),
    "base64-100k": "".join(r.choice(B64) for _ in range(100_000)),
    "keyword-run": "key" * 20_000,
    "password-eq": "password=" * 5_000,
    "password-is": "password is " * 5_000,
    "jwt-prefix": "eyJ" * 20_000,
    "jwt-dots": ("eyJ" + "a" * 30 + ".") * 2_000,
    "github-prefix": "ghp_" * 10_000,
    "scheme-run": "http://" * 5_000,
    "userinfo-run": "://a:b@" * 5_000,
    "pem-headers": "-----BEGIN PRIVATE KEY-----" * 2_000,
    "pem-no-end": "-----BEGIN RSA PRIVATE KEY-----\n" + "A" * 200_000,
    "brackets": "[" * 50_000 + "](" * 1_000,
    "backticks": "`" + "a" * 60_000,
    "hash-file": "#file:" * 10_000,
    "digits": "4" * 100_000,
    "spaced-digits": "4 " * 50_000,
    "dashed-digits": "4111-" * 20_000,
    "ips": "10.0.0.1 " * 10_000,
    "ip-dots": "10." * 30_000,
    "host-suffix": "corp.acme.com" * 5_000,
    "internal-suffix": "a.internal." * 10_000,
    "phone-context": "phone: " * 10_000,
    "iban-shape": "GB82 " * 20_000,
    "long-line": "x" * 1_000_000,
    "slashes": "a/" * 50_000,
    "quotes": "'\"`" * 20_000,
    "nul-and-controls": "\x00\x01\x02" * 10_000,
    "unicode": "é€𝄞İ" * 20_000,
    "mixed-prefixes": "".join(r.choice(["sk-", "AKIA", "xoxb-", "SG.", "@", "://", "=", ":", " "]) for _ in range(30_000)),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_input_finishes(name: str) -> None:
    finishes(lambda: full_check(ADVERSARIAL[name]))


def test_five_megabytes_finishes_with_clear_result() -> None:
    chunk = (
        "def handler(event):\n    password = get_password()\n    log.info('ok %s', event)\n"
        "# see https://docs.python.org/3/ and user@example.com\n"
    )
    text = (chunk * (5 * 1024 * 1024 // len(chunk) + 1))[: 5 * 1024 * 1024]
    text = text[:2_500_000] + "\nDB_PASSWORD=Vq9#kLm2!xTz\n" + text[2_500_000:]
    report = finishes(lambda: full_check(text))
    assert report.verdict == "block"  # type: ignore[attr-defined]
    assert [f.rule for f in report.findings] == ["secret.generic-assignment"]  # type: ignore[attr-defined]


def test_every_token_rule_on_its_own_anchor_flood() -> None:
    def run() -> None:
        for rule in TOKEN_RULES:
            for anchor in rule.anchors:
                lit = anchor.literal
                scan_text((lit + "A1b2") * (20_000 // (len(lit) + 4)))
                scan_text(lit + "a" * 50_000)
                scan_text((lit + "-") * 5_000)

    finishes(run)


def test_invalid_utf8_and_binary() -> None:
    blobs = [
        b"",
        b"\xff\xfe\xfd" * 1000,
        bytes(range(256)) * 400,
        b"DB_PASSWORD=Vq9#kLm2!xTz\n\x80\x81 password=\xc3\x28",
        "\ufeffutf-8 with BOM".encode(),
        "utf-16 text: token".encode("utf-16"),
        "utf-32".encode("utf-32"),
        b"\xef\xbb",  # truncated BOM
    ]
    for blob in blobs:
        text = decode_prompt_bytes(blob)
        assert isinstance(text, str)
        finishes(lambda t=text: full_check(t))
    assert decode_prompt_bytes("utf-16 text: token".encode("utf-16")) == "utf-16 text: token"
    assert decode_prompt_bytes(b"\xef\xbb\xbfhello") == "hello"
    assert "\ufffd" in decode_prompt_bytes(b"a\xffb")


def test_decode_never_raises_on_odd_input() -> None:
    assert decode_prompt_bytes(bytearray(b"abc")) == "abc"
    assert decode_prompt_bytes(memoryview(b"abc")) == "abc"  # type: ignore[arg-type]
    assert decode_prompt_bytes(None) == ""  # type: ignore[arg-type]


def test_anchor_set_failure_falls_back_to_all_anchors() -> None:
    anchors = [Anchor("abc"), Anchor("XYZ", case_sensitive=True)]
    aset = AnchorSet(anchors, ["[0-9]{3}"])
    present, gates = aset.present("xx ABC 123")
    assert present == [Anchor("abc")] and gates == {"[0-9]{3}"}
    aset._set = None  # type: ignore[assignment]  # simulate an RE2 failure
    present, gates = aset.present("anything")
    assert present == anchors and gates == {"[0-9]{3}"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.sampled_from(list("aAk0-_.:@/=\"' \nghp_sk-eyJ#[]()`$%{}+9xX")), max_size=400
    )
)
def test_random_texts_never_raise_and_spans_are_valid(text: str) -> None:
    full_check(text)
