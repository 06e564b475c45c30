"""Tree-sitter languages: which files they cover, lazy grammar loading, and safe query compilation.

Grammars come from per-language wheels (offline, no run-time downloads). ABI-14 grammars report
`Language.name` as None, so languages are keyed by our own ids.
"""

from __future__ import annotations

import bisect
import itertools
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import import_module
from pathlib import PurePosixPath
from typing import Any, Literal

from tree_sitter import Language, Node, Parser, Query, QueryCursor, QueryError

from pavedroad.saferegex import PatternError, compile_regex


@dataclass(frozen=True)
class LanguageSpec:
    id: str
    module: str
    entry: str  # function in `module` returning the grammar capsule
    suffixes: tuple[str, ...]


LANGUAGES: dict[str, LanguageSpec] = {
    spec.id: spec
    for spec in (
        LanguageSpec("python", "tree_sitter_python", "language", (".py", ".pyi")),
        LanguageSpec("javascript", "tree_sitter_javascript", "language", (".js", ".mjs", ".cjs", ".jsx")),
        LanguageSpec("typescript", "tree_sitter_typescript", "language_typescript", (".ts", ".mts", ".cts")),
        LanguageSpec("tsx", "tree_sitter_typescript", "language_tsx", (".tsx",)),
        LanguageSpec("go", "tree_sitter_go", "language", (".go",)),
        LanguageSpec("java", "tree_sitter_java", "language", (".java",)),
        LanguageSpec("hcl", "tree_sitter_hcl", "language", (".tf", ".tfvars", ".hcl")),
        LanguageSpec("yaml", "tree_sitter_yaml", "language", (".yaml", ".yml")),
    )
}

#: Names a config may use for a language in `match.queries`.
LANGUAGE_ALIASES: dict[str, str] = {
    "py": "python",
    "js": "javascript",
    "jsx": "javascript",
    "ts": "typescript",
    "terraform": "hcl",
    "tf": "hcl",
    "yml": "yaml",
}

_SUFFIX_TO_LANGUAGE = {suffix: spec.id for spec in LANGUAGES.values() for suffix in spec.suffixes}


def canonical_language(name: str) -> str | None:
    """The language id for a name used in a config (`terraform` -> `hcl`), or None if unknown."""
    key = name.strip().lower()
    key = LANGUAGE_ALIASES.get(key, key)
    return key if key in LANGUAGES else None


def language_for_path(path: str) -> str | None:
    """The language id of a file by its suffix, or None (such files get path rules only)."""
    return _SUFFIX_TO_LANGUAGE.get(PurePosixPath(path).suffix.lower())


@cache
def grammar(language_id: str) -> Language:
    spec = LANGUAGES[language_id]
    return Language(getattr(import_module(spec.module), spec.entry)())


_local = threading.local()


def parser(language_id: str) -> Parser:
    """A parser for this thread (tree-sitter parsers are not safe to share between threads)."""
    cache: dict[str, Parser] | None = getattr(_local, "parsers", None)
    if cache is None:
        cache = _local.parsers = {}
    if language_id not in cache:
        cache[language_id] = Parser(grammar(language_id))
    return cache[language_id]


# --- user queries -----------------------------------------------------------------------------
# Tree-sitter evaluates `#match?` with Python's backtracking `re`. We rename those predicates to our
# own and evaluate them with RE2, so a committed query cannot hang the server either.
_REGEX_PREDICATE = re.compile(r"\(\s*#(not-)?match\?")
_REGEX_PREDICATE_ARGS = re.compile(r'\(\s*#(?:not-)?match\?\s+@[\w.\-]+\s+"((?:[^"\\]|\\.)*)"')
_SAFE_MATCH = "pavedroad-match?"
_SAFE_NOT_MATCH = "pavedroad-not-match?"

#: Most bytes one query runs over in one file (the sum of its windows). Past it the query does
#: not run and the file fails closed (it is put, whole, in the query's zone): a rule that depends
#: on the machine's speed would give CI, the editor and the agent different verdicts on the same
#: file. Dense code (a minified bundle) costs up to ~1.7 ms per KB per query here, ordinary
#: source ~0.3 ms, so the wall-clock budget below stays a guard against pathological queries.
QUERY_MAX_BYTES = 256 * 1024
#: Wall-clock guard for running one user query over one file (a pathological query).
QUERY_BUDGET_SECONDS = 1.0
#: A user query runs over ranges of this many bytes; the budget is checked between ranges.
_QUERY_CHUNK_BYTES = 64 * 1024


