"""Bad input never crashes the loader and is always reported at an exact file:line:column."""

from __future__ import annotations

import json
import os
import textwrap
import time
from pathlib import Path

import pytest

from pavedroad import codes
from pavedroad.config import ConfigProblem, load_config, load_zone_map_text


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def codes_of(problems: tuple[ConfigProblem, ...]) -> list[str]:
    return [p.code for p in problems]


def only(problems: tuple[ConfigProblem, ...], code: str) -> ConfigProblem:
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, f"expected one {code}, got {[str(p) for p in problems]}"
    return found[0]


def problems_of(text: str) -> list[tuple[str, int, int, str]]:
    result = load_zone_map_text(dedent(text), "cfg.yaml")
    return [(p.code, p.where.line, p.where.column, p.severity) for p in result.problems]


def test_yaml_syntax_error_is_located() -> None:
    result = load_zone_map_text("version: 1\nzones:\n  - id: auth\n    ai: [deny\n", "cfg.yaml")
    problem = only(result.problems, codes.CONFIG_SYNTAX)
    assert (problem.where.file, problem.where.line) == ("cfg.yaml", 5)
    assert "YAML syntax error" in problem.message
    assert result.config is None


def test_tab_indentation_is_a_syntax_error() -> None:
    result = load_zone_map_text("version: 1\nzones:\n\t- id: x\n", "cfg.yaml")
    problem = only(result.problems, codes.CONFIG_SYNTAX)
    assert (problem.where.line, problem.where.column) == (3, 1)


def test_zones_of_wrong_type() -> None:
    result = load_zone_map_text("version: 1\nzones: 3\n", "cfg.yaml")
    problem = only(result.problems, codes.CONFIG_SCHEMA)
    assert (problem.where.line, problem.where.column) == (2, 8)
    assert "`zones` must be a list" in problem.message and "the number 3" in problem.message
    assert result.config is None


def test_yes_is_not_a_level() -> None:
    result = load_zone_map_text(
        "version: 1\nzones:\n  - id: auth\n    ai: yes\n    context: bogus\n", "cfg.yaml"
    )
    ai, context = result.problems
    assert (ai.code, ai.where.line, ai.where.column, ai.end_column) == ("PR002", 4, 9, 12)
    assert "zone 'auth'" in ai.message and "boolean" in ai.message
    assert (context.where.line, context.where.column) == (5, 14)
    assert "allow | warn | deny" in context.message


def test_review_is_not_a_context_level_and_levels_are_lower_case() -> None:
    result = load_zone_map_text(
        "version: 1\nzones:\n  - id: a\n    context: review\n    ai: Deny\n", "cfg.yaml"
    )
    context, ai = result.problems
    assert context.where.line == 4 and "allow | warn | deny" in context.message
    assert ai.where.line == 5 and "'deny'" in ai.message


def test_unknown_keys_get_did_you_mean() -> None:
    result = load_zone_map_text(
        dedent(
            """
            version: 1
            zonez: []
            zones:
              - id: auth
                reviewer: ["@a"]
                match:
                  path: ["src/**"]
            """
        ),
        "cfg.yaml",
    )
    top, zone_key, match_key = result.problems
    assert (top.where.line, top.where.column) == (2, 1)
    assert "did you mean 'zones'" in top.message
    assert (zone_key.where.line, zone_key.where.column) == (5, 5)
    assert "did you mean 'reviewers'" in zone_key.message and "zone 'auth'" in zone_key.message
    assert (match_key.where.line, match_key.where.column) == (7, 7)
    assert "did you mean 'paths'" in match_key.message
    assert set(codes_of(result.problems)) == {codes.CONFIG_SCHEMA}


def test_unknown_key_without_close_match_lists_allowed_keys() -> None:
    result = load_zone_map_text("version: 1\nfrobnicate: 1\n", "cfg.yaml")
    assert "allowed: version, extends" in result.problems[0].message


def test_zone_id_rules() -> None:
    found = problems_of(
        """
        version: 1
        zones:
          - title: no id
          - id: Auth
          - id: 7
          - id: ok
          - id: ok
        """
    )
    assert found == [
        ("PR002", 3, 5, "error"),
        ("PR002", 4, 9, "error"),
        ("PR002", 5, 9, "error"),
        ("PR002", 7, 9, "error"),  # defined twice in one file
    ]


def test_duplicate_yaml_keys_are_rejected() -> None:
    result = load_zone_map_text("version: 1\nzones:\n  - id: a\n    ai: deny\n    ai: allow\n", "c.yaml")
    problem = only(result.problems, codes.CONFIG_SCHEMA)
    assert (problem.where.line, problem.where.column) == (5, 5)
    assert "duplicate key 'ai' (first at line 4)" in problem.message
    assert result.config is None


def test_version_checks() -> None:
    assert problems_of("version: 2\n") == [("PR002", 1, 10, "error")]
    assert problems_of("version: '1'\n") == [("PR002", 1, 10, "error")]
    assert problems_of("zones: []\n") == [("PR006", 1, 1, "warning")]


