"""Odd inputs never raise: binary, huge, invalid UTF-8, empty, random bytes; positions stay exact."""

from __future__ import annotations

import threading

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pavedroad.analysis.classify import MAX_PARSE_BYTES, Classifier, classify_file
from pavedroad.analysis.languages import parse_with

from .helpers import classifier, config, region, symbols, zone

ZONES = [
    zone("auth", paths=["src/auth/**"], imports=["jwt", "jsonwebtoken", "crypto/aes", "javax.crypto"],
         calls=["jwt.encode", "check_password_hash"], decorators=["login_required"],
         symbols=["(?i)^(login|verify)"]),
    zone("iac", queries={"terraform": '(block (identifier) @k (#eq? @k "resource"))',
                         "yaml": '((string_scalar) @s (#eq? @s "Secret"))'}),
    zone("tests", scope="file", paths=["tests/**", "**/*.bin"]),
]
CLASSIFIER = classifier(*ZONES)


def test_binary_files_get_path_rules_only() -> None:
    assert CLASSIFIER.classify("x/y.bin", b"\x00" * 10).zone_ids == ("tests",)
    result = CLASSIFIER.classify("src/data.dat", b"import jwt\n\x00def login(): pass\n")
    assert result.skipped == "binary" and result.regions == ()


def test_nul_bytes_do_not_hide_code_from_content_rules() -> None:
    """Regression (issue 8): a NUL byte in the first 8 KB made a source file "binary", so its
    content zones (and in `check`, the file) were skipped. A file in a known language is parsed."""
    data = b"import jwt\n# \x00\x01\x02\ndef login():\n    return jwt.encode({}, 'k')\n"
    result = CLASSIFIER.classify("lib/blob.py", data)
    assert result.skipped is None
    assert symbols(result) == {"login"}


