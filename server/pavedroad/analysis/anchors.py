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
from pavedroad.analysis.regions import QUIET, Regions, real_zone
from pavedroad.analysis.syntax import Binding, Definition, end_line_of, node_text
from pavedroad.analysis.syntax.base import SUFFIX_PATTERN, _field_is

if TYPE_CHECKING:
    from pavedroad.analysis.classify import Classifier

MARKER = re.compile(
    rb"pavedroad:[ \t]*zone[ \t]*=[ \t]*([A-Za-z0-9_.\-]+(?:[ \t]*,[ \t]*[A-Za-z0-9_.\-]+)*)"
)
#: whole identifier tokens as `occurrences` counts them (IDENT_BYTE runs), for the word index
_WORD = re.compile(rb"[A-Za-z0-9_$\x80-\xff]+")
#: files larger than this get a word index instead of one scan per name
_INDEXED_BYTES = 64 * 1024
IDENT_BYTE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$") | frozenset(
    range(0x80, 0x100)
)


def dotted_match(pattern: str, names: Iterable[str]) -> bool:
    """`jwt.encode` matches `jwt.encode` and, at a `.` or `/` boundary, `self.jwt.encode`,
    `window.crypto.subtle.encrypt` for `crypto.subtle.encrypt` or `crypto/cipher.NewGCM` (Go,
    resolved through an alias) for `cipher.NewGCM`."""
    dotted, slashed = "." + pattern, "/" + pattern
    return any(name == pattern or name.endswith(dotted) or name.endswith(slashed) for name in names)


#: zero-argument accessor calls on a typed parameter read it rather than use it
_GETTER = re.compile(r"^(?:(?:get|is|has)[A-Z_]|to(?:String|Map|Json)$|hashCode$|equals$)")


