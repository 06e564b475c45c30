"""The `Syntax` base class (what every language answers about the nodes near an anchor) and the
records it produces: `Binding` (a name an import binds) and `Definition` (a function, class,
block or document)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

from tree_sitter import Node, Query, QueryCursor

from pavedroad.analysis.languages import grammar


def node_text(node: Node, data: bytes) -> str:
    return data[node.start_byte : node.end_byte].decode("utf-8", "replace")


@dataclass(frozen=True)
class Binding:
    """One name an import statement binds (or, with `bound=None`, an import that binds none).

    `target` is what the bound name stands for, in the language's own spelling: `jwt` for
    `import jwt as j`, `jwt.encode` for `from jwt import encode`, `crypto/aes` for Go, `javax.crypto.Cipher`
    for Java, `crypto.createCipheriv` for `const {createCipheriv} = require("crypto")`.
    `module` is the imported module or package; `statement` the import (or require call) node.
    """

    bound: str | None
    target: str
    module: str
    statement: Node
    wildcard: bool = False


@dataclass(frozen=True)
class Definition:
    """A function, method, class, Terraform block or YAML document."""

    node: Node  # the definition node itself
    name: str  # simple name
    qualified: str  # `Class.method`, `aws_iam_role.deployer`, `Secret/db-credentials`
    kind: str  # function | method | class | block
    start_byte: int
    end_byte: int
    start_line: int  # 1-based, inclusive
    end_line: int


def end_line_of(start_row: int, end_row: int, end_column: int) -> int:
    """1-based inclusive last line of a range whose end point is (end_row, end_column)."""
    if end_column == 0 and end_row > start_row:
        return end_row  # the range ends with a newline: its last line is the one before
    return end_row + 1


_GO_VERSION = re.compile(r"^v\d+$")


def go_package_name(path: str) -> str:
    """The package name Go binds for an import path (`github.com/golang-jwt/jwt/v5` -> `jwt`)."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        return path
    name = parts[-1]
    if _GO_VERSION.match(name) and len(parts) > 1:
        name = parts[-2]
    name = re.sub(r"\.v\d+$", "", name)  # gopkg.in/yaml.v3
    if name.startswith("go-"):
        name = name[3:]
    if name.endswith("-go"):
        name = name[:-3]
    return name.replace("-", "_").replace(".", "_")


#: an import pattern `**/auth` names every module whose last segment is `auth`
SUFFIX_PATTERN = "**/"
_MODULE_SEGMENTS = re.compile(r"[./\\]")
_SCRIPT_SUFFIX = re.compile(r"(?:/index)?(?:\.(?:[cm]?[jt]sx?))?$")


def suffix_matches(binding: Binding, segment: str) -> str | None:
    """How a `**/segment` pattern matches `binding`: its module (or, for `from app import auth`,
    the member it imports as a module) ends in that segment. A wildcard import is not followed:
    its names are unknown and the whole file is too much for a pattern this broad."""
    if binding.wildcard or not segment:
        return None
    for name in (binding.module, binding.target):
        tail = _MODULE_SEGMENTS.split(_SCRIPT_SUFFIX.sub("", name))[-1]
        if tail == segment:
            if name == binding.module and binding.target != binding.module and binding.bound and (
                binding.module.startswith(binding.target + ".")
            ):
                return "scope"  # Python `import app.auth` binds `app`: too much to follow
            return "all" if binding.bound else "scope"
    return None