def test_huge_files_fail_closed() -> None:
    """Regression (issue 8): files over the parse limit lost their content zones, so AI crypto
    code in a big file passed `check`. Now such a file is put, as a whole, in the strictest zone
    whose content rules could match it (and keeps its path zones)."""
    data = b"import jwt\ndef login():\n    return jwt.encode({}, 'k')\n" * (MAX_PARSE_BYTES // 40)
    assert len(data) > MAX_PARSE_BYTES
    result = CLASSIFIER.classify("src/auth/big.py", data)
    assert result.skipped is not None and result.skipped.startswith("too large to parse")
    assert symbols(result) == {None}
    unparsed = CLASSIFIER.classify("big.py", data)
    # `auth` is the only zone with content rules for Python (`iac` queries terraform and yaml)
    assert unparsed.zone_ids == ("auth",)
    assert "unclassified" in unparsed.regions[0].reasons[0]
    assert CLASSIFIER.classify("big.md", data).regions == ()  # no language: nothing to fail on


def test_invalid_utf8_is_parsed_with_a_note() -> None:
    data = b"import jwt\n\nx = '\xff\xfe'\n\ndef login():\n    return jwt.encode({}, 'k')\n"
    result = CLASSIFIER.classify("m.py", data)
    assert result.skipped is None
    assert symbols(result) == {"login"}
    assert any("not valid UTF-8" in note for note in result.notes)


def test_empty_and_whitespace_files() -> None:
    for path in ("e.py", "e.ts", "e.go", "E.java", "e.tf", "e.yaml", "e.md"):
        assert CLASSIFIER.classify(path, b"").regions == ()
    result = CLASSIFIER.classify("src/auth/empty.py", b"")
    r = region(result, "auth", None)
    assert (r.start_line, r.end_line, r.start_byte, r.end_byte) == (1, 1, 0, 0)


def test_syntax_errors_do_not_prevent_classification() -> None:
    data = b"import jwt\n\ndef login(:\n    return jwt.encode(\n\ndef other(\n"
    result = CLASSIFIER.classify("m.py", data)
    assert "auth" in result.zone_ids


def test_line_numbers_and_bytes_with_non_ascii_text() -> None:
    data = (
        "// ünïcödé 😀 comment\n"
        "const s = 'é😀';\n"
        "import jwt from \"jsonwebtoken\";\n"
        "\n"
        "export function verify(t) {\n"
        "  return jwt.verify(t, '😀');\n"
        "}\n"
    ).encode()
    result = CLASSIFIER.classify("v.js", data)
    r = region(result, "auth", "verify")
    assert (r.start_line, r.end_line) == (5, 7)
    assert data[r.start_byte : r.end_byte].decode() == "export function verify(t) {\n  return jwt.verify(t, '😀');\n}"
    assert data[: r.start_byte].count(b"\n") == r.start_line - 1


def test_crlf_line_endings() -> None:
    data = b"import jwt\r\n\r\ndef a():\r\n    pass\r\n\r\ndef login():\r\n    return jwt.x\r\n"
    r = region(CLASSIFIER.classify("m.py", data), "auth", "login")
    assert (r.start_line, r.end_line) == (6, 7)


def test_caller_supplied_tree_is_used() -> None:
    data = b"import jwt\n\ndef verify():\n    return jwt.decode('t')\n"
    tree = parse_with("python", data)
    assert symbols(CLASSIFIER.classify("m.py", data, tree=tree)) == {"verify"}
    assert symbols(CLASSIFIER.classify("m.txt", data, language="python")) == {"verify"}


def test_paths_are_normalized() -> None:
    assert CLASSIFIER.path_zones("./src/auth/x.py") == ("auth",)
    assert CLASSIFIER.path_zones("src\\auth\\x.py") == ("auth",)
    assert CLASSIFIER.path_zones("lib/src/auth/x.py") == ()


def test_classify_file_convenience_and_threads() -> None:
    cfg = config(*ZONES)
    data = b"import jwt\n\ndef login():\n    return jwt.encode({}, 'k')\n"
    assert symbols(classify_file(cfg, "m.py", data)) == {"login"}
    shared = Classifier(cfg)
    results: list[set[str | None]] = []

    def work() -> None:
        for _ in range(20):
            results.append(symbols(shared.classify("m.py", data)))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [{"login"}] * 80


LANGUAGE_PATHS = ["f.py", "f.js", "f.ts", "f.tsx", "f.go", "F.java", "f.tf", "f.yaml", "f.txt"]
FRAGMENTS = [
    b"import jwt\n", b"from jwt import encode as e\n", b"def login(", b"@login_required\n", b"jwt.encode(",
    b'require("jsonwebtoken")', b'import "crypto/aes"\n', b"import javax.crypto.Cipher;\n", b"{", b"}", b"(",
    b")", b"\n", b"  ", b"# pavedroad: zone=auth\n", b"// pavedroad: zone=nope\n", b'resource "a" "b" {', b"---\n",
    b"kind: Secret\n", "é😀".encode(), b"\xff", b"\x00", b"class X:\n", b"func F() {", b"check_password_hash(x)",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(LANGUAGE_PATHS),
    parts=st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.binary(max_size=12)), max_size=25),
)
def test_never_raises_and_regions_are_consistent(path: str, parts: list[bytes]) -> None:
    data = b"".join(parts)
    result = CLASSIFIER.classify(path, data)
    assert not any(note.startswith("content rules failed") for note in result.notes), result.notes
    last_line = max(1, data.count(b"\n") + (0 if not data or data.endswith(b"\n") else 1))
    for r in result.regions:
        assert 1 <= r.start_line <= r.end_line <= last_line
        assert 0 <= r.start_byte <= r.end_byte <= len(data)
        assert r.reasons
    keys = [(r.zone, r.start_byte, r.end_byte) for r in result.regions]
    assert len(keys) == len(set(keys))
    assert [(r.start_line, r.zone) for r in result.regions] == sorted((r.start_line, r.zone) for r in result.regions)
