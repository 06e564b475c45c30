"""The public API other shells rely on, and the labelled corpus as a regression guard."""

from __future__ import annotations

from types import ModuleType

import pytest

import pavedroad.prompts as prompts
from pavedroad.prompts import (
    DEFAULT_PROMPT_FILE_PATTERNS,
    RULES,
    FileReference,
    PromptFinding,
    PromptReport,
    check_prompt,
    is_prompt_file,
    scan_text,
    verdict_of,
)


def test_public_names() -> None:
    for name in [
        "PromptFinding",
        "PromptReport",
        "FileReference",
        "scan_text",
        "find_file_references",
        "check_prompt",
        "decode_prompt_bytes",
        "is_prompt_file",
        "DEFAULT_PROMPT_FILE_PATTERNS",
    ]:
        assert hasattr(prompts, name), name


def test_empty_text() -> None:
    assert scan_text("") == []
    report = check_prompt("", sensitive=["**/.env*"], zones_for_path=lambda p: [])
    assert report == PromptReport("allow", (), "")


def test_verdict_mapping() -> None:
    def f(sev: str) -> PromptFinding:
        return PromptFinding("pii", "pii.email", "m", 0, 1, sev, "*")

    assert verdict_of([]) == "allow"
    assert verdict_of([f("warn")]) == "warn"
    assert verdict_of([f("warn"), f("block")]) == "block"
    assert check_prompt("mail dana.novak@gmail.com").verdict == "warn"
    assert check_prompt("card 4539 1488 0343 6467").verdict == "block"
    assert check_prompt("all good here").verdict == "allow"


def test_rule_catalogue_is_consistent() -> None:
    kinds = {"secret", "pii", "internal", "sensitive_file"}
    for rule, info in RULES.items():
        assert info.rule == rule and info.kind in kinds and rule.startswith(info.kind + ".")
        assert info.severity in ("block", "warn")
        if info.kind == "secret":
            assert info.severity == "block"
    for rule in ("pii.card", "pii.ssn", "pii.iban"):
        assert RULES[rule].severity == "block"
    for rule in (
        "pii.email",
        "pii.phone",
        "internal.private-ip",
        "internal.hostname",
        "internal.url",
    ):
        assert RULES[rule].severity == "warn"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("AGENTS.md", True),
        ("sub/dir/AGENTS.md", True),
        ("CLAUDE.md", True),
        ("GEMINI.md", True),
        (".github/copilot-instructions.md", True),
        (".github/prompts/review.prompt.md", True),
        (".github/instructions/py.instructions.md", True),
        (".cursor/rules/style.mdc", True),
        (".cursorrules", True),
        (".continue/rules/x.md", True),
        ("./docs/x.prompt.md", True),
        ("README.md", False),
        ("src/agents.py", False),
        ("", False),
    ],
)
def test_is_prompt_file(path: str, expected: bool) -> None:
    assert is_prompt_file(path) is expected


def test_is_prompt_file_custom_patterns() -> None:
    assert is_prompt_file("prompts/x.txt", ["prompts/*.txt"])
    assert not is_prompt_file("AGENTS.md", ["prompts/*.txt"])
    assert "AGENTS.md" in DEFAULT_PROMPT_FILE_PATTERNS


def test_file_reference_fields() -> None:
    ref = FileReference("src/a.py", 0, 8, False, "bare")
    assert (ref.path_or_glob, ref.start, ref.end, ref.is_glob, ref.syntax) == (
        "src/a.py",
        0,
        8,
        False,
        "bare",
    )


def test_internal_domains_are_a_parameter() -> None:
    text = "agent build01.corp.acme.com is down"
    assert scan_text(text) == []
    assert [f.rule for f in scan_text(text, internal_domains=["corp.acme.com"])] == [
        "internal.hostname"
    ]
    assert [f.rule for f in scan_text(text, internal_domains=["*.acme.com"])] == [
        "internal.hostname"
    ]


# --- corpus ------------------------------------------------------------------------------------


def test_corpus_is_large_labelled_and_deterministic(gen: ModuleType) -> None:
    items = gen.generate()
    assert len(items) >= 300
    assert sum(1 for it in items if not it.labels) >= 80  # hard negatives
    again = gen.generate()
    assert [it.text for it in items] == [it.text for it in again]
    for it in items:
        for lab in it.labels:
            assert 0 <= lab.start < lab.end <= len(it.text)
            assert lab.kind in ("secret", "pii", "internal")
    families = {lab.rule for it in items for lab in it.labels if lab.kind == "secret"}
    assert len(families) >= 40


def test_corpus_quality_floor(gen: ModuleType, scoring: ModuleType) -> None:
    """Regression guard, not the benchmark: per-kind span precision and recall stay high."""
    items = gen.generate()
    results = {
        it.id: [
            (f.kind, f.rule, f.start, f.end)
            for f in scan_text(it.text, internal_domains=gen.INTERNAL_DOMAINS)
        ]
        for it in items
    }
    scores = scoring.span_scores(items, lambda it: results[it.id])
    for kind in ("secret", "pii", "internal"):
        sc = scores[kind]
        assert sc.precision >= 0.95, (kind, sc.false_alarms[:10])
        assert sc.recall >= 0.95, (kind, sc.misses[:10])