class QueryTimeout(RuntimeError):
    """A query could not run to the end over a file (its time guard or its match limit): the
    file fails closed into the query's zone."""


@dataclass(frozen=True)
class CompiledQuery:
    language: str
    query: Query
    source: str
    #: per pattern, what it looks for in words: the `;` comment above it (see `pattern_labels`)
    labels: tuple[str, ...] = ()

    def label(self, pattern_index: int) -> str:
        return self.labels[pattern_index] if 0 <= pattern_index < len(self.labels) else ""

    def captures(
        self,
        node: Node,
        budget: float = QUERY_BUDGET_SECONDS,
        ranges: Sequence[tuple[int, int]] | None = None,
    ) -> dict[str, list[tuple[Node, int]]]:
        """All captures under `node`, each with the index of the pattern that matched it; raises
        QueryTimeout past the budget instead of running on.

        `ranges`: only matches intersecting these byte ranges (sorted, disjoint) are wanted; the
        query then skips the rest of the tree.

        py-tree-sitter 0.26.1 must not be given a `progress_callback`: it hands the C library a
        pointer to a stack-allocated `TSQueryCursorOptions` that is kept after `exec` returns, so
        the callback is later read from reused stack memory and the process segfaults as soon as
        a predicate calls back into Python (any `#match?`). The query therefore runs over byte
        ranges of at most `_QUERY_CHUNK_BYTES`, and the deadline is checked between ranges.
        """
        deadline = time.monotonic() + budget
        result: dict[str, list[tuple[Node, int]]] = {}
        seen: set[tuple[str, int, int]] = set()
        spans = [(node.start_byte, node.end_byte)] if ranges is None else ranges
        for span_start, span_end in spans:
            start = max(span_start, node.start_byte)
            end = min(span_end, node.end_byte)
            while start <= end:
                stop = min(end, start + _QUERY_CHUNK_BYTES)
                cursor = QueryCursor(self.query, match_limit=4096)
                cursor.set_byte_range(start, stop)
                for pattern_index, captured_by_name in cursor.matches(node, _evaluate_predicate):
                    for name, nodes in captured_by_name.items():
                        for captured in nodes if isinstance(nodes, list) else (nodes,):
                            # a match spanning ranges is reported once per range
                            key = (name, captured.id, captured.start_byte)
                            if key not in seen:
                                seen.add(key)
                                result.setdefault(name, []).append((captured, pattern_index))
                if cursor.did_exceed_match_limit:
                    # tree-sitter dropped matches in progress: what was found is not all there is
                    raise QueryTimeout("the match limit (matches in progress were dropped)")
                if time.monotonic() > deadline:
                    raise QueryTimeout(f"the {budget:.1f} s time guard")
                if stop >= end:
                    break
                start = stop
        return result


def _evaluate_predicate(
    predicate: str,
    args: list[tuple[str, Literal["capture", "string"]]],
    pattern_index: int,
    captures: dict[str, list[Node]],
) -> bool:
    if predicate not in (_SAFE_MATCH, _SAFE_NOT_MATCH):
        return True  # unknown custom predicates are ignored, as tree-sitter itself does
    (capture, _), (pattern, _) = args[0], args[1]
    regex = compile_regex(pattern)
    nodes = captures.get(capture, [])
    texts = [(n.text or b"").decode("utf-8", "replace") for n in nodes]
    matched = all(regex.search(t) is not None for t in texts)
    return matched if predicate == _SAFE_MATCH else not matched


def _unescape(query_string: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), query_string)


