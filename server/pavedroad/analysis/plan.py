"""Per-language plans: the scanners and rule tables one language needs, compiled once.

A plan holds one RE2 scanner over a file's bytes whose group 1 finds the last segment of every
call/decorator name and every plain import name the rules mention, and whose group 2 finds
import statements of dotted or path-like modules; plus the tables that say which rule each token
belongs to and what else must occur in the file for it to matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import re2

from pavedroad.analysis.prefilter import literal_scanner, regex_literals
from pavedroad.analysis.queries import UserQuery
from pavedroad.analysis.syntax import SYNTAXES, Syntax

IMPORT, CALL, DECORATOR = 1, 2, 4


def last_segment(name: str) -> str:
    return name.rsplit(".", 1)[-1]


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
    symbols_always: bool  # some symbol regex has no usable prefilter
    queries: tuple[UserQuery, ...]
    import_keyword: Any  # RE2 finding import statements, or None

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
    if syntax.has_imports:
        imports = tuple(imports_by_pattern.items())
        for pattern, _ in imports:
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
            last = last_segment(pattern)
            add_token(last, role)
            out.setdefault(last, []).append((pattern, zones))
        return {k: tuple(v) for k, v in out.items()}

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
    if import_regexes:
        alternatives.append("(" + "|".join(dict.fromkeys(import_regexes)) + ")")
    scanner = compile_bytes("|".join(alternatives)) if (token_roles or import_regexes) else None

    literals: set[str] = set()
    symbols_always = False
    if symbol_rules and (lang != "yaml"):
        for source, _, _ in symbol_rules:
            found = regex_literals(source)
            if found is None:
                symbols_always = True
            else:
                literals |= found
    symbol_prefilter = literal_scanner(literals) if literals and not symbols_always else None
    import_keyword = compile_bytes(syntax.import_keyword.decode()) if syntax.import_keyword else None
    return Plan(
        syntax=syntax,
        scanner=scanner,
        token_roles=token_roles,
        token_heads=token_heads,
        import_segments={k: tuple(v) for k, v in import_segments.items()},
        imports=imports,
        calls=calls,
        decorators=decorators,
        symbol_prefilter=symbol_prefilter,
        symbols_always=symbols_always,
        queries=tuple(queries_by_language.get(lang, ())),
        import_keyword=import_keyword,
    )


RE2_OPTIONS = re2.Options()
RE2_OPTIONS.log_errors = False
RE2_OPTIONS.max_mem = 32 << 20  # scanners alternate over every name the rules mention


def re2_escape(text: str) -> str:
    return str(re2.escape(text))


def compile_bytes(source: str) -> Any:
    return re2.compile(source.encode("utf-8"), options=RE2_OPTIONS)
