"""Adding one `symbols` rule to a repository's `.pavedroad.yaml` as a single text insertion.

The editor's "add to zone" action (and any other writer) must not reformat a file people keep by
hand: comments, quoting, key order and blank lines stay as they are. So the rule is placed as one
inserted piece of text, at the end of the zone's `match.symbols` list (a block list gets a new
`- item` line, a flow list `[...]` a new element), creating the `symbols` key, the `match` key, the
zone entry or the `zones` list when missing.

Anything it cannot place with certainty is refused (`None`), never guessed: a file that does not
parse, anchors and aliases (an edit at the anchor would change every alias), a flow-style
`zones` or `match`. And every insertion is checked by parsing the result: the new file must mean
exactly the old one plus this rule, or nothing is offered.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml

from pavedroad.config.yamlpos import YNode, parse_yaml

#: Indentation of each level in what this module writes (the presets and examples use two spaces).
_STEP = "  "
#: Larger configs are not edited: a repository's `.pavedroad.yaml` is a few KB (the 43 team
#: configs of the corpus are 32–66 lines), and parsing a hostile megabyte on the editor's
#: code-action path took seconds.
MAX_EDIT_CHARS = 64 * 1024
#: Line breaks YAML knows besides `\n`: a file using them as lines is not edited (offsets here
#: count `\n` lines only).
_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")


@dataclass(frozen=True)
class Insertion:
    """Insert `text` at str offset `offset` of the original file text."""

    offset: int
    text: str

    def apply(self, original: str) -> str:
        return original[: self.offset] + self.text + original[self.offset :]


def yaml_quoted(text: str) -> str:
    """`text` as an ASCII-only YAML double-quoted scalar. Not `json.dumps`: it writes a character
    beyond the BMP as a surrogate pair, which YAML reads back as two lone surrogates."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def exact_names_rule(names: Iterable[str]) -> str:
    """An exact-name `symbols` regex (RE2) for `names`, as a YAML double-quoted scalar. RE2
    takes a backslash only before ASCII punctuation (`\\$`); other characters an identifier may
    hold (`·`, a zero-width joiner, `€`) stand for themselves."""
    escaped = (
        "".join("\\" + ch if ch.isascii() and not (ch.isalnum() or ch == "_") else ch for ch in n)
        for n in names
    )
    return yaml_quoted("^(" + "|".join(escaped) + ")$")


def add_symbols_rule(text: str, zone: str, rule: str) -> Insertion | None:
    """The insertion that adds `rule` (a YAML scalar as written, e.g. `exact_names_rule(...)`) to
    `zone`'s `match.symbols` in the config `text`; None when the file cannot be edited safely or
    already holds the rule."""
    try:
        value = yaml.safe_load(rule)
    except yaml.YAMLError:
        return None
    if (not isinstance(value, str) or len(text) > MAX_EDIT_CHARS or _has_other_breaks(text)
            or _has_anchors(text)):
        return None
    if not text.strip():
        before = _plain(text)
        insertion = Insertion(len(text), _separator(text) + "version: 1" + _newline(text) + _new_zones(zone, rule, _newline(text)))
    else:
        root, problems = parse_yaml(text, "<config>")
        if problems or root is None or root.kind != "map":
            return None
        before = root.plain()
        found = _place(text, root, zone, rule)
        if found is None:
            return None
        insertion = found
    return insertion if _means(before, insertion.apply(text), zone, value) else None


def _place(text: str, root: YNode, zone: str, rule: str) -> Insertion | None:
    lines = _LineStarts(text)
    zones = root.value.get("zones")
    if zones is None:
        return Insertion(len(text), _separator(text) + _new_zones(zone, rule, _newline(text)))
    if zones.kind != "seq" or _is_flow(text, lines, zones):
        return None
    entry = next((item for item in zones.value if item.kind == "map" and _id_of(item) == zone), None)
    if entry is None:
        if not zones.value:
            return None
        return _after(text, lines, zones, " " * (zones.column - 1), _chain(zone, rule, _ENTRY))
    if _is_flow(text, lines, entry):
        return None
    match = entry.value.get("match")
    key_indent = " " * (entry.column - 1)
    if match is None:
        return _after(text, lines, entry, key_indent, _chain(zone, rule, _MATCH))
    if match.kind != "map" or not match.value or _is_flow(text, lines, match):
        return None
    symbols = match.value.get("symbols")
    if symbols is None:
        return _after(text, lines, match, " " * (match.column - 1), _chain(zone, rule, _SYMBOLS))
    if symbols.kind != "seq":
        return None
    if _is_flow(text, lines, symbols):
        close = lines.offset(symbols.end_line, symbols.end_column) - 1
        if text[close : close + 1] != "]":
            return None
        return Insertion(close, (", " if symbols.value else "") + rule)
    if not symbols.value:
        return None
    return _after(text, lines, symbols, " " * (symbols.column - 1), _chain(zone, rule, _ITEM))