def test_root_must_be_a_mapping() -> None:
    assert problems_of("- a\n- b\n") == [("PR002", 1, 1, "error")]
    assert problems_of("just text\n") == [("PR002", 1, 1, "error")]


def test_invalid_regex_names_zone_and_points_at_pattern() -> None:
    result = load_zone_map_text(
        dedent(
            """
            version: 1
            zones:
              - id: auth
                match:
                  symbols: ["^ok$", "(?<=x)login"]
            """
        ),
        "cfg.yaml",
    )
    problem = only(result.problems, codes.CONFIG_PATTERN)
    assert (problem.where.line, problem.where.column) == (5, 25)
    assert "zone 'auth'" in problem.message
    assert result.config is None


def test_catastrophic_regex_is_harmless() -> None:
    start = time.monotonic()
    result = load_zone_map_text(
        "version: 1\nzones:\n  - id: a\n    match: {symbols: ['(a+)+$', '(x+x+)+y']}\n", "c.yaml"
    )
    assert time.monotonic() - start < 2
    assert result.problems == ()
    assert result.config is not None
    assert result.config.zones[0].match.symbols == ("(a+)+$", "(x+x+)+y")


def test_invalid_query_names_zone_and_language() -> None:
    result = load_zone_map_text(
        dedent(
            """
            version: 1
            zones:
              - id: auth
                match:
                  queries:
                    python: "(function_definition name: (identifier) @n"
                    cobol: "(x)"
                    ts: "(call_expression) @c"
            """
        ),
        "cfg.yaml",
    )
    bad_query, bad_language = result.problems
    assert (bad_query.code, bad_query.where.line, bad_query.where.column) == ("PR003", 6, 17)
    assert "zone 'auth'" in bad_query.message and "python" in bad_query.message
    assert (bad_language.code, bad_language.where.line, bad_language.where.column) == ("PR003", 7, 9)
    assert "unknown language 'cobol'" in bad_language.message


def test_valid_query_is_kept_with_canonical_language() -> None:
    result = load_zone_map_text(
        "version: 1\nzones:\n  - id: a\n    match:\n      queries: {py: '(call) @c'}\n", "c.yaml"
    )
    assert result.problems == ()
    assert result.config is not None
    assert result.config.zones[0].match.queries == (("python", "(call) @c"),)


def test_a_predicate_outside_its_pattern_is_refused_not_applied_to_nothing() -> None:
    # tree-sitter itself accepts this and matches every raw string: a key-material rule written
    # this way put whole Go files (struct tags are raw strings) in the secrets zone
    text = dedent(
        """
        version: 1
        zones:
          - id: secrets
            match:
              queries:
                go: |
                  ; a private key written into the code
                  (raw_string_literal) @value
                    (#match? @value "PRIVATE KEY")
        """
    )
    result = load_zone_map_text(text, "c.yaml")
    problem = only(result.problems, codes.CONFIG_PATTERN)
    assert problem.where.line == 6  # the query, which is refused whole
    assert "line 3 of the query is outside any pattern" in problem.message and "zone 'secrets'" in problem.message
    fixed = text.replace("(raw_string_literal) @value\n", "((raw_string_literal) @value\n").replace(
        '"PRIVATE KEY")\n', '"PRIVATE KEY"))\n'
    )
    assert load_zone_map_text(fixed, "c.yaml").problems == ()


@pytest.mark.parametrize(
    ("glob", "fragment"),
    [("", "empty glob"), ("!src/**", "negated"), ("#x", "comment"), ("\\", "invalid glob")],
)
def test_bad_globs_are_pattern_errors(glob: str, fragment: str) -> None:
    text = f"version: 1\nzones:\n  - id: a\n    match:\n      paths: [{json.dumps(glob)}]\n"
    result = load_zone_map_text(text, "c.yaml")
    problem = only(result.problems, codes.CONFIG_PATTERN)
    assert (problem.where.line, problem.where.column) == (5, 15)
    assert fragment in problem.message and "zone 'a'" in problem.message


def test_bad_sensitive_glob_and_domain() -> None:
    found = problems_of(
        """
        version: 1
        sensitive: ["ok/**", ""]
        prompts:
          internal_domains: ["https://corp.example.com/x", 3]
        """
    )
    assert found == [("PR003", 2, 22, "error"), ("PR002", 4, 22, "error"), ("PR002", 4, 52, "error")]


def test_wrong_types_everywhere() -> None:
    found = problems_of(
        """
        version: 1
        locked: "yes"
        extends: 5
        sensitive: "**/.env"
        provenance: {min_lines: 0, min_chars: "x"}
        exception_max_days: true
        exception_approvers: [{a: 1}]
        zones:
          - 3
          - id: a
            title: [x]
            reviewers: "@one"
            scope: module
            locked: 1
            match: [paths]
        """
    )
    assert [(line, column) for code, line, column, _ in found if code == "PR002"] == [
        (2, 9), (3, 10), (4, 12), (5, 25), (5, 39), (6, 21), (7, 23),
        (9, 5), (11, 12), (12, 16), (13, 12), (14, 13), (15, 12),
    ]
    # approvers outside a locked map are also refused by the layering rules
    assert [(code, line, column) for code, line, column, _ in found if code != "PR002"] == [
        ("PR005", 7, 1)
    ]


