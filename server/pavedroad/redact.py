"""Masking secret-shaped values in messages the tool itself writes (config problems, hook answers).

A config file, a record or a hook payload can carry a credential where a value is expected
(`ai: ghp_...`, a key pasted into `reviewers`). Messages quote values to be useful, so every
message is passed through the prompt engine's secret detectors and each secret is replaced by its
masked form (at most 4 leading and 4 trailing characters). The engine is imported only when a
message holds a token long enough to be a secret, so ordinary messages cost nothing.
"""

from __future__ import annotations

import math
import re

#: A secret is at least this long; shorter messages' tokens are never scanned.
_LONG_TOKEN = re.compile(r"[^\s'\"`,;()\[\]{}<>]{12,}")


def mask_secrets(message: str) -> str:
    """`message` with every secret the prompt engine finds replaced by its masked form."""
    if not message or _LONG_TOKEN.search(message) is None:
        return message
    from pavedroad.prompts import scan_text  # lazy: ~80 ms import, only for suspicious messages

    try:
        findings = [f for f in scan_text(message) if f.kind == "secret"]
    except Exception:  # masking must never be the reason a message is lost
        return _LONG_TOKEN.sub(lambda m: m.group(0)[:4] + "…", message)
    for finding in sorted(findings, key=lambda f: f.start, reverse=True):
        message = message[: finding.start] + finding.masked + message[finding.end :]
    # A value that is not a known credential format (a token whose checksum does not verify, a
    # random key) but looks like one is masked too: messages never need to show it whole.
    return _QUOTED.sub(_mask_if_random, message)


_QUOTED = re.compile(r"(['\"`])([^'\"`\s]{20,})\1")


def _entropy(text: str) -> float:
    counts = {c: text.count(c) for c in set(text)}
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _mask_if_random(match: re.Match[str]) -> str:
    value = match.group(2)
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    if has_digit and has_alpha and _entropy(value) >= 3.5:
        return f"{match.group(1)}{value[:4]}…(masked){match.group(1)}"
    return match.group(0)