class FileContext:
    """Interprets anchors of one parsed file."""

    def __init__(
        self, owner: Classifier, plan: Plan, data: bytes, root: Node, result: Regions,
        own_packages: frozenset[str] = frozenset(),
    ) -> None:
        self.owner = owner
        #: Python: the packages this file belongs to (imports of them are the project's own code)
        self._own = own_packages if plan.syntax.language == "python" else frozenset()
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
        #: names a matched statement or field binds: (zones, kind, name, scope node, reason)
        self._bound: list[tuple[tuple[str, ...], str, str, Node, str]] = []
        #: per zone, the functions and methods in it by direct evidence (propagation sources)
        self.direct: dict[str, dict[tuple[int, int], Definition]] = {}
        self._words: dict[bytes, list[int]] | None = None  # see `occurrences`

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

    def definition(self, node: Node | None, *, members: bool = True, statements: bool = True) -> Definition | None:
        """Where a match at `node` belongs: the innermost function/method containing it; in a
        class but outside its methods, the class member (field, class-level statement) holding
        it (`members`); outside any definition, the top-level statement holding it
        (`statements`). None: the whole file."""
        if node is None:
            return None
        definition_node = self.syntax.enclosing_definition(node)
        if definition_node is None:
            statement = self.syntax.top_level_statement(node) if statements else None
            return self._statement(statement, None) if statement is not None else None
        if members and self.syntax.definition_kind(definition_node) == "class":
            member = self.syntax.class_member(node, definition_node)
            if member is not None:
                return self._statement(member, self._definition(definition_node))
        return self._definition(definition_node)

    def _statement(self, node: Node, cls: Definition | None) -> Definition:
        key = (node.start_byte, node.end_byte, node.type)
        found = self._definitions.get(key)
        if found is None:
            name = self.syntax.statement_name(node, self.data)
            start, end = node.start_point, node.end_point
            found = self._definitions[key] = Definition(
                node=node,
                name=name,
                qualified=f"{cls.qualified}.{name}" if cls is not None else name,
                kind="statement",
                start_byte=node.start_byte,
                end_byte=node.end_byte,
                start_line=start.row + 1,
                end_line=end_line_of(start.row, end.row, end.column),
            )
        return found

    def _definition(self, node: Node) -> Definition:
        key = (node.start_byte, node.end_byte, node.type)
        found = self._definitions.get(key)
        if found is None:
            found = self._definitions[key] = self.syntax.make_definition(node, self.data)
        return found

    def add(
        self, zones: Iterable[str], node: Node | None, reason: str, *, follow: bool = True, members: bool = True,
        statements: bool = True,
    ) -> None:
        definition = self.definition(node, members=members, statements=statements)
        zones = tuple(zones)
        for zone in zones:
            self.result.add_definition(zone, definition, reason)
            self.evidence(zone, definition)
        if follow and node is not None:
            target = self.syntax.bound_target(node, self.data)
            if target is not None:
                self._bound.append((zones, target[0], target[1], target[2], reason))

    def add_to(self, zones: Iterable[str], definition: Definition, reason: str) -> None:
        """Matches that name their definition (a decorated function, a symbol)."""
        for zone in zones:
            self.result.add_definition(zone, definition, reason)
            self.evidence(zone, definition)

    def evidence(self, zone: str, definition: Definition | None) -> None:
        if definition is not None and definition.kind in ("function", "method") and QUIET not in zone:
            self.direct.setdefault(zone, {})[(definition.start_byte, definition.end_byte)] = definition

    # --- names bound by matched statements and fields ----------------------------------------------
    def finish_bound(self) -> None:
        """`oauth2_scheme = OAuth2PasswordBearer(...)` at module level, `self.hasher = Hasher()`,
        a `PasswordEncoder` field: the definitions that use the bound name join the zones."""
        seen: set[tuple[str, str, int]] = set()
        for zones, kind, name, scope, reason in self._bound:
            key = (kind, name, scope.start_byte)
            if key in seen:
                continue
            seen.add(key)
            via = f"uses {name} ({reason})"
            for ref in self.occurrences(name):
                if not scope.start_byte <= ref.start_byte < scope.end_byte:
                    continue
                if kind == "field":
                    if not self.syntax.field_reference(ref, self.data):
                        continue
                elif kind == "param":
                    call = self.syntax.member_call(ref, self.data)
                    if call is None or (call[1] == 0 and _GETTER.match(call[0])):
                        continue  # reading a typed value (`p.name`, `user.getUid()`) is no use
                elif not self.syntax.is_reference(ref) or self.syntax.is_type_only(ref):
                    continue
                where = self.definition(ref)
                if where is None or where.kind in ("class",):
                    continue
                for zone in zones:
                    self.result.add_definition(zone, where, via)
                    self.evidence(zone, where)

    # --- calls of functions named like a zone's functions ---------------------------------------------
    def named_like(self, anchors: list[tuple[int, int, tuple[str, ...]]]) -> None:
        """A call of (or through) a name a propagating zone's symbol rules match, defined
        elsewhere (an imported helper, a method of an injected service): the caller joins the
        zone, one level, as if the callee were in the same file."""
        imported = None
        for start, end, zones in anchors:
            node = self._name_node(start, end)
            if node is None:
                continue
            parent = node.parent
            if parent is not None and self.syntax.is_definition(parent) and _field_is(parent, "name", node):
                continue  # the definition itself: `symbols` handles it
            name = node_text(node, self.data)
            if self.syntax.callee_at(node) is not None:
                reason = f"calls {name}"
            elif self.syntax.member_call(
                node.parent if node.parent is not None and self.syntax.field_reference(node, self.data) else node,
                self.data,
            ) is not None:  # `service.get(...)`, `self.password_helper.hash(...)`
                reason = f"calls {name}.*"
            else:
                if imported is None:
                    imported = self.import_table()
                if (
                    name not in imported or self.syntax.import_at(node) is not None
                    or not self.syntax.is_reference(node) or self.syntax.is_type_only(node)
                ):
                    continue
                reason = f"uses {name}"
            where = self.definition(node)
            if where is None or where.kind == "class" or where.name == name:
                continue
            for zone in zones:
                self.result.add_definition(zone, where, reason)

    # --- one-level propagation to callers in the same file -----------------------------------------
    def propagate(self, zones: Iterable[str]) -> None:
        for zone in zones:
            for definition in list(self.direct.get(zone, {}).values()):
                self._callers(zone, definition)

    def _callers(self, zone: str, target: Definition) -> None:
        name = target.name
        if not name or not (name.replace("$", "_")).isidentifier():
            return
        owner = target.qualified.rsplit(".", 1)[0] if "." in target.qualified else None
        receivers = set(self.syntax.self_names)
        if owner is not None:
            receivers.add(owner.rsplit(".", 1)[-1])
        for ref in self.occurrences(name):
            callee = self.syntax.callee_at(ref)
            if callee is None:
                # handed over rather than called: `Depends(get_current_user)`, `app.use(requireAuth)`
                parent = ref.parent
                if parent is None or parent.type not in ("argument_list", "arguments"):
                    continue
                callee = ref
            dotted = self.syntax.dotted(callee, self.data)
            if dotted is None:
                continue
            head = dotted.split(".", 1)[0]
            where = self.definition(ref)
            if dotted != name and not (dotted.count(".") == 1 and (
                head in receivers or self._own_receiver(where, owner) == head
            )):
                continue  # `other.get(...)` is some other object's `get`
            if dotted == name and owner is not None and self.syntax.language != "go" and not (
                self.syntax.language == "java" and where is not None
                and where.qualified.startswith(owner + ".")
            ):
                # a bare call never reaches a method (Go methods are called on values), but for
                # Java's own methods called from the same class (`getKeyStore()`)
                continue
            if where is None or where.kind == "class":
                continue
            if target.start_byte <= where.start_byte and where.end_byte <= target.end_byte:
                continue  # inside the target itself
            self.result.add_definition(zone, where, f"calls {target.qualified}")

    def _own_receiver(self, where: Definition | None, owner: str | None) -> str | None:
        """Go: the receiver variable of method `where` when its type is `owner` (`t` in
        `func (t *Token) Verify()`, which calls its sibling as `t.VerifySigningKey()`)."""
        if owner is None or where is None or where.kind != "method" or self.syntax.language != "go":
            return None
        if where.qualified.rsplit(".", 1)[0].lstrip("*") != owner.lstrip("*"):
            return None
        return self.syntax.receiver_name(where.node, self.data)

    def occurrences(self, name: str) -> list[Node]:
        """Name nodes spelled `name` (whole tokens) anywhere in the file."""
        needle = name.encode("utf-8")
        data = self.data
        if len(data) > _INDEXED_BYTES:
            # large files: one pass builds word -> offsets, so asking for many names (one per zone
            # function, one per export) stays linear instead of scanning the file each time
            if self._words is None:
                words: dict[bytes, list[int]] = {}
                for match in _WORD.finditer(data):
                    words.setdefault(match.group(), []).append(match.start())
                self._words = words
            size = len(needle)
            return [n for pos in self._words.get(needle, ()) if (n := self._name_node(pos, pos + size)) is not None]
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
            self._written_out(node)
            return
        key = (statement.start_byte, statement.end_byte)
        if key in self._matched_statements:
            return
        self._matched_statements.add(key)
        for binding in self._bindings(statement):
            own = bool(self._own) and binding.module.split(".", 1)[0] in self._own
            for pattern, zones in self.plan.imports:
                if own and not pattern.startswith(SUFFIX_PATTERN):
                    continue  # the project's own `jwt.py` is not PyJWT; its own `auth` package is auth
                how = self.syntax.binding_matches(binding, pattern)
                if how is not None:
                    self._import_hits.append((binding, pattern, how, zones))

    def _written_out(self, node: Node) -> None:
        """A fully qualified name used without an import counts like the imported name would:
        `class AllowAll implements javax.net.ssl.HostnameVerifier` is no less TLS code."""
        found = self.syntax.written_out(node, self.data)
        if found is None:
            return
        dotted, outer, last = found
        if self.syntax.is_type_only(last):
            return
        for pattern, zones in self.plan.imports:
            if not pattern.startswith(SUFFIX_PATTERN) and self.syntax.module_matches(dotted, pattern):
                self.add(zones, outer, f"import {pattern} (written out)")

    def finish_imports(self) -> None:
        for binding, pattern, how, zones in self._import_hits:
            reason = f"import {pattern}"
            if how == "scope":
                if binding.wildcard and self.syntax.enclosing_definition(binding.statement) is None:
                    for zone in zones:  # `from jwt import *`: the names it binds are unknown
                        self.result.add_definition(zone, None, reason)
                else:  # a side-effect import or a re-export: the import itself
                    self.add(zones, binding.statement, reason)
                continue
            name = binding.bound
            if how == "class":  # Java wildcard import of the package of class `pattern`
                name = pattern[len(binding.module) + 1 :].split(".", 1)[0]
            if not name:
                self.add(zones, binding.statement, reason)
                continue
            referenced = False
            s_start, s_end = binding.statement.start_byte, binding.statement.end_byte
            for ref in self.occurrences(name):
                if s_start <= ref.start_byte < s_end or not self.syntax.is_reference(ref):
                    continue
                if how == "deeper":
                    chain = self.syntax.chain_from(ref, self.data)
                    resolved = binding.target + chain[len(name) :]
                    if not self.syntax.module_matches(resolved, pattern):
                        continue
                referenced = True
                if self.syntax.is_type_only(ref):
                    # an annotation is no use; the type of a field declares a collaborator whose
                    # uses are (`private final PasswordEncoder encoder;` ... `encoder.encode(..)`)
                    member = self.syntax.typed_member(ref, self.data)
                    if member is not None:
                        self.add(zones, ref, reason, follow=False)
                        self._bound.append((tuple(zones), "field", member[0], member[1], reason))
                        continue
                    parameter = self.syntax.typed_parameter(ref, self.data)
                    if parameter is not None:  # `client: SecretClient` ... `client.getSecret(...)`
                        self._bound.append((tuple(zones), "param", parameter[0], parameter[1], reason))
                    continue
                self.add(zones, ref, reason)
            if not referenced and how != "deeper":
                self.add(zones, binding.statement, reason)  # imported, never used: the import

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
        bindings = self.import_table().get(head, ())
        out = [b.target + dot + rest for b in bindings]
        interop = self.syntax.interop_member
        if interop is not None and rest.startswith(interop + "."):
            out += [f"{b.target}.{rest[len(interop) + 1:]}" for b in bindings]
        return out

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
                        self.add_to(zones, self._definition(where), reason)
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
                        self.add_to((zone,), self._definition(node), f"symbol {candidate}")

    # --- user queries -----------------------------------------------------------------------------
    def _query_unit(self, offset: int) -> tuple[int, int]:
        node = self.root.descendant_for_byte_range(offset, offset)
        unit = None
        if node is not None:
            definition = self.syntax.enclosing_definition(node)
            if definition is not None and self.syntax.definition_kind(definition) == "class":
                unit = self.syntax.class_member(node, definition) or definition
            else:
                unit = definition or self.syntax.top_level_statement(node)
        return (unit.start_byte, unit.end_byte) if unit is not None else (offset, offset + 1)

    def _query_spans(self, windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The windows (where a query's literals occur) widened to the unit holding each: the
        innermost function or method, else the class member, else the top-level statement.
        tree-sitter reports only the captures inside a byte range, so a match whose literal is in
        range and whose capture is not (`os.environ` in range, `"APP_SECRET"` past it) would lose
        its capture."""
        spans: list[tuple[int, int]] = []
        for start, end in windows:
            first, last = self._query_unit(start), self._query_unit(max(start, end - 1))
            spans.append((min(start, first[0]), max(end, last[1])))
        spans.sort()
        merged = [spans[0]] if spans else []
        for start, end in spans[1:]:
            if start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged

    def user_query(self, query: UserQuery, windows: list[tuple[int, int]] | None) -> None:
        if windows is not None:
            windows = self._query_spans(windows)
        name = f"query {query.language}#{query.index}"
        covered = self._content_bytes(windows if windows is not None else [(0, len(self.data))])
        if covered > self.owner._query_max_bytes:
            # the same verdict on every machine: a size rule, not a clock, and closed
            self._query_not_run(query, f"{name} not run over {covered // 1024} KB "
                                       f"(limit {self.owner._query_max_bytes // 1024} KB)")
            return
        try:
            captures = query.compiled.captures(self.root, budget=self.owner._query_budget, ranges=windows)
        except languages.QueryTimeout as exc:
            self._query_not_run(query, f"{name} stopped at {exc}")
            return
        except Exception as exc:
            self.result.notes.append(f"zone {real_zone(query.zone)}: query {query.language}#{query.index} failed: {exc}")
            return
        reason = f"query {query.language}#{query.index}"
        # `@_name` captures only feed predicates (the tree-sitter convention) when others exist
        named = {c: n for c, n in captures.items() if not c.startswith("_")} or captures
        for capture, nodes in named.items():
            # a query names what it is about: a capture in a class marks the class, unless the
            # query says it is about a member (`@member`: a field holding a secret, not its class)
            members = capture.startswith("member")
            for node, pattern in sorted(nodes, key=lambda found: found[0].start_byte):
                label = query.compiled.label(pattern)
                # an `if` or `return` is executable code: in a class outside its methods it sits in
                # an initializer block (`static { if (skipACL) ... }`), which it marks, not the class
                as_member = members or node.type in _EXECUTABLE_STATEMENTS
                self.add((query.zone,), node, f"{reason} ({label})" if label else reason, members=as_member)

    def _content_bytes(self, spans: list[tuple[int, int]]) -> int:
        """Bytes of `spans` without carriage returns and a byte-order mark: the same file checked
        out with CRLF (Git for Windows) must get the same verdict as with LF."""
        data = self.data
        total = sum(end - start - data.count(b"\r", start, end) for start, end in spans)
        if data.startswith(b"\xef\xbb\xbf") and spans and spans[0][0] == 0:
            total -= 3
        return total

    def _query_not_run(self, query: UserQuery, why: str) -> None:
        """A query that could not run fails closed: the whole file joins its zone (so padding a
        file cannot take it out of a central query's zone), and the note says why."""
        self.result.add_file(query.zone, f"{why}: whole file, failing closed")
        self.result.notes.append(f"zone {real_zone(query.zone)}: {why}; the whole file is in the zone")

    # --- markers ----------------------------------------------------------------------------------
    def markers(self) -> None:
        zones = self.owner._zones
        for match in MARKER.finditer(self.data):
            node = self.root.descendant_for_byte_range(match.start(), match.end())
            if node is None or not self.syntax.is_comment(node):
                continue  # e.g. the text of a string literal
            for zone_id in marker_ids(match):
                if zone_id in zones:
                    self.add((zone_id,), node, f"marker zone={zone_id}", members=False, statements=False,
                             follow=False)
                else:
                    self.result.notes.append(unknown_marker(self.data, match.start(), zone_id))


#: statement node types (the same in every grammar here) that only occur in executable code
_EXECUTABLE_STATEMENTS = frozenset({"if_statement", "return_statement"})


def marker_ids(match: re.Match[bytes]) -> list[str]:
    raw = match.group(1).decode("ascii", "replace")
    return [part.strip() for part in raw.split(",") if part.strip()]


def unknown_marker(data: bytes, offset: int, zone_id: str) -> str:
    line = data.count(b"\n", 0, offset) + 1
    return f"line {line}: marker names unknown zone {zone_id!r}; ignored (markers can only name configured zones)"