@lru_cache(maxsize=1024)
def compile_query(language_id: str, source: str) -> CompiledQuery:
    """Compile a user query; raises PatternError with a readable message when it is invalid."""
    canonical = canonical_language(language_id)
    if canonical is None:
        known = ", ".join(sorted(LANGUAGES))
        raise PatternError(f"unknown language {language_id!r} for a query (known: {known})")
    for match in _REGEX_PREDICATE_ARGS.finditer(source):
        compile_regex(_unescape(match.group(1)))  # raises PatternError for non-RE2 regexes
    rewritten = _REGEX_PREDICATE.sub(
        lambda m: "(#" + (_SAFE_NOT_MATCH if m.group(1) else _SAFE_MATCH), source
    )
    stray = stray_predicate_line(source)
    if stray is not None:
        # tree-sitter accepts `(node) @x (#match? @x "...")` and applies the predicate to nothing,
        # so the pattern would match every such node: refuse it instead of over-matching
        raise PatternError(
            f"the predicate on line {stray} of the query is outside any pattern, so it would filter nothing; "
            "put it inside the pattern's parentheses: ((node) @name (#match? @name \"...\"))"
        )
    try:
        query = Query(grammar(canonical), rewritten)
    except QueryError as exc:
        raise PatternError(f"invalid {canonical} tree-sitter query: {exc}") from None
    return CompiledQuery(canonical, query, source, pattern_labels(query, rewritten))


def stray_predicate_line(source: str) -> int | None:
    """The 1-based line of the first predicate (`(#eq? ...)`) that stands at the top level of a
    query instead of inside a pattern, or None. One linear pass that skips strings and `;`
    comments (a `(#` inside either is text, not syntax)."""
    depth = 0
    line = 1
    index = 0
    size = len(source)
    while index < size:
        char = source[index]
        if char == "\n":
            line += 1
        elif char == ";":
            end = source.find("\n", index)
            index = size if end < 0 else end
            continue
        elif char == '"':
            index += 1
            while index < size and source[index] != '"':
                if source[index] == "\\":
                    index += 1
                elif source[index] == "\n":
                    line += 1
                index += 1
        elif char in "([":
            if depth == 0 and char == "(" and source[index + 1 : index + 64].lstrip().startswith("#"):
                return line
            depth += 1  # `[(a) (#eq? ...)]`: a predicate inside an alternation is inside a pattern
        elif char in ")]":
            depth = max(0, depth - 1)
        index += 1
    return None


_COMMENT_LINE = re.compile(r"^[ \t]*;+[ \t]?(.*)$", re.MULTILINE)


def pattern_labels(query: Query, source: str) -> tuple[str, ...]:
    """Per pattern, the first line of the `;` comment right above it, cut before its example
    (`; a key object signing or verifying: signingKey.Verify(...)` gives "a key object signing or
    verifying"), so a reason can say what matched instead of only `query go#0`. A pattern with no
    comment of its own gets "" (a comment two patterns up may be about something else). Linear
    in the size of the query: a committed config may hold thousands of patterns."""
    lines = source.encode("utf-8").splitlines(keepends=True)
    starts = list(itertools.accumulate((len(line) for line in lines), initial=0))
    labels: list[str] = []
    for index in range(query.pattern_count):
        begin = query.start_byte_for_pattern(index)
        row = bisect.bisect_right(starts, begin) - 1
        if row < len(lines) and lines[row][: begin - starts[row]].strip():
            labels.append("")  # something else precedes the pattern on its own line
            continue
        row -= 1
        while row >= 0 and not lines[row].strip():
            row -= 1  # blank lines between a comment and its pattern
        first = ""
        while row >= 0 and (m := _COMMENT_LINE.match(lines[row].decode("utf-8", "replace").rstrip("\r\n"))):
            first = m.group(1)
            row -= 1
        labels.append(_label_text(first) if first else "")
    return tuple(labels)


def _label_text(comment: str) -> str:
    # a committed config's comment reaches hovers and reports: printable text only
    text = "".join(c for c in comment if c.isprintable()).strip()
    for stop in (": ", " (", " `"):
        cut = text.find(stop)
        if cut > 0:
            text = text[:cut]
    if len(text) > 72:  # a long first line: keep its first clause, else whole words
        clause = text.rfind(", ", 0, 72)
        text = text[:clause] if clause > 24 else text[: text.rfind(" ", 0, 72)]
    return text.rstrip(" ,;.")


def parse_with(language_id: str, data: bytes) -> Any:
    """Parse bytes with the language's grammar (callers cap the size first)."""
    return parser(language_id).parse(data)


