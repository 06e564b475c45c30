"""Live AI ranges follow edits: unit cases and a property test against a character-marking model."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pavedroad.provenance.ranges import (
    AiRange,
    AiSpan,
    LineIndex,
    add_range,
    apply_edit,
    remove_range,
    to_spans,
)


def r(start: int, end: int, source: str = "explicit", **kw: object) -> AiRange:
    return AiRange(start, end, source, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        ((0, 0, 5), (15, 25)),  # insertion above shifts
        ((0, 5, 0), (5, 15)),  # deletion above shifts back
        ((10, 10, 3), (13, 23)),  # insertion exactly at the start: not part of the range
        ((20, 20, 3), (10, 20)),  # insertion exactly at the end: does not extend
        ((15, 15, 4), (10, 24)),  # insertion strictly inside extends
        ((12, 14, 7), (10, 25)),  # replacement strictly inside: still one block
        ((25, 30, 0), (10, 20)),  # edit below: unchanged
        ((5, 12, 0), (5, 13)),  # deletion across the start: shrinks
        ((5, 12, 3), (8, 16)),  # replacement across the start: new text is not AI
        ((18, 30, 2), (10, 18)),  # deletion across the end: shrinks
        ((10, 15, 0), (10, 15)),  # deletion of the head (boundary touches)
        ((15, 20, 0), (10, 15)),  # deletion of the tail
    ],
)
def test_apply_edit_cases(edit: tuple[int, int, int], expected: tuple[int, int]) -> None:
    (out,) = apply_edit([r(10, 20)], *edit)
    assert (out.start, out.end) == expected


@pytest.mark.parametrize("edit", [(10, 20, 0), (5, 25, 0), (5, 25, 40), (10, 20, 10)])
def test_fully_covered_range_vanishes(edit: tuple[int, int, int]) -> None:
    assert apply_edit([r(10, 20)], *edit) == []


def test_replaced_survives_only_pure_shifts() -> None:
    base = r(10, 20, replaced="old")
    assert apply_edit([base], 0, 0, 2)[0].replaced == "old"
    assert apply_edit([base], 30, 30, 2)[0].replaced == "old"
    assert apply_edit([base], 15, 15, 1)[0].replaced is None
    assert apply_edit([base], 5, 12, 0)[0].replaced is None


def test_apply_edit_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        apply_edit([], 5, 3, 0)
    with pytest.raises(ValueError):
        AiRange(5, 3, "explicit")


def test_add_range_merges_same_source_only() -> None:
    ranges = [r(0, 5), r(10, 20, "heuristic")]
    out = add_range(ranges, r(4, 12, tool="Claude"))
    assert [(x.start, x.end, x.source) for x in out] == [(0, 12, "explicit"), (10, 20, "heuristic")]
    assert out[0].tool == "Claude"
    # touching ranges merge too (two completions accepted back to back)
    out = add_range([r(0, 5, replaced="x")], r(5, 9, replaced="y"))
    assert [(x.start, x.end, x.replaced) for x in out] == [(0, 9, None)]
    # an unmerged range keeps its revert text
    out = add_range([r(0, 5)], r(7, 9, replaced="y"))
    assert out[1].replaced == "y"


def test_remove_range_splits() -> None:
    out = remove_range([r(0, 20, "heuristic"), r(0, 20)], 5, 10, "heuristic")
    assert [(x.start, x.end, x.source) for x in out] == [
        (0, 5, "heuristic"),
        (0, 20, "explicit"),
        (10, 20, "heuristic"),
    ]


def test_line_spans() -> None:
    text = "a\nbb\nccc\n"
    idx = LineIndex(text)
    assert idx.line_count == 4
    assert idx.line_span(0, 1) == (1, 1)
    assert idx.line_span(2, 5) == (2, 2)  # ends right after the newline: line 3 not covered
    assert idx.line_span(2, 6) == (2, 3)
    assert to_spans([r(2, 9, tool="x")], text) == [AiSpan(2, 3, "explicit", "x", None)]


# --- property test: the range equals the marked run of a character model -------------------------

edits = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 20), st.integers(0, 15)), min_size=1, max_size=12
)


def model_apply(marks: list[bool], start: int, end: int, n: int, a: int, b: int) -> list[bool]:
    inside = a < start and end < b
    return marks[:start] + [inside] * n + marks[end:]


@settings(max_examples=400, deadline=None)
@given(
    length=st.integers(1, 60),
    bounds=st.tuples(st.integers(0, 59), st.integers(1, 30)),
    ops=edits,
)
def test_apply_edit_matches_character_model(
    length: int, bounds: tuple[int, int], ops: list[tuple[int, int, int]]
) -> None:
    a = min(bounds[0], length - 1)
    b = min(length, a + bounds[1])
    marks = [a <= i < b for i in range(length)]
    ranges = [r(a, b)]
    doc_len = length
    for s, span, n in ops:
        start = min(s, doc_len)
        end = min(doc_len, start + span)
        if ranges:
            cur = ranges[0]
            marks = model_apply(marks, start, end, n, cur.start, cur.end)
        else:
            marks = marks[:start] + [False] * n + marks[end:]
        ranges = apply_edit(ranges, start, end, n)
        doc_len += n - (end - start)
        assert len(marks) == doc_len
        marked = [i for i, m in enumerate(marks) if m]
        if not marked:
            assert ranges == []
        else:
            assert len(ranges) == 1
            assert (ranges[0].start, ranges[0].end) == (marked[0], marked[-1] + 1)
            # the marked characters form one run
            assert marked == list(range(marked[0], marked[-1] + 1))


@settings(max_examples=200, deadline=None)
@given(pieces=st.lists(st.tuples(st.integers(0, 50), st.integers(1, 10)), min_size=1, max_size=8))
def test_add_range_covers_union_without_overlap(pieces: list[tuple[int, int]]) -> None:
    ranges: list[AiRange] = []
    covered: set[int] = set()
    for start, length in pieces:
        ranges = add_range(ranges, r(start, start + length))
        covered |= set(range(start, start + length))
    got = [i for x in ranges for i in range(x.start, x.end)]
    assert sorted(got) == sorted(covered)  # exact union, no overlaps (no duplicates)
    for x, y in itertools.pairwise(ranges):
        assert x.end < y.start  # merged: not even touching
