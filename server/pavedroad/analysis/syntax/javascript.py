"""JavaScript, TypeScript and TSX: ES imports and `require`, calls, decorators, definitions
(functions, classes, methods, and function values bound to a name)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import ClassVar

import re2
from tree_sitter import Node, QueryCursor

from pavedroad.analysis.syntax.base import (
    SUFFIX_PATTERN,
    Binding,
    Syntax,
    _field_is,
    _string_content,
    node_text,
    suffix_matches,
)

_JS_FUNCTION_VALUES = frozenset(
    {"arrow_function", "function_expression", "function", "generator_function"}
)


def _is_unbound_call(sequence: Node | None, callee: Node) -> bool:
    """`(0, _auth.verify)(token)`: how Babel and tsc's CommonJS output call an imported function
    (the comma drops `this`), so compiled code is a call of `_auth.verify` like its source was."""
    if sequence is None or sequence.type != "sequence_expression":
        return False
    parts = sequence.named_children
    if len(parts) != 2 or parts[0].type != "number" or parts[1].id != callee.id:
        return False
    wrapper = sequence.parent
    if wrapper is None or wrapper.type != "parenthesized_expression":
        return False
    call = wrapper.parent
    return call is not None and call.type == "call_expression" and _field_is(call, "function", wrapper)


#: the helpers Babel and tsc wrap `require` in for ES-module interop; transparent for bindings
_INTEROP_HELPERS = frozenset(
    {"_interopRequireDefault", "_interopRequireWildcard", "__importDefault", "__importStar"}
)


def _is_interop_call(call: Node, data: bytes) -> bool:
    function = call.child_by_field_name("function")
    return (
        call.type == "call_expression" and function is not None and function.type == "identifier"
        and node_text(function, data) in _INTEROP_HELPERS
    )


def _is_export_thunk(function: Node, key: Node) -> bool:
    """`{ decrypt: function() { return decrypt; } }`, `{ decrypt: () => decrypt }`: the getter a
    compiler emits for every export of a module (SWC's `_export(exports, {...})`, esbuild's
    `__export(...)`), not the function it names. Named `decrypt`, it put compiler plumbing in the
    zone of a rule for the real `decrypt`."""
    parameters = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    if parameters is not None and parameters.named_child_count:
        return False
    body = function.child_by_field_name("body")
    if body is not None and body.type == "statement_block":
        statements = body.named_children
        if len(statements) != 1 or statements[0].type != "return_statement":
            return False
        body = statements[0].named_children[0] if statements[0].named_child_count == 1 else None
    if body is None or body.type != "identifier" or key.text is None or body.text is None:
        return False
    name = key.text.strip(b"'\"") if key.type == "string" else key.text
    return body.text == name


class JavaScriptSyntax(Syntax):
    chain_links: ClassVar[dict[str, tuple[str, str]]] = {"member_expression": ("object", "property"), "nested_type_identifier": ("module", "name")}
    dotted_leaves = frozenset({"identifier", "property_identifier", "this", "super", "private_property_identifier"})
    dotted_links: ClassVar[dict[str, tuple[str, str]]] = {"member_expression": ("object", "property")}
    language = "javascript"
    name_types = frozenset({"identifier", "property_identifier", "type_identifier"})
    import_types = frozenset({"import_statement", "export_statement"})
    import_keyword = rb"\bimport\b|\brequire\b"
    module_separator = "/"
    interop_member = "default"
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

    def suffix_import_terms(self, segment: str) -> list[str]:
        return [r"[\"'`](?:[^\"'`\n]*/)?" + re2.escape(segment) + r"(?:/index)?(?:\.[cm]?[jt]sx?)?[\"'`]"]

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
            wrapper = parent.parent if ptype == "arguments" else None
            if wrapper is not None and _is_interop_call(wrapper, data):
                current, parent = wrapper, wrapper.parent  # _interopRequireDefault(require("x"))
                continue
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
        if pattern.startswith(SUFFIX_PATTERN):
            return suffix_matches(replace(binding, target=binding.module), pattern[len(SUFFIX_PATTERN):])
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
                if _is_unbound_call(grand, parent):
                    return parent
        elif _is_unbound_call(parent, node):
            return node
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
            if key is None or key.type not in ("property_identifier", "string") or _is_export_thunk(node, key):
                return None
            return key
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


    # --- statements, bound names, type positions ---------------------------------------------------
    _type_positions = frozenset({
        "type_annotation", "nested_type_identifier", "type_arguments", "type_parameters", "generic_type",
        "type_alias_declaration", "implements_clause", "extends_type_clause", "type_query",
        "interface_declaration", "union_type", "intersection_type", "array_type", "tuple_type",
        "object_type", "index_signature", "predefined_type", "lookup_type", "function_type",
        "opting_type_annotation", "omitting_type_annotation", "asserts_annotation", "type_predicate_annotation",
    })
    _expression_stops = frozenset({
        "call_expression", "new_expression", "member_expression", "arguments", "variable_declarator",
        "statement_block", "program", "class_body", "assignment_expression", "return_statement",
    })
    _function_nodes = frozenset({
        "function_declaration", "generator_function_declaration", "method_definition", "arrow_function",
        "function_expression", "function", "generator_function", "statement_block",
    })
    #: route registration methods of Express-style routers: `app.post("/login", handler)`
    _route_methods = frozenset({"get", "post", "put", "patch", "delete", "del", "all", "use", "head", "options", "route"})

    def statement_binds(self, node: Node, data: bytes) -> list[str]:
        inner = node
        if inner.type == "export_statement":
            declaration = inner.child_by_field_name("declaration")
            if declaration is None:
                return []
            inner = declaration
        if inner.type in ("lexical_declaration", "variable_declaration"):
            out = []
            for declarator in inner.named_children:
                name = declarator.child_by_field_name("name") if declarator.type == "variable_declarator" else None
                if name is not None:
                    out.append(node_text(name, data))
            return out
        if inner.type in ("public_field_definition", "field_definition"):
            name = inner.child_by_field_name("name") or inner.child_by_field_name("property")
            return [node_text(name, data)] if name is not None else []
        return []

    def statement_name(self, node: Node, data: bytes) -> str:
        call = node.named_children[0] if node.type == "expression_statement" and node.named_children else None
        if call is not None and call.type == "call_expression":  # `app.post("/login", ...)`
            callee = call.child_by_field_name("function")
            arguments = call.child_by_field_name("arguments")
            first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
            if callee is not None and callee.type == "member_expression":
                prop = callee.child_by_field_name("property")
                if (
                    prop is not None and node_text(prop, data) in self._route_methods
                    and first is not None and first.type in ("string", "template_string")
                ):
                    return f"{node_text(prop, data).upper()} {_string_content(first, data)}"
        return super().statement_name(node, data)

    def is_type_only(self, node: Node) -> bool:
        if node.type == "type_identifier":
            return True
        current: Node | None = node.parent
        for _ in range(8):
            if current is None or current.type in self._expression_stops:
                return False
            if current.type in self._type_positions:
                return True
            current = current.parent
        return False

    def typed_member(self, node: Node, data: bytes) -> tuple[str, Node] | None:
        current: Node | None = node
        while current is not None and current.type != "type_annotation":
            if current.type in self._expression_stops:
                return None
            current = current.parent
        holder = current.parent if current is not None else None
        if holder is None:
            return None
        if holder.type in ("public_field_definition", "field_definition"):
            name = holder.child_by_field_name("name") or holder.child_by_field_name("property")
            body = holder.parent
            cls = body.parent if body is not None else None
        elif holder.type == "required_parameter" and any(c.type == "accessibility_modifier" for c in holder.children):
            name = holder.child_by_field_name("pattern")  # `constructor(private jwt: JwtService)`
            cls = holder
            while cls is not None and cls.type not in self._class_types:
                cls = cls.parent
        else:
            return None
        if name is None or cls is None:
            return None
        return node_text(name, data), cls

    def typed_parameter(self, node: Node, data: bytes) -> tuple[str, Node] | None:
        current: Node | None = node
        while current is not None and current.type != "type_annotation":
            if current.type in self._expression_stops:
                return None
            current = current.parent
        parameter = current.parent if current is not None else None
        if parameter is None or parameter.type not in ("required_parameter", "optional_parameter"):
            return None
        name = parameter.child_by_field_name("pattern")
        params = parameter.parent
        function = params.parent if params is not None else None
        if name is None or name.type != "identifier" or function is None:
            return None
        return node_text(name, data), function

    def bound_target(self, node: Node, data: bytes) -> tuple[str, str, Node] | None:
        child, current = node, node.parent
        for _ in range(14):
            if current is None or current.type in self._function_nodes or current.type == "program":
                return None
            ctype = current.type
            if ctype == "variable_declarator":
                name = current.child_by_field_name("name")
                if not _field_is(current, "value", child) or name is None or name.type != "identifier":
                    return None
                declaration = current.parent
                holder = declaration.parent if declaration is not None else None
                if holder is not None and holder.type == "export_statement":
                    holder = holder.parent
                if holder is not None and holder.type == "program":
                    return "module", node_text(name, data), holder
                return None
            if ctype in ("public_field_definition", "field_definition"):
                name = current.child_by_field_name("name") or current.child_by_field_name("property")
                body = current.parent
                cls = body.parent if body is not None else None
                if name is None or cls is None or not _field_is(current, "value", child):
                    return None
                return "field", node_text(name, data), cls
            if ctype == "assignment_expression":
                left = current.child_by_field_name("left")
                if left is None or not _field_is(current, "right", child):
                    return None
                if left.type == "member_expression" and self.field_reference(
                    left.child_by_field_name("property") or left, data
                ):
                    cls = current
                    while cls is not None and cls.type not in self._class_types:
                        cls = cls.parent
                    prop = left.child_by_field_name("property")
                    if cls is not None and prop is not None:
                        return "field", node_text(prop, data), cls
                return None
            child, current = current, current.parent
        return None


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
