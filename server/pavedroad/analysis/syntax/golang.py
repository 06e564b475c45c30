"""Go: import specs, selector calls, functions, methods and type declarations."""

from __future__ import annotations

from typing import ClassVar

import re2
from tree_sitter import Node

from pavedroad.analysis.syntax.base import (
    Binding,
    Syntax,
    _field_is,
    _string_content,
    go_package_name,
    node_text,
)


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

    def suffix_import_terms(self, segment: str) -> list[str]:
        return [r"[\"`](?:[^\"`\n]*/)?" + re2.escape(segment) + r"[\"`]"]

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
        # `.` imports the package's names unqualified (like a wildcard); `_` only runs its init
        return [Binding(None, path, path, statement, wildcard=name.type == "dot")]

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

    def receiver_name(self, method: Node, data: bytes) -> str | None:
        receiver = method.child_by_field_name("receiver") if method.type == "method_declaration" else None
        for param in receiver.named_children if receiver is not None else ():
            name = param.child_by_field_name("name")
            if name is not None:
                return node_text(name, data)
        return None

    # --- statements, bound names, type positions ---------------------------------------------------
    def class_member(self, node: Node, cls: Node) -> Node | None:
        """The struct field holding `node` (the innermost one: a field of an anonymous struct
        nested in a field), so a match marks `Password string`, not the whole `Configuration`."""
        current: Node | None = node
        while current is not None and current != cls:
            if current.type == "field_declaration":
                return current
            current = current.parent
        return None

    def statement_binds(self, node: Node, data: bytes) -> list[str]:
        if node.type == "field_declaration":
            return [node_text(name, data) for name in node.children_by_field_name("name")]
        if node.type not in ("var_declaration", "const_declaration"):
            return []
        out: list[str] = []
        for spec in node.named_children:
            if spec.type in ("var_spec", "const_spec"):
                out.extend(node_text(n, data) for n in spec.children_by_field_name("name"))
        return out

    def is_type_only(self, node: Node) -> bool:
        parent = node.parent  # `x509.Certificate` as a type; `tls.Config{...}` constructs a value
        if parent is None or parent.type != "qualified_type":
            return False
        holder = parent.parent
        while holder is not None and holder.type in ("pointer_type", "generic_type", "type_arguments"):
            holder = holder.parent
        return holder is None or holder.type != "composite_literal"

    def typed_parameter(self, node: Node, data: bytes) -> tuple[str, Node] | None:
        current: Node | None = node.parent
        while current is not None and current.type in ("qualified_type", "pointer_type", "slice_type", "generic_type"):
            current = current.parent
        if current is None or current.type != "parameter_declaration":
            return None
        names = current.children_by_field_name("name")
        params = current.parent
        function = params.parent if params is not None else None
        if len(names) != 1 or function is None or function.type not in ("function_declaration", "method_declaration"):
            return None
        return node_text(names[0], data), function

    def bound_target(self, node: Node, data: bytes) -> tuple[str, str, Node] | None:
        child, current = node, node.parent
        for _ in range(12):
            if current is None or current.type in ("function_declaration", "method_declaration", "block", "func_literal"):
                return None
            if current.type in ("var_spec", "const_spec"):
                declaration = current.parent
                names = current.children_by_field_name("name")
                if (
                    declaration is None or declaration.parent is None or declaration.parent.type != "source_file"
                    or not _field_is(current, "value", child) or len(names) != 1
                ):
                    return None
                return "module", node_text(names[0], data), declaration.parent
            child, current = current, current.parent
        return None
