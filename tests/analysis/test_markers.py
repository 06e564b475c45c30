"""Inline markers: `pavedroad: zone=ID` comments raise the enclosing symbol (or the file)."""

from __future__ import annotations

from .helpers import classify, reasons, region, symbols, zone

ZONES = [zone("crypto"), zone("auth")]


def test_marker_in_a_function_marks_that_function() -> None:
    result = classify(
        ZONES,
        "m.py",
        """
        def plain():
            return 1

        def secret_sauce():
            # pavedroad: zone=crypto
            return 2

        class C:
            def m(self):  # pavedroad: zone=auth, crypto
                pass
        """,
    )
    assert {(r.zone, r.symbol) for r in result.regions} == {
        ("crypto", "secret_sauce"),
        ("auth", "C.m"),
        ("crypto", "C.m"),
    }
    assert reasons(result, "crypto", "secret_sauce") == ("marker zone=crypto",)
    assert result.notes == ()


def test_top_level_marker_marks_the_file() -> None:
    result = classify(ZONES, "m.go", "// pavedroad: zone=crypto\npackage m\n\nfunc F() {}\n")
    assert symbols(result) == {None}


def test_markers_in_each_comment_syntax() -> None:
    cases = {
        "a.js": "function f() {\n  /* pavedroad: zone=auth */\n}\n",
        "a.ts": "class A {\n  m() { // pavedroad: zone=auth\n  }\n}\n",
        "A.java": "class A {\n  void m() {\n    /** pavedroad: zone=auth */\n  }\n}\n",
        "a.go": "package a\n\nfunc M() {\n\t// pavedroad:zone=auth\n}\n",
    }
    expected = {"a.js": "f", "a.ts": "A.m", "A.java": "A.m", "a.go": "M"}
    for path, code in cases.items():
        assert symbols(classify(ZONES, path, code)) == {expected[path]}, path


def test_unknown_zone_is_ignored_with_a_note() -> None:
    result = classify(ZONES, "m.py", "def f():\n    # pavedroad: zone=nope,crypto\n    pass\n")
    assert symbols(result) == {"f"}
    assert len(result.notes) == 1 and "'nope'" in result.notes[0] and "line 2" in result.notes[0]


def test_marker_text_in_a_string_is_not_a_marker() -> None:
    result = classify(ZONES, "m.py", 'HELP = "write # pavedroad: zone=crypto in a comment"\n')
    assert result.regions == ()


def test_files_without_a_grammar() -> None:
    result = classify(ZONES, "notes.md", "Some text\n<!-- pavedroad: zone=auth -->\n")
    assert symbols(result) == {None}
    assert region(result, "auth", None).end_line == 2
    assert classify(ZONES, "Dockerfile", "FROM x\n# pavedroad: zone=unknown\n").notes
