"""Sensitive-file references, resolved against a real temporary workspace."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from pavedroad.prompts import check_prompt, find_file_references

SENSITIVE = ("**/.env*", "**/*.pem", "secrets/**")


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    for rel in [
        ".env",
        ".env.production",
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


def test_reference_syntaxes_are_found() -> None:
    text = (
        '---\napplyTo: "**/*.py, src/**"\n---\n'
        "Look at #file:src/app.py and #folder:config, @src/auth/login.py, "
        '[the config](config/app.yaml "title"), `certs/server.pem`, .env.production '
        "and src/billing/invoice.py. Not https://github.com/a/b.env or user@example.com."
    )
    refs = {(r.syntax, r.path_or_glob, r.is_glob) for r in find_file_references(text)}
    assert ("front-matter", "**/*.py", True) in refs
    assert ("front-matter", "src/**", True) in refs
    assert ("hash-file", "src/app.py", False) in refs
    assert ("hash-folder", "config", False) in refs
    assert ("at-mention", "src/auth/login.py", False) in refs
    assert ("markdown-link", "config/app.yaml", False) in refs
    assert ("backtick", "certs/server.pem", False) in refs
    assert ("bare", ".env.production", False) in refs
    assert ("bare", "src/billing/invoice.py", False) in refs
    paths = {p for _, p, _ in refs}
    assert not any("github.com" in p or "example.com" in p for p in paths)


def test_reference_spans_cover_the_syntax() -> None:
    text = "see #file:.env now"
    (ref,) = find_file_references(text)
    assert text[ref.start : ref.end] == "#file:.env"


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


def test_zone_levels(ws: Path) -> None:
    assert check("fix @src/auth/login.py", ws) == [
        ("sensitive_file.zone-deny", "block", "@src/auth/login.py")
    ]
    assert check("fix src/billing/invoice.py please", ws) == [
        ("sensitive_file.zone-warn", "warn", "src/billing/invoice.py")
    ]
    assert check("fix src/app.py and docs/README.md", ws) == []


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


def test_globs_in_front_matter(ws: Path) -> None:
    text = '---\napplyTo: "**"\n---\nUse type hints.'
    (rule, severity, span) = check(text, ws)[0]
    assert (rule, severity, span) == ("sensitive_file.glob", "block", "**")
    assert check('---\napplyTo: "docs/**/*.md"\n---\n', ws) == []
    assert check('---\nglobs:\n  - "**/*.env"\n---\n', ws)[0][:2] == (
        "sensitive_file.glob",
        "block",
    )


def test_globs_without_a_root_use_pattern_overlap() -> None:
    report = check_prompt('---\napplyTo: "**/*.env"\n---\n', sensitive=SENSITIVE)
    assert [(f.rule, f.severity) for f in report.findings] == [
        ("sensitive_file.glob-may-match", "warn")
    ]
    assert (
        check_prompt('---\napplyTo: "src/**/*.{ts,tsx}"\n---\n', sensitive=SENSITIVE).findings == ()
    )


def test_glob_matching_a_deny_zone(ws: Path) -> None:
    assert check("---\napplyTo: src/auth/*.py\n---\n", ws)[0][:2] == (
        "sensitive_file.glob",
        "block",
    )
    assert check("---\napplyTo: src/billing/*.py\n---\n", ws)[0][:2] == (
        "sensitive_file.glob-may-match",
        "warn",
    )


def test_workspace_walk_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pavedroad.prompts import sensitive as mod

    monkeypatch.setattr(mod, "MAX_WALK_FILES", 50)
    for i in range(200):
        (tmp_path / f"f{i:03d}.txt").write_text("")
    (tmp_path / "zz").mkdir()
    (tmp_path / "zz" / ".env").write_text("")
    # The .env sorts after the 50-file budget, so the glob check cannot see it (but terminates).
    report = check_prompt('---\napplyTo: "*.txt"\n---\n', root=str(tmp_path), sensitive=SENSITIVE)
    assert report.findings == ()


def test_no_reference_checks_without_settings() -> None:
    assert check_prompt("read #file:.env").findings == ()