def test_non_utf8_config_bytes(tmp_path: Path) -> None:
    (tmp_path / ".pavedroad.yaml").write_bytes(b"version: 1\nzones:\n  - id: caf\xe9\n")
    result = load_config(tmp_path, cache_dir=tmp_path / "c")
    problem = only(result.problems, codes.CONFIG_SYNTAX)
    assert (problem.where.line, problem.where.column) == (3, 12)
    assert "UTF-8" in problem.message
    assert result.config is None and result.fallback is not None


def test_control_character_is_a_syntax_error() -> None:
    result = load_zone_map_text("version: 1\nzones: [\x07]\n", "c.yaml")
    problem = only(result.problems, codes.CONFIG_SYNTAX)
    assert (problem.where.line, problem.where.column) == (2, 9)


def test_empty_file_is_an_empty_config_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / ".pavedroad.yaml").write_text("# nothing yet\n")
    result = load_config(tmp_path, cache_dir=tmp_path / "c")
    problem = only(result.problems, codes.CONFIG_WARNING)
    assert problem.severity == "warning" and (problem.where.line, problem.where.column) == (1, 1)
    assert result.config is not None and result.config.zones == ()


def test_missing_repo_file_is_fine(tmp_path: Path) -> None:
    result = load_config(tmp_path, cache_dir=tmp_path / "c")
    assert result.problems == ()
    assert result.config is not None and result.config.config_file is None


def test_repo_file_that_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / ".pavedroad.yaml").mkdir()
    result = load_config(tmp_path, cache_dir=tmp_path / "c")
    problem = only(result.problems, codes.CONFIG_SYNTAX)
    assert "is a directory" in problem.message
    assert result.config is None and result.fallback is not None


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    start = time.monotonic()
    result = load_zone_map_text("\n".join(lines) + "\n", "bomb.yaml")
    assert time.monotonic() - start < 5
    assert codes.CONFIG_SYNTAX in codes_of(result.problems)
    assert result.config is None


def test_recursive_anchor_is_refused() -> None:
    result = load_zone_map_text("version: 1\nzones: &z [*z]\n", "c.yaml")
    problem = only(result.problems, codes.CONFIG_SYNTAX)
    assert "recursive" in problem.message


def test_unsupported_tags_and_merge_keys() -> None:
    found = problems_of(
        """
        version: 1
        base: &b {ai: deny}
        zones:
          - id: a
            <<: *b
            title: !!python/name:os.system x
        """
    )
    assert ("PR002", 5, 5, "error") in found  # merge key
    assert ("PR002", 6, 12, "error") in found  # python tag


def test_problem_str_is_file_line_column() -> None:
    result = load_zone_map_text("version: 1\nzones: 3\n", "cfg.yaml")
    assert str(result.problems[0]).startswith("cfg.yaml:2:8: error: ")
    assert str(result.problems[0]).endswith("[PR002]")


def test_extends_missing_file(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write(".pavedroad.yaml", "version: 1\nextends:\n  - path: nope/central.yaml\n")
    result = load_config(tmp_path, cache_dir=tmp_path / "c")
    problem = only(result.problems, codes.CONFIG_EXTENDS)
    assert (problem.where.line, problem.where.column) == (3, 5)
    assert problem.where.file == str(tmp_path / ".pavedroad.yaml")
    assert "no such file: nope/central.yaml" in problem.message
    assert result.config is None and result.fallback is not None


def test_extends_directory(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "central").mkdir()
    write(".pavedroad.yaml", "version: 1\nextends: [central]\n")
    result = load_config(tmp_path, cache_dir=tmp_path / "c")
    problem = only(result.problems, codes.CONFIG_EXTENDS)
    assert (problem.where.line, problem.where.column) == (2, 11)
    assert "central is a directory" in problem.message


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_extends_symlink_loop(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    os.symlink(tmp_path / "loop-a.yaml", tmp_path / "loop-b.yaml")
    os.symlink(tmp_path / "loop-b.yaml", tmp_path / "loop-a.yaml")
    write(".pavedroad.yaml", "version: 1\nextends:\n  - loop-a.yaml\n")
    result = load_config(tmp_path, cache_dir=tmp_path / "c")
    problem = only(result.problems, codes.CONFIG_EXTENDS)
    assert (problem.where.line, problem.where.column) == (3, 5)
    assert "symlink loop" in problem.message


def test_suffix_import_pattern_must_name_one_module() -> None:
    result = load_zone_map_text(
        'version: 1\nzones:\n  - id: auth\n    match:\n      imports: ["**/auth", "**/a b", "**/"]\n',
        "cfg.yaml",
    )
    found = [(p.code, p.where.line, p.where.column) for p in result.problems]
    assert found == [("PR003", 5, 28), ("PR003", 5, 38)]
    assert "`**/` must be followed by one module name" in result.problems[0].message
