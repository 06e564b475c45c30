"""Interpreting anchors in one parsed file: imports, calls, decorators, symbols, queries, markers.

`FileContext` looks at the few nodes around each anchor the classifier found (is this name in an
import statement, the callee of a call, part of a decorator?) and adds what matched to the
file's `Regions`, attributed to the enclosing definition.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from tree_sitter import Node

from pavedroad.analysis import languages
from pavedroad.analysis.plan import CALL, DECORATOR, Plan, last_segment
from pavedroad.analysis.queries import UserQuery
from pavedroad.analysis.regions import Regions
from pavedroad.analysis.syntax import Binding, Definition, node_text

if TYPE_CHECKING:
    from pavedroad.analysis.classify import Classifier

MARKER = re.compile(
    rb"pavedroad:[ \t]*zone[ \t]*=[ \t]*([A-Za-z0-9_.\-]+(?:[ \t]*,[ \t]*[A-Za-z0-9_.\-]+)*)"
)
IDENT_BYTE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$") | frozenset(
    range(0x80, 0x100)
)


def dotted_match(pattern: str, names: Iterable[str]) -> bool:
    """`jwt.encode` matches `jwt.encode` and, at a `.` or `/` boundary, `self.jwt.encode`,
    `window.crypto.subtle.encrypt` for `crypto.subtle.encrypt` or `crypto/cipher.NewGCM` (Go,
    resolved through an alias) for `cipher.NewGCM`."""
    dotted, slashed = "." + pattern, "/" + pattern
    return any(name == pattern or name.endswith(dotted) or name.endswith(slashed) for name in names)


class FileContext:
    """Interprets anchors of one parsed file."""

    def __init__(self, owner: Classifier, plan: Plan, data: bytes, root: Node, result: Regions) -> None:
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
            if (pos == 0 or data[pos - 1] not in IDENT_BYTE) and (end >= len(data) or data[end] not in IDENT_BYTE):
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
        if roles & CALL and self.plan.calls:
            callee = self.syntax.callee_at(node)
            if callee is not None:
                handled = True
                self._match(self.plan.calls, callee, node, node, "call", alias)
        if roles & DECORATOR and self.plan.decorators and not handled:
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
                lasts.add(last_segment(resolved))
        for segment in lasts:
            for pattern, zones in rules.get(segment, ()):
                if ("." not in pattern and segment == pattern) or dotted_match(pattern, names):
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
            if binding.bound and binding.bound != word and last_segment(binding.target) == word:
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
    def user_query(self, query: UserQuery, windows: list[tuple[int, int]] | None) -> None:
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
        for match in MARKER.finditer(self.data):
            node = self.root.descendant_for_byte_range(match.start(), match.end())
            if node is None or not self.syntax.is_comment(node):
                continue  # e.g. the text of a string literal
            for zone_id in marker_ids(match):
                if zone_id in zones:
                    self.add((zone_id,), node, f"marker zone={zone_id}")
                else:
                    self.result.notes.append(unknown_marker(self.data, match.start(), zone_id))


def marker_ids(match: re.Match[bytes]) -> list[str]:
    raw = match.group(1).decode("ascii", "replace")
    return [part.strip() for part in raw.split(",") if part.strip()]


def unknown_marker(data: bytes, offset: int, zone_id: str) -> str:
    line = data.count(b"\n", 0, offset) + 1
    return f"line {line}: marker names unknown zone {zone_id!r}; ignored (markers can only name configured zones)"
