"""Terraform/HCL and YAML: definitions only (top-level blocks, documents)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from tree_sitter import Node

from pavedroad.analysis.syntax.base import (
    Syntax,
    _string_content,
    node_text,
)

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
