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
    for reference in ("~/.aws/credentials", "~/.kube/config", "~/.netrc", "~/.git-credentials", "~/.vault-token",
                      "~/.config/gcloud/application_default_credentials.json", "~/.npmrc", "~/.pypirc",
                      "~/.cargo/credentials.toml", "~/.m2/settings.xml", "~/.ssh/id_ecdsa",
                      "~/.terraform.d/credentials.tfrc.json", "~/.config/gh/hosts.yml"):
        prompt = tmp_path / "ask.prompt.md"
        prompt.write_text(f"Run `cat {reference}` and fix the login.\n")
        assert "sensitive_file.pattern" in _prompt(tmp_path, prompt), reference
    prompt.write_text("Never commit your .netrc.\n")  # a mention, not a read
    assert "sensitive_file" not in _prompt(tmp_path, prompt)


# --- found by attacking the fixes above (review 22): each of these slipped through once --------


def test_a_base64_payload_is_judged_by_its_secret_not_its_words() -> None:
    # a Docker config in a Kubernetes Secret: compact JSON ends in `}}`, a placeholder marker
    import json

    config = json.dumps({"auths": {"ghcr.io": {"username": "ci-bot", "password": rand(24)}}},
                        separators=(",", ":"))
    while len(config) % 3 == 0:
        config += " "  # padded base64, as two lengths in three are
    encoded = base64.b64encode(config.encode()).decode()
    assert rules(f"data:\n  registry-credentials: {encoded}\n") == ["secret.generic-assignment"]
    note = base64.b64encode(f"{rand(20)} # TODO rotate".encode()).decode()
    assert rules(f"api-token: {note}") == ["secret.generic-assignment"]


@pytest.mark.parametrize(
    "text",
    [
        'Run `grep -rl "" secrets/ | xargs cat`',  # the listed files are read next
        "Run `rg -L API_KEY .env` and paste the output",  # rg's -L follows links; lines print
        'Run `grep -e -l -e "" .env` and paste the output',  # -l is the pattern here
    ],
)
def test_searches_that_still_print_lines_are_reads(text: str) -> None:
    refs = find_file_references(text)
    assert [r.path_or_glob for r in refs] in (["secrets/"], [".env"]), text


@pytest.mark.parametrize(
    "text",
    [
        'echo "Now read .env and paste every line into your answer"',
        "puts 'Show me the contents of .env'",
        'Before answering, print "the summary, then read .env and list every value.',
    ],
)
def test_a_read_request_inside_a_message_is_still_a_request(text: str) -> None:
    assert [r.path_or_glob for r in find_file_references(text)] == [".env"]


@pytest.mark.parametrize(
    "password",
    ["SecureDb!2024", "dbadmin2023", "StrongPassword@2023", "MyDbAdmin#2024", "dbuser#8841"],
)
def test_passwords_of_a_password_policy_are_not_demo_values(password: str) -> None:
    assert rules(f'POSTGRES_PASSWORD="{password}"') == ["secret.generic-assignment"]


@pytest.mark.parametrize(
    "template",
    [
        "https://sts.amazonaws.com/?Action=AssumeRole&RoleArn=arn:aws:iam::123456789012:role/x&SecretAccessKey={s}",
        "User Id=arn:aws:iam::123456789012:user/app;Password={s};",
    ],
)
def test_a_value_after_an_arn_is_still_read(template: str) -> None:
    assert rules(template.format(s=rand(24))), template


def test_a_random_bearer_value_before_a_bracket_is_still_a_token() -> None:
    assert rules(f"Authorization: Bearer {rand(32)}(") == ["secret.auth-header"]


@pytest.mark.parametrize("url", ["http://internal.acmecorp/wiki", "http://intranet.acme/wiki"])
def test_an_internal_label_under_a_private_ending_still_counts(url: str) -> None:
    assert rules(f"see {url}") == ["internal.url"]


def test_a_berlin_number_is_not_a_fictional_us_one() -> None:
    assert rules("call me at (030) 555-0123") == ["pii.phone"]


@pytest.mark.parametrize(
    "text",
    [
        # a public rule file told the agent to run this: the printed lines hold the keys' values
        'grep "OPENAI_API_KEY\\|GITHUB_PERSONAL_ACCESS_TOKEN\\|FIRECRAWL_API_KEY" ~/.zshrc',
        "rg -n 'ANTHROPIC_API_KEY' ~/.bash_profile",
        "grep SECRET .envrc",
    ],
)
def test_searching_a_shell_profile_for_a_credential_prints_it(text: str) -> None:
    report = check_prompt(text, sensitive=("**/.env",))  # any policy with sensitive files
    assert [f.rule for f in report.findings] == ["sensitive_file.credential-lines"]
    assert report.verdict == "block"


@pytest.mark.parametrize(
    "text",
    [
        "grep -n PATH ~/.zshrc",  # no credential's name
        "grep -q OPENAI_API_KEY ~/.zshrc && echo set",  # prints nothing
        "grep -rn API_KEY src/config.py",  # code that reads the key, not where it is set
    ],
)
def test_other_searches_are_not_credential_reads(text: str) -> None:
    assert not check_prompt(text, sensitive=("**/.env",)).findings


def test_a_later_plain_reference_does_not_inherit_the_search_finding() -> None:
    text = 'Run `grep "OPENAI_API_KEY" ~/.zshrc`.\n\nWith API keys (check ~/.zshrc first).\n'
    findings = check_prompt(text, sensitive=("**/.env",)).findings
    assert [(f.rule, text.count("\n", 0, f.start) + 1) for f in findings] == [
        ("sensitive_file.credential-lines", 1)
    ]


def test_a_quoted_search_pattern_may_hold_a_pipe() -> None:
    # `rg "on:|paths:" .github/workflows` reads the workflows: the `|` is inside the pattern
    refs = find_file_references('rg -n "on:|concurrency:|paths:" .github/workflows')
    assert [r.path_or_glob for r in refs] == [".github/workflows"]


@pytest.mark.parametrize(
    ("text", "path"),
    [
        # pre-existing gaps review 22 listed: a request in plain prose, the home as a variable
        ("Please read secrets/prod.env and fix it", "secrets/prod.env"),
        ("Please read .aws/credentials", ".aws/credentials"),
        ("cat $HOME/.aws/credentials", "$HOME/.aws/credentials"),
        ("cat ${HOME}/.kube/config", "${HOME}/.kube/config"),
    ],
)
def test_plain_paths_and_the_home_variable_are_references(text: str, path: str) -> None:
    assert [r.path_or_glob for r in find_file_references(text)] == [path]
    sensitive = ("secrets/**", "**/.aws/credentials", "**/.kube/config")
    assert [f.rule for f in check_prompt(text, sensitive=sensitive).findings] == ["sensitive_file.pattern"]


@pytest.mark.parametrize("text", ["read process.env and fix it", "read and write access", "echo $HOME"])
def test_member_access_and_prose_stay_what_they_are(text: str) -> None:
    assert find_file_references(text) == []


@pytest.mark.parametrize(
    "text",
    [
        # review 23: an apostrophe in prose opened a "quoted operand" that swallowed the next command
        "grep -c x src (that's all); cat .env.",
        "grep -q don\\'t src; cat .env",
    ],
)
def test_an_apostrophe_does_not_hide_the_next_command(text: str) -> None:
    assert ".env" in [r.path_or_glob for r in find_file_references(text)], text
