"""Cheap byte-level prefilters: which literals must a file contain for a rule to be able to match?

A `symbols` regex such as `(?i)^(login|logout)$` can only match a definition name in a file whose
bytes contain `login` or `logout`, and a tree-sitter query with `(#eq? @k "kind")` only in a file
that contains `kind`. Checking that with one RE2 scan lets the classifier skip the expensive step
(walking definitions, running a query) for most files. Every function here is conservative: when
it cannot prove a requirement it returns None, which means "always run".
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

if sys.version_info >= (3, 11):
    from re import _constants as _sre_constants
    from re import _parser as _sre_parse
else:  # pragma: no cover
    import sre_constants as _sre_constants
    import sre_parse as _sre_parse

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
_AT = _sre_constants.AT
_IN = _sre_constants.IN


def regex_literals(pattern: str) -> frozenset[str] | None:
    """Lower-cased literals one of which occurs in every string `pattern` matches, or None.

    `(?i)^(login|logout|verify_?token)$` -> {"login", "logout", "verifytoken", "verify_token"};
    `^aws_iam_` -> {"aws_iam_"}; `.*` -> None.
    """
    try:
        parsed = _sre_parse.parse(pattern)
    except Exception:
        return None
    exact, required = _analyze(list(parsed.data))
    best = required if exact is None else _better(exact, required)
    if not best or min(len(s) for s in best) < MIN_LITERAL:
        return None
    return _minimal(s.lower() for s in best)


def _minimal(literals: Iterable[str]) -> frozenset[str]:
    """Drop literals that contain another one (finding `ssn` already finds `ssn_`)."""
    ordered = sorted(set(literals), key=len)
    kept: list[str] = []
    for literal in ordered:
        if not any(k in literal for k in kept):
            kept.append(literal)
    return frozenset(kept)


#: cap on the strings an exact set may hold (cross products grow fast)
_MAX_EXACT = 64
_Sets = tuple[frozenset[str] | None, frozenset[str] | None]


def _better(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """The more selective requirement: longest shortest literal, then fewest literals. Length
    is counted without underscores: symbol rules are also tried on camelCase names, which the
    scanner finds by a literal's letters (`is_` is only `Is` in `IsRangePermitted`)."""
    if not a:
        return b or None
    if not b:
        return a
    key_a = (min(len(s.replace("_", "")) for s in a), -len(a))
    key_b = (min(len(s.replace("_", "")) for s in b), -len(b))
    return a if key_a >= key_b else b


def _analyze(items: list[tuple[Any, Any]]) -> _Sets:
    """(exact, required) of a sequence: `exact` is the finite set of strings it matches (None if
    unknown); `required` a set one of which every match contains (None if none is known)."""
    best: frozenset[str] | None = None
    run: set[str] | None = {""}
    all_exact = True
    for op, av in items:
        exact, required = _element(op, av)
        if exact is not None and run is not None and len(run) * len(exact) <= _MAX_EXACT:
            run = {a + b for a in run for b in exact}
            continue
        if run is not None and "" not in run:
            best = _better(best, frozenset(run))
        if exact is not None:  # the cross product grew too large: start a new run here
            run = set(exact)
            all_exact = False
            continue
        all_exact = False
        run = {""}
        best = _better(best, required)
    if run is not None and "" not in run:
        best = _better(best, frozenset(run))
    exact_all = frozenset(run) if all_exact and run is not None else None
    return exact_all, best


def _element(op: Any, av: Any) -> _Sets:
    if op is _LITERAL:
        return frozenset([chr(av)]), None
    if op is _AT:
        return frozenset([""]), None  # anchors match no text
    if op is _SUBPATTERN:
        return _analyze(list(av[-1]))
    if _ATOMIC is not None and op is _ATOMIC:
        return _analyze(list(av))
    if op is _IN:
        chars = [chr(v) for o, v in av if o is _LITERAL]
        if len(chars) == len(av) and 0 < len(chars) <= 8:
            return frozenset(chars), None
        return None, None
    if op is _BRANCH:
        results = [_analyze(list(a)) for a in av[1]]
        exact: frozenset[str] | None = None
        if all(e is not None for e, _ in results) and sum(len(e or ()) for e, _ in results) <= _MAX_EXACT:
            exact = frozenset().union(*(e for e, _ in results if e is not None))
        parts = [_better(e if e is not None and "" not in e else None, r) for e, r in results]
        required = frozenset().union(*parts) if parts and all(parts) else None  # type: ignore[arg-type]
        return exact, required
    if op in _REPEATS:
        low, high, sub = av
        exact, required = _analyze(list(sub))
        if low == 0 and high == 1 and exact is not None:
            return exact | {""}, None
        if low == 1 and high == 1:
            return exact, required
        if low >= 1:
            inner = exact if exact is not None and "" not in exact else None
            return None, _better(inner, required)
        return None, None
    return None, None


#: Marks a literal that is a whole identifier (an `#eq?`/`#any-of?` over an identifier capture):
#: the scanner then wants it between non-word characters, so `sign` is not found in `assign`. An
#: identifier never has a word character beside it in source, so this only drops impossible hits.
WHOLE_WORD = "\x00"
#: Marks a literal that is a whole number literal: nothing word-like precedes a number, but a
#: keyword may follow one directly (Python still parses `403if x else 200`), so only its start is
#: anchored: `403` is not looked for inside `14030`.
NUMBER_START = "\x01"
#: number literal node types (Python, JS/TS, Go, Java)
_NUMBER_TYPES = frozenset({"integer", "number", "int_literal", "decimal_integer_literal"})


