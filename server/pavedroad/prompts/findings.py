"""The rule catalogue and the one constructor every detector uses to build a finding.

Messages are assembled from the rule's fixed description and fixed advice only, never from the
matched text, so no secret, card number or address can leak through a message or a log line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .masking import mask
from .model import (
    BLOCK,
    KIND_INTERNAL,
    KIND_PII,
    KIND_SECRET,
    KIND_SENSITIVE_FILE,
    WARN,
    PromptFinding,
)


@dataclass(frozen=True)
class RuleInfo:
    rule: str
    kind: str
    severity: str
    what: str  # "an AWS access key ID": completes "Looks like ..."


ADVICE = {
    KIND_SECRET: (
        "Credentials sent to an AI assistant leave your control (provider logs, transcripts): "
        "remove it, refer to it by name (e.g. an environment variable) instead, and rotate it "
        "if it was already sent."
    ),
    KIND_PII: (
        "Customer data must not be sent to AI assistants: remove it or replace it with "
        "synthetic or reserved test data."
    ),
    KIND_INTERNAL: (
        "Internal hosts and addresses map your infrastructure for anyone who reads the "
        "transcript: replace them with a placeholder such as internal.example.com."
    ),
    KIND_SENSITIVE_FILE: "",
}

#: Every rule id the engine can emit, filled in by the detector modules at import time.
RULES: dict[str, RuleInfo] = {}


def register(rule: str, kind: str, severity: str, what: str) -> RuleInfo:
    info = RuleInfo(rule, kind, severity, what)
    existing = RULES.get(rule)
    if existing is not None and (existing.kind, existing.severity) != (kind, severity):
        raise ValueError(f"rule {rule} registered twice with different kind/severity")
    RULES.setdefault(rule, info)
    return info


def secret_rule(rule: str, what: str) -> RuleInfo:
    return register(rule, KIND_SECRET, BLOCK, what)


@lru_cache(maxsize=1024)
def _message(rule: str, detail: str) -> str:
    # Keyed by plain strings (hashing them is C-level; hashing a dataclass is not).
    info = RULES[rule]
    what = info.what + (f" ({detail})" if detail else "")
    return f"Looks like {what} [{info.rule}]. {ADVICE[info.kind]}"


def make_finding(
    info: RuleInfo,
    text: str,
    start: int,
    end: int,
    detail: str = "",
    masked: str | None = None,
) -> PromptFinding:
    """A finding for `text[start:end]`. `detail` must be value-free (e.g. "Visa, Luhn-valid")."""
    # Equivalent to PromptFinding(...), minus the frozen-dataclass __setattr__ round trips:
    # dense inputs produce thousands of findings and this is their hot path.
    f = _new(PromptFinding)
    f.__dict__.update(
        kind=info.kind,
        rule=info.rule,
        message=_message(info.rule, detail),
        start=start,
        end=end,
        severity=info.severity,
        masked=mask(text[start:end]) if masked is None else masked,
    )
    return f


_new = object.__new__


def moved(finding: PromptFinding, start: int, end: int) -> PromptFinding:
    """`finding` at another span (a repeated reference answered once); `dataclasses.replace`
    without its per-field round trips, as `make_finding` does."""
    f = _new(PromptFinding)
    f.__dict__.update(finding.__dict__, start=start, end=end)
    return f


__all__ = [
    "ADVICE",
    "BLOCK",
    "KIND_INTERNAL",
    "KIND_PII",
    "KIND_SECRET",
    "KIND_SENSITIVE_FILE",
    "RULES",
    "WARN",
    "RuleInfo",
    "make_finding",
    "register",
    "secret_rule",
]
