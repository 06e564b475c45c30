"""Conversions between LSP positions, str offsets and UTF-8 byte offsets for one text snapshot.

LSP clients count columns in the negotiated encoding (utf-16 by default, utf-8 for Neovim 0.11,
utf-32 for Emacs); tree-sitter counts UTF-8 bytes; Python counts code points. One `LineIndex` per
document version answers all three without rescanning the text (pygls' `doc.lines` rebuilds a
tuple on every access, which is too slow on the keystroke path).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from lsprotocol import types

UTF8 = types.PositionEncodingKind.Utf8
UTF16 = types.PositionEncodingKind.Utf16
UTF32 = types.PositionEncodingKind.Utf32


def _units(text: str, encoding: str) -> int:
    """Length of `text` in the code units of `encoding`."""
    if encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _prefix_for_units(line: str, units: int, encoding: str) -> int:
    """Number of code points of `line` that span `units` code units (clamped to the line)."""
    if encoding == UTF32 or line.isascii():
        return min(units, len(line))
    count = 0
    for index, char in enumerate(line):
        if count >= units:
            return index
        count += _units(char, encoding)
    return len(line)


@dataclass
class LineIndex:
    text: str
    encoding: str = UTF16

    def __post_init__(self) -> None:
        starts = [0]
        find = self.text.find
        position = find("\n")
        while position != -1:
            starts.append(position + 1)
            position = find("\n", position + 1)
        self.line_starts = starts

    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def line_text(self, line: int) -> str:
        """Line `line` (0-based) without its line break."""
        if line >= len(self.line_starts):
            return ""
        start = self.line_starts[line]
        end = self.line_starts[line + 1] - 1 if line + 1 < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r")

    def offset_at(self, position: types.Position) -> int:
        """str offset of an LSP position; positions past the end clamp to it (never raise)."""
        if position.line >= len(self.line_starts):
            return len(self.text)
        start = self.line_starts[position.line]
        return start + _prefix_for_units(self.line_text(position.line), position.character, self.encoding)

    def position_at(self, offset: int) -> types.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.line_starts, offset) - 1
        prefix = self.text[self.line_starts[line] : offset]
        return types.Position(line=line, character=_units(prefix, self.encoding))

    def line_end(self, line: int) -> types.Position:
        return types.Position(line=line, character=_units(self.line_text(line), self.encoding))

    def lines_range(self, first_line: int, last_line: int) -> types.Range:
        """Range covering whole 0-based lines first..last (inclusive), clamped to the document."""
        last_line = max(0, min(last_line, self.line_count - 1))
        first_line = max(0, min(first_line, last_line))
        return types.Range(start=types.Position(line=first_line, character=0), end=self.line_end(last_line))

    def byte_offset(self, offset: int) -> int:
        """UTF-8 byte offset of a str offset (for tree-sitter edits)."""
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return self._line_start_byte(line) + len(
            self.text[self.line_starts[line] : offset].encode("utf-8", "surrogatepass")
        )

    def point(self, offset: int) -> tuple[int, int]:
        """tree-sitter Point (row, byte column) of a str offset."""
        line = bisect.bisect_right(self.line_starts, offset) - 1
        column = len(self.text[self.line_starts[line] : offset].encode("utf-8", "surrogatepass"))
        return line, column

    def _line_start_byte(self, line: int) -> int:
        cache = getattr(self, "_byte_starts", None)
        if cache is None:
            cache = [0]
            total = 0
            for index in range(1, len(self.line_starts)):
                segment = self.text[self.line_starts[index - 1] : self.line_starts[index]]
                total += len(segment) if segment.isascii() else len(segment.encode("utf-8", "surrogatepass"))
                cache.append(total)
            self._byte_starts = cache
        return cache[line]
