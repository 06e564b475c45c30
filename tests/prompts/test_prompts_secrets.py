"""Secrets: each provider family has a positive and a hard negative; structured credentials too."""

from __future__ import annotations

import base64
import random

import pytest
from prompt_corpus_loader import load

from pavedroad.prompts import RULES, scan_text
from pavedroad.prompts.checksums import base62_crc32, base62_crc32_ok

gen = load("generate")
FAMILIES = sorted(gen.TOKENS)


def rules_in(text: str) -> set[str]:
    return {f.rule for f in scan_text(text)}


def degrade(token: str) -> str:
    """Keep the format (prefix, length, character classes) but make the random part a demo
    value: the tail becomes `xxxx`/`XXXX`/`0000`, as in docs and templates."""
    keep = max(8, len(token) * 2 // 5)
    tail = "".join(
        "0" if c.isdigit() else "X" if c.isupper() else "x" if c.islower() else c
        for c in token[keep:]
    )
    return token[:keep] + tail


def test_at_least_40_secret_families() -> None:
    secret_rules = {r for r, info in RULES.items() if info.kind == "secret"}
    assert len(secret_rules) >= 40, sorted(secret_rules)
    assert len(FAMILIES) >= 40


@pytest.mark.parametrize("rule", FAMILIES)
def test_provider_token_positive(rule: str) -> None:
    r = random.Random(rule)
    for _ in range(5):
        token = gen.TOKENS[rule](r)
        for text in (
            token,
            f"export API_TOKEN={token}\n",
            f'{{"key": "{token}"}}',
            f"my token {token}.",
        ):
            found = [f for f in scan_text(text) if f.rule == rule]
            assert found, (rule, text)
            assert text[found[0].start : found[0].end] in token


@pytest.mark.parametrize("rule", FAMILIES)
def test_provider_token_hard_negative(rule: str) -> None:
    r = random.Random(rule + "-neg")
    token = gen.TOKENS[rule](r)
    demo = degrade(token)
    assert rule not in rules_in(f"use {demo} in the docs"), demo
    assert not scan_text(f"TOKEN=<{rule.split('.')[1]}-token>  # your-api-key here")


def test_github_checksum_is_verified() -> None:
    body = "M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq11"[:30]
    good = f"ghp_{body}{base62_crc32(body)}"
    assert base62_crc32_ok(body, base62_crc32(body))
    assert "secret.github-token" in rules_in(f"token: {good}")
    # A random body whose checksum does not verify is still a token (gitleaks' own examples are
    # such: revoked, retyped or generated tokens leak the same way); a word-like body is not.
    bad = good[:-1] + ("A" if good[-1] != "A" else "B")
    assert "secret.github-token" in rules_in(f"token: {bad}")
    assert "secret.github-token" not in rules_in("ghp_ThisIsNotARealTokenJustSomeWordsHere")
    # GitHub's documented example token (its checksum does not verify).
    assert "secret.github-token" not in rules_in("gho_16C7e42F292c6912E7710c838347Ae178B4a")


def test_npm_checksum_is_verified(rng: random.Random) -> None:
    body = gen.rs(rng, 30)
    assert "secret.npm-token" in rules_in(
        f"//registry.npmjs.org/:_authToken=npm_{body}{base62_crc32(body)}"
    )
    assert "secret.npm-token" not in rules_in("npm_ThisIsNotARealTokenJustSomeWordsHere")


def test_aws_docs_examples_are_not_secrets() -> None:
    text = "AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    assert scan_text(text) == []


def test_aws_secret_key_with_context(rng: random.Random) -> None:
    secret = gen.rs(rng, 40, gen.ALNUM + "+/")
    assert "secret.aws-secret-key" in rules_in(f"aws_secret_access_key = {secret}")
    assert "secret.aws-secret-key" not in rules_in(f"checksum = {secret}")


def test_stripe_demo_values() -> None:
    assert not scan_text("sk_live_abc123abc123abc123abc123 and sk_test_xxxxxxxxxxxxxxxxxxxxxxxx")


def test_jwt_needs_decodable_header(rng: random.Random) -> None:
    token = gen.jwt(rng)
    assert "secret.jwt" in rules_in(f"Cookie: session={token}")
    fake = (
        "eyJ"
        + gen.rs(rng, 30, gen.B64URL)
        + "."
        + gen.rs(rng, 40, gen.B64URL)
        + "."
        + gen.rs(rng, 43, gen.B64URL)
    )
    assert "secret.jwt" not in rules_in(fake)
    assert "secret.jwt" not in rules_in(gen.JWT_IO_EXAMPLE)


def test_private_keys(rng: random.Random) -> None:
    for label in (
        "RSA PRIVATE KEY",
        "OPENSSH PRIVATE KEY",
        "EC PRIVATE KEY",
        "PRIVATE KEY",
        "ENCRYPTED PRIVATE KEY",
    ):
        key = gen.pem_key(rng, label)
        found = scan_text(f"here:\n{key}\nthanks")
        assert [f.rule for f in found] == ["secret.private-key"]
        assert found[0].masked.startswith(f"-----BEGIN {label}-----")
    escaped = gen.pem_key(rng, "PRIVATE KEY", nl="\\n")
    assert rules_in(f'{{"private_key": "{escaped}\\n"}}') == {"secret.private-key"}
    truncated = gen.pem_key(rng, "RSA PRIVATE KEY").split("-----END")[0]
    assert rules_in(truncated) == {"secret.private-key"}


def test_private_key_placeholders_and_public_keys(rng: random.Random) -> None:
    assert not scan_text("-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----")
    assert not scan_text(
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN...your key here...\n-----END PRIVATE KEY-----"
    )
    assert not scan_text(
        f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{gen.rs(rng, 43, gen.B64)} me@laptop"
    )
    assert not scan_text(
        "-----BEGIN PUBLIC KEY-----\n" + gen.rs(rng, 64 * 6, gen.B64) + "\n-----END PUBLIC KEY-----"
    )


def test_url_credentials(rng: random.Random) -> None:
    pw = gen.password(rng)
    text = f"DATABASE_URL=postgres://orders:{pw}@db.acmecorp.io:5432/orders"
    (f,) = scan_text(text)
    assert f.rule == "secret.url-credentials" and text[f.start : f.end] == pw
    assert not scan_text("postgres://postgres:postgres@localhost:5432/app")
    assert not scan_text("https://user:${DB_PASSWORD}@db.acmecorp.io/x")
    assert not scan_text("redis://:password@cache.acmecorp.io:6379")
    assert not scan_text("https://admin:S3cretPassw0rd@example.com/login")


def test_authorization_headers(rng: random.Random) -> None:
    tok = gen.rs(rng, 40, gen.B64URL)
    assert rules_in(f'curl -H "Authorization: Bearer {tok}" https://x') == {"secret.auth-header"}
    basic = base64.b64encode(b"deploy:Vq9#kLm2!xTz").decode()
    assert rules_in(f"Authorization: Basic {basic}") == {"secret.auth-header"}
    assert not scan_text('Authorization: Bearer <token>\n-H "Authorization: Bearer $TOKEN"')
    assert not scan_text("headers = {'Authorization': f'Bearer {token}'}")
    assert not scan_text(f"Authorization: Basic {base64.b64encode(b'user:password').decode()}")


def test_generic_assignments_positive(rng: random.Random) -> None:
    pw = "Vq9#kLm2!xTz"
    key = gen.rs(rng, 32, gen.HEX)
    for text, value in [
        (f"DB_PASSWORD={pw}", pw),
        (f'password = "{pw}"', pw),
        (f"  password: {pw}\n", pw),
        (f'{{"client_secret": "{key}"}}', key),
        (f"my api key is {key}", key),
        (f"The password for the staging db is {pw}, thanks", pw),
        (f"--password {pw}", pw),
        (f"apiKey: '{key}'", key),
    ]:
        found = [f for f in scan_text(text) if f.kind == "secret"]
        assert found, text
        assert text[found[0].start : found[0].end] == value, text


def test_generic_assignments_hard_negatives() -> None:
    for text in [
        "password = get_password()",
        'token = os.environ["GITHUB_TOKEN"]',
        "secret = self._secret",
        "api_key = settings.API_KEY",
        "def login(user: str, password: str) -> None:",
        "password: ${{ secrets.DB_PASSWORD }}",
        'API_TOKEN: "{{ vault_api_token }}"',
        "DATABASE_PASSWORD=changeme",
        "SECRET_KEY=<your-secret-key>",
        "max_tokens = 4096\ntoken_count = 12\npassword_min_length = 16",
        'TOKEN_URL = "https://oauth2.googleapis.com/token"',
        'password_field = "password"',
        "the password is stored in the vault",
        "password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256",
        "password_file = /run/secrets/db_password",
        'key = "welcome_message"',
        "Set the password to something strong",
        "keyboard = Keyboard()\nmonkey = 'banana12'",
    ]:
        assert not [f for f in scan_text(text) if f.kind == "secret"], text


def test_connection_string(rng: random.Random) -> None:
    pw = gen.password(rng)
    text = f"Server=sql01;Database=Orders;User Id=sa;Password={pw};Encrypt=True"
    (f,) = scan_text(text)
    assert f.rule == "secret.connection-string" and text[f.start : f.end] == pw


def test_azure_storage_key(rng: random.Random) -> None:
    conn, key = gen.azure_storage_conn(rng)
    (f,) = scan_text(conn)
    assert f.rule == "secret.azure-storage-key" and conn[f.start : f.end] == key


def test_cli_passwords() -> None:
    assert rules_in("mysql -h db -u root -pVq9kLm2xTz orders") == {"secret.cli-password"}
    assert rules_in("docker login -u ci -p Vq9kLm2xTz registry.acmecorp.io") == {
        "secret.cli-password"
    }
    assert not scan_text("docker run -p 8080:80 nginx\nredis-cli -p 6379\nmysql -p orders")
    assert not scan_text('docker login -u ci -p "$REGISTRY_PASSWORD" registry.acmecorp.io')


def test_provider_rule_wins_over_generic(rng: random.Random) -> None:
    token = gen.TOKENS["secret.github-token"](rng)
    found = scan_text(f'GITHUB_TOKEN="{token}"\nAuthorization: token {token}')
    assert {f.rule for f in found} == {"secret.github-token"}
    assert len(found) == 2
