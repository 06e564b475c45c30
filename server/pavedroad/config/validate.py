"""Schema checks of one zone-config file: types, unknown keys (with a did-you-mean), levels, ids,
globs, regexes and tree-sitter queries. Produces a `Layer` plus located problems; never raises.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pathspec

from pavedroad import codes
from pavedroad.analysis.languages import LANGUAGES, canonical_language, compile_query
from pavedroad.config.layer import At, ExtendsEntry, Layer, ZoneEntry
from pavedroad.config.model import ConfigProblem, Level, MatchRules, SourceRef
from pavedroad.config.yamlpos import YNode, parse_yaml
from pavedroad.saferegex import PatternError, compile_regex

TOP_KEYS = (
    "version",
    "extends",
    "locked",
    "zones",
    "sensitive",
    "prompts",
    "provenance",
    "exception_approvers",
    "exception_max_days",
    "dependencies",
    "ai_tools",
)
ZONE_KEYS = (
    "id", "title", "why", "reviewers", "ai", "context", "scope", "locked", "propagate", "exclusive", "match",
    "propagate_match",
)
#: what may follow `**/` in an import pattern: one module segment
_MODULE_SEGMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
MATCH_KEYS = ("paths", "imports", "calls", "decorators", "symbols", "queries")
PROMPTS_KEYS = ("internal_domains", "files")
PROVENANCE_KEYS = ("min_lines", "min_chars")
EXTENDS_KEYS = ("path", "preset", "url", "sha256")
DEPENDENCIES_KEYS = ("allow", "deny", "private")
AI_TOOLS_KEYS = ("approved", "unapproved")

AI_LEVELS = ("allow", "warn", "review", "deny")
CONTEXT_LEVELS = ("allow", "warn", "deny")
SCOPES = ("symbol", "file")

ZONE_ID = re.compile(r"^[a-z][a-z0-9_-]*$")
PRESET_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
DOMAIN = re.compile(r"^(\*\.)?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$")
#: `dependencies` entries: optional `ecosystem:` prefix, then a package name, scope or prefix
#: with `*` wildcards (npm scopes, Maven group:artifact and Go module paths included).
PACKAGE_PATTERN = re.compile(r"^(?:(pypi|npm|maven|go|cargo|gem|terraform):)?[A-Za-z0-9@*][A-Za-z0-9@*._/:~+-]{0,213}$")
PACKAGE_ECOSYSTEMS = ("pypi", "npm", "maven", "go", "cargo", "gem", "terraform")

SUPPORTED_VERSION = 1


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_glob(pattern: str) -> str | None:
    """Why a gitignore-style glob cannot be used, or None if it is fine."""
    if not pattern.strip():
        return "empty glob"
    if pattern.startswith("!"):
        return (f"negated glob {pattern!r} is not supported: path lists only ever add "
                "(write a more specific pattern instead)")
    if pattern.startswith("#"):
        return f"glob {pattern!r} starts with '#', which gitignore reads as a comment"
    try:
        spec = pathspec.PathSpec.from_lines("gitignore", [pattern])
    except Exception as exc:  # pathspec raises its own error types (and ValueError)
        return f"invalid glob {pattern!r}: {exc}"
    if not spec.patterns or getattr(spec.patterns[0], "regex", None) is None:
        return f"glob {pattern!r} matches nothing"
    return None


class _Validator:
    def __init__(self, file: str, check_queries: bool = True) -> None:
        self.file = file
        #: compile tree-sitter queries to report errors (skipped for shipped presets, which their
        #: tests compile: it is most of the cost of loading a config)
        self.check_queries = check_queries
        self.problems: list[ConfigProblem] = []

    # --- reporting ------------------------------------------------------------------------------
    def report(self, node: YNode | SourceRef, message: str, code: str = codes.CONFIG_SCHEMA,
               severity: str = "error") -> None:
        if isinstance(node, YNode):
            where, end = node.ref, node.end_on_line
        else:
            where, end = node, None
        self.problems.append(ConfigProblem(code, message, where,
                                           "warning" if severity == "warning" else "error", end))

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    # --- typed accessors --------------------------------------------------------------------------
    def mapping(self, node: YNode, what: str, allowed: tuple[str, ...]) -> dict[str, YNode] | None:
        if node.kind != "map":
            self.report(node, f"{what} must be a mapping, not {node.describe()}")
            return None
        for key, key_node in node.keys.items():
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                if not hint:
                    hint = f" (allowed: {', '.join(allowed)})"
                self.report(key_node, f"unknown key {key!r} in {what}{hint}")
        return {k: v for k, v in node.value.items() if k in allowed}

    def string(self, node: YNode, what: str, *, allow_empty: bool = False) -> str | None:
        if node.kind != "scalar" or not isinstance(node.value, str):
            self.report(node, f"{what} must be a string, not {node.describe()}")
            return None
        if not allow_empty and not node.value.strip():
            self.report(node, f"{what} must not be empty")
            return None
        return node.value

    def strings(self, node: YNode, what: str, *, allow_empty: bool = False
                ) -> list[tuple[str, YNode]] | None:
        if node.kind == "scalar" and node.value is None:
            return []  # `paths:` with nothing after it: an empty list
        if node.kind != "seq":
            self.report(node, f"{what} must be a list of strings, not {node.describe()}")
            return None
        out: list[tuple[str, YNode]] = []
        for item in node.value:
            text = self.string(item, f"each entry of {what}", allow_empty=allow_empty)
            if text is not None:
                out.append((text, item))
        return out

    def boolean(self, node: YNode, what: str) -> bool | None:
        if node.kind != "scalar" or not isinstance(node.value, bool):
            self.report(node, f"{what} must be true or false, not {node.describe()}")
            return None
        return bool(node.value)

    def integer(self, node: YNode, what: str, minimum: int) -> int | None:
        value = node.value
        if node.kind != "scalar" or isinstance(value, bool) or not isinstance(value, int):
            self.report(node, f"{what} must be a whole number, not {node.describe()}")
            return None
        if value < minimum:
            self.report(node, f"{what} must be at least {minimum}, not {value}")
            return None
        return value

    def choice(self, node: YNode, what: str, choices: tuple[str, ...]) -> str | None:
        value = node.value
        if node.kind == "scalar" and isinstance(value, str) and value in choices:
            return value
        allowed = " | ".join(choices)
        if node.kind == "scalar" and isinstance(value, str):
            hint = did_you_mean(value, choices)
            if value.lower() in choices:
                hint = f" (levels are lower case: {value.lower()!r})"
            self.report(node, f"{what} must be one of {allowed}, not {value!r}{hint}")
        elif node.kind == "scalar" and isinstance(value, bool):
            self.report(node, f"{what} must be one of {allowed}, not {node.describe()} "
                              "(YAML reads yes/no/on/off as booleans)")
        else:
            self.report(node, f"{what} must be one of {allowed}, not {node.describe()}")
        return None

    def globs(self, node: YNode, what: str) -> tuple[str, ...]:
        items = self.strings(node, what, allow_empty=True)
        if items is None:
            return ()
        out = []
        for text, item in items:
            reason = check_glob(text)
            if reason is not None:
                self.report(item, f"{reason} in {what}", codes.CONFIG_PATTERN)
                continue
            out.append(text)
        return tuple(dict.fromkeys(out))

    # --- sections ---------------------------------------------------------------------------------
    def extends(self, node: YNode) -> tuple[ExtendsEntry, ...]:
        if node.kind == "scalar" and node.value is None:
            return ()
        items = [node] if node.kind == "scalar" else node.value if node.kind == "seq" else None
        if items is None:
            self.report(node, "`extends` must be a list of presets, paths or urls, "
                              f"not {node.describe()}")
            return ()
        out: list[ExtendsEntry] = []
        for item in items:
            entry = self.extends_entry(item)
            if entry is not None:
                out.append(entry)
        return tuple(out)

    def extends_entry(self, item: YNode) -> ExtendsEntry | None:
        end = item.end_on_line
        if item.kind == "scalar":
            text = self.string(item, "an `extends` entry")
            if text is None:
                return None
            text = text.strip()
            if text.startswith("preset:"):
                return ExtendsEntry("preset", text[len("preset:"):].strip(), item.ref, end)
            if text.startswith(("http://", "https://")):
                self.report(item, "a url in `extends` needs a pinned digest: write "
                                  "`{url: ..., sha256: ...}`")
                return None
            return ExtendsEntry("path", text, item.ref, end)
        fields = self.mapping(item, "an `extends` entry", EXTENDS_KEYS)
        if fields is None:
            return None
        kinds = [k for k in ("path", "preset", "url") if k in fields]
        if len(kinds) != 1:
            self.report(item, "an `extends` entry needs exactly one of `path`, `preset` or `url`")
            return None
        kind = kinds[0]
        target = self.string(fields[kind], f"`extends` {kind}")
        if target is None:
            return None
        target = target.strip()
        sha_node = fields.get("sha256")
        if kind != "url":
            if sha_node is not None:
                self.report(node_key(item, "sha256"), "`sha256` only applies to a `url` entry")
            return ExtendsEntry("path" if kind == "path" else "preset", target, item.ref, end)
        if not target.lower().startswith(("http://", "https://")):
            self.report(fields["url"], f"`url` must be an http or https address, not {target!r}")
            return None
        if sha_node is None:
            self.report(fields["url"], "a `url` entry requires `sha256`, the pinned digest of the "
                                       "file (e.g. from `sha256sum`)")
            return None
        digest = self.string(sha_node, "`sha256`")
        if digest is None:
            return None
        digest = digest.strip().lower()
        if digest.startswith("sha256:"):
            digest = digest[len("sha256:"):]
        if not SHA256.match(digest):
            self.report(sha_node, "`sha256` must be 64 hexadecimal characters")
            return None
        return ExtendsEntry("url", target, fields["url"].ref, fields["url"].end_on_line, digest)

    def match(self, node: YNode, zone: str) -> MatchRules:
        if node.kind == "scalar" and node.value is None:
            return MatchRules()
        fields = self.mapping(node, f"`match` of zone {zone!r}", MATCH_KEYS)
        if fields is None:
            return MatchRules()
        paths: tuple[str, ...] = ()
        if "paths" in fields:
            paths = self.globs(fields["paths"], f"`match.paths` of zone {zone!r}")

        def names(key: str) -> tuple[str, ...]:
            if key not in fields:
                return ()
            items = self.strings(fields[key], f"`match.{key}` of zone {zone!r}")
            out: list[str] = []
            for text, item in items or ():
                text = text.strip()
                if key == "imports" and text.startswith("**/") and not _MODULE_SEGMENT.fullmatch(text[3:]):
                    self.report(item, f"zone {zone!r}: import pattern {text!r}: `**/` must be followed by "
                                      "one module name (letters, digits, `_`, `-`), e.g. `**/auth`",
                                codes.CONFIG_PATTERN)
                    continue
                out.append(text)
            return tuple(dict.fromkeys(out))

        symbols: list[str] = []
        if "symbols" in fields:
            for text, item in self.strings(fields["symbols"], f"`match.symbols` of zone {zone!r}") or ():
                try:
                    compile_regex(text)
                except PatternError as exc:
                    self.report(item, f"zone {zone!r}: {exc}", codes.CONFIG_PATTERN)
                    continue
                symbols.append(text)
        queries: list[tuple[str, str]] = []
        if "queries" in fields:
            qnode = fields["queries"]
            if qnode.kind == "scalar" and qnode.value is None:
                pass
            elif qnode.kind != "map":
                self.report(qnode, f"`match.queries` of zone {zone!r} must map a language to a "
                                   f"tree-sitter query, not {qnode.describe()}")
            else:
                for lang, source_node in qnode.value.items():
                    canonical = canonical_language(lang)
                    if canonical is None:
                        known = ", ".join(sorted(LANGUAGES))
                        self.report(qnode.keys[lang],
                                    f"zone {zone!r}: unknown language {lang!r} for a query"
                                    f"{did_you_mean(lang, LANGUAGES)} (known: {known})",
                                    codes.CONFIG_PATTERN)
                        continue
                    source = self.string(source_node, f"the {lang} query of zone {zone!r}")
                    if source is None:
                        continue
                    try:
                        if self.check_queries:
                            compile_query(canonical, source)
                    except PatternError as exc:
                        self.report(source_node, f"zone {zone!r}: {canonical} query: {exc}",
                                    codes.CONFIG_PATTERN)
                        continue
                    except Exception as exc:  # a grammar that fails to load must not crash us
                        self.report(source_node, f"zone {zone!r}: cannot compile the {canonical} "
                                                 f"query: {exc}", codes.CONFIG_PATTERN)
                        continue
                    queries.append((canonical, source))
        return MatchRules(
            paths=paths,
            imports=names("imports"),
            calls=names("calls"),
            decorators=names("decorators"),
            symbols=tuple(dict.fromkeys(symbols)),
            queries=tuple(dict.fromkeys(queries)),
        )

    def zone(self, node: YNode, index: int) -> ZoneEntry | None:
        if node.kind != "map":
            self.report(node, f"zone #{index + 1} must be a mapping with an `id`, "
                              f"not {node.describe()}")
            return None
        id_node = node.value.get("id")
        zone_id: str | None = None
        if id_node is None:
            self.report(node, f"zone #{index + 1} has no `id`")
        else:
            zone_id = self.string(id_node, "`id`")
            if zone_id is not None and not ZONE_ID.match(zone_id):
                self.report(id_node, f"zone id {zone_id!r} must start with a lower-case letter and "
                                     "contain only a-z, 0-9, '_' and '-'")
                zone_id = None
        name = zone_id or f"#{index + 1}"
        fields = self.mapping(node, f"zone {name!r}", ZONE_KEYS) or {}
        values: dict[str, At] = {}

        def at(key: str, value: Any) -> None:
            values[key] = At(value, node.keys[key].ref, fields[key].end_on_line)

        for key in ("title", "why"):
            if key in fields:
                text = self.string(fields[key], f"`{key}` of zone {name!r}", allow_empty=True)
                if text is not None:
                    at(key, text.strip())
        if "reviewers" in fields:
            items = self.strings(fields["reviewers"], f"`reviewers` of zone {name!r}")
            if items is not None:
                at("reviewers", tuple(dict.fromkeys(t.strip() for t, _ in items)))
        if "ai" in fields:
            level = self.choice(fields["ai"], f"`ai` of zone {name!r}", AI_LEVELS)
            if level is not None:
                at("ai", Level.parse(level))
        if "context" in fields:
            level = self.choice(fields["context"], f"`context` of zone {name!r}", CONTEXT_LEVELS)
            if level is not None:
                at("context", Level.parse(level))
        if "scope" in fields:
            scope = self.choice(fields["scope"], f"`scope` of zone {name!r}", SCOPES)
            if scope is not None:
                at("scope", scope)
        for key in ("locked", "propagate", "exclusive", "propagate_match"):
            if key in fields:
                flag = self.boolean(fields[key], f"`{key}` of zone {name!r}")
                if flag is not None:
                    at(key, flag)
        rules = MatchRules()
        match_at = None
        if "match" in fields:
            rules = self.match(fields["match"], name)
            match_at = node.keys["match"].ref
        if zone_id is None or id_node is None:
            return None
        return ZoneEntry(zone_id, id_node.ref, values, rules, match_at)

    def layer(self, root: YNode | None, label: str) -> Layer:
        if root is None or (root.kind == "scalar" and root.value is None):
            self.report(SourceRef(self.file, 1, 1), "the config file is empty",
                        codes.CONFIG_WARNING, "warning")
            return Layer(label, self.file)
        top = self.mapping(root, "the config file", TOP_KEYS)
        if top is None:
            return Layer(label, self.file, fatal=True)
        version: At | None = None
        if "version" not in top:
            self.report(SourceRef(self.file, root.line, root.column),
                        f"missing `version: {SUPPORTED_VERSION}`", codes.CONFIG_WARNING, "warning")
        else:
            vnode = top["version"]
            if vnode.kind == "scalar" and type(vnode.value) is int and vnode.value == SUPPORTED_VERSION:
                version = At(vnode.value, vnode.ref)
            else:
                shown = repr(vnode.value) if vnode.kind == "scalar" else vnode.describe()
                self.report(vnode, f"unsupported `version` {shown}: this pavedroad reads version "
                                   f"{SUPPORTED_VERSION}")
        extends: tuple[ExtendsEntry, ...] = ()
        if "extends" in top:
            extends = self.extends(top["extends"])
        locked = False
        if "locked" in top:
            locked = bool(self.boolean(top["locked"], "top-level `locked`"))
        zones: list[ZoneEntry] = []
        if "zones" in top:
            znode = top["zones"]
            if znode.kind == "scalar" and znode.value is None:
                pass
            elif znode.kind != "seq":
                self.report(znode, f"`zones` must be a list of zones, not {znode.describe()}")
            else:
                seen: dict[str, ZoneEntry] = {}
                for i, item in enumerate(znode.value):
                    entry = self.zone(item, i)
                    if entry is None:
                        continue
                    if entry.id in seen:
                        self.report(entry.where,
                                    f"zone {entry.id!r} is defined twice in this file (first at "
                                    f"line {seen[entry.id].where.line}); merge the two entries")
                        continue
                    seen[entry.id] = entry
                    zones.append(entry)
        sensitive: tuple[str, ...] = ()
        if "sensitive" in top:
            sensitive = self.globs(top["sensitive"], "`sensitive`")
        domains: tuple[str, ...] = ()
        prompt_files: tuple[str, ...] = ()
        if "prompts" in top:
            pnode = top["prompts"]
            prompts = {} if pnode.kind == "scalar" and pnode.value is None else (
                self.mapping(pnode, "`prompts`", PROMPTS_KEYS) or {})
            if "internal_domains" in prompts:
                items = self.strings(prompts["internal_domains"], "`prompts.internal_domains`")
                good = []
                for text, item in items or ():
                    if not DOMAIN.match(text.strip()):
                        self.report(item, f"{text!r} is not a host name or `*.domain` pattern "
                                          "(write `corp.example.com` or `*.internal`, no scheme "
                                          "or path)")
                        continue
                    good.append(text.strip().lower())
                domains = tuple(dict.fromkeys(good))
            if "files" in prompts:
                prompt_files = self.globs(prompts["files"], "`prompts.files`")
        provenance: dict[str, At] = {}
        if "provenance" in top:
            pnode = top["provenance"]
            fields = {} if pnode.kind == "scalar" and pnode.value is None else (
                self.mapping(pnode, "`provenance`", PROVENANCE_KEYS) or {})
            for key, minimum in (("min_lines", 1), ("min_chars", 0)):
                if key in fields:
                    value = self.integer(fields[key], f"`provenance.{key}`", minimum)
                    if value is not None:
                        provenance[key] = At(value, pnode.keys[key].ref, fields[key].end_on_line)
        approvers: At | None = None
        if "exception_approvers" in top:
            items = self.strings(top["exception_approvers"], "`exception_approvers`")
            if items is not None:
                approvers = At(tuple(dict.fromkeys(t.strip() for t, _ in items)),
                               root.keys["exception_approvers"].ref,
                               top["exception_approvers"].end_on_line)
        max_days: At | None = None
        if "exception_max_days" in top:
            value = self.integer(top["exception_max_days"], "`exception_max_days`", 1)
            if value is not None:
                max_days = At(value, root.keys["exception_max_days"].ref,
                              top["exception_max_days"].end_on_line)
        dependencies: dict[str, At] = {}
        if "dependencies" in top:
            dependencies = self.dependencies(top["dependencies"])
        ai_tools: dict[str, At] = {}
        if "ai_tools" in top:
            ai_tools = self.ai_tools(top["ai_tools"])
        return Layer(
            label=label,
            file=self.file,
            locked=locked,
            version=version,
            extends=extends,
            zones=tuple(zones),
            sensitive=sensitive,
            internal_domains=domains,
            prompt_files=prompt_files,
            provenance=provenance,
            exception_approvers=approvers,
            exception_max_days=max_days,
            dependencies=dependencies,
            ai_tools=ai_tools,
            fatal=self.has_errors,
        )


    def dependencies(self, node: YNode) -> dict[str, At]:
        if node.kind == "scalar" and node.value is None:
            return {}
        fields = self.mapping(node, "`dependencies`", DEPENDENCIES_KEYS) or {}
        out: dict[str, At] = {}
        for key, value_node in fields.items():
            items = self.strings(value_node, f"`dependencies.{key}`")
            if items is None:
                continue
            good = []
            for text, item in items:
                name = text.strip()
                if not PACKAGE_PATTERN.match(name):
                    self.report(item, f"`dependencies.{key}` entry is not a package name or "
                                      "pattern (write e.g. `requests`, `npm:@acme/*`, "
                                      f"`pypi:django-*`; ecosystems: {', '.join(PACKAGE_ECOSYSTEMS)})",
                                codes.CONFIG_PATTERN)
                    continue
                if key == "private" and len(name.replace("*", "").split(":")[-1]) < 3:
                    self.report(item, "a `dependencies.private` entry must name a scope or a prefix "
                                      "of at least 3 characters: a wider one would keep every "
                                      "package from being verified", codes.CONFIG_PATTERN)
                    continue
                good.append(name)
            out[key] = At(tuple(dict.fromkeys(good)), node.keys[key].ref, value_node.end_on_line)
        return out

    def ai_tools(self, node: YNode) -> dict[str, At]:
        if node.kind == "scalar" and node.value is None:
            return {}
        fields = self.mapping(node, "`ai_tools`", AI_TOOLS_KEYS) or {}
        out: dict[str, At] = {}
        if "approved" in fields:
            items = self.strings(fields["approved"], "`ai_tools.approved`")
            if items is not None:
                out["approved"] = At(tuple(dict.fromkeys(t.strip() for t, _ in items)),
                                     node.keys["approved"].ref, fields["approved"].end_on_line)
        if "unapproved" in fields:
            level = self.choice(fields["unapproved"], "`ai_tools.unapproved`", AI_LEVELS)
            if level is not None:
                out["unapproved"] = At(Level.parse(level), node.keys["unapproved"].ref,
                                       fields["unapproved"].end_on_line)
        return out


def node_key(node: YNode, key: str) -> YNode:
    return node.keys.get(key, node)


def validate_layer(root: YNode | None, file: str, label: str, *, check_queries: bool = True
                   ) -> tuple[Layer, list[ConfigProblem]]:
    """Validate a parsed YAML document as one config layer."""
    v = _Validator(file, check_queries)
    layer = v.layer(root, label)
    return layer, v.problems


def parse_layer(text: str, file: str, label: str, *, check_queries: bool = True
                ) -> tuple[Layer, list[ConfigProblem]]:
    """Parse and validate one config file's text. Never raises on bad input."""
    root, problems = parse_yaml(text, file)
    syntax_errors = any(p.severity == "error" for p in problems)
    if syntax_errors and root is None:
        return Layer(label, file, fatal=True), problems
    layer, more = validate_layer(root, file, label, check_queries=check_queries)
    if syntax_errors and not layer.fatal:  # e.g. a duplicate key: the rest is still checked
        layer = replace(layer, fatal=True)
    return layer, sorted(problems + more, key=lambda p: (p.where.line, p.where.column))
