"""Editing a team's JSON (or JSON-with-comments) settings file without rewriting the rest of it.

Zed and Gemini CLI settings may carry `//` and `/* */` comments and trailing commas (Zed writes a
comment header into every new `.zed/settings.json`), and a team's `.claude/settings.json` has its
own layout. So merged files are not re-serialised whole:

1. `strip()` blanks comments and trailing commas *in place* (same length, same offsets), so the
   standard `json` parser reads the stripped text and every offset still points into the original.
2. `members()` finds each top-level key and the span of its value in that text.
3. `replace_members()` rewrites only the values of the top-level keys whose value changed (a new
   key is added after the last one), indented like the key. Everything else (other keys,
   comments, blank lines, key order) stays byte for byte. Comments *inside* a rewritten value are
   lost; the result is parsed again and must equal the intended value, or the edit is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

_DECODER = json.JSONDecoder()


class JsoncError(ValueError):
    """The text is not a JSON object we can edit (message says where)."""


def strip(text: str) -> str:
    """`text` with comments and trailing commas replaced by spaces (newlines kept)."""
    out = list(text)
    i, n = 0, len(text)
    last_comma = -1  # index of a ',' not yet followed by a value
    while i < n:
        ch = text[i]
        if ch == '"':
            last_comma = -1
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            continue
        if ch == "/" and i + 1 < n and text[i + 1] == "/":
            while i < n and text[i] != "\n":
                out[i] = " "
                i += 1
            continue
        if ch == "/" and i + 1 < n and text[i + 1] == "*":
            end = text.find("*/", i + 2)
            end = n if end == -1 else end + 2
            for j in range(i, end):
                if out[j] != "\n":
                    out[j] = " "
            i = end
            continue
        if ch == ",":
            last_comma = i
        elif ch in "}]":
            if last_comma != -1:
                out[last_comma] = " "
            last_comma = -1
        elif not ch.isspace():
            last_comma = -1
        i += 1
    return "".join(out)


def has_comments(text: str) -> bool:
    return strip(text) != text


def loads(text: str) -> Any:
    """Parse JSON with comments and trailing commas; JsoncError with line:column on failure."""
    try:
        return json.loads(strip(text))
    except json.JSONDecodeError as exc:
        raise JsoncError(f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise JsoncError("nested too deeply") from None


@dataclass(frozen=True)
class Member:
    key: str
    key_start: int
    value_start: int
    value_end: int


@dataclass(frozen=True)
class ObjectSpans:
    open: int
    close: int
    members: tuple[Member, ...]


def _skip_ws(s: str, i: int) -> int:
    while i < len(s) and s[i] in " \t\r\n":
        i += 1
    return i


def members(text: str) -> ObjectSpans:
    """Spans of the top-level object's members (offsets into `text`)."""
    s = strip(text)
    i = _skip_ws(s, 0)
    if i >= len(s) or s[i] != "{":
        raise JsoncError("the top level is not a JSON object")
    open_at = i
    i = _skip_ws(s, i + 1)
    found: list[Member] = []
    try:
        while s[i] != "}":
            key, after_key = _DECODER.raw_decode(s, i)
            if not isinstance(key, str):
                raise JsoncError("expected a key")
            j = _skip_ws(s, after_key)
            if s[j] != ":":
                raise JsoncError("expected ':'")
            vstart = _skip_ws(s, j + 1)
            _, vend = _DECODER.raw_decode(s, vstart)
            found.append(Member(key, i, vstart, vend))
            i = _skip_ws(s, vend)
            if s[i] == ",":
                i = _skip_ws(s, i + 1)
    except (IndexError, json.JSONDecodeError, RecursionError):
        raise JsoncError("not a well-formed JSON object") from None
    return ObjectSpans(open_at, i, tuple(found))


def indent_unit(text: str) -> str:
    """The file's indentation step (first indented key line), default two spaces."""
    for line in text.splitlines():
        stripped = line.lstrip(" \t")
        if stripped.startswith('"') and len(stripped) < len(line):
            return line[: len(line) - len(stripped)]
    return "  "


def _line_indent(text: str, pos: int) -> str:
    start = text.rfind("\n", 0, pos) + 1
    prefix = text[start:pos]
    return prefix if not prefix.strip() else ""


def _dump(value: Any, unit: str, indent: str) -> str:
    body = json.dumps(value, indent=unit, ensure_ascii=False)
    return body.replace("\n", "\n" + indent)


def dumps(value: dict[str, Any], unit: str = "  ") -> str:
    """A new file: plain JSON, ending in a newline."""
    return json.dumps(value, indent=unit, ensure_ascii=False) + "\n"


def replace_members(text: str, updates: dict[str, Any]) -> str:
    """`text` with the top-level `updates` applied (existing keys in place, new keys appended).

    Raises JsoncError when the result would not parse back to the intended object.
    """
    unit = indent_unit(text)
    intended = loads(text)
    if not isinstance(intended, dict):
        raise JsoncError("the top level is not a JSON object")
    intended.update(updates)
    out = text
    for key, value in updates.items():
        spans = members(out)
        hit = [m for m in spans.members if m.key == key]
        if hit:
            m = hit[-1]  # JSON: the last duplicate wins
            indent = _line_indent(out, m.key_start)
            out = out[: m.value_start] + _dump(value, unit, indent) + out[m.value_end :]
            continue
        if spans.members:
            last = spans.members[-1]
            indent = _line_indent(out, last.key_start) or unit
            member = f',\n{indent}{json.dumps(key, ensure_ascii=False)}: {_dump(value, unit, indent)}'
            out = out[: last.value_end] + member + out[last.value_end :]
        else:
            inner = out[spans.open + 1 : spans.close]
            member = f"{unit}{json.dumps(key, ensure_ascii=False)}: {_dump(value, unit, unit)}"
            if not inner.strip():
                out = out[: spans.open + 1] + "\n" + member + "\n" + out[spans.close :]
            else:  # only comments inside
                out = out[: spans.close].rstrip(" \t") + "\n" + member + "\n" + out[spans.close :]
    if loads(out) != intended:
        raise JsoncError("the edited file would not read back as intended")
    return out
