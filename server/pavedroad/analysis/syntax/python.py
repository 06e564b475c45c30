"""Python: imports, calls, decorators, references and `def`/`class` definitions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

import re2
from tree_sitter import Node

from pavedroad.analysis.syntax.base import (
    Binding,
    Syntax,
    _field_is,
    node_text,
)


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
