"""Value types of the prompt-hygiene engine: findings, the report, file references.

All immutable, so a report can be cached, compared in tests, and handed across threads. None of
them ever holds a raw secret: a finding keeps offsets into the caller's text plus a masked form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

KIND_SECRET: Final = "secret"
KIND_PII: Final = "pii"
KIND_INTERNAL: Final = "internal"
KIND_SENSITIVE_FILE: Final = "sensitive_file"
KINDS: Final = (KIND_SECRET, KIND_PII, KIND_INTERNAL, KIND_SENSITIVE_FILE)

BLOCK: Final = "block"
WARN: Final = "warn"
ALLOW: Final = "allow"

_SEVERITY_RANK: Final = {ALLOW: 0, WARN: 1, BLOCK: 2}


def severity_rank(severity: str) -> int:
    return _SEVERITY_RANK.get(severity, 0)


@dataclass(frozen=True)
class PromptFinding:
    """One problem in a prompt. `start`/`end` are Python str indices (end exclusive)."""

    kind: str  # "secret" | "pii" | "internal" | "sensitive_file"
    rule: str  # stable rule id, e.g. "secret.aws-access-key"
    message: str  # why + what to do; never contains the matched value
    start: int
    end: int
    severity: str  # "block" | "warn"
    masked: str  # safe display form of the matched value

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rule": self.rule,
            "message": self.message,
            "start": self.start,
            "end": self.end,
            "severity": self.severity,
            "masked": self.masked,
        }


@dataclass(frozen=True)
class PromptReport:
    """The verdict on one prompt, its findings (sorted by offset) and the redacted text."""

    verdict: str  # "allow" | "warn" | "block"
    findings: tuple[PromptFinding, ...]
    redacted: str

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "findings": [f.to_json() for f in self.findings],
            "redacted": self.redacted,
        }


@dataclass(frozen=True)
class FileReference:
    """A file path or glob named in prompt text.

    `syntax` says how it was written: "hash-file" (`#file:p`), "hash-folder" (`#folder:p`),
    "at-mention" (`@p`), "markdown-link" (`[x](p)`), "read-request" ("read `p`"), "command"
    (`cat p`), "tool-call" (`read_file("p")`), "attached" (passed by the caller, not in the text;
    then start == end == 0), or, for mentions, "backtick" (`` `p` ``), "bare" (a plain path) and
    "front-matter" (an `applyTo:` / `globs:` scope).
    `attaches` is False for mentions: the text names the file but does not send or ask for it.
    """

    path_or_glob: str
    start: int
    end: int
    is_glob: bool
    syntax: str
    attaches: bool = True
