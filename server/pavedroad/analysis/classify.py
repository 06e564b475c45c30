"""Classification: which code regions of a file belong to which zones, and why.

How one file is classified (all per-config work is done once, when the `Classifier` is built):

1. Path rules (gitignore-style globs) mark whole files. They need no parsing and apply to every
   file, also binary, huge or unknown ones.
2. One RE2 scan over the file's bytes finds *anchors*: occurrences of the names that content rules
   talk about (import modules, the last segment of call and decorator names). Cheap byte checks
   tell whether a `symbols` rule or a user query can match at all: definition names found by a
   byte scan (Python) or the literals a rule's regex / a query's predicates require.
3. Only if something was found is the file parsed (or the caller's tree used), and each anchor is
   confirmed and interpreted in the tree by looking at a few nodes around it: is it in an import
   statement, the callee of a call, part of a decorator? Whole-tree work is limited to walking
   definition names when a `symbols` rule may match, and to user queries whose literals occur.
4. Every match is attributed to its enclosing definition (innermost function/method, else class;
   a Terraform top-level block; a YAML document) or to the whole file, and merged into regions.

Nothing here raises for any input bytes; problems become notes on the result.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pathspec
import re2
from tree_sitter import Node

from pavedroad.analysis import languages
from pavedroad.analysis.model import FileZones, Region
from pavedroad.analysis.prefilter import literal_scanner, query_requirements, regex_literals
from pavedroad.analysis.syntax import SYNTAXES, Binding, Definition, Syntax, node_text
from pavedroad.config.model import EffectiveConfig, Level, Zone
from pavedroad.saferegex import PatternError, compile_regex

log = logging.getLogger(__name__)

#: Files larger than this are not parsed: they get their path zones plus, failing closed, the
#: strictest zone whose content rules could match them (see `Classifier.classify`).
MAX_PARSE_BYTES = 16 * 1024 * 1024
#: A NUL byte in this many leading bytes marks a file as binary.
BINARY_PROBE_BYTES = 8192

_IMPORT, _CALL, _DECORATOR = 1, 2, 4
_MARKER = re.compile(
    rb"pavedroad:[ \t]*zone[ \t]*=[ \t]*([A-Za-z0-9_.\-]+(?:[ \t]*,[ \t]*[A-Za-z0-9_.\-]+)*)"
)
_IDENT_BYTE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$") | frozenset(
    range(0x80, 0x100)
)
_GITIGNORE = pathspec.lookup_pattern("gitignore")
#: Bound on the classifier's name -> symbol-zones memo (names repeat across files: __init__, get...).
_SYMBOL_MEMO_LIMIT = 200_000
#: Query windows closer than this are run as one range.
_WINDOW_GAP = 512


def strictest(zones: Iterable[Zone], attr: str = "ai") -> Level:
    """The strictest level of `attr` ("ai" or "context") among `zones`; ALLOW when there are none."""
    return max((Level(getattr(zone, attr)) for zone in zones), default=Level.ALLOW)


def _last_segment(name: str) -> str:
    return name.rsplit(".", 1)[-1]


_REASON_ORDER = {"path": 0, "import": 1, "call": 2, "decorator": 3, "symbol": 4, "query": 5, "marker": 6}


def _reason_rank(reason: str) -> int:
    """Reasons are listed by detector (path, import, call, ...); sorting is stable within one."""
    return _REASON_ORDER.get(reason.split(" ", 1)[0], len(_REASON_ORDER))


def _dotted_match(pattern: str, names: Iterable[str]) -> bool:
    """`jwt.encode` matches `jwt.encode` and, at a `.` or `/` boundary, `self.jwt.encode`,
    `window.crypto.subtle.encrypt` for `crypto.subtle.encrypt` or `crypto/cipher.NewGCM` (Go,
    resolved through an alias) for `cipher.NewGCM`."""
    dotted, slashed = "." + pattern, "/" + pattern
    return any(name == pattern or name.endswith(dotted) or name.endswith(slashed) for name in names)


@dataclass(frozen=True)
class _PathRule:
    glob: str
    regex: Any
    include: bool


@dataclass(frozen=True)
class _UserQuery:
    zone: str
    index: int
    language: str  # as configured (canonical id), for the reason text
    compiled: languages.CompiledQuery
    #: per pattern, scanners that must all find something; None: always run
    requirements: tuple[tuple[Any, ...], ...] | None


@dataclass
class _Plan:
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
    queries: tuple[_UserQuery, ...]
    import_keyword: Any  # RE2 finding import statements, or None

    @property
    def has_symbols(self) -> bool:
        return self.symbol_prefilter is not None or self.symbols_always


class Classifier:
    """Classifies files of one workspace against one `EffectiveConfig`.

    Built once per config: globs, regexes and queries are compiled here (per language lazily, on
    first use). Instances are immutable after construction and safe to share between threads.
    """

    def __init__(
        self, config: EffectiveConfig, *, query_budget: float = languages.QUERY_BUDGET_SECONDS
    ) -> None:
        self.config = config
        self._query_budget = query_budget
        self._zones: dict[str, Zone] = {}
        for zone in config.zones:
            self._zones.setdefault(zone.id, zone)
        problems: list[str] = []

        self._path_rules: list[tuple[str, tuple[_PathRule, ...]]] = []
        for zone in self._zones.values():
            rules = []
            for glob in zone.match.paths:
                try:
                    pattern = _GITIGNORE(glob)
                except Exception as exc:  # pathspec raises various errors for odd globs
                    problems.append(f"zone {zone.id}: invalid path glob {glob!r}: {exc}")
                    continue
                regex = getattr(pattern, "regex", None)
                if pattern.include is None or regex is None:
                    continue
                rules.append(_PathRule(glob, regex, bool(pattern.include)))
            if rules:
                self._path_rules.append((zone.id, tuple(rules)))

        def by_pattern(attr: str) -> dict[str, tuple[str, ...]]:
            out: dict[str, list[str]] = {}
            for zone in self._zones.values():
                for pattern in getattr(zone.match, attr):
                    pattern = pattern.strip()
                    if pattern:
                        out.setdefault(pattern, []).append(zone.id)
            return {p: tuple(dict.fromkeys(z)) for p, z in out.items()}

        self._imports = by_pattern("imports")
        self._calls = by_pattern("calls")
        self._decorators = by_pattern("decorators")

        self._symbols: list[tuple[str, Any, str]] = []
        for zone in self._zones.values():
            for source in zone.match.symbols:
                try:
                    self._symbols.append((source, compile_regex(source), zone.id))
                except PatternError as exc:
                    problems.append(f"zone {zone.id}: {exc}")
        # One RE2 pass tells whether a name matches any symbol rule (almost none do); only then
        # are the rules tried one by one to learn which zones.
        self._symbols_any: Any = None
        if len(self._symbols) > 1:
            try:
                self._symbols_any = _compile_bytes(
                    "|".join(f"(?:{source})" for source in dict.fromkeys(s for s, _, _ in self._symbols))
                )
            except Exception:  # e.g. two rules using the same group name
                self._symbols_any = None

        self._queries: dict[str, list[_UserQuery]] = {}
        for zone in self._zones.values():
            per_language: dict[str, int] = {}
            for language, source in zone.match.queries:
                canonical = languages.canonical_language(language)
                index = per_language.get(canonical or language, 0)
                per_language[canonical or language] = index + 1
                targets = [canonical] if canonical else []
                if canonical == "typescript":
                    targets.append("tsx")  # TSX is a superset; use the query there too when it compiles
                if not targets:
                    problems.append(f"zone {zone.id}: query {index}: unknown language {language!r}")
                    continue
                requirements = _query_scanners(source)
                for target in targets:
                    try:
                        compiled = languages.compile_query(target, source)
                    except PatternError as exc:
                        if target == canonical:
                            problems.append(f"zone {zone.id}: query {language}#{index}: {exc}")
                        continue
                    self._queries.setdefault(target, []).append(
                        _UserQuery(zone.id, index, canonical or target, compiled, requirements)
                    )

        self.notes: tuple[str, ...] = tuple(problems)
        self._plans: dict[str, _Plan] = {}
        self._plan_lock = threading.Lock()
        self._symbol_memo: dict[str, tuple[str, ...]] = {}

    # --- public API -----------------------------------------------------------------------------
    def path_zones(self, rel_path: str, aliases: Sequence[str] = ()) -> tuple[str, ...]:
        """Zones whose path rules match `rel_path` or one of its aliases (no content is read)."""
        return tuple(zone for zone, _ in self._path_hits(_normalize_path(rel_path), aliases))

    def classify(
        self,
        rel_path: str,
        data: bytes,
        *,
        tree: Any = None,
        language: str | None = None,
        aliases: Sequence[str] = (),
        size: int | None = None,
    ) -> FileZones:
        """Zone regions of one file. `rel_path` is relative to the config root (POSIX); `tree` is an
        optional tree-sitter tree of exactly `data`; `language` overrides detection by suffix.

        `aliases`: the file's other names in the repository (see `config.discover`); path rules
        match any of them. `size`: the file's real size when `data` is only its head.

        A file in a known language is parsed even when it holds NUL bytes (a NUL must not hide
        code from its zones). One too large to parse fails closed: besides its path zones it is
        put, as a whole, in the strictest zone whose content rules could match it.
        """
        path = _normalize_path(rel_path)
        if not isinstance(data, bytes):
            data = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else bytes(data)
        lang = languages.canonical_language(language) if language else languages.language_for_path(path)
        result = _Result(data, self._zones)
        for zone, glob in self._path_hits(path, aliases):
            result.add_file(zone, f"path {glob}")

        skipped: str | None = None
        total = max(size or 0, len(data))
        if lang is None and b"\0" in data[:BINARY_PROBE_BYTES]:
            skipped = "binary"
        elif total > MAX_PARSE_BYTES or (size is not None and size > len(data)):
            skipped = f"too large to parse ({total / (1024 * 1024):.1f} MB)"
            if lang is not None:
                self._fail_closed(lang, result, skipped)
        else:
            try:
                if lang is None:
                    self._unparsed_markers(data, result)
                else:
                    self._analyze(self._plan(lang), data, tree, result)
            except Exception as exc:  # never let one odd file break a scan or the server
                log.warning("classification of %s failed", path, exc_info=True)
                result.notes.append(
                    f"content rules failed ({type(exc).__name__}: {exc}); zones may be incomplete"
                )
        return FileZones(
            path=path,
            language=lang,
            regions=result.regions(),
            skipped=skipped,
            notes=tuple(dict.fromkeys(result.notes)),
        )

    def content_zones(self, lang: str) -> tuple[str, ...]:
        """Zones with content rules (imports, calls, decorators, symbols, queries) that can apply
        to files of `lang`: the zones an unparsed file could belong to."""
        out = []
        for zone in self._zones.values():
            m = zone.match
            if m.imports or m.calls or m.decorators or m.symbols or any(
                languages.canonical_language(q_lang) in (lang, "typescript" if lang == "tsx" else lang)
                for q_lang, _ in m.queries
            ):
                out.append(zone.id)
        return tuple(out)

    def _fail_closed(self, lang: str, result: _Result, why: str) -> None:
        candidates = [self._zones[z] for z in self.content_zones(lang)]
        if not candidates:
            return
        worst = max(max(z.ai, z.context) for z in candidates)
        for zone in candidates:
            if max(zone.ai, zone.context) == worst:
                result.add_file(zone.id, f"unclassified: {why}; treated as the strictest zone its "
                                         "content could match")

    # --- paths ----------------------------------------------------------------------------------
    def _path_hits(self, path: str, aliases: Sequence[str] = ()) -> list[tuple[str, str]]:
        hits = []
        names = (path, *(_normalize_path(a) for a in aliases)) if aliases else (path,)
        for zone, rules in self._path_rules:
            for name in names:
                matched: str | None = None  # gitignore order: a later exclusion undoes a match
                for rule in rules:
                    if rule.regex.match(name) is not None:
                        if not rule.include:
                            matched = None
                        elif matched is None:
                            matched = rule.glob
                if matched is not None:
                    hits.append((zone, matched if name == path else f"{matched} (as {name})"))
                    break
        return hits

    # --- per-language plans -----------------------------------------------------------------------
    def _plan(self, lang: str) -> _Plan:
        plan = self._plans.get(lang)
        if plan is None:
            with self._plan_lock:
                plan = self._plans.get(lang)
                if plan is None:
                    plan = self._plans[lang] = self._build_plan(lang)
        return plan

    def _build_plan(self, lang: str) -> _Plan:
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
            imports = tuple(self._imports.items())
            for pattern, _ in imports:
                tokens, regexes = syntax.import_terms(pattern)
                for token in tokens:
                    add_token(token, _IMPORT)
                if tokens or regexes:
                    parts = [part.encode("utf-8") for part in pattern.split(".")]
                    import_segments.setdefault(parts[0], []).append(tuple(parts[1:]))
                import_regexes.extend(regexes)

        def grouped(rules: dict[str, tuple[str, ...]], role: int) -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
            out: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
            for pattern, zones in rules.items():
                last = _last_segment(pattern)
                add_token(last, role)
                out.setdefault(last, []).append((pattern, zones))
            return {k: tuple(v) for k, v in out.items()}

        calls = grouped(self._calls, _CALL) if syntax.has_calls else {}
        decorators = grouped(self._decorators, _DECORATOR) if syntax.has_decorators else {}
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
            alternatives.append(r"\b(" + "|".join(_re2_escape(w) for w in words) + r")\b")
        else:
            alternatives.append(r"(\b\B)")  # keep group numbering: group 1 never matches
        if import_regexes:
            alternatives.append("(" + "|".join(dict.fromkeys(import_regexes)) + ")")
        scanner = _compile_bytes("|".join(alternatives)) if (token_roles or import_regexes) else None

        literals: set[str] = set()
        symbols_always = False
        if self._symbols and (lang != "yaml"):
            for source, _, _ in self._symbols:
                found = regex_literals(source)
                if found is None:
                    symbols_always = True
                else:
                    literals |= found
        symbol_prefilter = literal_scanner(literals) if literals and not symbols_always else None
        import_keyword = _compile_bytes(syntax.import_keyword.decode()) if syntax.import_keyword else None
        return _Plan(
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
            queries=tuple(self._queries.get(lang, ())),
            import_keyword=import_keyword,
        )

    # --- content ----------------------------------------------------------------------------------
    def _unparsed_markers(self, data: bytes, result: _Result) -> None:
        """Files without a grammar: a marker anywhere marks the whole file."""
        if b"pavedroad:" not in data:
            return
        for match in _MARKER.finditer(data):
            for zone_id in _marker_ids(match):
                if zone_id in self._zones:
                    result.add_file(zone_id, f"marker zone={zone_id}")
                else:
                    result.notes.append(_unknown_marker(data, match.start(), zone_id))

    def _analyze(self, plan: _Plan, data: bytes, tree: Any, result: _Result) -> None:
        anchors = self._anchors(plan, data)
        symbol_names: set[str] | None = None  # definition names that match a symbol rule
        tree_symbols = False  # walk all definitions of the tree
        if plan.has_symbols:
            candidates = plan.syntax.symbol_candidates(data)
            if candidates is not None:
                symbol_names = {name for name in candidates if self._symbol_zones(name)}
            else:
                tree_symbols = plan.symbols_always or plan.symbol_prefilter.search(data) is not None
        queries = []
        spans_memo: dict[int, list[tuple[int, int]]] = {}
        for query in plan.queries:
            windows = _query_windows(query, data, spans_memo)
            if windows is None or windows:
                queries.append((query, windows))
        has_marker = b"pavedroad:" in data
        if not (anchors or symbol_names or tree_symbols or queries or has_marker):
            return  # nothing can match: no need to parse

        if not data.isascii():
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as exc:
                result.notes.append(f"not valid UTF-8 (first bad byte at offset {exc.start}); parsed anyway")
        if tree is None:
            tree = languages.parse_with(plan.syntax.language, data)
        ctx = _FileContext(self, plan, data, tree.root_node, result)
        for start, end, roles in anchors:
            if roles & _IMPORT:
                ctx.import_anchor(start, end)
            if roles & (_CALL | _DECORATOR):
                ctx.name_anchor(start, end, roles)
        ctx.finish_aliases()
        ctx.finish_imports()
        if symbol_names or tree_symbols:
            ctx.symbols(symbol_names if not tree_symbols else None)
        for query, windows in queries:
            ctx.user_query(query, windows)
        if has_marker:
            ctx.markers()

    def _anchors(self, plan: _Plan, data: bytes) -> list[tuple[int, int, int]]:
        """(start, end, roles) of every occurrence of a name the rules care about."""
        anchors: list[tuple[int, int, int]] = []
        if plan.scanner is None:
            return anchors
        live: dict[bytes, int] = {}  # word -> roles that can still match in this file
        heads_seen: dict[bytes, bool] = {}
        for match in plan.scanner.finditer(data):
            start = match.start(1)
            if start < 0:
                start, end = match.span(2)
                head = plan.syntax.import_anchor_head(data[start:end])
                if head is not None:
                    present = heads_seen.get(head)
                    if present is None:
                        present = heads_seen[head] = self._segments_present(plan, head, data)
                    if not present:
                        continue
                anchors.append((start, end, _IMPORT))
                continue
            end = match.end(1)
            word = data[start:end]
            roles = live.get(word, -1)
            if roles < 0:
                roles = live[word] = self._live_roles(plan, word, data)
            if roles:
                anchors.append((start, end, roles))
        return anchors

    @staticmethod
    def _live_roles(plan: _Plan, word: bytes, data: bytes) -> int:
        roles = plan.token_roles.get(word, 0)
        heads = plan.token_heads.get(word)
        if heads is not None and not any(head in data for head in heads):
            roles &= ~(_CALL | _DECORATOR)
        if roles & _IMPORT and not Classifier._segments_present(plan, word, data):
            roles &= ~_IMPORT
        return roles

    @staticmethod
    def _segments_present(plan: _Plan, head: bytes, data: bytes) -> bool:
        needs = plan.import_segments.get(head, ())
        return not needs or any(all(seg in data for seg in segments) for segments in needs)

    def _symbol_zones(self, name: str) -> tuple[str, ...]:
        zones = self._symbol_memo.get(name)
        if zones is None:
            if self._symbols_any is not None and self._symbols_any.search(name.encode("utf-8")) is None:
                zones = ()
            else:
                zones = tuple(
                    dict.fromkeys(zone for _, regex, zone in self._symbols if regex.search(name) is not None)
                )
            if len(self._symbol_memo) >= _SYMBOL_MEMO_LIMIT:
                self._symbol_memo.clear()
            self._symbol_memo[name] = zones
        return zones


class _Result:
    """Regions being collected for one file, merged per (zone, byte range)."""

    def __init__(self, data: bytes, zones: dict[str, Zone]) -> None:
        self._data = data
        self._zones = zones
        self._regions: dict[tuple[str, int, int], list[Any]] = {}
        self.notes: list[str] = []
        self._last_line: int | None = None

    @property
    def last_line(self) -> int:
        if self._last_line is None:
            data = self._data
            lines = data.count(b"\n")
            if data and not data.endswith(b"\n"):
                lines += 1
            self._last_line = max(1, lines)
        return self._last_line

    def add_file(self, zone: str, reason: str) -> None:
        self._add(zone, 0, len(self._data), None, "file", 1, self.last_line, reason)

    def add_definition(self, zone: str, definition: Definition | None, reason: str) -> None:
        if definition is None or self._zones[zone].scope == "file":
            self.add_file(zone, reason)
            return
        self._add(
            zone,
            definition.start_byte,
            definition.end_byte,
            definition.qualified,
            definition.kind,
            definition.start_line,
            definition.end_line,
            reason,
        )

    def _add(
        self, zone: str, start: int, end: int, symbol: str | None, kind: str, first: int, last: int, reason: str
    ) -> None:
        key = (zone, start, end)
        entry = self._regions.get(key)
        if entry is None:
            self._regions[key] = [symbol, kind, first, last, [reason]]
        elif reason not in entry[4]:
            entry[4].append(reason)

    def regions(self) -> tuple[Region, ...]:
        out = [
            Region(
                zone=zone,
                start_line=first,
                end_line=last,
                start_byte=start,
                end_byte=end,
                symbol=symbol,
                reasons=tuple(sorted(reasons, key=_reason_rank)),
                kind=kind,
            )
            for (zone, start, end), (symbol, kind, first, last, reasons) in self._regions.items()
        ]
        out.sort(key=lambda r: (r.start_line, r.zone, r.start_byte, -r.end_byte))
        return tuple(out)


class _FileContext:
    """Interprets anchors of one parsed file."""

    def __init__(self, owner: Classifier, plan: _Plan, data: bytes, root: Node, result: _Result) -> None:
        self.owner = owner
        self.plan = plan
        self.syntax = plan.syntax
        self.data = data
        self.root = root
        self.result = result
        self._statements: dict[tuple[int, int], list[Binding]] = {}
        self._matched_statements: set[tuple[int, int]] = set()
        self._import_hits: list[tuple[Binding, str, str, tuple[str, ...]]] = []
        self._import_table: dict[str, list[Binding]] | None = None
        self._definitions: dict[tuple[int, int, str], Definition] = {}
        self._aliases: dict[str, int] = {}
        self._seen_names: set[tuple[int, int]] = set()

    # --- helpers ---------------------------------------------------------------------------------
    def _name_node(self, start: int, end: int) -> Node | None:
        node = self.root.named_descendant_for_byte_range(start, end)
        if node is None or node.start_byte != start or node.end_byte != end:
            return None
        return node if node.type in self.syntax.name_types else None

    def _bindings(self, statement: Node) -> list[Binding]:
        key = (statement.start_byte, statement.end_byte)
        found = self._statements.get(key)
        if found is None:
            found = self._statements[key] = self.syntax.bindings(statement, self.data)
        return found

    def definition(self, node: Node | None) -> Definition | None:
        """The Definition for the innermost definition containing `node` (None: module level)."""
        definition_node = self.syntax.enclosing_definition(node)
        if definition_node is None:
            return None
        return self._definition(definition_node)

    def _definition(self, node: Node) -> Definition:
        key = (node.start_byte, node.end_byte, node.type)
        found = self._definitions.get(key)
        if found is None:
            found = self._definitions[key] = self.syntax.make_definition(node, self.data)
        return found

    def add(self, zones: Iterable[str], node: Node | None, reason: str) -> None:
        definition = self.definition(node) if node is not None else None
        for zone in zones:
            self.result.add_definition(zone, definition, reason)

    def occurrences(self, name: str) -> list[Node]:
        """Name nodes spelled `name` (whole tokens) anywhere in the file."""
        needle = name.encode("utf-8")
        data = self.data
        out = []
        pos = data.find(needle)
        size = len(needle)
        while pos >= 0:
            end = pos + size
            if (pos == 0 or data[pos - 1] not in _IDENT_BYTE) and (end >= len(data) or data[end] not in _IDENT_BYTE):
                node = self._name_node(pos, end)
                if node is not None:
                    out.append(node)
            pos = data.find(needle, end)
        return out

    # --- imports ---------------------------------------------------------------------------------
    def import_anchor(self, start: int, end: int) -> None:
        node = self.root.named_descendant_for_byte_range(start, end)
        if node is None:
            return
        statement = self.syntax.import_at(node)
        if statement is None:
            return
        key = (statement.start_byte, statement.end_byte)
        if key in self._matched_statements:
            return
        self._matched_statements.add(key)
        for binding in self._bindings(statement):
            for pattern, zones in self.plan.imports:
                how = self.syntax.binding_matches(binding, pattern)
                if how is not None:
                    self._import_hits.append((binding, pattern, how, zones))

    def finish_imports(self) -> None:
        for binding, pattern, how, zones in self._import_hits:
            reason = f"import {pattern}"
            if how == "scope":
                self.add(zones, binding.statement, reason)
                continue
            name = binding.bound
            if how == "class":  # Java wildcard import of the package of class `pattern`
                name = pattern[len(binding.module) + 1 :].split(".", 1)[0]
            if not name:
                self.add(zones, binding.statement, reason)
                continue
            used = False
            s_start, s_end = binding.statement.start_byte, binding.statement.end_byte
            for ref in self.occurrences(name):
                if s_start <= ref.start_byte < s_end or not self.syntax.is_reference(ref):
                    continue
                if how == "deeper":
                    chain = self.syntax.chain_from(ref, self.data)
                    resolved = binding.target + chain[len(name) :]
                    if not self.syntax.module_matches(resolved, pattern):
                        continue
                used = True
                self.add(zones, ref, reason)
            if not used and how != "deeper":
                self.add(zones, binding.statement, reason)  # imported, never used: its scope

    def import_table(self) -> dict[str, list[Binding]]:
        """bound name -> bindings, over every import statement of the file (built on demand)."""
        if self._import_table is None:
            table: dict[str, list[Binding]] = {}
            if self.plan.import_keyword is not None:
                for match in self.plan.import_keyword.finditer(self.data):
                    node = self.root.named_descendant_for_byte_range(match.start(), match.end())
                    statement = self.syntax.import_at(node) if node is not None else None
                    if statement is None:
                        continue
                    for binding in self._bindings(statement):
                        if binding.bound:
                            table.setdefault(binding.bound, [])
                            if binding not in table[binding.bound]:
                                table[binding.bound].append(binding)
            self._import_table = table
        return self._import_table

    def resolve(self, dotted: str) -> list[str]:
        head, dot, rest = dotted.partition(".")
        return [b.target + dot + rest for b in self.import_table().get(head, ())]

    # --- calls and decorators ------------------------------------------------------------------
    def name_anchor(self, start: int, end: int, roles: int, alias: bool = False) -> None:
        if (start, end) in self._seen_names:
            return
        self._seen_names.add((start, end))
        node = self._name_node(start, end)
        if node is None:
            return
        handled = False
        if roles & _CALL and self.plan.calls:
            callee = self.syntax.callee_at(node)
            if callee is not None:
                handled = True
                self._match(self.plan.calls, callee, node, node, "call", alias)
        if roles & _DECORATOR and self.plan.decorators and not handled:
            decorated = self.syntax.decorator_at(node, self.data)
            if decorated is not None:
                handled = True
                dotted, target = decorated
                self._match_names(
                    self.plan.decorators, dotted, node, target if target is not None else node, "decorator", alias,
                    is_target=target is not None,
                )
        if not handled and not alias:
            self._alias_from_import(node, roles)

    def _match(
        self,
        rules: dict[str, tuple[tuple[str, tuple[str, ...]], ...]],
        callee: Node,
        name_node: Node,
        where: Node,
        what: str,
        alias: bool,
    ) -> None:
        self._match_names(rules, self.syntax.dotted(callee, self.data), name_node, where, what, alias)

    def _match_names(
        self,
        rules: dict[str, tuple[tuple[str, tuple[str, ...]], ...]],
        dotted: str | None,
        name_node: Node,
        where: Node,
        what: str,
        alias: bool,
        is_target: bool = False,
    ) -> None:
        last = node_text(name_node, self.data)
        names: set[str] = set()
        lasts = {last}
        if dotted:
            names.add(dotted)
        candidates = [p for p, _ in rules.get(last, ())]
        if alias or any("." in p and p not in names for p in candidates):
            for resolved in self.resolve(dotted or last):
                names.add(resolved)
                lasts.add(_last_segment(resolved))
        for segment in lasts:
            for pattern, zones in rules.get(segment, ()):
                if ("." not in pattern and segment == pattern) or _dotted_match(pattern, names):
                    reason = f"{what} {pattern}"
                    if is_target:
                        definition = self._definition(where)
                        for zone in zones:
                            self.result.add_definition(zone, definition, reason)
                    else:
                        self.add(zones, where, reason)

    def _alias_from_import(self, node: Node, roles: int) -> None:
        """`from jwt import encode as enc` binds `enc` to a name a rule is about: follow `enc`."""
        if not self.syntax.has_imports:
            return
        statement = self.syntax.import_at(node)
        if statement is None:
            return
        word = node_text(node, self.data)
        for binding in self._bindings(statement):
            if binding.bound and binding.bound != word and _last_segment(binding.target) == word:
                self._aliases[binding.bound] = self._aliases.get(binding.bound, 0) | roles

    def finish_aliases(self) -> None:
        for name, roles in self._aliases.items():
            for node in self.occurrences(name):
                self.name_anchor(node.start_byte, node.end_byte, roles, alias=True)

    # --- symbols ----------------------------------------------------------------------------------
    def symbols(self, only: set[str] | None) -> None:
        owner = self.owner
        for name, node in self.syntax.definition_names(self.root, self.data, only):
            names = (name, *self.syntax.extra_symbol_names(node, self.data))
            done: set[str] = set()  # one reason per zone: the first name that matched
            for candidate in names:
                for zone in owner._symbol_zones(candidate):
                    if zone not in done:
                        done.add(zone)
                        self.result.add_definition(zone, self._definition(node), f"symbol {candidate}")

    # --- user queries -----------------------------------------------------------------------------
    def user_query(self, query: _UserQuery, windows: list[tuple[int, int]] | None) -> None:
        try:
            captures = query.compiled.captures(self.root, budget=self.owner._query_budget, ranges=windows)
        except languages.QueryTimeout:
            self.result.notes.append(
                f"zone {query.zone}: query {query.language}#{query.index} exceeded its time budget; "
                "ignored for this file"
            )
            return
        except Exception as exc:
            self.result.notes.append(f"zone {query.zone}: query {query.language}#{query.index} failed: {exc}")
            return
        reason = f"query {query.language}#{query.index}"
        for nodes in captures.values():
            for node in sorted(nodes, key=lambda n: n.start_byte):
                self.add((query.zone,), node, reason)

    # --- markers ----------------------------------------------------------------------------------
    def markers(self) -> None:
        zones = self.owner._zones
        for match in _MARKER.finditer(self.data):
            node = self.root.descendant_for_byte_range(match.start(), match.end())
            if node is None or not self.syntax.is_comment(node):
                continue  # e.g. the text of a string literal
            for zone_id in _marker_ids(match):
                if zone_id in zones:
                    self.add((zone_id,), node, f"marker zone={zone_id}")
                else:
                    self.result.notes.append(_unknown_marker(self.data, match.start(), zone_id))


# --- helpers -------------------------------------------------------------------------------------
def _normalize_path(path: str) -> str:
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/")


def _marker_ids(match: re.Match[bytes]) -> list[str]:
    raw = match.group(1).decode("ascii", "replace")
    return [part.strip() for part in raw.split(",") if part.strip()]


def _unknown_marker(data: bytes, offset: int, zone_id: str) -> str:
    line = data.count(b"\n", 0, offset) + 1
    return f"line {line}: marker names unknown zone {zone_id!r}; ignored (markers can only name configured zones)"


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False
_RE2_OPTIONS.max_mem = 32 << 20  # scanners alternate over every name the rules mention


def _re2_escape(text: str) -> str:
    return str(re2.escape(text))


def _compile_bytes(source: str) -> Any:
    return re2.compile(source.encode("utf-8"), options=_RE2_OPTIONS)


def _query_scanners(source: str) -> tuple[tuple[Any, ...], ...] | None:
    requirements = query_requirements(source)
    if requirements is None:
        return None
    return tuple(
        tuple(
            _shared_scanner(literals)
            # few, long literals first: they rule a file out in one scan most often
            for literals in sorted(pattern, key=lambda lits: (len(lits), -min(map(len, lits))))
        )
        for pattern in requirements
    )


@lru_cache(maxsize=1024)
def _shared_scanner(literals: frozenset[str]) -> Any:
    """One scanner object per literal set, so files can memoize its result across queries."""
    return literal_scanner(literals)


def _query_windows(
    query: _UserQuery, data: bytes, memo: dict[int, list[tuple[int, int]]]
) -> list[tuple[int, int]] | None:
    """Byte ranges that every match of `query` in `data` must intersect: None = the whole file,
    [] = the query cannot match. A match of a pattern contains an occurrence of each literal set
    that pattern requires, so the occurrences of its rarest set bound where it can match."""
    if query.requirements is None:
        return None

    def spans(scanner: Any) -> list[tuple[int, int]]:
        key = id(scanner)
        found = memo.get(key)
        if found is None:
            found = memo[key] = [m.span() for m in scanner.finditer(data)]
        return found

    windows: list[tuple[int, int]] = []
    for pattern in query.requirements:
        best: list[tuple[int, int]] | None = None
        for scanner in pattern:  # most selective first: usually the first one rules it out
            found = spans(scanner)
            if not found:
                best = None
                break
            if best is None or len(found) < len(best):
                best = found
        windows.extend(best or ())
    if not windows:
        return []
    windows.sort()
    merged = [windows[0]]
    for start, end in windows[1:]:
        last_start, last_end = merged[-1]
        if start <= last_end + _WINDOW_GAP:
            merged[-1] = (last_start, max(last_end, end))
        else:
            merged.append((start, end))
    return merged


@lru_cache(maxsize=8)
def _cached_classifier(config: EffectiveConfig) -> Classifier:
    return Classifier(config)


def classify_file(config: EffectiveConfig, rel_path: str, data: bytes) -> FileZones:
    """Classify one file (the Classifier for `config` is built once and cached)."""
    try:
        classifier = _cached_classifier(config)
    except TypeError:  # an unhashable config (e.g. built by hand with lists)
        classifier = Classifier(config)
    return classifier.classify(rel_path, data)


__all__ = ["MAX_PARSE_BYTES", "Classifier", "classify_file", "strictest"]
