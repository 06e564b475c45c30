"""Cheap byte-level prefilters: which literals must a file contain for a rule to be able to match?

A `symbols` regex such as `(?i)^(login|logout)$` can only match a definition name in a file whose
bytes contain `login` or `logout`, and a tree-sitter query with `(#eq? @k "kind")` only in a file
that contains `kind`. Checking that with one RE2 scan lets the classifier skip the expensive step
(walking definitions, running a query) for most files. Every function here is conservative: when
it cannot prove a requirement it returns None, which means "always run".
"""

from __future__ import annotations

from typing import Any

try:  # Python >= 3.11
    from re import _constants as _sre_constants  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

import re2

#: literals shorter than this are not worth a prefilter (they occur nearly everywhere)
MIN_LITERAL = 3

_LITERAL = _sre_constants.LITERAL
_SUBPATTERN = _sre_constants.SUBPATTERN
_BRANCH = _sre_constants.BRANCH
_REPEATS = tuple(
    getattr(_sre_constants, name)
    for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if hasattr(_sre_constants, name)
)
_ATOMIC = getattr(_sre_constants, "ATOMIC_GROUP", None)


def regex_literals(pattern: str) -> frozenset[str] | None:
    """Lower-cased literals one of which occurs in every string `pattern` matches, or None.

    `(?i)^(login|logout|verify_?token)$` -> {"login", "logout", "verify"}; `^aws_iam_` ->
    {"aws_iam_"}; `.*` -> None.
    """
    try:
        parsed = _sre_parse.parse(pattern)
    except Exception:
        return None
    best = _sequence(list(parsed))
    if not best or min(len(s) for s in best) < MIN_LITERAL:
        return None
    return frozenset(s.lower() for s in best)


def _sequence(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            candidates.append(frozenset(["".join(run)]))
            run.clear()

    for op, av in items:
        if op is _LITERAL:
            run.append(chr(av))
            continue
        flush()
        sub: frozenset[str] | None = None
        if op is _SUBPATTERN:
            sub = _sequence(list(av[-1]))
        elif _ATOMIC is not None and op is _ATOMIC:
            sub = _sequence(list(av))
        elif op is _BRANCH:
            alternatives = [_sequence(list(a)) for a in av[1]]
            if alternatives and all(alternatives):
                sub = frozenset().union(*alternatives)  # type: ignore[arg-type]
        elif op in _REPEATS and av[0] >= 1:
            sub = _sequence(list(av[2]))
        if sub:
            candidates.append(sub)
    flush()
    if not candidates:
        return None
    return max(candidates, key=lambda s: (min(len(x) for x in s), -len(s)))


def literal_scanner(literals: frozenset[str] | set[str]) -> Any:
    """A case-insensitive RE2 regex over bytes finding any of `literals`."""
    alternatives = sorted(literals, key=lambda s: (-len(s), s))
    source = "(?i)(?:" + "|".join(re2.escape(s) for s in alternatives) + ")"
    return re2.compile(source.encode("utf-8"))


# --- tree-sitter queries ------------------------------------------------------------------------
def query_requirements(source: str) -> list[list[frozenset[str]]] | None:
    """For each top-level pattern of a query, the literal sets that must each be present in a file
    for that pattern to match there. None if some pattern has no provable requirement (or the
    source could not be read), i.e. the query must always run.
    """
    try:
        groups = _parse_groups(source)
    except ValueError:
        return None
    if not groups:
        return None
    result: list[list[frozenset[str]]] = []
    for group in groups:
        needs: list[frozenset[str]] = []
        _collect(group, needs)
        if not needs:
            return None
        result.append(needs)
    return result


class _Group:
    __slots__ = ("children", "kind", "quantifier", "tokens")

    def __init__(self, kind: str) -> None:
        self.kind = kind  # "(" or "["
        self.children: list[_Group] = []
        self.tokens: list[str] = []  # atoms and strings directly inside, in order
        self.quantifier = ""


def _tokenize(source: str) -> list[str]:
    tokens: list[str] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch.isspace():
            i += 1
        elif ch == ";":
            while i < n and source[i] != "\n":
                i += 1
        elif ch in "()[]":
            tokens.append(ch)
            i += 1
        elif ch == '"':
            j = i + 1
            buf = []
            while j < n and source[j] != '"':
                if source[j] == "\\" and j + 1 < n:
                    nxt = source[j + 1]
                    buf.append({"n": "\n", "t": "\t", "r": "\r", "0": "\0"}.get(nxt, nxt))
                    j += 2
                else:
                    buf.append(source[j])
                    j += 1
            if j >= n:
                raise ValueError("unterminated string")
            tokens.append('"' + "".join(buf))
            i = j + 1
        else:
            j = i
            while j < n and not source[j].isspace() and source[j] not in '()[]";':
                j += 1
            tokens.append(source[i:j])
            i = j
    return tokens


def _parse_groups(source: str) -> list[_Group]:
    tokens = _tokenize(source)
    top = _Group("(")
    stack = [top]
    for token in tokens:
        if token in ("(", "["):
            group = _Group(token)
            stack[-1].children.append(group)
            stack[-1].tokens.append("\x00group")
            stack.append(group)
        elif token in (")", "]"):
            if len(stack) == 1:
                raise ValueError("unbalanced")
            stack.pop()
        elif token in ("?", "*", "+") and stack[-1].children and stack[-1].tokens[-1:] == ["\x00group"]:
            stack[-1].children[-1].quantifier = token
        else:
            stack[-1].tokens.append(token)
    if len(stack) != 1:
        raise ValueError("unbalanced")
    return top.children


def _collect(group: _Group, needs: list[frozenset[str]]) -> None:
    """Requirements of `group` that hold for every match (skips alternations and optional parts)."""
    if group.kind == "[" or group.quantifier in ("?", "*"):
        return
    tokens = group.tokens
    if tokens and tokens[0].startswith("#"):
        _predicate(tokens, needs)
        return
    for child in group.children:
        _collect(child, needs)


def _predicate(tokens: list[str], needs: list[frozenset[str]]) -> None:
    name = tokens[0]
    strings = [t[1:] for t in tokens[1:] if t.startswith('"')]
    captures = [t for t in tokens[1:] if t.startswith("@")]
    if not captures:
        return
    if name == "#eq?" and len(strings) == 1 and len(captures) == 1 and len(strings[0]) >= MIN_LITERAL:
        needs.append(frozenset([strings[0].lower()]))
    elif name == "#any-of?" and strings and min(len(s) for s in strings) >= MIN_LITERAL:
        needs.append(frozenset(s.lower() for s in strings))
    elif name == "#match?" and len(strings) == 1:
        literals = regex_literals(strings[0])
        if literals:
            needs.append(literals)
