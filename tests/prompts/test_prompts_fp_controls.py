"""False-positive controls: placeholders, reserved values, hashes, UUIDs, identifiers."""

from __future__ import annotations

import base64
import random
from types import ModuleType

import pytest

from pavedroad.prompts import scan_text
from pavedroad.prompts.placeholders import is_placeholder, is_trivial, shannon_entropy
from pavedroad.prompts.reserved import is_reserved_host


@pytest.mark.parametrize(
    "value",
    [
        "your-api-key",
        "xxx",
        "xxxxxxxxxxxxxxxx",
        "<token>",
        "${API_KEY}",
        "{{ vault_token }}",
        "%(password)s",
        "changeme",
        "abc123abc123abc123abc123",
        "aaaaaaaaaaaaaaaaaaaaaaaa",
        "1234567890abcdef",
        "EXAMPLEKEY",
        "REDACTED",
        "supersecret123",
        "Password123!",
        "$DB_PASSWORD",
        "ENC[AES256_GCM,data:x]",
        "!vault",
        "test-token",
    ],
)
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize(
    "value", ["Vq9#kLm2!xTz", "8f14e45fceea167a5a36dedd4bea2543", "!JnA_%wX-s8f%S"]
)
def test_real_looking_values_are_not_placeholders(value: str) -> None:
    assert not is_placeholder(value)


def test_trivial_and_entropy() -> None:
    assert is_trivial("abcdefgh") and is_trivial("00000000") and is_trivial("abababababab")
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == 2.0


@pytest.mark.parametrize(
    "host",
    ["example.com", "api.example.org", "x.example.net", "svc.example", "a.test", "b.invalid",
     "localhost", "127.0.0.1", "::1", "192.0.2.4", "198.51.100.1", "203.0.113.9", "2001:db8::1"],
)  # fmt: skip
def test_reserved_hosts(host: str) -> None:
    assert is_reserved_host(host)


def test_public_hosts_are_not_reserved() -> None:
    assert not is_reserved_host("acmecorp.io") and not is_reserved_host("8.8.8.8")
    assert not is_reserved_host("examples.com")


def test_hashes_uuids_and_lockfiles_are_clean() -> None:
    r = random.Random(5)
    hexd = "".join(r.choice("0123456789abcdef") for _ in range(64))
    uuid = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    integrity = "sha512-" + base64.b64encode(r.randbytes(64)).decode()
    text = (
        f'"integrity": "{integrity}"\n'
        f"--hash=sha256:{hexd}\n"
        f"commit {hexd[:40]}\n"
        f'"id": "{uuid}", "request_id": "{uuid}"\n'
        f"FROM python@sha256:{hexd}\n"
        f"h1:{base64.b64encode(r.randbytes(32)).decode()}\n"
    )
    assert scan_text(text) == []


def test_identifiers_and_calls_are_clean() -> None:
    text = (
        "password = get_password()\n"
        'token = os.environ["X"]\n'
        "secret_key = settings.SECRET_KEY\n"
        "api_key = request.headers.get('X-Api-Key')\n"
        "const token = process.env.TOKEN;\n"
        'password := os.Getenv("DB_PASSWORD")\n'
        "String apiKey = config.getApiKey();\n"
        "PASSWORD = DEFAULT_PASSWORD\n"
    )
    assert scan_text(text) == []


def test_every_corpus_negative_is_clean(gen: ModuleType) -> None:
    dirty = {}
    for item in gen.generate():
        if item.labels:
            continue
        found = scan_text(item.text, internal_domains=gen.INTERNAL_DOMAINS)
        if found:
            dirty[item.id] = [(f.rule, item.text[f.start : f.end]) for f in found]
    assert dirty == {}
