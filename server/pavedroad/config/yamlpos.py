"""YAML to plain data that remembers where every value was written.

`parse_yaml` composes the document with PyYAML's safe loader and walks the node graph, so each
mapping, sequence and scalar knows its file, 1-based line and column. It never raises on bad input:
syntax errors, non-UTF-8 bytes, duplicate keys, non-string keys, unknown tags, recursive anchors and
alias bombs all come back as `ConfigProblem`s located in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

from pavedroad import codes
from pavedroad.config.model import ConfigProblem, SourceRef

#: Upper bound on nodes visited (aliases count each time they are expanded): a "billion laughs"
#: document is reported instead of expanded.
MAX_NODES = 100_000
#: Nesting limit (a config is at most a few levels deep).
MAX_DEPTH = 64

Kind = Literal["map", "seq", "scalar"]


@dataclass(eq=False)
class YNode:
    """One YAML value with its position. For maps, `value` is `dict[str, YNode]` and `keys` holds the
    key nodes; for sequences `value` is `list[YNode]`; for scalars the constructed Python value."""

    kind: Kind
    value: Any
    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    keys: dict[str, YNode] = field(default_factory=dict)

    @property
    def ref(self) -> SourceRef:
        return SourceRef(self.file, self.line, self.column)

    @property
    def end_on_line(self) -> int | None:
        """End column if the value ends on its first line (for an editor underline)."""
        return self.end_column if self.end_line == self.line and self.end_column > self.column else None

    def plain(self) -> Any:
        """The value without positions (dicts, lists, scalars)."""
        if self.kind == "map":
            return {k: v.plain() for k, v in self.value.items()}
        if self.kind == "seq":
            return [v.plain() for v in self.value]
        return self.value

    def describe(self) -> str:
        """A short type description for error messages (`a list`, `the number 3`, ...)."""
        if self.kind == "map":
            return "a mapping"
        if self.kind == "seq":
            return "a list"
        v = self.value
        if v is None:
            return "an empty value"
        if isinstance(v, bool):
            return f"the boolean {str(v).lower()}"
        if isinstance(v, (int, float)):
            return f"the number {v!r}"
        if isinstance(v, str):
            return "a string"
        return f"a {type(v).__name__} value"


def _problem(file: str, line: int, column: int, message: str, code: str = codes.CONFIG_SYNTAX,
             end_column: int | None = None) -> ConfigProblem:
    return ConfigProblem(code, message, SourceRef(file, max(line, 1), max(column, 1)),
                         "error", end_column)


def decode_config_bytes(data: bytes, file: str) -> tuple[str | None, list[ConfigProblem]]:
    """Decode UTF-8 (with or without BOM); a decode error is reported at the offending byte."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        start = exc.start
        line = data.count(b"\n", 0, start) + 1
        line_start = data.rfind(b"\n", 0, start) + 1
        prefix = data[line_start:start].decode("utf-8", "replace")
        column = len(prefix) + 1
        return None, [_problem(file, line, column,
                               f"the file is not valid UTF-8 (byte 0x{data[start]:02x}); "
                               "config files must be UTF-8")]


