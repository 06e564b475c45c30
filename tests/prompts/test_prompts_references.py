"""Sensitive-file references, resolved against a real temporary workspace."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pavedroad.prompts import FileIndex, check_prompt, find_file_references, is_template

SENSITIVE = ("**/.env*", "**/*.pem", "secrets/**")


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    for rel in [
        ".env",
        ".env.production",
        ".env.example",
        "config/app.yaml",
        "config/.env.local",
        "certs/server.pem",
        "secrets/db.yaml",
        "src/auth/login.py",
        "src/auth/tokens.py",
        "src/billing/invoice.py",
        "src/app.py",
        "docs/README.md",
        ".github/instructions/python.instructions.md",
    ]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x = 1\n")
    return tmp_path


def zones(rel: str) -> Sequence[tuple[str, int]]:
    """auth: context deny (3); billing: context warn (1); everything else allowed."""
    if rel.startswith("src/auth/"):
        return [("auth", 3)]
    if rel.startswith("src/billing/"):
        return [("billing", 1), ("tests", 0)]
    return []


def check(text: str, ws: Path, **kw: object) -> list[tuple[str, str, str]]:
    report = check_prompt(text, root=str(ws), sensitive=SENSITIVE, zones_for_path=zones, **kw)  # type: ignore[arg-type]
    return [(f.rule, f.severity, text[f.start : f.end]) for f in report.findings]


def refs_of(text: str, mentions: bool = False) -> set[tuple[str, str, bool]]:
    return {
        (r.syntax, r.path_or_glob, r.attaches)
        for r in find_file_references(text, mentions=mentions)
    }


# --- what counts as a reference --------------------------------------------------------------


def test_attaching_syntaxes_are_found() -> None:
    text = (
        '---\napplyTo: "**/*.py, src/**"\n---\n'
        "Look at #file:src/app.py and #folder:config, @src/auth/login.py, "
        '[the config](config/app.yaml "title"). Not https://github.com/a/b.env or user@example.com.'
    )
    refs = refs_of(text)
    assert refs == {
        ("hash-file", "src/app.py", True),
        ("hash-folder", "config", True),
        ("at-mention", "src/auth/login.py", True),
        ("markdown-link", "config/app.yaml", True),
    }


def test_mentions_and_scopes_are_reported_only_on_request() -> None:
    text = (
        '---\napplyTo: "**/*.py, src/**"\nglobs:\n  - "*.ts"\n---\n'
        "Keep `certs/server.pem` out of git; .env.production holds the keys.\n"
    )
    assert refs_of(text) == set()
    everything = refs_of(text, mentions=True)
    assert ("front-matter", "**/*.py", False) in everything
    assert ("front-matter", "src/**", False) in everything
    assert ("front-matter", "*.ts", False) in everything
    assert ("backtick", "certs/server.pem", False) in everything
    assert ("bare", ".env.production", False) in everything


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Please read .env and config/app.yaml, then fix src/a.py.",
            {".env", "config/app.yaml", "src/a.py"},
        ),
        ("Open the file `secrets/db.yaml`.", {"secrets/db.yaml"}),
        ("Look at the contents of .env.local.", {".env.local"}),
        ("Summarise `a.py`, `b.py` and `.env`", {"a.py", "b.py", ".env"}),
        ("Compare it with `.env.production`", {".env.production"}),
        ("run `cat .env | grep KEY`", {".env"}),
        ("$ head -n 5 certs/server.pem", {"certs/server.pem"}),
        ("grep API_KEY .env", {".env"}),
        ("Get-Content .env", {".env"}),
        ('read_file(".env")', {".env"}),
        ('Read(file_path="/repo/.env")', {"/repo/.env"}),
        ('{"tool": "read_file", "target_file": "secrets/a.yaml"}', {"secrets/a.yaml"}),
    ],
)
def test_requests_to_read_are_references(text: str, expected: set[str]) -> None:
    assert {r.path_or_glob for r in find_file_references(text)} == expected


@pytest.mark.parametrize(
    "text",
    [
        # Prose that names a file without asking for it.
        "Never commit .env files.",
        "Add .env to .gitignore and keep secrets/db.yaml out of the repo.",
        "Secrets are read from .env at start-up.",
        "The server reads config from `.env` and `certs/server.pem`.",
        # Negated requests.
        "Do not open .env files.",
        "Never read, print or paste `.env` or `*.pem` contents.",
        "You must not cat .env",
        "Don't ever look at secrets/db.yaml",
        # Output fed to a command, not to the transcript.
        "export $(cat .env | xargs)",
        # Writes, not reads.
        "cat > .env <<EOF",
        # Code: member access, regex fragments and comment markers.
        "Use item.key as the React key and process.env for settings; read item.key",
        "Match it with the regex `.*\\.env$` and strip /* comments */ and `*/`.",
        "Read the value with `.*` and `/*`",
    ],
)
def test_mentions_negations_and_code_are_not_references(text: str) -> None:
    assert find_file_references(text) == []


def test_reference_spans_cover_the_syntax() -> None:
    text = "see #file:.env now"
    (ref,) = find_file_references(text)
    assert text[ref.start : ref.end] == "#file:.env"


# --- sensitive patterns and zones -------------------------------------------------------------


def test_sensitive_pattern_blocks(ws: Path) -> None:
    found = check("Please read #file:.env.production and `certs/server.pem`.", ws)
    assert found == [
        ("sensitive_file.pattern", "block", "#file:.env.production"),
        ("sensitive_file.pattern", "block", "`certs/server.pem`"),
    ]
    report = check_prompt("read @.env", root=str(ws), sensitive=SENSITIVE)
    assert report.verdict == "block"
    assert report.redacted == "read [sensitive file: .env]"
    assert ".env" in report.findings[0].message and "**/.env*" in report.findings[0].message


def test_prose_mentions_of_sensitive_files_are_silent(ws: Path) -> None:
    text = (
        "# Rules\n- Never commit `.env` or `certs/server.pem`.\n"
        "- Secrets live in secrets/db.yaml; load them through the settings module.\n"
    )
    assert check(text, ws) == []


def test_templates_are_not_sensitive_unless_named(ws: Path) -> None:
    for name in [
        ".env.example",
        ".env.sample",
        ".env.template",
        "app.dist",
        ".env-example",
        "id_rsa.pub",
        "config.sample.yaml",
    ]:
        assert is_template(name), name
    for name in [".env", ".env.local", ".env.production", "server.pem", "example/key.pem"]:
        assert not is_template(name), name
    assert check("read #file:.env.example and @config/.env.sample", ws) == []
    explicit = check_prompt(
        "read #file:.env.example", root=str(ws), sensitive=("**/.env*", "**/.env.example")
    )
    assert [f.rule for f in explicit.findings] == ["sensitive_file.pattern"]
    assert "**/.env.example" in explicit.findings[0].message


def test_zone_levels(ws: Path) -> None:
    assert check("fix @src/auth/login.py", ws) == [
        ("sensitive_file.zone-deny", "block", "@src/auth/login.py")
    ]
    assert check("fix src/billing/invoice.py please", ws) == [
        ("sensitive_file.zone-warn", "warn", "src/billing/invoice.py")
    ]
    assert check("fix src/app.py and docs/README.md", ws) == []
    assert check("The login lives in src/auth/login.py.", ws) == []  # a mention


def test_folder_reference_inherits_its_contents(ws: Path) -> None:
    assert check("summarise #folder:config", ws)[0][0] == "sensitive_file.pattern"
    assert check("summarise #folder:secrets", ws)[0][0] == "sensitive_file.pattern"
    assert check("summarise #folder:src/auth", ws)[0][0] == "sensitive_file.zone-deny"
    assert check("summarise #folder:docs", ws) == []


def test_relative_absolute_and_outside_paths(ws: Path) -> None:
    assert check(f"open {ws}/config/.env.local", ws)[0][0] == "sensitive_file.pattern"
    assert check("open ./src/../.env", ws)[0][0] == "sensitive_file.pattern"
    # Outside the root: sensitive patterns still apply by name, zones do not.
    assert check("open ../other/.env", ws)[0][0] == "sensitive_file.pattern"
    assert check("open ~/.ssh/id_rsa.pem", ws)[0][0] == "sensitive_file.pattern"
    assert check("open ../src/auth/login.py", ws) == []


def test_attached_references(ws: Path) -> None:
    report = check_prompt(
        "summarise these files",
        root=str(ws),
        sensitive=SENSITIVE,
        zones_for_path=zones,
        references=[f"file://{ws}/secrets/db.yaml", "src/auth/tokens.py", "src/app.py"],
    )
    rules = [(f.rule, f.start, f.end, f.masked) for f in report.findings]
    assert ("sensitive_file.pattern", 0, 0, f"file://{ws}/secrets/db.yaml") in rules
    assert ("sensitive_file.zone-deny", 0, 0, "src/auth/tokens.py") in rules
    assert len(rules) == 2
    assert report.verdict == "block"
    assert report.redacted == "summarise these files"


# --- globs --------------------------------------------------------------------------------------


def test_front_matter_scopes_are_not_references(ws: Path) -> None:
    # applyTo: '**' used to block whenever the repo had any sensitive file.
    assert check('---\napplyTo: "**"\n---\nUse type hints.', ws) == []
    assert check('---\nglobs:\n  - "**/*.env"\npaths: ["secrets/**"]\n---\n', ws) == []


def test_globs_that_are_requested(ws: Path) -> None:
    assert check("read all `**/*.env*` files", ws)[0][:2] == ("sensitive_file.glob", "block")
    assert check("open #file:src/auth/*.py", ws)[0][:2] == ("sensitive_file.glob", "block")
    assert check("review src/billing/*.py", ws)[0][:2] == ("sensitive_file.glob-may-match", "warn")
    assert check("review docs/**/*.md", ws) == []


def test_globs_without_a_root_use_pattern_overlap() -> None:
    report = check_prompt("read `**/*.env`", sensitive=SENSITIVE)
    assert [(f.rule, f.severity) for f in report.findings] == [
        ("sensitive_file.glob-may-match", "warn")
    ]
    assert check_prompt("read `src/**/*.{ts,tsx}`", sensitive=SENSITIVE).findings == ()


def test_glob_checks_use_the_index_it_is_given(tmp_path: Path) -> None:
    for i in range(200):
        (tmp_path / f"f{i:03d}.txt").write_text("")
    (tmp_path / "zz").mkdir()
    (tmp_path / "zz" / ".env").write_text("")
    # The .env sorts after the 50-file budget, so the glob check cannot see it (but terminates);
    # statically `zz/*` and `**/.env` cannot be told to overlap.
    small = FileIndex.build(str(tmp_path), max_files=50)
    assert small.truncated and len(small) == 50
    report = check_prompt("read `zz/*`", root=str(tmp_path), sensitive=("**/.env",), index=small)
    assert report.findings == ()
    full = FileIndex.build(str(tmp_path))
    report = check_prompt("read `zz/*`", root=str(tmp_path), sensitive=("**/.env",), index=full)
    assert [f.rule for f in report.findings] == ["sensitive_file.glob"]


def test_index_is_built_only_for_globs_and_folders(ws: Path) -> None:
    calls: list[int] = []

    def source() -> FileIndex:
        calls.append(1)
        return FileIndex.build(str(ws))

    check_prompt("read .env and fix src/app.py", root=str(ws), sensitive=SENSITIVE, index=source)
    check_prompt("no references at all", root=str(ws), sensitive=SENSITIVE, index=source)
    assert calls == []
    check_prompt(
        "read #folder:config and `src/**`", root=str(ws), sensitive=SENSITIVE, index=source
    )
    assert calls == [1]  # one build for both references


def test_no_reference_checks_without_settings() -> None:
    assert check_prompt("read #file:.env").findings == ()


# --- hostile paths (issue 8: `ValueError: embedded null byte`) ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "read #file:src/a\x00b.py",
        "read #folder:src\x00/auth",
        "read @\x00.env and #file:\x00",
        "read `src/**/\x00*.py`",
        "read #file:src/\udcff.py",
    ],
)
def test_nul_bytes_and_surrogates_in_references_never_raise(ws: Path, text: str) -> None:
    report = check_prompt(text, root=str(ws), sensitive=SENSITIVE, zones_for_path=zones)
    assert report.verdict in ("allow", "warn", "block")
    report = check_prompt(
        "x",
        root=str(ws),
        sensitive=SENSITIVE,
        zones_for_path=zones,
        references=[text, "file:///a%00b"],
    )
    assert report.verdict in ("allow", "warn", "block")


def test_nul_byte_path_still_matches_sensitive_patterns_by_name(ws: Path) -> None:
    assert check("read #file:.env\x00", ws)[0][0] == "sensitive_file.pattern"


# The negation test runs before every read verb; on ASCII text an RE2 pass stands in for the
# Python pattern (`references._NEGATION_SCAN`). Both must agree on every ASCII text, or a
# negation would be missed (a read request dropped) or invented.
_NEGATION_PIECES = [
    "never", "not", "no", "nor", "Don't", "dont", "can't", "CANNOT", "avoid", "avoiding", "without", "stop",
    "refuse", "forbidden", "prohibit", "isn't", "won't", "n't", "note", "know", "snot", "nothing", "knot",
    "ano", "_no", "no_", "x", "read", " ", "  ", "\t", "\n", ".", ",", "'", "-", "_", "1", "é",
]  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_NEGATION_PIECES), max_size=12))
def test_the_negation_prefilter_agrees_with_the_pattern_on_ascii_text(pieces: list[str]) -> None:
    from pavedroad.prompts import references

    text = "".join(pieces)
    if not text.isascii():
        assert references.negated(text + " read", len(text) + 1) in (True, False)  # the Python path
        return
    fast = references._NEGATION_SCAN.search(text) is not None
    assert fast == (references.NEGATION.search(text) is not None), text
