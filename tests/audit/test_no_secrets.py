"""No secret, prompt text or free text ever reaches the decision log."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from pavedroad.audit import (
    EXCEPTION_REQUESTED,
    EventError,
    append_event,
    exception_event,
    hook_denied,
    log_key,
    prompt_event,
    read_events,
    signoff,
    value_hash,
    verify,
)
from pavedroad.audit.log import LOG_DIR
from pavedroad.config.model import Level
from pavedroad.policy.records import ExceptionRecord
from pavedroad.prompts import check_prompt

# assembled so secret scanners do not flag the repository
AWS_KEY = "AKIA" + "Q3HZ7WPLK2M4XR6T"
GH_TOKEN = "ghp_" + "R8sT2vW4xY6zA1bC3dE5fG7hJ9kL0m" + "0vL2Ci"  # valid checksum
PROMPT = (
    "Please refactor the billing client. It currently does\n"
    f"    client = Billing(key='{AWS_KEY}', token='{GH_TOKEN}')\n"
    "and emails jane.doe@corp-customer.com when it fails. Keep it short.\n"
)


def log_bytes(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted((root / LOG_DIR).iterdir()) if p.is_file()
                    and p.name != "key")  # fmt: skip


def test_prompt_events_keep_rule_ids_and_keyed_hashes_only(tmp_path: Path) -> None:
    report = check_prompt(PROMPT)
    assert report.verdict == "block"
    secrets = [PROMPT[f.start : f.end] for f in report.findings]
    assert AWS_KEY in secrets
    key = log_key(tmp_path)
    ev = prompt_event(PROMPT, report.findings, key=key, blocked=True, source="hook",
                      tool="claude-code", session="s-123")  # fmt: skip
    append_event(tmp_path, ev)
    append_event(tmp_path, hook_denied(tool="claude-code", hook_event="UserPromptSubmit",
                                       reason="prompt-blocked"))  # fmt: skip
    append_event(tmp_path, signoff(zone="auth", path="src/auth/session.py", hash="a" * 64,
                                   reviewer="appsec@example.com"))  # fmt: skip
    record = ExceptionRecord(
        zone="secrets", paths=("src/vault/**",), level=Level.REVIEW,
        reason=f"temporary: the key is {AWS_KEY}", approver="lead@example.com",
        created=dt.date(2026, 3, 1), expires=dt.date(2026, 4, 1),
    )  # fmt: skip
    append_event(tmp_path, exception_event(EXCEPTION_REQUESTED, record))

    data = log_bytes(tmp_path)
    assert data  # something was written
    for value in [*secrets, AWS_KEY, GH_TOKEN, "jane.doe", "refactor the billing", "temporary"]:
        assert value.encode() not in data, value
    for f in report.findings:  # not even the masked display forms
        assert f.masked.encode() not in data
    # hashes are keyed: the plain sha256 of a secret (guessable for short values) is not there
    assert hashlib.sha256(AWS_KEY.encode()).hexdigest().encode() not in data
    stored = read_events(tmp_path)[0]
    assert stored.kind == "prompt_blocked"
    assert value_hash(key, AWS_KEY) in stored.data["value_hashes"]
    assert set(stored.data["rules"]) == {f.rule for f in report.findings}
    assert verify(tmp_path).ok
    assert (tmp_path / LOG_DIR / "key").stat().st_mode & 0o077 == 0


def test_a_secret_smuggled_into_a_name_or_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EventError, match="looks like a secret"):
        append_event(tmp_path, hook_denied(tool="claude-code", hook_event="PreToolUse",
                                           reason="sensitive", path=f"config/{AWS_KEY}.txt"))  # fmt: skip
    with pytest.raises(EventError, match="looks like a secret"):
        append_event(tmp_path, signoff(zone="auth", path="a.py", hash="b" * 64,
                                       reviewer=GH_TOKEN))  # fmt: skip
    segs = list((tmp_path / LOG_DIR).glob("events-*")) if (tmp_path / LOG_DIR).exists() else []
    assert segs == []


def test_remote_credentials_never_become_the_repo_name(tmp_path: Path) -> None:
    from pavedroad.audit.log import repo_identity

    assert repo_identity(f"https://x-access-token:{GH_TOKEN}@github.com/acme/pay.git") == (
        "github.com/acme/pay"
    )
    assert repo_identity("git@github.com:acme/pay.git") == "github.com/acme/pay"
    assert repo_identity("ssh://git@gitlab.example.com:2222/team/app") == "gitlab.example.com/team/app"
