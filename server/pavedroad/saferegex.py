"""User-supplied regular expressions, compiled with RE2 so that none can backtrack.

Zone configs are committed by any repo and central maps by anyone security trusts; a pattern such as
`(a+)+$` must not be able to hang the server or CI. RE2 runs in time linear in the input and rejects
the few constructs it cannot run that way (backreferences, lookaround) with a clear error.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would otherwise print parse errors (with the pattern) to stderr
_OPTIONS.max_mem = 8 << 20  # bound the DFA memory of pathological but valid patterns


class PatternError(ValueError):
    """A pattern that cannot be used; the message is fit to show a user."""


@lru_cache(maxsize=4096)
def compile_regex(pattern: str) -> Any:
    """Compile `pattern` with RE2 (Python-compatible syntax, incl. `(?i)`), or raise PatternError."""
    try:
        return re2.compile(pattern, options=_OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise PatternError(f"invalid regular expression {pattern!r}: {_explain(str(reason), pattern)}") from None


def _explain(reason: str, pattern: str) -> str:
    """RE2's terse reasons, said in words (and what to write instead)."""
    if reason.startswith("invalid perl operator: (?=") or reason.startswith(
            "invalid perl operator: (?!"):
        return "lookahead is not supported (patterns run on RE2, which cannot backtrack)"
    if reason.startswith("invalid perl operator: (?<"):
        return "lookbehind is not supported (patterns run on RE2, which cannot backtrack)"
    if "(?P=" in pattern or (reason.startswith("invalid escape sequence: \\")
                             and reason[-1:].isdigit()):
        return "backreferences are not supported (patterns run on RE2, which cannot backtrack)"
    return reason