def _after(text: str, lines: _LineStarts, node: YNode, indent: str, block: list[str]) -> Insertion:
    """`block` as new lines after the last line `node`'s content is on, each indented by `indent`."""
    newline = _newline(text)
    return Insertion(lines.line_end(_last_line(node)), "".join(newline + indent + row for row in block))


def _last_line(node: YNode) -> int:
    """1-based line of the last character of `node`'s content (a block scalar or a block
    collection ends at column 1 of the line after it)."""
    if node.kind == "scalar" or not node.value:
        return node.end_line - 1 if node.end_column == 1 and node.end_line > node.line else node.end_line
    children = list(node.value.values()) if node.kind == "map" else list(node.value)
    keys = list(node.keys.values()) if node.kind == "map" else []
    return max(_last_line(child) for child in children + keys)


#: levels of `_chain`: what is missing from the file, from the `zones` key down to the list item
_ZONES, _ENTRY, _MATCH, _SYMBOLS, _ITEM = range(5)


def _chain(zone: str, rule: str, level: int) -> list[str]:
    """The lines that add `rule` from `level` down (`zones:`, `- id: ...`, `match:`, `symbols:`,
    `- rule`), indented relative to the first."""
    full = ["zones:", f"- id: {zone}", "match:", "symbols:", f"- {rule}"]
    return [_STEP * (depth - level) + line for depth, line in enumerate(full) if depth >= level]


def _new_zones(zone: str, rule: str, newline: str) -> str:
    return newline.join(_chain(zone, rule, _ZONES)) + newline


def _newline(text: str) -> str:
    """The file's own line break (a CRLF file stays CRLF)."""
    return "\r\n" if "\r\n" in text else "\n"


def _separator(text: str) -> str:
    return "" if not text or text.endswith("\n") else _newline(text)


def _id_of(entry: YNode) -> Any:
    node = entry.value.get("id")
    return node.value if node is not None and node.kind == "scalar" else None


def _is_flow(text: str, lines: _LineStarts, node: YNode) -> bool:
    return text[lines.offset(node.line, node.column) :][:1] in ("[", "{")


def _has_other_breaks(text: str) -> bool:
    """A lone `\r` or a Unicode line break: YAML counts them as lines, `_LineStarts` does not."""
    return any(b in text for b in _OTHER_BREAKS) or "\r" in text.replace("\r\n", "")


def _has_anchors(text: str) -> bool:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C scanner: ~6x faster
    try:
        return any(isinstance(t, (yaml.AnchorToken, yaml.AliasToken)) for t in yaml.scan(text, Loader=loader))
    except yaml.YAMLError:
        return True  # unparseable: refused either way


def _plain(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def _means(before: Any, after_text: str, zone: str, value: str) -> bool:
    """Whether `after_text` says exactly `before` with `value` appended to `zone`'s symbols."""
    expected: dict[str, Any] = copy.deepcopy(before) if isinstance(before, dict) else {"version": 1}
    zones = expected.setdefault("zones", [])
    entry = next((z for z in zones if isinstance(z, dict) and z.get("id") == zone), None)
    if entry is None:
        entry = {"id": zone}
        zones.append(entry)
    symbols = entry.setdefault("match", {}).setdefault("symbols", [])
    if value in symbols:
        return False  # already there: nothing to add
    symbols.append(value)
    after, problems = parse_yaml(after_text, "<config>")
    return not problems and after is not None and after.plain() == expected


class _LineStarts:
    """1-based (line, column) of `yamlpos` nodes to str offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def offset(self, line: int, column: int) -> int:
        if line - 1 >= len(self.starts):
            return len(self.text)
        return self.starts[line - 1] + column - 1

    def line_end(self, line: int) -> int:
        """Offset of the end of 1-based `line`, before its line break (and a `\\r`)."""
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return end - 1 if end > self.starts[line - 1] and self.text[end - 1 : end] == "\r" else end
