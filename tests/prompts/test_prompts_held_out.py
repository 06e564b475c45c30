"""False alarms found on the held-out prompt files (benchmarks/corpora/prompt_files_oos.json),
each with the real alarm next to it that the fix must keep.

The held-out corpus was measured once before any rule changed (2.29 false alarms per 100 files);
every cause fixed since is here. Values are generated or are the demo values of the public files.
"""

from __future__ import annotations

import base64
import random
import string
import subprocess
import sys
from pathlib import Path

import pytest

from pavedroad.prompts import check_prompt
from pavedroad.prompts.references import find_file_references

R = random.Random(20261201)


def rand(n: int) -> str:
    while True:
        value = "".join(R.choice(string.ascii_letters + string.digits) for _ in range(n))
        if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
            return value


def rules(text: str) -> list[str]:
    return [f.rule for f in check_prompt(text).findings]


@pytest.mark.parametrize(
    ("quiet", "loud"),
    [
        # the first hosts of the default private subnets, in every tutorial and log sample
        ("server 10.0.0.1:8080 weight=5 max_fails=3;", "server 10.42.17.23:8080 weight=5;"),
        ('{"event": "login", "ip": "192.168.1.10"}', '{"event": "login", "ip": "192.168.7.31"}'),
        ("ip.addr == 192.168.1.1", "ssh admin@172.16.9.4"),
        # made-up internal hosts; a name of the team's own still counts
        ('DATABASE_URL: "postgres://app@db.internal:5432/app"', "see https://billing-ledger.internal/v2"),
        ("[Service Docs](https://internal.wiki/payment-service)", "see https://wiki.internal.acme.io/x"),
    ],
)
def test_internal_architecture_examples(quiet: str, loud: str) -> None:
    assert rules(quiet) == []
    assert [r for r in rules(loud) if r.startswith("internal.")], loud


@pytest.mark.parametrize(
    "demo",
    [
        'password: "securepass123",',
        "'password': 'secure123'",
        'password="db_password_12345!"  # CRITICAL: Hardcoded password',
        'pm.request.headers.add({ key: "Authorization", value: "Bearer my-hardcoded-token" });',
        'DB_PASSWORD: "bXlzZWNyZXRwYXNzd29yZA=="  # base64 of a demo word',
    ],
)
def test_demo_values_made_of_words_are_not_secrets(demo: str) -> None:
    assert rules(demo) == []


def test_real_values_next_to_the_demo_ones_still_count() -> None:
    real = rand(14)
    assert rules(f'password: "{real}",') == ["secret.generic-assignment"]
    encoded = base64.b64encode(real.encode()).decode()  # a Kubernetes Secret's data: still a secret
    assert rules(f'DB_PASSWORD: "{encoded}"') == ["secret.generic-assignment"]
    assert rules(f"Authorization: Bearer {rand(32)}") == ["secret.auth-header"]


@pytest.mark.parametrize(
    "text",
    [
        "s3.put_object(Bucket=b, Key='reports/monthly/sales-2025-01.csv', Body=data)",
        'vol -f mem.raw windows.registry.printkey --key "Software\\Microsoft\\Windows\\CurrentVersion\\Run"',
        '"valueFrom": "arn:aws:secretsmanager:REGION:ACCOUNT_ID:secret:my-log-auth-token:token::"',
        "3. Add a new repository secret: `ACTIONS_STEP_DEBUG` with value `true`.",
        "authorization: localStorage.getItem('token') || '',",
        'ON_CALL_ENGINEER="+1-555-0123"',
    ],
)
def test_names_paths_references_and_code_are_not_values(text: str) -> None:
    assert rules(text) == []


def test_a_random_value_with_slashes_is_still_a_secret() -> None:
    value = "/".join(rand(9) for _ in range(4))
    assert rules(f'secret_key = "{value}"') == ["secret.generic-assignment"]
    assert rules('token: "KQZX_WPLM_RTYV_BNHG"') == ["secret.generic-assignment"]  # no words: a value
    assert rules("phone: +1-415-867-5309") == ["pii.phone"]


@pytest.mark.parametrize(
    ("quiet", "loud"),
    [
        ('echo "Please update .env.local with your values"', "Please update .env.local with your values"),
        ('grep -c "=" .env.local 2>/dev/null', 'grep -i "API_KEY" .env.local'),
        ("rg -q TOKEN .env && echo set", "rg TOKEN .env"),
    ],
)
def test_messages_and_counts_are_not_reads(quiet: str, loud: str) -> None:
    assert find_file_references(quiet) == []
    assert [r.path_or_glob for r in find_file_references(loud)] in ([".env.local"], [".env"])


def _prompt(root: Path, prompt: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "pavedroad", "prompt", str(prompt), "--root", str(root)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


def test_a_path_next_to_the_prompt_file_is_checked_there(tmp_path: Path) -> None:
    # a skill's "see `assets/...`" names the skill's own file, which the root does not have
    (tmp_path / ".pavedroad.yaml").write_text("version: 1\nextends:\n  - preset: iac\n")
    skill = tmp_path / "skills" / "deploy"
    (skill / "assets").mkdir(parents=True)
    (skill / "assets" / "Dockerfile").write_text("FROM python:3.12\n")  # the iac zone, by path
    (skill / "SKILL.md").write_text("See `assets/` for the container build.\n")
    assert "sensitive_file.zone-warn" in _prompt(tmp_path, skill / "SKILL.md")


def test_a_decoy_next_to_the_prompt_file_cannot_hide_the_roots_file(tmp_path: Path) -> None:
    # an agent reads `secrets/db.yaml` from the working directory: the root's, not a local decoy
    (tmp_path / ".pavedroad.yaml").write_text("version: 1\nextends:\n  - preset: secrets\n")
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "db.yaml").write_text("password: x\n")
    prompts = tmp_path / "prompts"
    (prompts / "secrets").mkdir(parents=True)
    (prompts / "secrets" / "db.yaml").write_text("# nothing here\n")
    (prompts / "ask.prompt.md").write_text("Read secrets/db.yaml and summarise it.\n")
    assert "sensitive_file.pattern" in _prompt(tmp_path, prompts / "ask.prompt.md")
    # and a root folder in a zone still warns when a same-named folder sits next to the prompt
    (tmp_path / ".pavedroad.yaml").write_text("version: 1\nextends:\n  - preset: iac\n")
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "Dockerfile").write_text("FROM python:3.12\n")
    (prompts / "examples").mkdir()
    (prompts / "examples" / "usage.md").write_text("# usage\n")
    (prompts / "ask.prompt.md").write_text("For patterns, see `examples/`.\n")
    assert "sensitive_file.zone-warn" in _prompt(tmp_path, prompts / "ask.prompt.md")


def test_credential_stores_in_the_home_directory_are_sensitive(tmp_path: Path) -> None:
    (tmp_path / ".pavedroad.yaml").write_text("version: 1\nextends:\n  - preset: secrets\n")
    for reference in ("~/.aws/credentials", "~/.kube/config", "~/.netrc", "~/.git-credentials"):
        prompt = tmp_path / "ask.prompt.md"
        prompt.write_text(f"Run `cat {reference}` and fix the login.\n")
        assert "sensitive_file.pattern" in _prompt(tmp_path, prompt), reference
    prompt.write_text("Never commit your .netrc.\n")  # a mention, not a read
    assert "sensitive_file" not in _prompt(tmp_path, prompt)
