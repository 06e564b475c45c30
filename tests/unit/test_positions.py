from __future__ import annotations

import pytest
from lsprotocol import types

from pavedroad.lsp.positions import UTF8, UTF16, UTF32, LineIndex

TEXT = "x = 'é😀'; eval(y)\nsecond\r\nthird"


@pytest.mark.parametrize("encoding, column", [(UTF8, 14), (UTF16, 11), (UTF32, 10)])
def test_columns_follow_the_negotiated_encoding(encoding: str, column: int):
    index = LineIndex(TEXT, encoding)
    offset = TEXT.index("eval")
    assert index.position_at(offset) == types.Position(line=0, character=column)
    assert index.offset_at(types.Position(line=0, character=column)) == offset


def test_byte_offsets_and_points_match_utf8():
    index = LineIndex(TEXT)
    offset = TEXT.index("third")
    assert index.byte_offset(offset) == len(TEXT[:offset].encode())
    assert index.point(TEXT.index("eval")) == (0, 14)
    assert index.point(offset) == (2, 0)


def test_positions_past_the_end_clamp_instead_of_raising():
    index = LineIndex(TEXT)
    assert index.offset_at(types.Position(line=99, character=0)) == len(TEXT)
    assert index.offset_at(types.Position(line=1, character=999)) == TEXT.index("\r\nthird")
    assert index.line_text(1) == "second"
    assert index.lines_range(1, 50).end == types.Position(line=2, character=5)


def test_empty_text():
    index = LineIndex("")
    assert index.line_count == 1
    assert index.position_at(0) == types.Position(line=0, character=0)
