"""User tree-sitter queries: captures, `#match?` (RE2), prefilters, time budget, bad queries."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pavedroad.analysis import queries as queries_module
from pavedroad.analysis.languages import stray_predicate_line
from pavedroad.analysis.prefilter import query_requirements, regex_literals

from .helpers import classifier, classify, reasons, region, source, symbols, zone

ENV_QUERY = """
(subscript
  value: (attribute object: (identifier) @_os attribute: (identifier) @_env)
  subscript: (string (string_content) @key)
  (#eq? @_os "os") (#eq? @_env "environ") (#match? @key "(?i)(secret|token)$"))
"""

CODE = """
import os

DEBUG = os.environ["DEBUG"]

def api_token():
    return os.environ["API_TOKEN"]

def home():
    return os.environ["HOME"]

class Settings:
    secret = os.environ["APP_SECRET"]
"""


def test_match_predicate_and_enclosing_symbols() -> None:
    result = classify(zone("secrets", queries={"python": ENV_QUERY}), "s.py", CODE)
    assert symbols(result) == {"api_token", "Settings"}
    assert reasons(result, "secrets", "api_token") == ("query python#0",)


def test_module_level_capture_and_scope_file() -> None:
    query = '((identifier) @x (#eq? @x "DEBUG"))'
    result = classify(zone("z", queries={"python": query}), "s.py", CODE)
    assert symbols(result) == {"DEBUG"}  # the top-level statement, not the file
    assert region(result, "z", "DEBUG").kind == "statement"
    result = classify(zone("z", scope="file", queries={"python": ENV_QUERY}), "s.py", CODE)
    assert symbols(result) == {None}


def test_query_language_aliases_and_typescript_on_tsx() -> None:
    query = '((identifier) @x (#eq? @x "secretKey"))'
    code = "export function f() { const secretKey = 1; return secretKey; }\nexport function g() {}\n"
    z = zone("z", queries={"ts": query})
    assert symbols(classify(z, "a.ts", code)) == {"f"}
    assert symbols(classify(z, "a.tsx", code)) == {"f"}
    assert classify(z, "a.js", code).regions == ()


def test_prefilter_skips_files_without_the_literals() -> None:
    c = classifier(zone("secrets", queries={"python": ENV_QUERY}))
    query = c._plan("python").queries[0]
    assert queries_module.query_windows(query, b"x = 1\n", {}) == []
    assert queries_module.query_windows(query, b"import os\nos.environ['HOME']\n", {}) == []
    data = CODE.encode()
    windows = queries_module.query_windows(query, data, {})
    assert windows  # the query only runs around these
    for start, end in windows:
        text = data[start:end].lower()
        assert b"environ" in text or b"secret" in text or b"token" in text


def test_invalid_queries_and_regexes_become_notes() -> None:
    c = classifier(
        zone("a", queries={"python": "(not_a_node) @x"}),
        zone("b", queries={"cobol": "(x)"}),
        zone("c", symbols=["(a+)+\\1"]),
        zone("d", queries={"python": '((identifier) @x (#match? @x "(?=look)"))'}),
    )
    assert len(c.notes) == 4
    assert c.classify("a.py", b"def f():\n    pass\n").regions == ()


def test_query_over_budget_fails_closed_with_a_note() -> None:
    c = classifier(zone("z", queries={"python": "(identifier) @x"}), query_budget=0.0)
    result = c.classify("a.py", b"x = 1\n" * 50)
    assert [(r.zone, r.kind) for r in result.regions] == [("z", "file")]
    assert any("time guard" in note and "whole file" in note for note in result.notes)


def test_a_query_over_too_many_bytes_fails_closed_on_every_machine() -> None:
    """Whether a query runs is a size rule, not a clock: the same file gets the same zones in CI,
    the editor and the agent (minified bundles used to flip between runs with the machine's
    load). Padding a file past the limit does not take it out of the query's zone."""
    c = classifier(zone("secrets", queries={"python": ENV_QUERY}), query_max_bytes=4096)
    small = c.classify("s.py", CODE.encode())
    assert symbols(small) == {"api_token", "Settings"}
    padded = CODE + "".join(f'PAD_{i} = os.environ["PAD_{i}"]  # not a secret\n' for i in range(400))
    result = c.classify("s.py", padded.encode())
    assert [(r.zone, r.kind) for r in result.regions] == [("secrets", "file")]
    assert any("not run over" in r for region in result.regions for r in region.reasons)
    unrelated = CODE + "# ordinary comment\n" * 400  # no literal of the query: its windows stay small
    assert symbols(c.classify("s.py", unrelated.encode())) == {"api_token", "Settings"}


def test_query_budget_is_checked_between_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    from pavedroad.analysis import languages

    monkeypatch.setattr(languages, "_QUERY_CHUNK_BYTES", 64)
    c = classifier(zone("z", queries={"python": '((identifier) @x (#match? @x "^y"))'}))
    data = b"".join(b"def f%d():\n    y%d = 1\n" % (i, i) for i in range(40))
    assert len(c.classify("a.py", data).regions) == 40


def test_regex_literals() -> None:
    assert regex_literals("(?i)^(login|logout)$") == {"login", "logout"}
    assert regex_literals("^aws_iam_") == {"aws_iam_"}
    assert regex_literals("(?i)^(en|de)crypt") == {"encrypt", "decrypt"}
    assert regex_literals("(?i)^verify_?token$") == {"verify_token", "verifytoken"}
    assert regex_literals("(?i)(^|_)(ssn|dob)(_|$)") == {"ssn", "dob"}
    assert regex_literals("drivers?_licen[cs]e") == {"driver_licence", "driver_license", "drivers_licence", "drivers_license"}
    assert regex_literals(".*") is None
    assert regex_literals("a|bc") is None  # too short to help
    assert regex_literals("x(?:foo|)y") is None
    assert regex_literals("[") is None


def test_query_requirements() -> None:
    reqs = query_requirements(ENV_QUERY)
    # `environ` is an identifier's whole text (`\x00`: found only as a word); `secret` is a regex literal
    assert reqs == [[frozenset({"\x00environ"}), frozenset({"secret", "token"})]]
    assert query_requirements("(a) @x ((b) @y (#eq? @y \"hello\"))") is None  # first pattern: none
    assert query_requirements("[(a) (b)] @x") is None
    assert query_requirements('((a) @x (#eq? @x "hello"))?') is None
    assert query_requirements("(a") is None


def test_predicates_over_optional_captures_are_not_requirements() -> None:
    assert query_requirements('((identifier)? @x (#eq? @x "hello"))') is None
    assert query_requirements('((call (identifier) @f (string)* @s) (#eq? @s "hello"))') is None
    assert query_requirements('[((identifier) @x (#eq? @x "hello")) (string)]') is None
    assert query_requirements('((call (identifier) @f) (#eq? @f "hello"))') == [[frozenset({"\x00hello"})]]
    assert query_requirements('((call "print" @kw) (#eq? @kw "print"))') == [[frozenset({"print"})]]
    # and the classifier agrees: a file without "hello" still gets the optional-capture match
    result = classify(zone("z", queries={"python": '((function_definition (comment)? @c) @f (#eq? @c "hello"))'}),
                      "a.py", "def f():\n    pass\n")
    assert symbols(result) == {"f"}


def test_a_capture_past_the_literal_window_is_kept_and_underscore_captures_mark_nothing() -> None:
    # the rarest literal (`environ`) ends before the captured key: the window is widened to the
    # statement, so the capture survives; `@_os` alone would have marked the class by accident
    code = 'import os\n\n\nclass Settings:\n    other = 1\n    secret = os.environ[\n        "APP_SECRET"]\n'
    result = classify(zone("secrets", queries={"python": ENV_QUERY}), "s.py", code)
    assert [(r.symbol, r.start_line) for r in result.regions] == [("Settings", 4)]
    only_predicates = '((identifier) @_x (#eq? @_x "other"))'
    marked = classify(zone("z", queries={"python": only_predicates}), "s.py", code)
    assert symbols(marked) == {"Settings"}  # with no named capture, the `_` ones still say where


def test_member_captures_mark_the_member_not_its_class() -> None:
    query = '(assignment left: (identifier) @member (#match? @member "(?i)password$"))'
    code = "class Config:\n    host = 'h'\n    db_password = load()\n\n    def connect(self):\n        return self.host\n"
    result = classify(zone("secrets", queries={"python": query}), "c.py", code)
    assert symbols(result) == {"Config.db_password"}


def test_a_literal_free_query_still_runs_where_other_queries_literals_are_absent() -> None:
    with_literal = '((identifier) @n (#eq? @n "needle_name"))'
    literal_free = "(await (await) @nested)"
    code = "async def f(x):\n    return await await x\n"
    result = classify(zone("z", queries={"python": with_literal + "\n" + literal_free}), "a.py", code)
    assert symbols(result) == {"f"}
    both = classifier(zone("a", queries={"python": with_literal}), zone("b", queries={"python": literal_free}))
    found = both.classify("a.py", code.encode())
    assert {r.zone for r in found.regions} == {"b"}


def test_a_patterns_own_comment_names_it_in_the_reason() -> None:
    """A `;` comment right above a pattern says what it found (cut before its example, printable
    only, at most one clause of a long line); a pattern without one keeps the bare reason."""
    labelled = (
        "; an environment secret read in code: os.environ[\"X_TOKEN\"]\n" + ENV_QUERY
        + "; \x1b[31mthe home directory\x1b[0m, a setting that is long enough to need cutting after its first clause\n"
        + '((string (string_content) @home) (#eq? @home "HOME"))\n'
        + '((identifier) @debug (#eq? @debug "DEBUG"))\n'
    )
    result = classify(zone("secrets", queries={"python": labelled}), "s.py", CODE)
    assert reasons(result, "secrets", "api_token") == ("query python#0 (an environment secret read in code)",)
    assert reasons(result, "secrets", "home") == ("query python#0 ([31mthe home directory[0m)",)
    debug = [r for r in result.regions if r.zone == "secrets" and r.start_line == 3]
    assert [r.reasons for r in debug] == [("query python#0",)]  # the comment above is another pattern's


def test_camel_case_names_are_found_whatever_literal_a_symbol_rule_offers() -> None:
    """Symbol rules are tried on camelCase names too, which the prefilter finds by a literal's
    letters: `is_` would be only `Is`, too short to scan for. The prefilter prefers the nouns
    (`acl`), and a rule whose only literal is that short runs on every file."""
    assert regex_literals("(?i)^(check|has|is)_(\\w+_)?(acl|role)s?$") == {"acl", "role"}
    code = (
        "public class Gate {\n"
        "    void open(Server server) { if (server.isReady()) { start(); } }\n"
        "    void close(Server server) { server.stop(); }\n"
        "}\n"
    )
    rules = zone("auth", symbols=["(?i)^(is|go)_\\w+$"])
    result = classify(replace(rules, propagate=True), "Gate.java", code)
    assert symbols(result, "auth") == {"Gate.open"}  # `server.isReady()`: a call named like the rule


def test_an_identifiers_literal_is_scanned_as_a_word() -> None:
    """`(#any-of? @m "sign")` over an identifier needs the word `sign`, not `assign` or
    `signal`: such files skip the query; a string capture keeps substring scanning."""
    from pavedroad.analysis.prefilter import literal_scanner

    words = literal_scanner({"\x00sign", "\x00$ref", "token"})
    assert words.search(b"x = key.sign(data)") is not None
    assert words.search(b"assign(signal, design)") is None
    # a boundary only beside a word character: `$ref` may follow anything, but not precede a letter
    assert words.search(b"a.$ref(") is not None and words.search(b"x$ref(") is not None
    assert words.search(b"a.$refs(") is None
    assert words.search(b"bearer_token") is not None  # a regex literal: any substring
    query = '((call function: (attribute attribute: (identifier) @_m)) @call (#eq? @_m "sign"))'
    hit = classify(zone("crypto", queries={"python": query}), "a.py", "def f(k):\n    return k.sign(b'x')\n")
    miss = classify(zone("crypto", queries={"python": query}), "b.py", "def g(k):\n    return k.assign(b'x')\n")
    assert symbols(hit) == {"f"} and symbols(miss) == set()


def test_pattern_labels_of_a_long_query_each_come_from_their_own_comment() -> None:
    """Thousands of patterns (a committed config may hold them) are labelled in one pass: a
    comment names the pattern right below it (blank lines allowed), not the ones after."""
    from pavedroad.analysis.languages import compile_query

    parts = []
    for i in range(2000):
        comment = f"; rule {i}: an example\n\n" if i % 2 == 0 else ""
        parts.append(f'{comment}((identifier) @x{i} (#eq? @x{i} "name{i}"))\n')
    labels = compile_query("python", "".join(parts)).labels
    assert len(labels) == 2000
    assert labels[0] == "rule 0" and labels[1] == "" and labels[1998] == "rule 1998" and labels[1999] == ""


def test_a_stray_predicate_is_found_but_text_that_looks_like_one_is_not() -> None:
    assert stray_predicate_line('((identifier) @x (#eq? @x "a"))') is None
    assert stray_predicate_line('(identifier) @x (#eq? @x "a")') == 1
    assert stray_predicate_line('(call) @c\n\n  ( #match? @c "x")') == 3
    # `(#` inside a string or a `;` comment is text, and an escaped quote does not end a string
    assert stray_predicate_line('; (#eq? @x "y")\n((string) @s (#eq? @s "\\"(#x"))') is None
    # a predicate inside a top-level alternation belongs to it (tree-sitter applies it)
    assert stray_predicate_line('[(identifier) @x (#eq? @x "foo")]') is None
    # a query of thousands of patterns is one pass (a committed config may be large)
    assert stray_predicate_line('((identifier) @x (#eq? @x "a"))\n' * 20_000) is None


def test_one_pass_over_a_file_rules_out_the_literal_sets_it_lacks() -> None:
    # three patterns, three literal sets: the gate says which ones a file holds in one pass, and the
    # queries then find exactly what scanning each set on its own finds
    rules = zone(
        "secrets",
        queries={
            "python": """
            ((call function: (identifier) @_f) @c (#eq? @_f "load_vault_secret"))
            ((call function: (identifier) @_f) @c (#eq? @_f "read_keyring_entry"))
            ((call function: (identifier) @_f) @c (#eq? @_f "fetch_hsm_handle"))
            """
        },
    )
    text = """
    def a():
        return load_vault_secret("db")

    def b():
        return fetch_hsm_handle(3)
    """
    built = classifier(rules)
    assert symbols(built.classify("app.py", source(text)), "secrets") == {"a", "b"}
    plan = built._plan("python")
    assert plan.query_gate is not None and len(plan.query_gate.index) == 3
    absent = plan.query_gate.absent(source(text))
    assert len(absent) == 1 and all(spans == [] for spans in absent.values())
    # no set at all can only mean RE2 gave up (the prefilter found a literal before the gate runs):
    # then nothing is ruled out
    assert plan.query_gate.absent(b"nothing here") == {}


def test_a_number_literal_is_found_however_its_line_is_written() -> None:
    # Python <= 3.11 still parses `403if c else 200`: the number's end is not a word boundary
    rules = zone("auth", queries={"python": '((integer) @n (#eq? @n "403"))'})
    for text in ("def f(c):\n    return 403 if c else 200\n", "def f(c):\n    return 403if c else 200\n"):
        assert symbols(classify(rules, "app.py", text), "auth") == {"f"}, text
    assert symbols(classify(rules, "app.py", "def f():\n    return 14030\n"), "auth") == set()


def test_a_big_literal_scanner_stays_quiet_and_correct(capfd: pytest.CaptureFixture[str]) -> None:
    """A team's config with thousands of symbol literals: RE2's default 8 MB made the DFA of the
    case-insensitive alternation run out of memory, and RE2 logged every search to stderr (~950
    lines per `pavedroad zones` run on HttpClient)."""
    import random

    from pavedroad.analysis.prefilter import literal_scanner

    rng = random.Random(1)
    letters = "abcdefghijklmnopqrstuvwxyz_"
    words = {"".join(rng.choice(letters) for _ in range(rng.randint(6, 18))) for _ in range(2500)}
    scanner = literal_scanner(words)
    text = " ".join("".join(rng.choice(letters + "ABCDEFG(){};.") for _ in range(rng.randint(3, 14)))
                    for _ in range(40000)).encode()
    wanted = sorted(words)[7]
    for _ in range(3):
        scanner.search(text)
    found = scanner.search(text + b" obj." + wanted.upper().encode() + b"(x)")
    assert found is not None and found.group().lower() == wanted.encode()
    assert "DFA out of memory" not in capfd.readouterr().err


def test_a_query_over_its_match_limit_fails_closed() -> None:
    """Found by the review: tree-sitter drops matches in progress past the cursor's match limit
    and says so only in a flag, so 4,100 nested functions around `return password` took a
    `getPassword` out of a locked query's zone with no note."""
    query = """((function_declaration name: (identifier) @name
        body: (statement_block (return_statement (identifier) @_v))) @fn (#eq? @_v "password"))"""
    c = classifier(zone("secrets", queries={"javascript": query}))
    shallow = "function a(){" * 50 + "}" * 50
    deep = "function a(){" * 4100 + "}" * 4100
    assert symbols(c.classify("x.js", f"function getPassword(){{ {shallow} return password; }}\n".encode())) == {
        "getPassword"}
    result = c.classify("x.js", f"function getPassword(){{ {deep} return password; }}\n".encode())
    assert [(r.zone, r.kind) for r in result.regions] == [("secrets", "file")]
    assert any("match limit" in note for note in result.notes)


def test_the_size_rule_gives_crlf_and_lf_checkouts_the_same_verdict() -> None:
    """Found by the review: a file just under the limit with LF went over it with CRLF (Git for
    Windows' default checkout), so the editor and CI disagreed."""
    c = classifier(zone("secrets", queries={"python": ENV_QUERY}), query_max_bytes=4096)
    body = CODE + "".join(f'PAD_TOKEN_{i} = os.environ["PAD_{i}"]\n' for i in range(107))
    lf = body.encode()
    assert 3500 < len(lf) <= 4096 < len(lf.replace(b"\n", b"\r\n"))
    for data in (lf, lf.replace(b"\n", b"\r\n"), b"\xef\xbb\xbf" + lf):
        assert symbols(c.classify("s.py", data)) == {"api_token", "Settings"}
