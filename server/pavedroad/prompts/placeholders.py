"""False-positive control for candidate values: placeholders, demo values, low entropy.

Docs, tutorials and templates are full of `your-api-key`, `sk_live_xxxxxxxx`, `<token>` and
`${VAR}`; flagging them trains people to ignore the tool. Everything here is a cheap, pure
function of the candidate value.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import _count_elements  # type: ignore[attr-defined]
from typing import Any

import re2

#: Substrings (lower-case) that mark a value as a stand-in whatever surrounds them.
PLACEHOLDER_MARKERS = (
    "example",
    "sample",
    "dummy",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "your",
    "redacted",
    "xxxx",
    "****",
    "####",
    "....",
    "\u2026",
    "fake",
    "insert",
    "replace",
    "todo",
    "fixme",
    "notreal",
    "not_real",
    "not-a-real",
    "a-string-secret-at-least",  # jwt.io's default HMAC secret
    "_here",
    "-here",
    "lorem",
)

#: Weak words that also make up real passwords written to a policy (`SecureDb!2024`): with them,
#: a number that is not counting or repeated keeps the value a secret.
POLICY_WORDS = ("secure", "strong", "hardcoded", "db")

#: Words that make a value a demo only when little else is left once they are removed
#: (`supersecret`, `my-token-123`, `abc123abc123`), unlike `Kq9#secret#Zt81wP`.
WEAK_WORDS = (
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "test",
    "demo",
    "super",
    "abc123",
    "123abc",
    "123456",
    "qwerty",
    "letmein",
    "foobar",
    "admin",
    "my",
    "pass",
    "wrong",
    "correct",
    "invalid",
    "valid",
    "user",
    "guest",
    "welcome",
    "hello",
    "real",
    "actual",
    "key",
    *POLICY_WORDS,
)

#: Whole values that are never secrets (case-insensitive).
_NON_VALUES = frozenset(
    {
        "true",
        "false",
        "null",
        "none",
        "nil",
        "undefined",
        "empty",
        "required",
        "optional",
        "string",
        "str",
        "bytes",
        "int",
        "number",
        "boolean",
        "bool",
        "object",
        "any",
        "unknown",
        "secret",
        "hidden",
        "masked",
        "default",
        "env",
        "environ",
        "os",
        "self",
        "this",
        "value",
        "test",
        "testing",
        "demo",
        "admin",
        "root",
        "guest",
        "user",
        "username",
        "pass",
        "n/a",
        "na",
        "tbd",
    }
)


#: Values made only of these are masks (`xxx`, `***`, `x-x-x`), not credentials.
_MASK_CHARS = frozenset("x*._-#")


#: c * log2(c) for small counts, so entropy needs no per-character Python arithmetic.
_CLOG = [0.0] + [c * math.log2(c) for c in range(1, 4097)]


def shannon_entropy(value: str) -> float:
    """Bits per character of `value` (0 for empty): log2(n) - sum(c log2 c) / n."""
    if not value:
        return 0.0
    n = len(value)
    tally: dict[str, int] = {}
    _count_elements(tally, value)  # Counter's C helper, without Counter's Python-level setup
    counts = tally.values()
    if n <= 4096:
        total = sum(map(_CLOG.__getitem__, counts))
    else:
        total = sum(c * math.log2(c) for c in counts)
    return max(0.0, math.log2(n) - total / n)


_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGIT = frozenset("0123456789")


def char_classes(value: str) -> int:
    """How many of lower / upper / digit / other the value mixes."""
    chars = set(value)
    other = chars - _LOWER - _UPPER - _DIGIT
    return (
        (not chars.isdisjoint(_LOWER))
        + (not chars.isdisjoint(_UPPER))
        + (not chars.isdisjoint(_DIGIT))
        + bool(other)
    )


def longest_run(value: str) -> int:
    """Length of the longest run of one repeated character."""
    best = run = 0
    prev = ""
    for ch in value:
        run = run + 1 if ch == prev else 1
        prev = ch
        best = max(best, run)
    return best


def longest_sequence(value: str) -> int:
    """Length of the longest run of consecutive code points (`abcdef`, `123456`, `fedcba`)."""
    best = run = 1 if value else 0
    step = 0
    for a, b in itertools.pairwise(value):
        d = ord(b) - ord(a)
        if d in (1, -1) and (run == 1 or d == step):
            run += 1
            step = d
        else:
            run = 1 if d not in (1, -1) else 2
            step = d
        best = max(best, run)
    return best


_DIGITS = "0123456789"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
#: Every 6-character ascending or descending run of digits or letters.
_SEQUENCES6 = tuple(
    {
        seq[i : i + 6]
        for seq in (_DIGITS, _LETTERS, _DIGITS[::-1], _LETTERS[::-1])
        for i in range(len(seq) - 5)
    }
)
_RUN5 = re.compile(r"(.)\1{4}", re.S)


def has_sequence6(low: str) -> bool:
    """True if the lower-cased value contains `abcdef`, `123456`, `987654`, ..."""
    return any(seq in low for seq in _SEQUENCES6)


def is_periodic(value: str, max_period: int = 8) -> bool:
    """True for values that repeat a short chunk, e.g. `abc123abc123abc123`."""
    n = len(value)
    first = value[:1]
    return any(
        value[p] == first and value[p:] == value[:-p] for p in range(1, min(max_period, n // 2) + 1)
    )


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False
    return options


def _re2(pattern: str) -> Any:
    return re2.compile(pattern, options=_options())


#: One RE2 pass (a DFA: linear, and one call instead of dozens of substring tests) over the
#: value: marker words and counting sequences (any case), template / interpolation syntax
#: (case matters there: `%s` is printf, `%S` may be part of a password).
_STANDIN_SOURCE = (
    "(?i:"
    + "|".join(re.escape(m) for m in PLACEHOLDER_MARKERS)
    + "|"
    + "|".join(sorted(_SEQUENCES6))
    + r")|\$\{|\$\(|\{\{|\}\}|%\(|%s\b|<[A-Za-z_ -]{1,40}>|\bENC\[|^\$[A-Za-z_]"
    + r"|^@[A-Za-z.]{1,40}\(|^![A-Za-z][A-Za-z0-9_:]{0,30}$|^%[A-Za-z_][A-Za-z0-9_]{0,60}%$"
)
_WEAK_SOURCE = "(?i:" + "|".join(re.escape(w) for w in WEAK_WORDS) + ")"
_STANDIN = _re2(_STANDIN_SOURCE)
_WEAK = _re2(_WEAK_SOURCE)

#: Both tests in one RE2 call (a `Set` match returns which patterns occur; the per-call wrapper
#: cost, not the scan, dominates on the short values of dense inputs).
#: Letters and digits alternating from the start, after an optional provider prefix: the gate
#: for `_interleaved_counting` (`a1b2c3...`, `shpss_1a2b3c...`), in the same RE2 pass.
#: A provider-style prefix before a demo body (`sk_live_`, `ghp_`, `key-`).
_DEMO_PREFIX_SOURCE = r"[a-z]{2,8}[_-](?:(?:live|test|prod|dev)[_-])?"
_ALTERNATING_SOURCE = rf"(?i)^(?:{_DEMO_PREFIX_SOURCE})?(?:(?:[a-z][0-9]){{3}}|(?:[0-9][a-z]){{3}})"
_ALTERNATING = _re2(_ALTERNATING_SOURCE)

#: The three tests in one RE2 call (a `Set` match returns which patterns occur; the per-call
#: wrapper cost, not the scan, dominates on the short values of dense inputs).
_BOTH = re2.Set.SearchSet(_options())
_BOTH.Add(_STANDIN_SOURCE)
_BOTH.Add(_WEAK_SOURCE)
_BOTH.Add(_ALTERNATING_SOURCE)
_BOTH.Compile()


def _standin_weak(value: str) -> tuple[bool, bool, bool]:
    try:
        found = _BOTH.Match(value)
    except Exception:
        return (_STANDIN.search(value) is not None, _WEAK.search(value) is not None,
                _ALTERNATING.search(value) is not None)
    if not found:  # no match (RE2 gives up only past its memory budget: then, flag as usual)
        return False, False, False
    return 0 in found, 1 in found, 2 in found


def is_placeholder(value: str) -> bool:
    """True when `value` reads as a stand-in: a template, a marker word, or a trivial pattern."""
    if not value:
        return True
    low = value.lower()
    if low in _NON_VALUES or set(low) <= _MASK_CHARS:
        return True
    standin, weak, alternating = _standin_weak(value)
    if standin:
        return True
    if _is_trivial_shape(value) or is_demo_sequence(value) or (alternating and _interleaved_counting(low)):
        return True
    if not weak:
        return False
    rest = low
    for word in WEAK_WORDS:
        rest = rest.replace(word, "")
    if any(w in low for w in POLICY_WORDS) and _arbitrary_number(rest):
        return False  # `SecureDb!2024`, `dbadmin2023`: a real password's shape (`securepass123` is not)
    if len(rest) < 6 or is_trivial(rest):
        return True
    # `sk-abc123realkey456`: a prefix and counting runs around the weak words; punctuation
    # between them is decoration (`db_password_12345!`)
    return len(_NOT_ALNUM.sub("", _ASCENDING3.sub("", _DEMO_PREFIX.sub("", rest)))) < 4


_NOT_ALNUM = re.compile(r"[^a-z0-9]")
_DIGIT_RUN = re.compile(r"[0-9]{2,}")


def _arbitrary_number(rest: str) -> bool:
    """A number that is neither counting (`123`, `12345`) nor one repeated digit (`99`)."""
    return any(longest_sequence(d) < len(d) and len(set(d)) > 1 for d in _DIGIT_RUN.findall(rest))


#: Runs of 3+ consecutive characters (`abc`, `xyz`, `123`, `789`, `def`): what people type for demo
#: values (`abc123xyz789`, `sk_live_abc123def456`). Random strings are never made only of them.
_ASCENDING3 = re.compile(
    "|".join(re.escape(seq[i : i + 3]) for seq in (_DIGITS, _LETTERS) for i in range(len(seq) - 2))
)
_DEMO_PREFIX = re.compile("^" + _DEMO_PREFIX_SOURCE)


def is_demo_sequence(value: str) -> bool:
    """`abc123xyz789`, `sk_live_abc123def456`: nothing left once ascending runs are removed."""
    if len(value) > 64:
        return False  # demo values are typed by hand: short
    low = _DEMO_PREFIX.sub("", value.lower())
    if len(low) < 9:
        return False
    # At most 3 characters may stand outside a run, so a run starts within the first 6.
    head = [ord(c) for c in low[:8]]
    if not any(
        head[i + 1] - head[i] == 1 == head[i + 2] - head[i + 1] for i in range(len(head) - 2)
    ):
        return False
    return len(_ASCENDING3.sub("", low)) < 4


def _interleaved_counting(low: str) -> bool:
    """`a1b2c3d4e5f6...`, `1a2b3C4d-5E6f...`: letters counting up between digits counting up,
    what people type for a demo value (the letters and the digits are each a run), also after a
    provider prefix (`shpss_a1b2c3...`)."""
    low = _DEMO_PREFIX.sub("", low)
    if len(low) < 12:
        return False
    letters = [c for c in low if "a" <= c <= "z"]
    digits = [c for c in low if c.isdigit()]
    if len(letters) < 5 or len(digits) < 5 or len(letters) + len(digits) < len(low) * 0.8:
        return False
    return _counts_up(letters) and _counts_up(digits)


def _counts_up(chars: list[str]) -> bool:
    """Each character follows the one before (`abcdef`, `1234567890`, wrapping `9` to `0`)."""
    steps = [(ord(b) - ord(a)) % (10 if a.isdigit() else 26) for a, b in itertools.pairwise(chars)]
    return sum(step == 1 for step in steps) >= len(steps) * 0.8


def is_trivial(value: str) -> bool:
    """Repeated characters, counting sequences or a short repeating chunk (first 256 chars)."""
    value = value[:256]
    if len(value) >= 6 and has_sequence6(value.lower()):
        return True
    return _is_trivial_shape(value)


def _is_trivial_shape(value: str) -> bool:
    value = value[:256]
    n = len(value)
    if n >= 5 and _RUN5.search(value) is not None and longest_run(value) >= max(5, n // 3):
        return True
    distinct = len(set(value))
    # a value repeating a chunk of at most 8 characters has at most 8 distinct ones
    if n >= 8 and distinct <= 8 and is_periodic(value):
        return True
    return n >= 12 and distinct <= max(3, min(n // 8, 6))


def token_body_ok(body: str, *, min_entropy: float = 3.0) -> bool:
    """Gate for the random part of a provider token (after its fixed prefix).

    Provider tokens are 20+ characters from a 62+ symbol alphabet, so their entropy is far above
    3 bits/char; demo values (`sk_live_abc123abc123...`, `ghp_xxxxxxxx`) fail here.
    """
    if not body or is_placeholder(body):
        return False
    return len(body) < 12 or shannon_entropy(body) >= min_entropy
