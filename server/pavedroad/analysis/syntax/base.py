"""Per-language knowledge of syntax trees: imports, callees, decorators, references, definitions.

The classifier finds *anchors* (byte ranges where an interesting name occurs) with one RE2 scan of
the file, then asks the language's `Syntax` what the tree says about each anchor: is this name in
an import statement, the callee of a call, part of a decorator, a reference to an imported name?
Everything here works on nodes near an anchor (a few parent steps), never on the whole tree, except
`definition_names`, which the classifier only calls when a `symbols` rule might match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

import re2
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

    def module_matches(self, module: str, pattern: str) -> bool:
        sep = self.module_separator
        return module == pattern or module.startswith(pattern + sep)

    def binding_matches(self, binding: Binding, pattern: str) -> str | None:
        """How `pattern` matches a binding: "all" (every use counts), "deeper" (only uses whose
        resolved dotted chain matches), "scope" (no name to follow: the import's scope), None."""
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
        """Other names a `symbols` rule is tested against (Terraform: the block type label)."""
        return ()

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


def _field_is(parent: Node, field: str, node: Node) -> bool:
    child = parent.child_by_field_name(field)
    return child is not None and child == node


def _string_content(node: Node, data: bytes) -> str:
    """The text of a string literal node without its quotes."""
    text = node_text(node, data)
    if len(text) >= 2 and text[0] in "\"'`" and text[-1] == text[0]:
        return text[1:-1]
    return text


# ==============================================================================================
# Python
# ==============================================================================================
class PythonSyntax(Syntax):
    chain_links: ClassVar[dict[str, tuple[str, str]]] = {"attribute": ("object", "attribute")}
    dotted_leaves = frozenset({"identifier"})
    dotted_links: ClassVar[dict[str, tuple[str, str]]] = {"attribute": ("object", "attribute")}
    language = "python"
    name_types = frozenset({"identifier"})
    import_types = frozenset({"import_statement", "import_from_statement"})
    import_keyword = rb"\bimport\b"
    has_decorators = True
    _defs = frozenset({"function_definition", "class_definition"})
    # Two scans with a literal prefix each are ~8x faster in `re` than one `(?:def|class)` scan.
    # No `\b`: a candidate inside `undef x` is harmless, the tree confirms every one. Bytes
    # >= 0x80 keep non-ASCII identifiers (UTF-8) whole.
    _candidates = (
        re.compile(rb"def[ \t]+([\w\x80-\xff]+)"),
        re.compile(rb"class[ \t]+([\w\x80-\xff]+)"),
    )

    def import_terms(self, pattern: str) -> tuple[list[str], list[str]]:
        parts = pattern.split(".")
        if not all(part.isidentifier() for part in parts):  # not `github.com/x`, `@scope/pkg`
            return [], []
        if len(parts) == 1:
            return [parts[0]], []
        # `import a.b...`, `from a.b... import`, `from a import b`, `import a as x` (x.b...)
        first, second = (re2.escape(p) for p in parts[:2])
        return [], [
            rf"\b{first}[ \t]*\.[ \t]*{second}\b",
            rf"\bfrom[ \t]+{first}[ \t]+import\b",
            rf"\bimport[ \t]+{first}[ \t]+as\b",
        ]

    _anchor_head = re.compile(rb"^(?:from|import)?[ \t]*(\w+)")

    def import_anchor_head(self, text: bytes) -> bytes | None:
        match = self._anchor_head.match(text)
        return match.group(1) if match else None

    def bindings(self, statement: Node, data: bytes) -> list[Binding]:
        out: list[Binding] = []
        if statement.type == "import_statement":
            for child in statement.children_by_field_name("name"):
                if child.type == "aliased_import":
                    name = child.child_by_field_name("name")
                    alias = child.child_by_field_name("alias")
                    if name is None or alias is None:
                        continue
                    module = node_text(name, data)
                    out.append(Binding(node_text(alias, data), module, module, statement))
                elif child.type == "dotted_name":
                    module = node_text(child, data)
                    head = module.split(".", 1)[0]
                    out.append(Binding(head, head, module, statement))
            return out
        if statement.type == "import_from_statement":
            module_node = statement.child_by_field_name("module_name")
            if module_node is None:
                return out
            module = node_text(module_node, data).replace(" ", "")
            for child in statement.named_children:
                if child.type == "wildcard_import":
                    out.append(Binding(None, module + ".*", module, statement, wildcard=True))
            for child in statement.children_by_field_name("name"):
                if child.type == "aliased_import":
                    name = child.child_by_field_name("name")
                    alias = child.child_by_field_name("alias")
                    if name is None or alias is None:
                        continue
                    member, bound = node_text(name, data), node_text(alias, data)
                else:
                    member = bound = node_text(child, data)
                out.append(Binding(bound, f"{module}.{member}", module, statement))
        return out

    def callee_at(self, node: Node) -> Node | None:
        parent = node.parent
        if parent is None:
            return None
        if parent.type == "call" and _field_is(parent, "function", node):
            return node
        if parent.type == "attribute" and _field_is(parent, "attribute", node):
            grand = parent.parent
            if grand is not None and grand.type == "call" and _field_is(grand, "function", parent):
                return parent
        return None

    def decorator_at(self, node: Node, data: bytes) -> tuple[str | None, Node | None] | None:
        current = node
        parent = current.parent
        if parent is not None and parent.type == "attribute" and _field_is(parent, "attribute", current):
            current, parent = parent, parent.parent
        name_node = current
        if parent is not None and parent.type == "call" and _field_is(parent, "function", current):
            current, parent = parent, parent.parent
        if parent is None or parent.type != "decorator":
            return None
        return self.dotted(name_node, data), self.decorated(parent)

    def decorated(self, decorator: Node) -> Node | None:
        holder = decorator.parent
        if holder is not None and holder.type == "decorated_definition":
            return holder.child_by_field_name("definition")
        return None

    def is_reference(self, node: Node) -> bool:
        if node.type != "identifier":
            return False
        parent = node.parent
        if parent is None:
            return True
        ptype = parent.type
        if ptype == "attribute" and _field_is(parent, "attribute", node):
            return False
        if ptype == "keyword_argument" and _field_is(parent, "name", node):
            return False
        if ptype in self._defs and _field_is(parent, "name", node):
            return False
        if ptype in ("dotted_name", "aliased_import", "import_statement", "import_from_statement"):
            return self.import_at(parent) is None
        return True

    def is_definition(self, node: Node) -> bool:
        return node.type in self._defs

    def definition_kind(self, node: Node) -> str:
        if node.type == "class_definition":
            return "class"
        parent = node.parent
        while parent is not None:
            if parent.type in self._defs:
                return "method" if parent.type == "class_definition" else "function"
            parent = parent.parent
        return "function"

    def definition_range(self, node: Node) -> tuple[Node, Node]:
        parent = node.parent
        if parent is not None and parent.type == "decorated_definition":
            return parent, parent
        return node, node

    def symbol_candidates(self, data: bytes) -> set[str] | None:
        # `def` and `class` always precede the name: a byte scan finds every candidate far faster
        # than walking the tree, and most files then need no symbol work on the tree at all.
        return {name.decode("utf-8", "replace") for rx in self._candidates for name in rx.findall(data)}

    def definition_names(
        self, root: Node, data: bytes, only: set[str] | None = None
    ) -> Iterator[tuple[str, Node]]:
        for rx in self._candidates:
            for match in rx.finditer(data):
                start, end = match.span(1)
                if only is None or data[start:end].decode("utf-8", "replace") in only:
                    yield from self._confirm(root, data, start, end)

    def _confirm(self, root: Node, data: bytes, start: int, end: int) -> Iterator[tuple[str, Node]]:
        node = root.named_descendant_for_byte_range(start, end)
        if node is None or node.type != "identifier" or node.start_byte != start or node.end_byte != end:
            return
        parent = node.parent
        if parent is not None and parent.type in self._defs and _field_is(parent, "name", node):
            yield node_text(node, data), parent


# ==============================================================================================
# JavaScript, TypeScript, TSX
# ==============================================================================================
_JS_FUNCTION_VALUES = frozenset(
    {"arrow_function", "function_expression", "function", "generator_function"}
)


class JavaScriptSyntax(Syntax):
    chain_links: ClassVar[dict[str, tuple[str, str]]] = {"member_expression": ("object", "property"), "nested_type_identifier": ("module", "name")}
    dotted_leaves = frozenset({"identifier", "property_identifier", "this", "super", "private_property_identifier"})
    dotted_links: ClassVar[dict[str, tuple[str, str]]] = {"member_expression": ("object", "property")}
    language = "javascript"
    name_types = frozenset({"identifier", "property_identifier", "type_identifier"})
    import_types = frozenset({"import_statement", "export_statement"})
    import_keyword = rb"\bimport\b|\brequire\b"
    module_separator = "/"
    has_decorators = True
    _class_types = frozenset(
        {"class_declaration", "class", "abstract_class_declaration", "interface_declaration"}
    )
    _function_types = frozenset(
        {"function_declaration", "generator_function_declaration", "method_definition"}
    )
    _field_types = frozenset({"public_field_definition", "field_definition"})
    definitions_query = """
        (function_declaration name: (identifier) @name)
        (generator_function_declaration name: (identifier) @name)
        (class_declaration name: (_) @name)
        (method_definition name: (_) @name)
        (variable_declarator name: (identifier) @name
            value: [(arrow_function) (function_expression) (generator_function)])
        (field_definition property: (_) @name value: [(arrow_function) (function_expression)])
        (assignment_expression left: (member_expression property: (property_identifier) @name)
            right: [(arrow_function) (function_expression)])
        (assignment_expression left: (identifier) @name right: [(arrow_function) (function_expression)])
        (pair key: (property_identifier) @name value: [(arrow_function) (function_expression)])
    """

    def import_terms(self, pattern: str) -> tuple[list[str], list[str]]:
        # module specifiers are string literals: `"jsonwebtoken"`, `'node:crypto'`, `"jose/jwt"`
        return [], [r"[\"'`](?:node:)?" + re2.escape(pattern) + r"[\"'`/]"]

    @staticmethod
    def normalize_module(module: str) -> str:
        return module[5:] if module.startswith("node:") else module

    def import_at(self, node: Node) -> Node | None:
        current: Node | None = node
        for _ in range(6):
            if current is None:
                return None
            ctype = current.type
            if ctype in self.import_types:
                return current
            if ctype == "import_require_clause":
                return current.parent
            if ctype == "call_expression":
                return current if self._is_require(current) else None
            if ctype == "variable_declarator":  # `const { a: b } = require("m")`: from the pattern side
                value = current.child_by_field_name("value")
                while value is not None and value.type in (
                    "await_expression", "parenthesized_expression", "member_expression", "call_expression"
                ):
                    if value.type == "call_expression" and self._is_require(value):
                        return value
                    inner = value.child_by_field_name("object") or value.child_by_field_name("function")
                    if inner is None:
                        inner = value.named_children[0] if value.named_children else None
                    value = inner
                return None
            if ctype in ("statement_block", "program", "class_body"):
                return None
            current = current.parent
        return None

    @staticmethod
    def _is_require(call: Node) -> bool:
        function = call.child_by_field_name("function")
        return function is not None and (
            function.type == "import" or (function.type == "identifier" and function.text == b"require")
        )

    def _source(self, statement: Node, data: bytes) -> str | None:
        source = statement.child_by_field_name("source")
        if source is None:
            for child in statement.named_children:
                if child.type == "import_require_clause":
                    source = child.child_by_field_name("source")
        if source is None:
            return None
        return self.normalize_module(_string_content(source, data))

    def bindings(self, statement: Node, data: bytes) -> list[Binding]:
        if statement.type == "call_expression":
            return self._require_bindings(statement, data)
        module = self._source(statement, data)
        if module is None:
            return []
        out: list[Binding] = []
        if statement.type == "export_statement":
            return [Binding(None, module, module, statement)]  # re-export: used at module level
        for child in statement.named_children:
            if child.type == "import_require_clause":
                for sub in child.named_children:
                    if sub.type == "identifier":
                        out.append(Binding(node_text(sub, data), module, module, statement))
            if child.type != "import_clause":
                continue
            for part in child.named_children:
                if part.type == "identifier":
                    out.append(Binding(node_text(part, data), module, module, statement))
                elif part.type == "namespace_import":
                    for sub in part.named_children:
                        if sub.type == "identifier":
                            out.append(Binding(node_text(sub, data), module, module, statement))
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias")
                        if name is None:
                            continue
                        member = _string_content(name, data)
                        bound = node_text(alias, data) if alias is not None else member
                        out.append(Binding(bound, f"{module}.{member}", module, statement))
        if not out:
            out.append(Binding(None, module, module, statement))  # import "side-effect"
        return out

    def _require_bindings(self, call: Node, data: bytes) -> list[Binding]:
        arguments = call.child_by_field_name("arguments")
        first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
        if first is None or first.type not in ("string", "template_string"):
            return []
        module = self.normalize_module(_string_content(first, data))
        members: list[str] = []
        current = call
        parent = current.parent
        while parent is not None:
            ptype = parent.type
            if ptype in ("await_expression", "parenthesized_expression"):
                pass
            elif ptype == "call_expression" and _field_is(parent, "function", current):
                pass  # require("stripe")(key)
            elif ptype == "member_expression" and _field_is(parent, "object", current):
                prop = parent.child_by_field_name("property")
                if prop is None:
                    break
                members.append(node_text(prop, data))
            else:
                break
            current, parent = parent, parent.parent
        target = ".".join([module, *members])
        if parent is not None and parent.type == "variable_declarator" and _field_is(parent, "value", current):
            name = parent.child_by_field_name("name")
            if name is not None and name.type == "identifier":
                return [Binding(node_text(name, data), target, module, parent)]
            if name is not None and name.type == "object_pattern":
                out = []
                for part in name.named_children:
                    if part.type == "shorthand_property_identifier_pattern":
                        member = node_text(part, data)
                        out.append(Binding(member, f"{target}.{member}", module, parent))
                    elif part.type == "pair_pattern":
                        key = part.child_by_field_name("key")
                        value = part.child_by_field_name("value")
                        if key is not None and value is not None and value.type == "identifier":
                            out.append(
                                Binding(node_text(value, data), f"{target}.{node_text(key, data)}", module, parent)
                            )
                if out:
                    return out
        if parent is not None and parent.type == "assignment_expression" and _field_is(parent, "right", current):
            left = parent.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                return [Binding(node_text(left, data), target, module, parent)]
        return [Binding(None, target, module, call)]

    def module_matches(self, module: str, pattern: str) -> bool:
        module = self.normalize_module(module)
        return module == pattern or module.startswith(pattern + "/")  # `crypto-js` is not `crypto`

    def binding_matches(self, binding: Binding, pattern: str) -> str | None:
        # JS module names may contain dots (`lodash.merge`): patterns name modules, never members
        if self.module_matches(binding.module, pattern):
            return "all" if binding.bound else "scope"
        return None

    def callee_at(self, node: Node) -> Node | None:
        parent = node.parent
        if parent is None:
            return None
        if parent.type in ("call_expression", "new_expression"):
            field = "function" if parent.type == "call_expression" else "constructor"
            return node if _field_is(parent, field, node) else None
        if parent.type == "member_expression" and _field_is(parent, "property", node):
            grand = parent.parent
            if grand is not None:
                if grand.type == "call_expression" and _field_is(grand, "function", parent):
                    return parent
                if grand.type == "new_expression" and _field_is(grand, "constructor", parent):
                    return parent
        return None

    def decorator_at(self, node: Node, data: bytes) -> tuple[str | None, Node | None] | None:
        current = node
        parent = current.parent
        if parent is not None and parent.type == "member_expression" and _field_is(parent, "property", current):
            current, parent = parent, parent.parent
        name_node = current
        if parent is not None and parent.type == "call_expression" and _field_is(parent, "function", current):
            current, parent = parent, parent.parent
        if parent is None or parent.type != "decorator":
            return None
        holder = parent.parent
        target = holder if holder is not None and self.is_definition(holder) else self.decorated(parent)
        return self.dotted(name_node, data), target

    def decorated(self, decorator: Node) -> Node | None:
        holder = decorator.parent
        if holder is None:
            return None
        if holder.type == "export_statement":
            return holder.child_by_field_name("declaration")
        if holder.type == "class_body":  # TypeScript puts member decorators before the member
            sibling = decorator.next_named_sibling
            while sibling is not None and sibling.type == "decorator":
                sibling = sibling.next_named_sibling
            if sibling is not None and self.is_definition(sibling):
                return sibling
        return None

    def is_reference(self, node: Node) -> bool:
        if node.type not in ("identifier", "type_identifier", "shorthand_property_identifier"):
            return False
        parent = node.parent
        if parent is None:
            return True
        ptype = parent.type
        if ptype in ("import_specifier", "import_clause", "namespace_import", "import_require_clause"):
            return False
        if ptype == "export_specifier":
            return True
        return not (self.is_definition(parent) and _field_is(parent, "name", node))

    def is_definition(self, node: Node) -> bool:
        ntype = node.type
        if ntype in self._class_types:
            if node.child_by_field_name("name") is not None:
                return True
            parent = node.parent  # `export default class { ... }`
            return parent is not None and parent.type == "export_statement"
        if ntype in self._function_types:
            return True
        if ntype == "variable_declarator" or ntype in self._field_types:
            value = node.child_by_field_name("value")
            return value is not None and value.type in _JS_FUNCTION_VALUES
        if ntype in _JS_FUNCTION_VALUES:
            return self._expression_name_node(node) is not None
        return False

    def _expression_name_node(self, node: Node) -> Node | None:
        """What names a function expression: `export default function () {}` (the `export`),
        `exports.login = () => {}` (the property), `{ login: () => {} }` (the key), or its own name
        (`module.exports = function login() {}`). None for anonymous callbacks and for values of
        `const f = ...` (the declarator is the definition)."""
        parent = node.parent
        if parent is None or parent.type in ("variable_declarator", "public_field_definition", "field_definition"):
            return None
        if parent.type == "export_statement":
            return parent
        if parent.type == "assignment_expression" and _field_is(parent, "right", node):
            left = parent.child_by_field_name("left")
            if left is not None and left.type == "member_expression":
                return left.child_by_field_name("property")
            return left if left is not None and left.type == "identifier" else None
        if parent.type == "pair" and _field_is(parent, "value", node):
            key = parent.child_by_field_name("key")
            return key if key is not None and key.type in ("property_identifier", "string") else None
        return node.child_by_field_name("name")

    def definition_name(self, node: Node, data: bytes) -> str:
        if node.type in _JS_FUNCTION_VALUES or node.type == "class":
            name_node = node.child_by_field_name("name") or self._expression_name_node(node)
            if name_node is None or name_node.type == "export_statement":
                return "default"
            return _string_content(name_node, data) if name_node.type == "string" else node_text(name_node, data)
        name = node.child_by_field_name("name") or node.child_by_field_name("property")
        return node_text(name, data) if name is not None else ""

    def definition_names(
        self, root: Node, data: bytes, only: set[str] | None = None
    ) -> Iterator[tuple[str, Node]]:
        query = self._definitions_query
        if query is None:
            return
        for name_node in QueryCursor(query).captures(root).get("name", ()):
            definition = name_node.parent
            if definition is None:
                continue
            if definition.type == "member_expression":  # `exports.login = function () {}`
                definition = definition.parent
            if definition is not None and definition.type in ("assignment_expression", "pair"):
                definition = definition.child_by_field_name("right") or definition.child_by_field_name("value")
            if definition is not None and self.is_definition(definition):
                yield self.definition_name(definition, data), definition

    def definition_kind(self, node: Node) -> str:
        ntype = node.type
        if ntype in self._class_types:
            return "class"
        if ntype == "method_definition" or ntype in self._field_types:
            return "method"
        return "function"

    def definition_range(self, node: Node) -> tuple[Node, Node]:
        first = node
        parent = node.parent
        if (
            node.type == "variable_declarator"
            and parent is not None
            and parent.type in ("lexical_declaration", "variable_declaration")
            and parent.named_child_count == 1
        ):
            first = parent
            parent = parent.parent
        if parent is not None and parent.type == "export_statement":
            return parent, parent
        if first is node:
            sibling = node.prev_named_sibling
            while sibling is not None and sibling.type == "decorator":
                first = sibling
                sibling = sibling.prev_named_sibling
            return first, node
        return first, first


class TypeScriptSyntax(JavaScriptSyntax):
    language = "typescript"
    definitions_query = """
        (function_declaration name: (identifier) @name)
        (generator_function_declaration name: (identifier) @name)
        (class_declaration name: (_) @name)
        (abstract_class_declaration name: (_) @name)
        (interface_declaration name: (_) @name)
        (method_definition name: (_) @name)
        (variable_declarator name: (identifier) @name
            value: [(arrow_function) (function_expression) (generator_function)])
        (public_field_definition name: (_) @name value: [(arrow_function) (function_expression)])
        (assignment_expression left: (member_expression property: (property_identifier) @name)
            right: [(arrow_function) (function_expression)])
        (assignment_expression left: (identifier) @name right: [(arrow_function) (function_expression)])
        (pair key: (property_identifier) @name value: [(arrow_function) (function_expression)])
    """


class TsxSyntax(TypeScriptSyntax):
    language = "tsx"


# ==============================================================================================
# Go
# ==============================================================================================
class GoSyntax(Syntax):
    chain_links: ClassVar[dict[str, tuple[str, str]]] = {"selector_expression": ("operand", "field"), "qualified_type": ("package", "name")}
    dotted_leaves = frozenset({"identifier", "field_identifier", "package_identifier"})
    dotted_links: ClassVar[dict[str, tuple[str, str]]] = {"selector_expression": ("operand", "field")}
    language = "go"
    name_types = frozenset({"identifier", "field_identifier", "package_identifier", "type_identifier"})
    import_types = frozenset({"import_spec", "import_declaration"})
    import_keyword = rb"\bimport\b"
    module_separator = "/"
    _defs = frozenset({"function_declaration", "method_declaration", "type_spec", "type_alias"})
    definitions_query = """
        (function_declaration name: (identifier) @name)
        (method_declaration name: (field_identifier) @name)
        (type_spec name: (type_identifier) @name)
    """

    def import_terms(self, pattern: str) -> tuple[list[str], list[str]]:
        return [], [r"[\"`]" + re2.escape(pattern) + r"[\"`/]"]

    def import_at(self, node: Node) -> Node | None:
        current: Node | None = node
        for _ in range(4):
            if current is None:
                return None
            if current.type in self.import_types:
                return current
            current = current.parent
        return None

    def bindings(self, statement: Node, data: bytes) -> list[Binding]:
        if statement.type == "import_declaration":
            out: list[Binding] = []
            stack = list(statement.named_children)
            while stack:
                child = stack.pop(0)
                if child.type == "import_spec":
                    out.extend(self.bindings(child, data))
                elif child.type == "import_spec_list":
                    stack[:0] = list(child.named_children)
            return out
        path_node = statement.child_by_field_name("path")
        if path_node is None:
            return []
        path = _string_content(path_node, data)
        name = statement.child_by_field_name("name")
        if name is None:
            return [Binding(go_package_name(path), path, path, statement)]
        if name.type == "package_identifier":
            return [Binding(node_text(name, data), path, path, statement)]
        return [Binding(None, path, path, statement)]  # `_` or `.` import

    def callee_at(self, node: Node) -> Node | None:
        parent = node.parent
        if parent is None:
            return None
        if parent.type == "call_expression" and _field_is(parent, "function", node):
            return node
        if parent.type == "selector_expression" and _field_is(parent, "field", node):
            grand = parent.parent
            if grand is not None and grand.type == "call_expression" and _field_is(grand, "function", parent):
                return parent
        return None

    def is_reference(self, node: Node) -> bool:
        if node.type not in ("identifier", "package_identifier"):
            return False
        parent = node.parent
        return parent is None or parent.type != "import_spec"

    def is_definition(self, node: Node) -> bool:
        return node.type in self._defs

    def definition_kind(self, node: Node) -> str:
        if node.type == "method_declaration":
            return "method"
        if node.type in ("type_spec", "type_alias"):
            return "class"
        return "function"

    def definition_range(self, node: Node) -> tuple[Node, Node]:
        parent = node.parent
        if (
            node.type in ("type_spec", "type_alias")
            and parent is not None
            and parent.type == "type_declaration"
            and parent.named_child_count == 1
        ):
            return parent, parent
        return node, node

    def qualifier_parts(self, node: Node, data: bytes) -> list[str]:
        if node.type == "method_declaration":
            receiver = node.child_by_field_name("receiver")
            if receiver is not None:
                for param in receiver.named_children:
                    type_node = param.child_by_field_name("type")
                    while type_node is not None and type_node.type in ("pointer_type", "generic_type"):
                        inner = type_node.child_by_field_name("type")
                        if inner is None:
                            inner = next((c for c in type_node.named_children), None)
                        type_node = inner
                    if type_node is not None:
                        return [node_text(type_node, data)]
            return []
        return super().qualifier_parts(node, data)


# ==============================================================================================
# Java
# ==============================================================================================
class JavaSyntax(Syntax):
    chain_links: ClassVar[dict[str, tuple[str, str]]] = {"field_access": ("object", "field"), "method_invocation": ("object", "name")}
    dotted_leaves = frozenset({"identifier", "type_identifier", "this", "super"})
    dotted_links: ClassVar[dict[str, tuple[str, str]]] = {"field_access": ("object", "field")}
    language = "java"
    name_types = frozenset({"identifier", "type_identifier"})
    import_types = frozenset({"import_declaration"})
    import_keyword = rb"\bimport\b"
    has_decorators = True
    _class_types = frozenset(
        {
            "class_declaration",
            "interface_declaration",
            "enum_declaration",
            "record_declaration",
            "annotation_type_declaration",
        }
    )
    _method_types = frozenset(
        {"method_declaration", "constructor_declaration", "compact_constructor_declaration"}
    )
    definitions_query = """
        (class_declaration name: (identifier) @name)
        (interface_declaration name: (identifier) @name)
        (enum_declaration name: (identifier) @name)
        (record_declaration name: (identifier) @name)
        (annotation_type_declaration name: (identifier) @name)
        (method_declaration name: (identifier) @name)
        (constructor_declaration name: (identifier) @name)
    """

    def import_terms(self, pattern: str) -> tuple[list[str], list[str]]:
        parts = pattern.split(".")
        if not all(p.isidentifier() for p in parts):
            return [], []
        dot = r"\s*\.\s*"
        terms = [r"\b" + dot.join(parts) + r"\b"]
        if len(parts) > 1:  # `import javax.crypto.*;` may import the class `javax.crypto.Cipher`
            terms.append(r"\b" + dot.join(parts[:-1]) + dot + r"\*")
        return [], terms

    def import_at(self, node: Node) -> Node | None:
        current: Node | None = node
        while current is not None and current.type in ("identifier", "scoped_identifier", "asterisk"):
            current = current.parent
        if current is not None and current.type == "import_declaration":
            return current
        return None

    def bindings(self, statement: Node, data: bytes) -> list[Binding]:
        name_node = next((c for c in statement.named_children if c.type in ("scoped_identifier", "identifier")), None)
        if name_node is None:
            return []
        full = "".join(node_text(name_node, data).split())
        wildcard = any(c.type == "asterisk" for c in statement.named_children)
        if wildcard:
            return [Binding(None, full + ".*", full, statement, wildcard=True)]
        module, _, simple = full.rpartition(".")
        return [Binding(simple, full, module, statement)]

    def binding_matches(self, binding: Binding, pattern: str) -> str | None:
        if binding.wildcard and pattern.startswith(binding.module + "."):
            return "class"  # a class of the wildcard-imported package: follow its simple name
        return super().binding_matches(binding, pattern)

    def callee_at(self, node: Node) -> Node | None:
        parent = node.parent
        if parent is None:
            return None
        if parent.type == "method_invocation" and _field_is(parent, "name", node):
            return parent
        if parent.type == "object_creation_expression" and _field_is(parent, "type", node):
            return node
        return None

    def dotted(self, node: Node, data: bytes) -> str | None:
        ntype = node.type
        if ntype == "method_invocation":  # the object is optional: `getInstance()` (static import)
            name = node.child_by_field_name("name")
            if name is None:
                return None
            obj = node.child_by_field_name("object")
            if obj is None:
                return node_text(name, data)
            head = self.dotted(obj, data)
            return None if head is None else f"{head}.{node_text(name, data)}"
        if ntype in ("scoped_identifier", "scoped_type_identifier"):
            return "".join(node_text(node, data).split())
        return super().dotted(node, data)

    def decorator_at(self, node: Node, data: bytes) -> tuple[str | None, Node | None] | None:
        current = node
        while current.parent is not None and current.parent.type == "scoped_identifier":
            current = current.parent
        annotation = current.parent
        if annotation is None or annotation.type not in ("annotation", "marker_annotation"):
            return None
        if not _field_is(annotation, "name", current):
            return None
        holder = annotation.parent
        target: Node | None = None
        if holder is not None and holder.type == "modifiers" and holder.parent is not None:
            declaration = holder.parent
            target = declaration if self.is_definition(declaration) else self.enclosing_definition(declaration)
        return "".join(node_text(current, data).split()), target

    def is_reference(self, node: Node) -> bool:
        if node.type not in ("identifier", "type_identifier"):
            return False
        parent = node.parent
        if parent is None:
            return True
        ptype = parent.type
        if ptype in ("scoped_identifier", "import_declaration", "package_declaration"):
            return self.import_at(node) is None and ptype != "package_declaration"
        if ptype == "method_invocation" and _field_is(parent, "name", node):
            return parent.child_by_field_name("object") is None  # `getInstance()` (static import)
        if ptype == "field_access" and _field_is(parent, "field", node):
            return False
        return not (self.is_definition(parent) and _field_is(parent, "name", node))

    def is_definition(self, node: Node) -> bool:
        return node.type in self._class_types or node.type in self._method_types

    def definition_kind(self, node: Node) -> str:
        return "class" if node.type in self._class_types else "method"


# ==============================================================================================
# Terraform / HCL and YAML: definitions only (blocks, documents)
# ==============================================================================================
_HCL_ADDRESS_PREFIX = {"data": "data.", "module": "module.", "variable": "var.", "output": "output."}


class HclSyntax(Syntax):
    language = "hcl"
    has_imports = False
    has_calls = False

    def is_definition(self, node: Node) -> bool:
        if node.type != "block":
            return False
        body = node.parent
        return body is not None and body.type == "body" and body.parent is not None and body.parent.type == "config_file"

    def _labels(self, node: Node, data: bytes) -> tuple[str, list[str]]:
        block_type = ""
        labels: list[str] = []
        for child in node.named_children:
            if child.type == "identifier" and not block_type:
                block_type = node_text(child, data)
            elif child.type == "string_lit":
                labels.append(_string_content(child, data))
            elif child.type == "identifier":
                labels.append(node_text(child, data))
            elif child.type in ("block_start", "body"):
                break
        return block_type, labels

    def definition_name(self, node: Node, data: bytes) -> str:
        block_type, labels = self._labels(node, data)
        if block_type in ("resource", "data") and len(labels) >= 2:
            return f"{_HCL_ADDRESS_PREFIX.get(block_type, '')}{labels[0]}.{labels[1]}"
        if labels:
            return f"{_HCL_ADDRESS_PREFIX.get(block_type, block_type + '.')}{'.'.join(labels)}"
        return block_type

    def qualified_name(self, node: Node, data: bytes) -> str:
        return self.definition_name(node, data)

    def definition_kind(self, node: Node) -> str:
        return "block"

    def extra_symbol_names(self, definition: Node, data: bytes) -> tuple[str, ...]:
        _, labels = self._labels(definition, data)
        return (labels[0],) if labels else ()

    def definition_names(
        self, root: Node, data: bytes, only: set[str] | None = None
    ) -> Iterator[tuple[str, Node]]:
        for body in root.named_children:
            if body.type != "body":
                continue
            for block in body.named_children:
                if block.type == "block":
                    yield self.definition_name(block, data), block


class YamlSyntax(Syntax):
    language = "yaml"
    has_imports = False
    has_calls = False

    def is_definition(self, node: Node) -> bool:
        return node.type == "document"

    def definition_kind(self, node: Node) -> str:
        return "block"

    def definition_name(self, node: Node, data: bytes) -> str:
        kind = name = None
        for key, value in _yaml_pairs(node, data):
            if key == "kind":
                kind = _yaml_scalar(value, data)
            elif key == "metadata":
                for sub_key, sub_value in _yaml_pairs(value, data):
                    if sub_key == "name":
                        name = _yaml_scalar(sub_value, data)
        if kind and name:
            return f"{kind}/{name}"
        if kind:
            return kind
        index = 1
        sibling = node.prev_named_sibling
        while sibling is not None:
            if sibling.type == "document":
                index += 1
            sibling = sibling.prev_named_sibling
        return f"document {index}"

    def qualified_name(self, node: Node, data: bytes) -> str:
        return self.definition_name(node, data)

    def definition_names(
        self, root: Node, data: bytes, only: set[str] | None = None
    ) -> Iterator[tuple[str, Node]]:
        return iter(())

    def definition_range(self, node: Node) -> tuple[Node, Node]:
        return node, node


def _yaml_pairs(node: Node, data: bytes) -> Iterable[tuple[str, Node]]:
    """Key/value pairs of the mapping directly under `node` (document, block_node or flow_node)."""
    current = node
    for _ in range(3):
        mapping = next(
            (c for c in current.named_children if c.type in ("block_mapping", "flow_mapping", "block_node", "flow_node")),
            None,
        )
        if mapping is None:
            return
        if mapping.type in ("block_mapping", "flow_mapping"):
            for pair in mapping.named_children:
                if pair.type not in ("block_mapping_pair", "flow_pair"):
                    continue
                key = pair.child_by_field_name("key")
                value = pair.child_by_field_name("value")
                if key is not None and value is not None:
                    yield _yaml_scalar(key, data) or "", value
            return
        current = mapping


def _yaml_scalar(node: Node, data: bytes) -> str | None:
    text = node_text(node, data).strip()
    if len(text) >= 2 and text[0] in "\"'" and text[-1] == text[0]:
        text = text[1:-1]
    if "\n" in text or len(text) > 200:
        return None
    return text


SYNTAXES: dict[str, Syntax] = {
    syntax.language: syntax
    for syntax in (
        PythonSyntax(),
        JavaScriptSyntax(),
        TypeScriptSyntax(),
        TsxSyntax(),
        GoSyntax(),
        JavaSyntax(),
        HclSyntax(),
        YamlSyntax(),
    )
}
