"""Per-language plans: the scanners and rule tables one language needs, compiled once.

A plan holds one RE2 scanner over a file's bytes whose group 1 finds the last segment of every
call/decorator name and every plain import name the rules mention, and whose group 2 finds
import statements of dotted or path-like modules; plus the tables that say which rule each token
belongs to and what else must occur in the file for it to matter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import re2

from pavedroad.analysis.prefilter import literal_scanner, regex_literals
from pavedroad.analysis.queries import ScannerGate, UserQuery, scanner_gate
from pavedroad.analysis.syntax import SYNTAXES, Syntax
from pavedroad.analysis.syntax.base import SUFFIX_PATTERN

IMPORT, CALL, DECORATOR = 1, 2, 4


def last_segment(name: str) -> str:
    return name.rsplit(".", 1)[-1]


_WORD_SPLIT = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+")


def name_words(name: str) -> list[str]:
    """`check_password`, `checkPassword`, `CheckPassword`, `CHECK_PASSWORD` -> [check, password];
    `getJWTToken` -> [get, jwt, token]."""
    return [w.lower() for part in name.split("_") for w in _WORD_SPLIT.findall(part)]


def snake_case(name: str) -> str:
    return "_".join(name_words(name)) or name


def name_variants(name: str) -> tuple[str, ...]:
    """The spellings of a name in the usual styles (the name itself first): a rule written
    `check_password` also matches `checkPassword` and `CheckPassword`, and the reverse."""
    words = name_words(name)
    if len(words) < 2 or not name.replace("_", "").isalnum():
        return (name,)
    snake = "_".join(words)
    camel = words[0] + "".join(w.capitalize() for w in words[1:])
    pascal = "".join(w.capitalize() for w in words)
    return tuple(dict.fromkeys((name, snake, camel, pascal)))


@dataclass
class Plan:
    """Everything one language needs, compiled once per Classifier."""

    syntax: Syntax
    scanner: Any  # RE2 over bytes: group 1 = token, group 2 = import literal; or None
    token_roles: dict[bytes, int]
    imports: tuple[tuple[str, tuple[str, ...]], ...]  # (pattern, zone ids)
    calls: dict[str, tuple[tuple[str, tuple[str, ...]], ...]]  # last segment -> (pattern, zones)
    decorators: dict[str, tuple[tuple[str, tuple[str, ...]], ...]]
    #: tokens that only dotted rules use: a file must contain one of these heads for them to match
    token_heads: dict[bytes, tuple[bytes, ...]]
    #: import token -> the other segments of each of its patterns (all of one must occur)
    import_segments: dict[bytes, tuple[tuple[bytes, ...], ...]]
    symbol_prefilter: Any  # RE2 scanner, or None
    #: RE2 finding whole identifiers that contain a symbol rule's literal, or None
    symbol_words: Any
    symbols_always: bool  # some symbol regex has no usable prefilter
    queries: tuple[UserQuery, ...]
    import_keyword: Any  # RE2 finding import statements, or None
    #: finds any literal of the queries that need one (queries without literals always run)
    query_prefilter: Any = None
    #: says in one pass which of the queries' literal scanners find anything in a file
    query_gate: ScannerGate | None = None
    #: RE2 of the `**/NAME` import terms alone (or None): an import anchor they find serves
    #: patterns of any head, so the head's segment check (`import_segments`) must not drop it
    suffix_imports: Any = None

    @property
    def has_symbols(self) -> bool:
        return self.symbol_prefilter is not None or self.symbols_always


def build_plan(
    lang: str,
    imports_by_pattern: dict[str, tuple[str, ...]],
    calls_by_pattern: dict[str, tuple[str, ...]],
    decorators_by_pattern: dict[str, tuple[str, ...]],
    symbol_rules: list[tuple[str, Any, str]],
    queries_by_language: dict[str, list[UserQuery]],
) -> Plan:
    """Everything `lang` needs to classify a file, compiled once per Classifier."""
    syntax = SYNTAXES[lang]
    token_roles: dict[bytes, int] = {}
    import_regexes: list[str] = []

    def add_token(word: str, role: int) -> None:
        if word and (word.replace("$", "_")).isidentifier():
            key = word.encode("utf-8")
            token_roles[key] = token_roles.get(key, 0) | role

    imports: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # an import token (`io` for `io.jsonwebtoken`) is only worth following in a file that
    # contains every segment of one of its patterns, whatever the import's form
    import_segments: dict[bytes, list[tuple[bytes, ...]]] = {}
    suffix_regexes: list[str] = []
    if syntax.has_imports:
        imports = tuple(imports_by_pattern.items())
        for pattern, _ in imports:
            if pattern.startswith(SUFFIX_PATTERN):
                suffix_regexes.extend(syntax.suffix_import_terms(pattern[len(SUFFIX_PATTERN):]))
                continue
            tokens, regexes = syntax.import_terms(pattern)
            for token in tokens:
                add_token(token, IMPORT)
            if tokens or regexes:
                parts = [part.encode("utf-8") for part in pattern.split(".")]
                import_segments.setdefault(parts[0], []).append(tuple(parts[1:]))
            import_regexes.extend(regexes)

    def grouped(rules: dict[str, tuple[str, ...]], role: int) -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
        out: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for pattern, zones in rules.items():
            head, dot, last = pattern.rpartition(".")
            for variant in name_variants(last):  # style-insensitive: snake, camel, Pascal
                add_token(variant, role)
                out.setdefault(variant, []).append((head + dot + variant, zones))
        return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}

    calls = grouped(calls_by_pattern, CALL) if syntax.has_calls else {}
    decorators = grouped(decorators_by_pattern, DECORATOR) if syntax.has_decorators else {}
    # `Jwts.parser` can only match where `Jwts` occurs (in the call or in an import that binds
    # it): a file with `parser` but no `Jwts` needs no parse for that rule.
    heads: dict[bytes, set[bytes]] = {}
    always_live: set[bytes] = set()
    for rules in (calls, decorators):
        for last, entries in rules.items():
            key = last.encode("utf-8")
            for pattern, _ in entries:
                if "." in pattern:
                    heads.setdefault(key, set()).add(pattern.split(".", 1)[0].encode("utf-8"))
                else:
                    always_live.add(key)
    token_heads = {key: tuple(sorted(found)) for key, found in heads.items() if key not in always_live}

    alternatives = []
    if token_roles:
        words = sorted((w.decode("utf-8") for w in token_roles), key=lambda w: (-len(w), w))
        alternatives.append(r"\b(" + "|".join(re2_escape(w) for w in words) + r")\b")
    else:
        alternatives.append(r"(\b\B)")  # keep group numbering: group 1 never matches
    import_regexes.extend(suffix_regexes)
    if import_regexes:
        alternatives.append("(" + "|".join(dict.fromkeys(import_regexes)) + ")")
    scanner = compile_bytes("|".join(alternatives)) if (token_roles or import_regexes) else None

    literals: set[str] = set()
    symbols_always = False
    if symbol_rules and (lang != "yaml"):
        for source, _, _ in symbol_rules:
            found = regex_literals(source)
            if found is None or any("_" in lit and len(lit.replace("_", "")) < 3 for lit in found):
                # no literal, or one (`is_`) whose camelCase spelling (`Is`) is too short to scan
                symbols_always = True
            else:
                literals |= found
    # symbol rules are tried on snake_case spellings too: `cancel_subscription` must also be found
    # where the file spells it `cancelSubscription` (the scanner ignores case, not underscores)
    literals |= {lit.replace("_", "") for lit in literals if "_" in lit and len(lit.replace("_", "")) >= 3}
    symbol_prefilter = literal_scanner(literals) if literals and not symbols_always else None
    # names used in a file that symbol rules may match (`_named_like`): every word holding a
    # rule's literal (calls, and names handed over: `app.use(zap)`); with a rule that has no
    # usable literal, also every called name (each distinct one is tried against the rules once;
    # `_named_like` trims the `(`). Both together: a literal-free rule any layer adds must not
    # stop the words of the other rules from being found (review, 2026-12-01).
    used_words: list[str] = []
    if literals:
        literal_words = "|".join(re2.escape(lit) for lit in sorted(literals, key=lambda x: (-len(x), x)))
        used_words.append(r"(?i:[A-Za-z0-9_$]*(?:" + literal_words + r")[A-Za-z0-9_$]*)")
    if symbols_always:
        used_words.append(r"[A-Za-z_$][A-Za-z0-9_$]*[ \t]*\(")
    symbol_words = compile_bytes("|".join(used_words)) if used_words else None
    import_keyword = compile_bytes(syntax.import_keyword.decode()) if syntax.import_keyword else None
    return Plan(
        syntax=syntax,
        scanner=scanner,
        token_roles=token_roles,
        token_heads=token_heads,
        import_segments={k: tuple(v) for k, v in import_segments.items()},
        suffix_imports=compile_bytes("|".join(dict.fromkeys(suffix_regexes))) if suffix_regexes else None,
        imports=imports,
        calls=calls,
        decorators=decorators,
        symbol_prefilter=symbol_prefilter,
        symbol_words=symbol_words,
        symbols_always=symbols_always,
        queries=tuple(queries_by_language.get(lang, ())),
        query_prefilter=_query_prefilter(queries_by_language.get(lang, ())),
        query_gate=scanner_gate(queries_by_language.get(lang, ()), RE2_OPTIONS),
        import_keyword=import_keyword,
    )


RE2_OPTIONS = re2.Options()
RE2_OPTIONS.log_errors = False
RE2_OPTIONS.max_mem = 32 << 20  # scanners alternate over every name the rules mention


def re2_escape(text: str) -> str:
    return str(re2.escape(text))


def compile_bytes(source: str) -> Any:
    return re2.compile(source.encode("utf-8"), options=RE2_OPTIONS)


def _query_prefilter(queries: Sequence[UserQuery]) -> Any:
    """One scanner for the union of the literals of the queries that need some (None if none do)."""
    literals: set[str] = set()
    for query in queries:
        if query.literals is not None:
            literals |= query.literals
    return literal_scanner(literals) if literals else None