def _line_col_of_offset(text: str, offset: int) -> tuple[int, int]:
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class _Walker:
    def __init__(self, loader: yaml.SafeLoader, file: str) -> None:
        self.loader = loader
        self.file = file
        self.count = 0
        self.problems: list[ConfigProblem] = []
        self.active: set[int] = set()

    def _pos(self, node: yaml.Node) -> tuple[int, int, int, int]:
        s, e = node.start_mark, node.end_mark
        return s.line + 1, s.column + 1, e.line + 1, e.column + 1

    def walk(self, node: yaml.Node, depth: int = 0) -> YNode:
        self.count += 1
        line, col, eline, ecol = self._pos(node)
        if self.count > MAX_NODES:
            raise _Abort(_problem(self.file, line, col,
                                  f"the document expands to more than {MAX_NODES} values "
                                  "(alias bomb?); refusing to load it"))
        if depth > MAX_DEPTH or id(node) in self.active:
            raise _Abort(_problem(self.file, line, col,
                                  "recursive or too deeply nested value (an anchor that contains "
                                  "its own alias?)"))
        if isinstance(node, yaml.ScalarNode):
            return YNode("scalar", self._scalar(node), self.file, line, col, eline, ecol)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                self._check_tag(node, "tag:yaml.org,2002:seq")
                items = [self.walk(child, depth + 1) for child in node.value]
                return YNode("seq", items, self.file, line, col, eline, ecol)
            assert isinstance(node, yaml.MappingNode)
            self._check_tag(node, "tag:yaml.org,2002:map")
            values: dict[str, YNode] = {}
            keys: dict[str, YNode] = {}
            for key_node, value_node in node.value:
                kline, kcol, keline, kecol = self._pos(key_node)
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problems.append(_problem(
                        self.file, kline, kcol, "mapping keys must be plain strings",
                        codes.CONFIG_SCHEMA))
                    continue
                key = str(key_node.value)
                if key == "<<" and key_node.tag == "tag:yaml.org,2002:merge":
                    self.problems.append(_problem(
                        self.file, kline, kcol,
                        "YAML merge keys (`<<`) are not supported in zone configs",
                        codes.CONFIG_SCHEMA, kecol if keline == kline else None))
                    continue
                if key in values:
                    first = keys[key]
                    self.problems.append(_problem(
                        self.file, kline, kcol,
                        f"duplicate key {key!r} (first at line {first.line}); YAML would silently "
                        "keep only the last one",
                        codes.CONFIG_SCHEMA, kecol if keline == kline else None))
                    continue
                keys[key] = YNode("scalar", key, self.file, kline, kcol, keline, kecol)
                values[key] = self.walk(value_node, depth + 1)
            return YNode("map", values, self.file, line, col, eline, ecol, keys)
        finally:
            self.active.discard(id(node))

    def _check_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            line, col, _, _ = self._pos(node)
            self.problems.append(_problem(self.file, line, col, f"unsupported YAML tag {node.tag!r}",
                                          codes.CONFIG_SCHEMA))

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except Exception:  # unknown tag, invalid timestamp, ...: keep the text, report the tag
            line, col, _, _ = self._pos(node)
            if node.tag not in yaml.SafeLoader.yaml_constructors:
                self.problems.append(_problem(self.file, line, col,
                                              f"unsupported YAML tag {node.tag!r}",
                                              codes.CONFIG_SCHEMA))
            return str(node.value)


def _reader_problem(file: str, line: int, column: int, exc: yaml.reader.ReaderError
                    ) -> ConfigProblem:
    char = exc.character
    shown = f"U+{char:04X}" if isinstance(char, int) else repr(char)
    return _problem(file, line, column,
                    f"YAML syntax error: character {shown} is not allowed ({exc.reason})")


class _Abort(Exception):
    def __init__(self, problem: ConfigProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


_CLoader = getattr(yaml, "CSafeLoader", None)


def _compose_fast(text: str, file: str) -> tuple[YNode | None, list[ConfigProblem]] | None:
    """The parse with libyaml, or None when it is missing or the text has any problem."""
    if _CLoader is None:
        return None
    try:
        loader = _CLoader(text)
    except Exception:
        return None
    try:
        try:
            node = loader.get_single_node()
        except Exception:  # any error: let PyYAML's parser report it
            return None
        if node is None:
            return None, []
        walker = _Walker(loader, file)
        try:
            root = walker.walk(node)
        except _Abort:
            return None
        return (root, walker.problems) if not walker.problems else None
    finally:
        loader.dispose()


def parse_yaml(text: str, file: str) -> tuple[YNode | None, list[ConfigProblem]]:
    """Parse one YAML document. Returns (root or None when empty/unparsable, problems).

    The root is None for an empty document (no problem) and for a syntax error (a PR001 problem).
    libyaml composes the document when it is installed (it gives the same nodes and marks, ten
    times faster: a map with thousands of zones loads in well under a second); any error is
    reported by PyYAML's own parser, so messages do not depend on which one is installed.
    """
    fast = _compose_fast(text, file)
    if fast is not None:
        return fast
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:
        line, col = _line_col_of_offset(text, exc.position)
        return None, [_reader_problem(file, line, col, exc)]
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            what = exc.problem or exc.context or "invalid YAML"
            if exc.context and exc.problem:
                what = f"{exc.problem} ({exc.context})"
            return None, [_problem(file, line, col, f"YAML syntax error: {what}")]
        except yaml.reader.ReaderError as exc:
            line, col = _line_col_of_offset(text, exc.position)
            return None, [_reader_problem(file, line, col, exc)]
        except yaml.YAMLError as exc:
            return None, [_problem(file, 1, 1, f"YAML syntax error: {exc}")]
        except RecursionError:
            return None, [_problem(file, 1, 1, "YAML syntax error: nesting too deep")]
        if node is None:
            return None, []
        walker = _Walker(loader, file)
        try:
            root = walker.walk(node)
        except _Abort as abort:
            return None, [*walker.problems, abort.problem]
        return root, walker.problems
    finally:
        loader.dispose()