def _literal_regex(literal: str) -> str:
    if literal.startswith(NUMBER_START):
        return r"\b" + str(re2.escape(literal[1:]))
    if not literal.startswith(WHOLE_WORD):
        return str(re2.escape(literal))
    body = literal[1:]
    left = r"\b" if body[:1].isascii() and (body[:1].isalnum() or body[:1] == "_") else ""
    right = r"\b" if body[-1:].isascii() and (body[-1:].isalnum() or body[-1:] == "_") else ""
    return left + str(re2.escape(body)) + right


#: Scanners alternate over every literal of the rules (thousands with a team's config). RE2's
#: default 8 MB let the DFA of such a case-insensitive alternation run out of memory: RE2 then
#: falls back to a slower engine and, with its default options, logs every search to stderr
#: (a team's config printed ~950 "DFA out of memory" lines per run).
SCANNER_OPTIONS = re2.Options()
SCANNER_OPTIONS.log_errors = False
SCANNER_OPTIONS.max_mem = 64 << 20


def literal_scanner(literals: frozenset[str] | set[str]) -> Any:
    """A case-insensitive RE2 regex over bytes finding any of `literals` (see `WHOLE_WORD`)."""
    alternatives = sorted(literals, key=lambda s: (-len(s), s))
    source = "(?i)(?:" + "|".join(_literal_regex(s) for s in alternatives) + ")"
    return re2.compile(source.encode("utf-8"), options=SCANNER_OPTIONS)


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
        _collect(group, needs, None, _capture_types(group, {}))
        if not needs:
            return None
        result.append(needs)
    return result


class _Group:
    __slots__ = ("atom_captures", "captures", "children", "kind", "last", "quantifier", "tokens")

    def __init__(self, kind: str) -> None:
        self.kind = kind  # "(" or "["
        self.children: list[_Group] = []
        self.tokens: list[str] = []  # atoms and strings directly inside, in order
        self.quantifier = ""
        self.captures: list[str] = []  # `(node) @x`: captures of this group
        self.atom_captures: list[tuple[str, bool]] = []  # `"def" @x`, `_ @x`: (name, optional)
        self.last: _Group | str | None = None  # the last element seen inside (for captures)

    @property
    def is_predicate(self) -> bool:
        return bool(self.tokens) and self.tokens[0].startswith("#")


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
    quantified_atom = False
    for token in tokens:
        current = stack[-1]
        if token in ("(", "["):
            group = _Group(token)
            current.children.append(group)
            current.tokens.append("\x00group")
            current.last = group
            stack.append(group)
        elif token in (")", "]"):
            if len(stack) == 1:
                raise ValueError("unbalanced")
            stack.pop()
        elif token in ("?", "*", "+") and current.last is not None:
            if isinstance(current.last, _Group):
                current.last.quantifier = token
            else:
                quantified_atom = token in ("?", "*")
        elif token.startswith("@") and not current.is_predicate and current.last is not None:
            if isinstance(current.last, _Group):
                current.last.captures.append(token)
            else:
                current.atom_captures.append((token, quantified_atom))
        else:
            current.tokens.append(token)
            current.last = token
            quantified_atom = False
    if len(stack) != 1:
        raise ValueError("unbalanced")
    return top.children


def _mandatory_captures(group: _Group, found: set[str], required: bool = True) -> set[str]:
    """Captures present in every match: not inside an alternation or an optional (`?`, `*`) part."""
    required = required and group.kind != "[" and group.quantifier not in ("?", "*")
    if required:
        found.update(group.captures)
        found.update(name for name, optional in group.atom_captures if not optional)
    for child in group.children:
        _mandatory_captures(child, found, required)
    return found


def _capture_types(group: _Group, found: dict[str, str]) -> dict[str, str]:
    """The node type each capture names (`(identifier) @m` -> `identifier`; `_` when unknown)."""
    if group.captures and group.tokens and not group.is_predicate and group.tokens[0] != "\x00group":
        for capture in group.captures:
            found[capture] = group.tokens[0]
    for child in group.children:
        _capture_types(child, found)
    return found


def _collect(
    group: _Group, needs: list[frozenset[str]], mandatory: set[str] | None = None,
    types: dict[str, str] | None = None,
) -> None:
    """Requirements of `group` that hold for every match: predicates outside alternations and
    optional parts whose captures always exist (a predicate over an absent capture holds)."""
    if mandatory is None:
        mandatory = _mandatory_captures(group, set())
    if group.kind == "[" or group.quantifier in ("?", "*"):
        return
    if group.is_predicate:
        _predicate(group.tokens, needs, mandatory, types or {})
        return
    for child in group.children:
        _collect(child, needs, mandatory, types)


def _predicate(tokens: list[str], needs: list[frozenset[str]], mandatory: set[str], types: dict[str, str]) -> None:
    name = tokens[0]
    strings = [t[1:] for t in tokens[1:] if t.startswith('"')]
    captures = [t for t in tokens[1:] if t.startswith("@")]
    if not captures or not all(c in mandatory for c in captures):
        return
    # `#eq?`/`#any-of?` compare a node's whole text: over an identifier the literal is a whole
    # word (`sign` is not looked for in `assign`), over a number it starts a token (not `14030`)
    kind = types.get(captures[0], "") if len(captures) == 1 else ""
    word = WHOLE_WORD if kind.endswith("identifier") else NUMBER_START if kind in _NUMBER_TYPES else ""
    if name == "#eq?" and len(strings) == 1 and len(captures) == 1 and len(strings[0]) >= MIN_LITERAL:
        needs.append(frozenset([word + strings[0].lower()]))
    elif name == "#any-of?" and strings and min(len(s) for s in strings) >= MIN_LITERAL:
        needs.append(frozenset(word + s.lower() for s in strings))
    elif name == "#match?" and len(strings) == 1:
        literals = regex_literals(strings[0])
        if literals:
            needs.append(literals)
