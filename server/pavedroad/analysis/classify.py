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

Where each step lives: `classify` (the Classifier, path rules, anchor scanning), `plan` (the
per-language scanners and rule tables), `anchors` (interpreting anchors in a parsed file),
`queries` (windows for user queries), `regions` (merging matches into regions), `syntax/` (what
each language's tree says about a node).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pathspec

from pavedroad.analysis import crossfile, languages
from pavedroad.analysis import queries as user_queries
from pavedroad.analysis.anchors import IDENT_BYTE, MARKER, FileContext, marker_ids, unknown_marker
from pavedroad.analysis.model import FileZones
from pavedroad.analysis.plan import (
    CALL,
    DECORATOR,
    IMPORT,
    Plan,
    build_plan,
    compile_bytes,
    snake_case,
)
from pavedroad.analysis.prefilter import query_requirements
from pavedroad.analysis.queries import UserQuery, query_literals, query_scanners
from pavedroad.analysis.regions import QUIET, Regions, real_zone
from pavedroad.config.model import EffectiveConfig, Level, Zone
from pavedroad.saferegex import PatternError, compile_regex

log = logging.getLogger(__name__)

#: Files larger than this are not parsed: they get their path zones plus, failing closed, the
#: strictest zone whose content rules could match them (see `Classifier.classify`).
MAX_PARSE_BYTES = 16 * 1024 * 1024
#: A NUL byte in this many leading bytes marks a file as binary.
BINARY_PROBE_BYTES = 8192

_GITIGNORE = pathspec.lookup_pattern("gitignore")
#: Bound on the classifier's name -> symbol-zones memo (names repeat across files: __init__, get...).
_SYMBOL_MEMO_LIMIT = 200_000


def strictest(zones: Iterable[Zone], attr: str = "ai") -> Level:
    """The strictest level of `attr` ("ai" or "context") among `zones`; ALLOW when there are none."""
    return max((Level(getattr(zone, attr)) for zone in zones), default=Level.ALLOW)


@dataclass(frozen=True)
class _PathRule:
    glob: str
    regex: Any
    include: bool


class Classifier:
    """Classifies files of one workspace against one `EffectiveConfig`.

    Built once per config: globs, regexes and queries are compiled here (per language lazily, on
    first use). Instances are immutable after construction and safe to share between threads.
    """

    def __init__(
        self, config: EffectiveConfig, *, query_budget: float = languages.QUERY_BUDGET_SECONDS,
        query_max_bytes: int = languages.QUERY_MAX_BYTES,
    ) -> None:
        self.config = config
        self._query_budget = query_budget
        self._query_max_bytes = query_max_bytes
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

        quiet_sets: dict[tuple[str, str], frozenset[object]] = {}

        def rule_zone(zone: Zone, attr: str, rule: object) -> str:
            """The id a rule is compiled under: its zone's, or the quiet id (see `QUIET`)."""
            quiet = quiet_sets.get((zone.id, attr))
            if quiet is None:
                quiet = quiet_sets[(zone.id, attr)] = frozenset(getattr(zone.quiet, attr))
            return zone.id + QUIET if rule in quiet else zone.id

        def by_pattern(attr: str) -> dict[str, tuple[str, ...]]:
            out: dict[str, list[str]] = {}
            for zone in self._zones.values():
                for raw in getattr(zone.match, attr):
                    pattern = raw.strip()
                    if pattern:
                        out.setdefault(pattern, []).append(rule_zone(zone, attr, raw))
            return {p: tuple(dict.fromkeys(z)) for p, z in out.items()}

        self._imports = by_pattern("imports")
        self._calls = by_pattern("calls")
        self._decorators = by_pattern("decorators")

        self._symbols: list[tuple[str, Any, str]] = []
        for zone in self._zones.values():
            for source in zone.match.symbols:
                try:
                    self._symbols.append((source, compile_regex(source), rule_zone(zone, "symbols", source)))
                except PatternError as exc:
                    problems.append(f"zone {zone.id}: {exc}")
        # One RE2 pass tells whether a name matches any symbol rule (almost none do); only then
        # are the rules tried one by one to learn which zones.
        self._symbols_any: Any = None
        if len(self._symbols) > 1:
            try:
                self._symbols_any = compile_bytes(
                    "|".join(f"(?:{source})" for source in dict.fromkeys(s for s, _, _ in self._symbols))
                )
            except Exception:  # e.g. two rules using the same group name
                self._symbols_any = None

        # Queries are compiled per language the first time a file of it is classified: compiling
        # every preset's queries up front cost about 90 ms of the editor's start for languages
        # the workspace may never open.
        self._query_specs: dict[str, list[tuple[str, int, str, str, bool]]] = {}
        for zone in self._zones.values():
            per_language: dict[str, int] = {}
            for language, source in zone.match.queries:
                query_zone = rule_zone(zone, "queries", (language, source))
                canonical = languages.canonical_language(language)
                index = per_language.get(canonical or language, 0)
                per_language[canonical or language] = index + 1
                targets = [canonical] if canonical else []
                if canonical == "typescript":
                    targets.append("tsx")  # TSX is a superset; use the query there too when it compiles
                if not targets:
                    problems.append(f"zone {zone.id}: query {index}: unknown language {language!r}")
                    continue
                for target in targets:
                    self._query_specs.setdefault(target, []).append(
                        (query_zone, index, language, source, target == canonical))
        self._queries: dict[str, list[UserQuery]] = {}
        self._problems = problems

        #: zones whose matches spread one level to callers (see `FileContext.propagate`)
        self._propagating: tuple[str, ...] = tuple(z.id for z in self._zones.values() if z.propagate)
        self._plans: dict[str, Plan] = {}
        self._plan_lock = threading.Lock()
        self._symbol_memo: dict[str, tuple[str, ...]] = {}

    @property
    def notes(self) -> tuple[str, ...]:
        """Problems with the config's patterns (every language's queries are compiled to know)."""
        with self._plan_lock:
            for lang in list(self._query_specs):
                self._compile_queries(lang)
        return tuple(self._problems)

    def _compile_queries(self, lang: str) -> list[UserQuery]:
        """The compiled queries for `lang`, compiled once (callers hold `_plan_lock`)."""
        compiled = self._queries.get(lang)
        if compiled is None:
            compiled = self._queries[lang] = []
            for zone_id, index, language, source, canonical in self._query_specs.get(lang, ()):
                try:
                    query = languages.compile_query(lang, source)
                except PatternError as exc:
                    if canonical:
                        self._problems.append(f"zone {real_zone(zone_id)}: query {language}#{index}: {exc}")
                    continue
                requirements = query_requirements(source)
                compiled.append(UserQuery(zone_id, index, languages.canonical_language(language) or lang,
                                          query, query_scanners(requirements),
                                          query_literals(requirements)))
        return compiled

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
        repo: crossfile.RepoView | None = None,
    ) -> FileZones:
        """Zone regions of one file. `rel_path` is relative to the config root (POSIX); `tree` is an
        optional tree-sitter tree of exactly `data`; `language` overrides detection by suffix.

        `aliases`: the file's other names in the repository (see `config.discover`); path rules
        match any of them. `size`: the file's real size when `data` is only its head.
        `repo`: the rest of the repository; given, a function calling a zone function of another
        file joins its zone (see `analysis.crossfile`).

        A file in a known language is parsed even when it holds NUL bytes (a NUL must not hide
        code from its zones). One too large to parse fails closed: besides its path zones it is
        put, as a whole, in the strictest zone whose content rules could match it.
        """
        path = _normalize_path(rel_path)
        if not isinstance(data, bytes):
            data = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else bytes(data)
        lang = languages.canonical_language(language) if language else languages.language_for_path(path)
        result = Regions(data, self._zones)
        path_hits = self._path_hits(path, aliases)
        for zone, glob in path_hits:
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
                    self._analyze(self._plan(lang), data, tree, result, path, repo)
            except Exception as exc:  # never let one odd file break a scan or the server
                log.warning("classification of %s failed", path, exc_info=True)
                result.notes.append(
                    f"content rules failed ({type(exc).__name__}: {exc}); zones may be incomplete"
                )
        if any(self._zones[zone].exclusive for zone, _ in path_hits):
            # e.g. tests: a test importing an auth library is a tests matter; locked zones stay
            matched = {zone for zone, _ in path_hits if self._zones[zone].exclusive}
            result.drop_content({z for z, zone in self._zones.items() if z not in matched and not zone.locked})
        regions = result.regions()
        present = {region.zone for region in regions}
        return FileZones(
            path=path,
            language=lang,
            regions=regions,
            skipped=skipped,
            notes=tuple(dict.fromkeys(result.notes)),
            exports=tuple(e for e in result.exports if e.zone in present),
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

    def _fail_closed(self, lang: str, result: Regions, why: str) -> None:
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
    def prepare(self, paths: Iterable[str]) -> None:
        """Build the plans of the languages these paths are written in now, rather than on the
        first file of each (tens of ms: a background job for a long-lived server)."""
        for lang in {languages.language_for_path(p) for p in paths}:
            if lang is not None:
                self._plan(lang)

    def _plan(self, lang: str) -> Plan:
        plan = self._plans.get(lang)
        if plan is None:
            with self._plan_lock:
                plan = self._plans.get(lang)
                if plan is None:
                    plan = self._plans[lang] = build_plan(
                        lang, self._imports, self._calls, self._decorators, self._symbols,
                        {lang: self._compile_queries(lang)},
                    )
        return plan

    # --- content ----------------------------------------------------------------------------------
    def _unparsed_markers(self, data: bytes, result: Regions) -> None:
        """Files without a grammar: a marker anywhere marks the whole file."""
        if b"pavedroad:" not in data:
            return
        for match in MARKER.finditer(data):
            for zone_id in marker_ids(match):
                if zone_id in self._zones:
                    result.add_file(zone_id, f"marker zone={zone_id}")
                else:
                    result.notes.append(unknown_marker(data, match.start(), zone_id))

    def _analyze(
        self, plan: Plan, data: bytes, tree: Any, result: Regions, path: str = "",
        repo: crossfile.RepoView | None = None,
    ) -> None:
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
        # one scan for the literals of every query that needs some: most files hold none, and
        # then none of those queries' own scanners run
        no_literals = plan.query_prefilter is not None and plan.query_prefilter.search(data) is None
        # otherwise one more pass tells which literal sets occur; only those scan for positions
        spans_memo = plan.query_gate.absent(data) if plan.query_gate is not None and not no_literals else {}
        for query in plan.queries:
            if no_literals and query.literals is not None:
                continue
            windows = user_queries.query_windows(query, data, spans_memo)
            if windows is None or windows:
                queries.append((query, windows))
        has_marker = b"pavedroad:" in data
        named_like = self._named_like(plan, data)
        # with the repository at hand, calls into other files' zone functions can match anywhere
        linked = repo is not None and bool(self._propagating) and plan.syntax.language in crossfile.LANGUAGES
        if not (anchors or symbol_names or tree_symbols or queries or has_marker or named_like or linked):
            return  # nothing can match: no need to parse

        if not data.isascii():
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as exc:
                result.notes.append(f"not valid UTF-8 (first bad byte at offset {exc.start}); parsed anyway")
        if tree is None:
            tree = languages.parse_with(plan.syntax.language, data)
        ctx = FileContext(self, plan, data, tree.root_node, result, _own_packages(path))
        for start, end, roles in anchors:
            if roles & IMPORT:
                ctx.import_anchor(start, end)
            if roles & (CALL | DECORATOR):
                ctx.name_anchor(start, end, roles)
        ctx.finish_aliases()
        ctx.finish_imports()
        if symbol_names or tree_symbols:
            ctx.symbols(symbol_names if not tree_symbols else None)
        for query, windows in queries:
            ctx.user_query(query, windows)
        if has_marker:
            ctx.markers()
        ctx.finish_bound()
        ctx.propagate(self._propagating)
        result.exports = crossfile.exports_of(ctx.direct, self._propagating)
        if linked and repo is not None:
            crossfile.link(ctx, crossfile.dependencies(ctx, path, repo), repo, self._propagating)
        if named_like:
            ctx.named_like(named_like)

    def _named_like(self, plan: Plan, data: bytes) -> list[tuple[int, int, tuple[str, ...]]]:
        """Names used in the file (not defined) that a propagating zone's symbol rules match:
        `validateSession(req)` imported from elsewhere in the repo, `gateway.cancelSubscription()`,
        `secretsService.get(...)`. One RE2 scan finds the identifiers that contain a literal the
        symbol rules require; each distinct one is tried against the rules once."""
        if not self._propagating or plan.symbol_words is None:
            return []
        out: list[tuple[int, int, tuple[str, ...]]] = []
        memo: dict[bytes, tuple[str, ...]] = {}
        propagating = self._propagating
        for match in plan.symbol_words.finditer(data):
            start, end = match.span()
            if start and data[start - 1] in IDENT_BYTE:
                continue  # the tail of an identifier with non-ASCII letters
            if data[end - 1 : end] == b"(":  # the call-site scanner of literal-free rules
                end = start + len(data[start : end - 1].rstrip(b" \t"))
            word = data[start:end]
            zones = memo.get(word)
            if zones is None:
                name = word.decode("ascii", "replace")
                found = self._symbol_zones(name) if not name[:1].isdigit() else ()
                zones = memo[word] = tuple(z for z in found if z in propagating)
            if zones:
                out.append((start, end, zones))
        return out

    def _anchors(self, plan: Plan, data: bytes) -> list[tuple[int, int, int]]:
        """(start, end, roles) of every occurrence of a name the rules care about."""
        anchors: list[tuple[int, int, int]] = []
        if plan.scanner is None:
            return anchors
        live: dict[bytes, int] = {}  # word -> roles that can still match in this file
        heads_seen: dict[bytes, bool] = {}
        heads_in_data: dict[bytes, bool] = {}
        for match in plan.scanner.finditer(data):
            start = match.start(1)
            if start < 0:
                start, end = match.span(2)
                head = plan.syntax.import_anchor_head(data[start:end])
                if head is not None:
                    present = heads_seen.get(head)
                    if present is None:
                        present = heads_seen[head] = self._segments_present(plan, head, data)
                    # `from airflow import auth` is also `**/auth`'s, whichever term matched
                    # first here: a repo rule naming `airflow.utils.jwt` must not make the file
                    # skip it, so the suffix terms are tried from the anchor's start
                    if not present and not (plan.suffix_imports is not None
                                            and plan.suffix_imports.match(data, start)):
                        continue
                anchors.append((start, end, IMPORT))
                continue
            end = match.end(1)
            word = data[start:end]
            roles = live.get(word, -1)
            if roles < 0:
                roles = live[word] = self._live_roles(plan, word, data, heads_in_data)
            if roles:
                anchors.append((start, end, roles))
        return anchors

    @staticmethod
    def _live_roles(plan: Plan, word: bytes, data: bytes, heads_in_data: dict[bytes, bool]) -> int:
        roles = plan.token_roles.get(word, 0)
        heads = plan.token_heads.get(word)
        if heads is not None:
            present = False
            for head in heads:  # the spellings of one rule share its head: test each once
                found = heads_in_data.get(head)
                if found is None:
                    found = heads_in_data[head] = head in data
                if found:
                    present = True
                    break
            if not present:
                roles &= ~(CALL | DECORATOR)
        if roles & IMPORT and not Classifier._segments_present(plan, word, data):
            roles &= ~IMPORT
        return roles

    @staticmethod
    def _segments_present(plan: Plan, head: bytes, data: bytes) -> bool:
        needs = plan.import_segments.get(head, ())
        return not needs or any(all(seg in data for seg in segments) for segments in needs)

    def _symbol_zones(self, name: str) -> tuple[str, ...]:
        """Zones whose symbol rules match `name` or its snake_case spelling (style-insensitive:
        `^(check|set)_?password$` matches `checkPassword` and `SetPassword` too)."""
        zones = self._symbol_memo.get(name)
        if zones is None:
            spellings = [name]
            if any(c.isupper() for c in name):
                snake = snake_case(name)
                if snake != name:
                    spellings.append(snake)
            found: list[str] = []
            for spelling in spellings:
                if self._symbols_any is not None and self._symbols_any.search(spelling.encode("utf-8")) is None:
                    continue
                found.extend(zone for _, regex, zone in self._symbols if regex.search(spelling) is not None)
            zones = tuple(dict.fromkeys(found))
            if len(self._symbol_memo) >= _SYMBOL_MEMO_LIMIT:
                self._symbol_memo.clear()
            self._symbol_memo[name] = zones
        return zones


def _own_packages(path: str) -> frozenset[str]:
    """Top-level Python packages `path` belongs to (`fastapi_users/jwt.py`, `src/app/x.py`): an
    import of one of them is the project's own code, not the library a rule names."""
    parts = path.split("/")[:-1]
    if parts and parts[0] in ("src", "lib"):
        parts = parts[1:]
    return frozenset(parts[:1]) if parts and parts[0].isidentifier() else frozenset()


def _normalize_path(path: str) -> str:
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/")


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
