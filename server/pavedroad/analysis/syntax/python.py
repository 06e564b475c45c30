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

    def suffix_import_terms(self, segment: str) -> list[str]:
        word = re2.escape(segment)
        return [
            rf"\bfrom[ \t]+[\w.]*\b{word}[ \t]+import\b",  # from app.auth import x, from .auth import x
            rf"\bfrom[ \t]+[\w.]+[ \t]+import[ \t(][^\n]*\b{word}\b",  # from app import auth
            rf"\bfrom[ \t]+[\w.]+[ \t]+import[ \t]*\([^)]*\b{word}\b",  # from app import (\n    auth,\n)
            rf"\bimport[ \t]+[\w.]+\.{word}\b",  # import app.auth as a
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

    # --- statements, bound names, type positions ---------------------------------------------------
    _stops = frozenset({"function_definition", "class_definition", "lambda", "module", "block"})

    def statement_binds(self, node: Node, data: bytes) -> list[str]:
        target = node.named_children[0] if node.type == "expression_statement" and node.named_children else node
        if target.type in ("assignment", "augmented_assignment"):
            left = target.child_by_field_name("left")
            if left is not None and left.type in ("identifier", "attribute"):
                return [node_text(left, data)]
        return []

    def is_type_only(self, node: Node) -> bool:
        current: Node | None = node.parent
        for _ in range(8):
            if current is None or current.type in self._stops or current.type == "call":
                return False
            if current.type == "type":
                return True
            current = current.parent
        return False

    def typed_member(self, node: Node, data: bytes) -> tuple[str, Node] | None:
        current: Node | None = node
        while current is not None and current.type != "type":
            current = current.parent
        assignment = current.parent if current is not None else None
        if assignment is None or assignment.type != "assignment":
            return None
        left = assignment.child_by_field_name("left")
        cls = self._class_of_statement(assignment.parent)
        if left is None or left.type != "identifier" or cls is None:
            return None
        return node_text(left, data), cls

    def typed_parameter(self, node: Node, data: bytes) -> tuple[str, Node] | None:
        current: Node | None = node
        while current is not None and current.type != "type":
            current = current.parent
        parameter = current.parent if current is not None else None
        if parameter is None or parameter.type not in ("typed_parameter", "typed_default_parameter"):
            return None
        name = parameter.child_by_field_name("name")
        if name is None:
            name = next((c for c in parameter.named_children if c.type == "identifier"), None)
        function = parameter.parent.parent if parameter.parent is not None else None
        if name is None or function is None or function.type != "function_definition":
            return None
        return node_text(name, data), function

    @staticmethod
    def _class_of_statement(statement: Node | None) -> Node | None:
        """The class whose body directly holds `statement` (an expression_statement)."""
        block = statement.parent if statement is not None else None
        cls = block.parent if block is not None else None
        return cls if cls is not None and cls.type == "class_definition" else None

    def bound_target(self, node: Node, data: bytes) -> tuple[str, str, Node] | None:
        child, current = node, node.parent
        for _ in range(12):
            if current is None or current.type in self._stops:
                return None
            if current.type == "assignment":
                if not _field_is(current, "right", child):
                    return None
                return self._assignment_target(current, data)
            child, current = current, current.parent
        return None

    def _assignment_target(self, assignment: Node, data: bytes) -> tuple[str, str, Node] | None:
        left = assignment.child_by_field_name("left")
        statement = assignment.parent
        if left is None or statement is None or statement.type != "expression_statement":
            return None
        container = statement.parent
        if left.type == "identifier" and container is not None:
            if container.type == "module":
                return "module", node_text(left, data), container
            cls = self._class_of_statement(statement)
            return ("field", node_text(left, data), cls) if cls is not None else None
        if left.type == "attribute":
            obj = left.child_by_field_name("object")
            attr = left.child_by_field_name("attribute")
            if obj is not None and attr is not None and node_text(obj, data) in self.self_names:
                method = self.enclosing_definition(assignment)
                holder = method.parent if method is not None else None
                if holder is not None and holder.type == "decorated_definition":
                    holder = holder.parent
                cls = holder.parent if holder is not None else None
                if cls is not None and cls.type == "class_definition":
                    return "field", node_text(attr, data), cls
        return None

    def extra_symbol_names(self, definition: Node, data: bytes) -> tuple[str, ...]:
        # Definitions are prefiltered by a byte scan of `def`/`class` names, which cannot pair a
        # method with its class: no `method_Class` names here (consistent with that prefilter).
        return ()
