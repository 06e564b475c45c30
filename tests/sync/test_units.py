"""Pattern translation, the JSONC editor and the owned-block format, on their own."""

from __future__ import annotations

import json

import pathspec
import pytest

from pavedroad.sync import blocks, jsonc, patterns
from pavedroad.sync.patterns import parse

# --------------------------------------------------------------------------------------------
# patterns


def test_parse_splits_anchor_and_directory() -> None:
    g = parse("/src/auth/")
    assert g is not None and (g.anchored, g.body, g.dir_only) == (True, "src/auth", True)
    g = parse("*.pem")
    assert g is not None and (g.anchored, g.any_depth, g.may_be_dir) == (False, True, False)
    g = parse("src/auth/**")
    assert g is not None and g.anchored and not g.any_depth and not g.may_be_dir
    assert parse("!keep") is None and parse("# c") is None and parse("  ") is None and parse("/") is None


@pytest.mark.parametrize(
    ("raw", "claude", "zed", "copilot"),
    [
        ("*.pem", ["/**/*.pem"], ["**/*.pem"], ["*.pem"]),
        ("**/.env*", ["/**/.env*"], ["**/.env*"], ["**/.env*"]),
        ("src/auth/**", ["/src/auth/**"], ["src/auth/**"], ["/src/auth/**"]),
        ("secrets", ["/**/secrets", "/**/secrets/**"], ["**/secrets", "**/secrets/**"],
         ["secrets", "**/secrets/**"]),
        ("/config/keys/", ["/config/keys", "/config/keys/**"], ["config/keys", "config/keys/**"],
         ["/config/keys", "/config/keys/**"]),
        ("docs/a(1).md", ["/docs/a(1?.md"], ["docs/a(1).md"], ["/docs/a(1).md"]),
    ],
)
def test_glob_targets(raw: str, claude: list[str], zed: list[str], copilot: list[str]) -> None:
    g = parse(raw)
    assert g is not None
    assert patterns.claude_paths(g) == claude
    assert patterns.zed(g) == zed
    assert patterns.copilot(g) == copilot


def test_claude_rules_are_anchored_at_the_project_root() -> None:
    """A rule without a leading `/` is relative to Claude's working directory, not the root."""
    for raw in ("*.pem", "secrets/**", "**/.env", "src/auth/**", "credentials.json"):
        g = parse(raw)
        assert g is not None
        assert all(p.startswith("/") for p in patterns.claude_paths(g))
        assert all(")" not in p for p in patterns.claude_paths(g))


def test_claude_any_depth_is_only_for_unanchored_globs() -> None:
    assert patterns.claude_any_depth(parse("*.pem")) == ["**/*.pem"]  # type: ignore[arg-type]
    assert patterns.claude_any_depth(parse("**/.env*")) == ["**/.env*"]  # type: ignore[arg-type]
    assert patterns.claude_any_depth(parse("secrets/**")) == []  # type: ignore[arg-type]


def test_casefold_variant_matches_every_spelling_and_nothing_else() -> None:
    variant = patterns.casefold_variant("secrets/**")
    assert variant == "[sS][eE][cC][rR][eE][tT][sS]/**"
    spec = pathspec.GitIgnoreSpec.from_lines([variant])
    assert spec.match_file("SECRETS/x") and spec.match_file("Secrets/a/b") and spec.match_file("secrets/x")
    assert not spec.match_file("secret/x")
    # classes get both cases, escapes are kept, nothing to fold -> None
    assert patterns.casefold_variant("app/[ab]dmin") == "[aA][pP][pP]/[abAB][dD][mM][iI][nN]"
    assert patterns.casefold_variant("\\#x") == "\\#[xX]"
    assert patterns.casefold_variant("**/*.12") is None


@pytest.mark.parametrize(
    ("raw", "expected", "widened"),
    [
        ("src/auth/**", "/src/auth/**", False),
        ("*.pem", "*.pem", False),
        ("**/.env", "**/.env", False),
        ("config/keys/", "/config/keys/", False),
        ("app/[ab]dmin/*.py", "/app/*dmin/*.py", True),
        ("my dir/x", "/my*dir/x", True),
        ("a\\#b", "a*b", True),
    ],
)
def test_codeowners_patterns(raw: str, expected: str, widened: bool) -> None:
    g = parse(raw)
    assert g is not None
    assert patterns.codeowners(g) == (expected, widened)


def test_codeowners_widening_never_narrows() -> None:
    """Every path the zone glob matches, the CODEOWNERS pattern matches too."""
    samples = ["app/admin/x.py", "app/bdmin/y.py", "my dir/x", "a#b"]
    for raw in ("app/[ab]dmin/*.py", "my dir/x"):
        g = parse(raw)
        assert g is not None
        zone = pathspec.GitIgnoreSpec.from_lines([raw])
        owners = pathspec.GitIgnoreSpec.from_lines([patterns.codeowners(g)[0]])
        for s in samples:
            if zone.match_file(s):
                assert owners.match_file(s), (raw, s)


