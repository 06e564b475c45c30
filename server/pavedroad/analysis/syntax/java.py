"""Java: imports (with wildcards and static imports), invocations, annotations, classes and methods."""

from __future__ import annotations

from typing import ClassVar

import re2
from tree_sitter import Node

from pavedroad.analysis.syntax.base import (
    Binding,
    Syntax,
    _field_is,
    node_text,
)


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

    def suffix_import_terms(self, segment: str) -> list[str]:
        return [r"\bimport[ \t]+(?:static[ \t]+)?[\w.]*\." + re2.escape(segment) + r"\.[A-Za-z_]"]

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

    def written_out(self, node: Node, data: bytes) -> tuple[str, Node, Node] | None:
        chain = ("scoped_type_identifier", "field_access")
        if node.type not in chain:
            return None
        outer = node
        while outer.parent is not None and outer.parent.type in chain and outer.parent.named_children[0] == outer:
            outer = outer.parent
        last = outer.named_children[-1] if outer.named_children else None
        if last is None or outer.start_byte != node.start_byte:
            return None
        return "".join(node_text(outer, data).split()), outer, last

    # --- statements, bound names, type positions ---------------------------------------------------
    def statement_binds(self, node: Node, data: bytes) -> list[str]:
        if node.type not in ("field_declaration", "constant_declaration"):
            return []
        return [
            node_text(name, data)
            for declarator in node.children_by_field_name("declarator")
            if (name := declarator.child_by_field_name("name")) is not None
        ]

    def is_type_only(self, node: Node) -> bool:
        parent = node.parent
        if parent is not None and parent.type in ("annotation", "marker_annotation"):
            # `@AuthenticationPrincipal User user`: an annotation on a parameter is a declaration
            holder = parent.parent
            return holder is not None and holder.type == "modifiers" and holder.parent is not None and (
                holder.parent.type in ("formal_parameter", "spread_parameter", "catch_formal_parameter")
            )
        if node.type != "type_identifier":
            return False
        current: Node | None = parent
        child = node
        for _ in range(6):  # `new X(...)`, `X.class` and `X::new` construct or name a value
            if current is None:
                return True
            if current.type == "object_creation_expression" and _field_is(current, "type", child):
                return False
            if current.type in ("class_literal", "method_reference"):
                return False
            if current.type in ("superclass", "super_interfaces", "extends_interfaces"):
                return False  # `implements HostnameVerifier`: the class takes on the library's behaviour
            if current.type not in (
                "scoped_type_identifier", "generic_type", "type_arguments", "type_list", "annotated_type"
            ):  # `implements @Deprecated HostnameVerifier` is the same heritage
                return True
            child, current = current, current.parent
        return True

    def typed_member(self, node: Node, data: bytes) -> tuple[str, Node] | None:
        current: Node | None = node
        while current is not None and current.type in (
            "type_identifier", "scoped_type_identifier", "generic_type", "type_arguments", "array_type"
        ):
            current = current.parent
        if current is None or current.type != "field_declaration":
            return None
        names = self.statement_binds(current, data)
        body = current.parent
        cls = body.parent if body is not None else None
        if not names or cls is None:
            return None
        return names[0], cls

    def typed_parameter(self, node: Node, data: bytes) -> tuple[str, Node] | None:
        """A parameter or local variable declared with the type `node` names: (its name, method)."""
        current: Node | None = node
        while current is not None and current.type in (
            "type_identifier", "scoped_type_identifier", "generic_type", "type_arguments", "array_type"
        ):
            current = current.parent
        if current is not None and current.type == "local_variable_declaration":
            # `KeyManagerFactory kmf = ...; kmf.init(...)`: a typed local joins like a parameter
            declarators = current.children_by_field_name("declarator")
            name = declarators[0].child_by_field_name("name") if len(declarators) == 1 else None
            scope = self.enclosing_definition(current)
            if name is None or scope is None or self.definition_kind(scope) == "class":
                return None
            return node_text(name, data), scope
        if current is None or current.type != "formal_parameter":
            return None
        name = current.child_by_field_name("name")
        params = current.parent
        method = params.parent if params is not None else None
        if name is None or method is None:
            return None
        return node_text(name, data), method

    def member_call(self, node: Node, data: bytes) -> tuple[str, int] | None:
        parent = node.parent
        if parent is None or parent.type != "method_invocation" or not _field_is(parent, "object", node):
            return None
        name = parent.child_by_field_name("name")
        arguments = parent.child_by_field_name("arguments")
        if name is None:
            return None
        return node_text(name, data), arguments.named_child_count if arguments is not None else 0

    def bound_target(self, node: Node, data: bytes) -> tuple[str, str, Node] | None:
        child, current = node, node.parent
        for _ in range(12):
            if current is None or current.type in ("method_declaration", "constructor_declaration", "block"):
                return None
            if current.type == "variable_declarator":
                name = current.child_by_field_name("name")
                declaration = current.parent
                if name is None or declaration is None or declaration.type != "field_declaration":
                    return None
                if not _field_is(current, "value", child):
                    return None
                body = declaration.parent
                cls = body.parent if body is not None else None
                return ("field", node_text(name, data), cls) if cls is not None else None
            child, current = current, current.parent
        return None

    def field_reference(self, node: Node, data: bytes) -> bool:
        if super().field_reference(node, data):
            return True
        return node.type == "identifier" and self.is_reference(node)