class Syntax:
    """Base class; one subclass per grammar family."""

    language: str = ""
    #: node types that name things (anchor nodes are checked against these)
    name_types: frozenset[str] = frozenset({"identifier"})
    #: node types of import statements (an anchor's ancestors are checked against these)
    import_types: frozenset[str] = frozenset()
    #: regex (bytes) finding the keyword of every import statement, for building the import table
    import_keyword: bytes | None = None
    #: how module paths are segmented
    module_separator: str = "."
    #: a member compiled code reaches a module's exports through (`_jwt.default.verify` is
    #: `jsonwebtoken.verify` in Babel/tsc CommonJS output); None where there is none
    interop_member: str | None = None
    #: tree-sitter query whose @name captures are definition names (None: use `definition_names`)
    definitions_query: str | None = None
    has_imports = True
    has_calls = True
    has_decorators = False

    # --- imports ---------------------------------------------------------------------------
    def import_terms(self, pattern: str) -> tuple[list[str], list[str]]:
        """Where an import of `pattern` may be: (plain words to find as whole tokens, RE2 regex
        sources). Occurrences are anchors that `import_at` then confirms in the tree."""
        return [], []

    def suffix_import_terms(self, segment: str) -> list[str]:
        """RE2 regex sources finding imports of a module whose last segment is `segment` (the
        `**/segment` import pattern: a project's own `auth` package, wherever it lives)."""
        return []

    def import_anchor_head(self, text: bytes) -> bytes | None:
        """For an import anchor found by one of `import_terms`' regexes: the first segment of the
        patterns that can have produced it, when the file must also contain their other segments
        (None: no such check)."""
        return None

    def import_at(self, node: Node) -> Node | None:
        """The import statement (or require call) containing `node`, if any."""
        steps = 0
        while node is not None and steps < 12:
            if node.type in self.import_types:
                return node
            node = node.parent  # type: ignore[assignment]
            steps += 1
        return None

    def bindings(self, statement: Node, data: bytes) -> list[Binding]:
        return []

    def written_out(self, node: Node, data: bytes) -> tuple[str, Node, Node] | None:
        """Java: the fully qualified name `node` begins, used without an import
        (`implements javax.net.ssl.HostnameVerifier`, `javax.crypto.Cipher.getInstance(...)`):
        (the name, its node, its last segment). None elsewhere and in other languages."""
        return None

    def module_matches(self, module: str, pattern: str) -> bool:
        sep = self.module_separator
        return module == pattern or module.startswith(pattern + sep)

    def binding_matches(self, binding: Binding, pattern: str) -> str | None:
        """How `pattern` matches a binding: "all" (every use counts), "deeper" (only uses whose
        resolved dotted chain matches), "scope" (no name to follow: the import's scope), None."""
        if pattern.startswith(SUFFIX_PATTERN):
            return suffix_matches(binding, pattern[len(SUFFIX_PATTERN):])
        if binding.wildcard:
            if self.module_matches(binding.module, pattern):
                return "scope"
            return None
        if self.module_matches(binding.target, pattern):
            return "all" if binding.bound else "scope"
        if self.module_matches(binding.module, pattern) or pattern.startswith(binding.target + "."):
            return "deeper" if binding.bound else "scope"
        return None

    # --- calls and decorators --------------------------------------------------------------
    def callee_at(self, node: Node) -> Node | None:
        """If `node` (a name) is the last segment of a call's callee, the callee expression."""
        return None

    #: Node types that are one segment of a dotted name (`a`, `this`...).
    dotted_leaves: ClassVar[frozenset[str]] = frozenset({"identifier", "this", "self", "super"})
    #: Member-access node type -> (field holding the object, field holding the member's name).
    dotted_links: ClassVar[dict[str, tuple[str, str]]] = {}

    def dotted(self, node: Node, data: bytes) -> str | None:
        """`a.b.c` for a name/attribute chain, None for anything else (calls, subscripts...)."""
        if node.type in self.dotted_leaves:
            return node_text(node, data)
        link = self.dotted_links.get(node.type)
        if link is None:
            return None
        obj = node.child_by_field_name(link[0])
        name = node.child_by_field_name(link[1])
        if obj is None or name is None:
            return None
        head = self.dotted(obj, data)
        return None if head is None else f"{head}.{node_text(name, data)}"

    def decorator_at(self, node: Node, data: bytes) -> tuple[str | None, Node | None] | None:
        """If `node` is the last segment of a decorator/annotation name: (dotted name, decorated
        definition or None)."""
        return None

    # --- references --------------------------------------------------------------------------
    def is_reference(self, node: Node) -> bool:
        return node.type in self.name_types

    #: How a dotted chain continues upwards: parent node type -> (the field the chain so far must
    #: occupy in that parent, the field holding the next name). Empty: names do not chain.
    chain_links: ClassVar[dict[str, tuple[str, str]]] = {}

    def chain_from(self, node: Node, data: bytes) -> str:
        """The dotted chain that starts at name `node`: `jwt` in `jwt.api.decode(x)` -> `jwt.api.decode`."""
        parts = [node_text(node, data)]
        current, parent = node, node.parent
        while parent is not None:
            link = self.chain_links.get(parent.type)
            if link is None or not _field_is(parent, link[0], current):
                break
            name = parent.child_by_field_name(link[1])
            if name is None:
                break
            parts.append(node_text(name, data))
            current, parent = parent, parent.parent
        return ".".join(parts)

    # --- definitions -------------------------------------------------------------------------
    def is_definition(self, node: Node) -> bool:
        return False

    def definition_name(self, node: Node, data: bytes) -> str:
        name = node.child_by_field_name("name")
        return node_text(name, data) if name is not None else ""

    def definition_kind(self, node: Node) -> str:
        return "function"

    def definition_range(self, node: Node) -> tuple[Node, Node]:
        """(first node, last node) of the text a definition occupies (decorators included)."""
        return node, node

    def qualifier_parts(self, node: Node, data: bytes) -> list[str]:
        """Names of the definitions enclosing `node`, outermost first."""
        parts: list[str] = []
        parent = node.parent
        while parent is not None:
            if self.is_definition(parent):
                parts.append(self.definition_name(parent, data))
            parent = parent.parent
        parts.reverse()
        return parts

    def qualified_name(self, node: Node, data: bytes) -> str:
        return ".".join([*self.qualifier_parts(node, data), self.definition_name(node, data)])

    def enclosing_definition(self, node: Node | None) -> Node | None:
        """The innermost definition containing `node` (or `node` itself). Code in a decorator
        belongs to the definition it decorates."""
        while node is not None:
            if self.is_definition(node):
                return node
            if node.type == "decorator":
                target = self.decorated(node)
                if target is not None:
                    return target
            node = node.parent
        return None

    def receiver_name(self, method: Node, data: bytes) -> str | None:
        """The name a method's receiver is bound to, when the language names it per method (Go)."""
        return None

    def decorated(self, decorator: Node) -> Node | None:
        """The definition a `decorator` node decorates, if it is not simply its parent."""
        return None

    def symbol_candidates(self, data: bytes) -> set[str] | None:
        """Every definition name in `data`, found without parsing (a superset is fine), or None
        if this language needs the tree for that (then `definition_names` walks it)."""
        return None

    def definition_names(
        self, root: Node, data: bytes, only: set[str] | None = None
    ) -> Iterator[tuple[str, Node]]:
        """(name, definition node) of every definition (used for `symbols` rules); `only`, when
        given, restricts the result to these names (languages may ignore it)."""
        query = self._definitions_query
        if query is None:
            return
        for name_node in QueryCursor(query).captures(root).get("name", ()):
            definition = name_node.parent
            if definition is not None:
                yield node_text(name_node, data), definition

    def extra_symbol_names(self, definition: Node, data: bytes) -> tuple[str, ...]:
        """Other names a `symbols` rule is tested against: a method's name followed by its class
        or receiver type (`Token.Verify` is also `Verify_Token`, i.e. `verify_token`)."""
        if self.definition_kind(definition) != "method":
            return ()
        owner = self.qualifier_parts(definition, data)
        if not owner or not owner[-1]:
            return ()
        return (f"{self.definition_name(definition, data)}_{owner[-1].lstrip('*')}",)

    @cached_property
    def _definitions_query(self) -> Query | None:
        if self.definitions_query is None:
            return None
        return Query(grammar(self.language), self.definitions_query)

    def make_definition(self, node: Node, data: bytes) -> Definition:
        first, last = self.definition_range(node)
        start = first.start_point
        end = last.end_point
        return Definition(
            node=node,
            name=self.definition_name(node, data),
            qualified=self.qualified_name(node, data),
            kind=self.definition_kind(node),
            start_byte=first.start_byte,
            end_byte=last.end_byte,
            start_line=start.row + 1,
            end_line=end_line_of(start.row, end.row, end.column),
        )

    def is_comment(self, node: Node) -> bool:
        return "comment" in node.type

    # --- statements, bound names, type positions ---------------------------------------------------
    # A match outside any function is attributed to the top-level statement (or class member) that
    # holds it, not to the whole file; a name that statement binds is followed to the definitions
    # that use it. Type annotations are not uses: they mark nothing unless they declare a field.

    #: node types of a file's root
    root_types: ClassVar[frozenset[str]] = frozenset(
        {"module", "program", "source_file", "config_file", "stream"}
    )
    #: receivers naming the current object (`self.x`, `this.x`)
    self_names: ClassVar[frozenset[str]] = frozenset({"self", "this", "cls"})

    def top_level_statement(self, node: Node) -> Node | None:
        """The child of the file's root that contains `node` (None for the root itself)."""
        current = node
        while current.parent is not None:
            if current.parent.type in self.root_types:
                return current
            current = current.parent
        return None

    def class_member(self, node: Node, cls: Node) -> Node | None:
        """The member of class `cls` (field, class-level statement) that contains `node`, when
        that member is not itself a definition."""
        body = cls.child_by_field_name("body")
        if body is None:
            return None
        current = node
        while current.parent is not None and current.parent != body:
            current = current.parent
        if current.parent != body or self.is_definition(current) or current.type == "decorated_definition":
            return None
        return current

    def statement_name(self, node: Node, data: bytes) -> str:
        """A short name for a statement region: the name it binds, else its first line."""
        names = self.statement_binds(node, data)
        if names:
            return ", ".join(names)
        first = node_text(node, data).split("\n", 1)[0].strip()
        return first if len(first) <= 48 else first[:45] + "..."

    def statement_binds(self, node: Node, data: bytes) -> list[str]:
        """Names a top-level statement or class member binds (assignment targets, fields)."""
        return []

    def is_type_only(self, node: Node) -> bool:
        """Is the name `node` in a type position (an annotation, a declared type, a cast)?"""
        return False

    def typed_member(self, node: Node, data: bytes) -> tuple[str, Node] | None:
        """For a name in the declared type of a class field: (field name, class node)."""
        return None

    def typed_parameter(self, node: Node, data: bytes) -> tuple[str, Node] | None:
        """For a name in the declared type of a function parameter: (parameter, function node)."""
        return None

    def member_call(self, node: Node, data: bytes) -> tuple[str, int] | None:
        """When the name `node` is the receiver of a method call (`client.getSecret("k")`):
        (method name, number of arguments)."""
        parent = node.parent
        if parent is None:
            return None
        link = self.dotted_links.get(parent.type)
        if link is None or not _field_is(parent, link[0], node):
            return None
        name = parent.child_by_field_name(link[1])
        call = parent.parent
        if name is None or call is None or not _field_is(call, "function", parent):
            return None
        arguments = call.child_by_field_name("arguments")
        return node_text(name, data), arguments.named_child_count if arguments is not None else 0

    def bound_target(self, node: Node, data: bytes) -> tuple[str, str, Node] | None:
        """When `node` is in the value assigned to a module-level name or a class field:
        ("module", name, root) or ("field", name, class node)."""
        return None

    def field_reference(self, node: Node, data: bytes) -> bool:
        """Does the name `node` refer to a field of the current object (`self.x`, `this.x`)?"""
        parent = node.parent
        if parent is None:
            return False
        link = self.dotted_links.get(parent.type)
        if link is None or not _field_is(parent, link[1], node):
            return False
        obj = parent.child_by_field_name(link[0])
        return obj is not None and node_text(obj, data) in self.self_names


def _field_is(parent: Node, field: str, node: Node) -> bool:
    child = parent.child_by_field_name(field)
    return child is not None and child == node


def _string_content(node: Node, data: bytes) -> str:
    """The text of a string literal node without its quotes."""
    text = node_text(node, data)
    if len(text) >= 2 and text[0] in "\"'`" and text[-1] == text[0]:
        return text[1:-1]
    return text