def test_codeowner_syntax() -> None:
    good = ["@octocat", "@octo-org/team-name", "docs@example.com", "@a"]
    bad = ["octocat", "Billing Team", "@-x", "@org/", "@a b"]
    assert all(patterns.is_codeowner(o) for o in good)
    assert not any(patterns.is_codeowner(o) for o in bad)


# --------------------------------------------------------------------------------------------
# JSONC


ZED_LIKE = """\
// Folder-specific settings
//
// For a full list of overridable settings, see the documentation.
{}
"""


def test_strip_keeps_offsets_and_drops_comments_and_trailing_commas() -> None:
    text = '{\n  // c\n  "a": "//not a comment", /* b */\n  "b": [1, 2,],\n}\n'
    stripped = jsonc.strip(text)
    assert len(stripped) == len(text)
    assert json.loads(stripped) == {"a": "//not a comment", "b": [1, 2]}
    assert jsonc.has_comments(text) and not jsonc.has_comments('{"a": 1}')


def test_loads_reports_position() -> None:
    with pytest.raises(jsonc.JsoncError, match="line 2"):
        jsonc.loads('{\n  "a": }')


def test_replace_members_into_an_empty_object_with_a_comment_header() -> None:
    out = jsonc.replace_members(ZED_LIKE, {"private_files": ["**/.env*"]})
    assert out.startswith("// Folder-specific settings\n")
    assert jsonc.loads(out) == {"private_files": ["**/.env*"]}
    assert '\n  "private_files": [\n    "**/.env*"\n  ]\n}' in out


def test_replace_members_keeps_everything_it_does_not_touch() -> None:
    text = (
        '{\n'
        '    // the team\'s theme\n'
        '    "theme": "One Dark",  // trailing comment\n'
        '    "private_files": ["a"],\n'
        '    "tab_size": 4,\n'
        '}\n'
    )
    out = jsonc.replace_members(text, {"private_files": ["a", "b"], "new": {"x": 1}})
    assert "// the team's theme" in out and "// trailing comment" in out
    assert '"tab_size": 4,\n}' not in out or out.index('"tab_size"') < out.index('"new"')
    assert jsonc.loads(out) == {"theme": "One Dark", "private_files": ["a", "b"], "tab_size": 4,
                                "new": {"x": 1}}
    # indentation of the file (4 spaces) is used for the rewritten value
    assert '    "private_files": [\n        "a",\n        "b"\n    ]' in out


def test_replace_members_rejects_non_objects() -> None:
    with pytest.raises(jsonc.JsoncError):
        jsonc.replace_members("[1, 2]", {"a": 1})
    with pytest.raises(jsonc.JsoncError):
        jsonc.members("  nope")


# --------------------------------------------------------------------------------------------
# owned blocks


def test_block_is_appended_and_rendering_again_changes_nothing() -> None:
    team = "node_modules/\n# build output\ndist/\n"
    once = blocks.render(team, ["secrets/**"])
    assert once is not None and once.startswith(team)
    assert blocks.BEGIN in once and "secrets/**" in once
    assert blocks.render(once, ["secrets/**"]) == once
    found = blocks.find(once)
    assert found.present and not found.edited and found.body == ("secrets/**",)


def test_block_hash_detects_hand_edits() -> None:
    text = blocks.render(None, ["secrets/**", "*.pem"])
    assert text is not None
    edited = text.replace("*.pem\n", "")
    assert blocks.find(edited).edited
    restored = blocks.render(edited, ["secrets/**", "*.pem"])
    assert restored == text


def test_block_moves_to_the_end_when_a_later_line_could_undo_it() -> None:
    text = blocks.render("a\n", ["secrets/**"])
    assert text is not None
    text += "!secrets/public.txt\n"
    negation = blocks.render(text, ["secrets/**"], move_after=lambda ln: ln.startswith("!"))
    assert negation is not None
    assert negation.index("!secrets/public.txt") < negation.index(blocks.BEGIN)
    # a harmless team line after the block does not move it
    text2 = blocks.render("a\n", ["secrets/**"]) + "b\n"  # type: ignore[operator]
    assert blocks.render(text2, ["secrets/**"], move_after=lambda ln: ln.startswith("!")) == text2


def test_empty_block_is_removed_and_an_empty_file_is_not_written() -> None:
    assert blocks.render(None, []) is None
    ours_only = blocks.render(None, ["x"])
    assert blocks.render(ours_only, []) is None  # the file held only our block: remove it
    mixed = blocks.render("team\n", ["x"])
    assert blocks.render(mixed, []) == "team\n\n"
    assert blocks.render("team\n", []) == "team\n"


def test_crlf_files_stay_crlf() -> None:
    team = "node_modules/\r\ndist/\r\n"
    out = blocks.render(team, ["secrets/**"])
    assert out is not None and out.startswith(team)
    assert "\n" not in out.replace("\r\n", "")
    assert blocks.render(out, ["secrets/**"]) == out


def test_damaged_markers_are_reported_and_repaired() -> None:
    text = "a\n" + blocks.BEGIN + "\nsecrets/**\n"  # no end marker
    found = blocks.find(text)
    assert found.damaged and found.edited
    repaired = blocks.render(text, ["secrets/**"])
    assert repaired is not None
    again = blocks.find(repaired)
    assert again.present and not again.edited
