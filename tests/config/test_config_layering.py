"""Layering: refinement, provenance of values, and the monotonic rule for locked central zones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pavedroad import codes
from pavedroad.config import ConfigProblem, Level, LoadResult, load_config, load_zone_map_text

Repo = Callable[..., LoadResult]

HEAD = "version: 1\nextends: [central.yaml]\n"

CENTRAL = """\
version: 1
locked: true
exception_approvers: ["@sec/leads"]
exception_max_days: 60
provenance: {min_lines: 5, min_chars: 200}
zones:
  - id: auth
    title: Authentication
    why: Auth flows are the top breach path.
    reviewers: ["@sec/appsec"]
    ai: review
    context: warn
    scope: file
    match:
      paths: ["src/auth/**"]
      imports: [jwt]
  - id: secrets
    ai: deny
    context: deny
    match: {paths: ["secrets/**"]}
sensitive: ["**/.env*"]
prompts: {internal_domains: [corp.acme.com]}
"""


def refusals(result: LoadResult) -> list[tuple[int, int, str]]:
    return [(p.where.line, p.where.column, p.message) for p in result.problems
            if p.code == codes.CONFIG_LOCKED]


def only(problems: tuple[ConfigProblem, ...], code: str) -> ConfigProblem:
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, f"expected one {code}, got {[str(p) for p in problems]}"
    return found[0]


def test_refinement_overrides_named_keys_and_adds_rules(repo: Repo, tmp_path: Path) -> None:
    base = "version: 1\nzones:\n  - id: billing\n    title: Billing\n    ai: warn\n" \
           "    reviewers: ['@a']\n    match: {paths: ['app/billing/**'], imports: [stripe]}\n"
    result = repo(
        "version: 1\nextends: [central.yaml]\nzones:\n  - id: billing\n    ai: allow\n"
        "    reviewers: ['@b']\n    match:\n      paths: ['legacy/billing/**']\n",
        central_text=base,
    )
    assert result.problems == ()
    assert result.config is not None
    zone = result.config.zone("billing")
    assert zone is not None
    assert zone.ai == Level.ALLOW  # not locked: a refinement may lower
    assert zone.reviewers == ("@b",)  # named keys override
    assert zone.title == "Billing"  # unnamed keys are kept
    assert zone.match.paths == ("app/billing/**", "legacy/billing/**")
    assert zone.match.imports == ("stripe",)
    assert zone.origin == "central.yaml"
    assert zone.defined_at is not None
    assert (zone.defined_at.file, zone.defined_at.line, zone.defined_at.column) == (
        str(tmp_path / "central.yaml"), 3, 9)
    assert zone.layer_of("title") == "central.yaml"
    assert zone.layer_of("ai") == ".pavedroad.yaml"
    assert zone.layer_of("match") == ".pavedroad.yaml"
    assert result.config.layers == ("central.yaml", ".pavedroad.yaml")


def test_locked_zone_may_be_tightened(repo: Repo) -> None:
    result = repo(
        HEAD + "zones:\n  - id: auth\n    ai: deny\n    context: deny\n    locked: true\n"
        "    reviewers: ['@team/auth']\n    title: Authentication\n"
        "    match: {paths: ['lib/session/**']}\n",
        central_text=CENTRAL,
    )
    # a repo's own `locked: true` is ignored (only central maps lock): a warning, nothing else
    assert [(p.code, p.where.line) for p in result.problems] == [(codes.CONFIG_WARNING, 7)]
    assert result.config is not None
    auth = result.config.zone("auth")
    assert auth is not None
    assert (auth.ai, auth.context, auth.locked, auth.scope) == (Level.DENY, Level.DENY, True, "file")
    assert auth.reviewers == ("@sec/appsec", "@team/auth")  # added to, never replaced
    assert auth.match.paths == ("src/auth/**", "lib/session/**")
    assert auth.layer_of("ai") == ".pavedroad.yaml"


def test_locked_zone_refusals_each_kind(repo: Repo) -> None:
    text = (
        HEAD
        + "zones:\n"
        + "  - id: auth\n"  # 4
        + "    ai: warn\n"  # 5  lower ai
        + "    context: allow\n"  # 6  lower context
        + "    scope: symbol\n"  # 7  narrow scope
        + "    locked: false\n"  # 8  unlock
        + "    title: Login stuff\n"  # 9  replace title
        + "    why: meh\n"  # 10 replace why
        + "    reviewers: ['@me']\n"  # 11 reviewers: added, no refusal
        + "  - id: secrets\n"  # 12
        + "    ai: deny\n"  # 13 same level: fine
        + "    context: warn\n"  # 14 lower
    )
    result = repo(text, central_text=CENTRAL)
    found = refusals(result)
    assert [(line, column) for line, column, _ in found] == [
        (5, 5), (6, 5), (7, 5), (8, 5), (9, 5), (10, 5), (14, 5)
    ]
    assert "cannot be lowered from review to warn" in found[0][2]
    assert "locked by central.yaml" in found[0][2]
    assert all(p.severity == "error" for p in result.problems if p.code == codes.CONFIG_LOCKED)
    problem = next(p for p in result.problems if p.code == codes.CONFIG_LOCKED)
    assert problem.where.file.endswith(".pavedroad.yaml")
    assert problem.end_column == 13  # underline `ai: warn`
    # refusals are not fatal: the config is returned with the central values in force
    assert result.config is not None
    auth = result.config.zone("auth")
    secrets = result.config.zone("secrets")
    assert auth is not None and secrets is not None
    assert (auth.ai, auth.context, auth.scope, auth.locked) == (Level.REVIEW, Level.WARN, "file", True)
    assert (auth.title, auth.why) == ("Authentication", "Auth flows are the top breach path.")
    assert auth.reviewers == ("@sec/appsec", "@me")
    assert auth.layer_of("ai") == "central.yaml"
    assert (secrets.ai, secrets.context) == (Level.DENY, Level.DENY)
    assert result.fallback == result.config


def test_restating_the_same_title_is_not_a_refusal(repo: Repo) -> None:
    result = repo(HEAD + "zones:\n  - id: auth\n    title: Authentication\n    ai: review\n",
                  central_text=CENTRAL)
    assert result.problems == ()


def test_zone_locked_flag_without_locked_file(repo: Repo) -> None:
    central = "version: 1\nzones:\n  - id: pay\n    ai: review\n    locked: true\n" \
              "  - id: docs\n    ai: warn\n"
    result = repo(HEAD + "zones:\n  - id: pay\n    ai: allow\n  - id: docs\n    ai: allow\n",
                  central_text=central)
    assert [(line, column) for line, column, _ in refusals(result)] == [(5, 5)]
    assert result.config is not None
    assert result.config.zone("pay").ai == Level.REVIEW  # type: ignore[union-attr]
    assert result.config.zone("docs").ai == Level.ALLOW  # type: ignore[union-attr]


def test_locked_central_refining_a_preset_zone_locks_it(repo: Repo, tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(
        "version: 1\nzones:\n  - id: auth\n    ai: warn\n    match: {paths: ['auth/**']}\n"
    )
    central = "version: 1\nlocked: true\nextends: [base.yaml]\nzones:\n  - id: auth\n    ai: review\n"
    result = repo(HEAD + "zones:\n  - id: auth\n    ai: warn\n", central_text=central)
    assert [(line, column) for line, column, _ in refusals(result)] == [(5, 5)]
    auth = result.config.zone("auth")  # type: ignore[union-attr]
    assert auth is not None and auth.locked and auth.ai == Level.REVIEW
    assert auth.origin == "base.yaml" and auth.match.paths == ("auth/**",)
    assert result.config.layers == ("base.yaml", "central.yaml", ".pavedroad.yaml")  # type: ignore[union-attr]


def test_top_level_settings_merge(repo: Repo) -> None:
    text = HEAD + (
        "sensitive: ['**/*.p12']\n"
        "prompts: {internal_domains: [Intra.Example.COM], files: ['prompts/**']}\n"
        "provenance: {min_lines: 9, min_chars: 50}\n"
        "exception_max_days: 365\n"
        "exception_approvers: ['@me']\n"
    )
    result = repo(text, central_text=CENTRAL)
    found = refusals(result)
    assert [(line, column) for line, column, _ in found] == [(5, 14), (6, 1), (7, 1)]
    assert "min_lines: 9" in found[0][2]
    config = result.config
    assert config is not None
    assert config.sensitive == ("**/.env*", "**/*.p12")
    assert config.internal_domains == ("corp.acme.com", "intra.example.com")
    assert config.prompt_files == ("prompts/**",)
    assert (config.provenance.min_lines, config.provenance.min_chars) == (5, 50)
    assert config.exceptions.max_days == 60
    assert config.exceptions.approvers == ("@sec/leads",)


def test_exception_max_days_is_the_minimum(repo: Repo) -> None:
    result = repo(HEAD + "exception_max_days: 14\n", central_text=CENTRAL)
    assert result.problems == ()
    assert result.config is not None and result.config.exceptions.max_days == 14
    assert result.config.exceptions.default_days == 14
    # Protective settings are floors for a repository, also when the central map is not locked.
    unlocked = "version: 1\nexception_max_days: 30\nprovenance: {min_lines: 2}\n"
    result = repo(HEAD + "exception_max_days: 45\nprovenance: {min_lines: 8}\n",
                  central_text=unlocked)
    assert [(line, column) for line, column, _ in refusals(result)] == [(3, 1), (4, 14)]
    assert result.config is not None and result.config.exceptions.max_days == 30
    assert result.config.provenance.min_lines == 2
    # ... and with no central map at all: the defaults (90 days, 3 lines) are the floors
    result = repo("version: 1\nexception_max_days: 36500\nprovenance: {min_lines: 50, min_chars: 5}\n")
    assert [(line, column) for line, column, _ in refusals(result)] == [(2, 1), (3, 14)]
    assert result.config is not None and result.config.exceptions.max_days == 90
    assert (result.config.provenance.min_lines, result.config.provenance.min_chars) == (3, 5)


def test_repo_may_define_new_zones_but_not_lock_them(repo: Repo) -> None:
    result = repo(HEAD + "zones:\n  - id: ml\n    ai: deny\n    locked: true\n    match: {paths: ['ml/**']}\n",
                  central_text=CENTRAL)
    assert [(p.code, p.where.line) for p in result.problems] == [(codes.CONFIG_WARNING, 6)]
    ml = result.config.zone("ml")  # type: ignore[union-attr]
    assert ml is not None and not ml.locked and ml.origin == ".pavedroad.yaml"
    assert ml.ai == Level.DENY
    assert [z.id for z in result.config.zones] == ["auth", "secrets", "ml"]  # type: ignore[union-attr]


def test_broken_repo_file_keeps_central_rules_in_fallback(repo: Repo, tmp_path: Path) -> None:
    broken = HEAD + "zones:\n  - id: auth\n    ai: allow\n  - id: x\n    ai: [\n"
    result = repo(broken, central_text=CENTRAL, central=[])
    assert result.config is None
    # the file's extends list cannot be read: only the central arguments remain (none here)
    assert result.fallback is not None and result.fallback.layers == ()
    result = repo(broken, central=[str(tmp_path / "central.yaml")])
    fallback = result.fallback
    assert fallback is not None
    assert fallback.layers == ("central.yaml",)
    assert fallback.zone("auth").ai == Level.REVIEW  # type: ignore[union-attr]
    assert result.usable is fallback


def test_schema_error_in_repo_keeps_its_extends_in_fallback(repo: Repo) -> None:
    result = repo(HEAD + "zones:\n  - id: auth\n    ai: allow\n    colour: red\n", central_text=CENTRAL)
    assert result.config is None
    assert [p.code for p in result.problems] == [codes.CONFIG_LOCKED, codes.CONFIG_SCHEMA]
    assert result.fallback is not None and result.fallback.layers == ("central.yaml",)
    assert result.fallback.zone("auth").ai == Level.REVIEW  # type: ignore[union-attr]


def test_unreadable_extends_list_falls_back_to_central_arguments(
    repo: Repo, tmp_path: Path
) -> None:
    (tmp_path / "arg.yaml").write_text(CENTRAL)
    result = repo("version: 1\nextends: [central.yaml\n", central_text=CENTRAL,
                  central=[str(tmp_path / "arg.yaml")])
    assert result.config is None
    assert result.fallback is not None and result.fallback.layers == ("arg.yaml",)


def test_central_arguments_apply_first_with_their_own_lock(tmp_path: Path) -> None:
    (tmp_path / "c1.yaml").write_text(CENTRAL)
    (tmp_path / "c2.yaml").write_text("version: 1\nzones:\n  - id: docs\n    ai: warn\n")
    (tmp_path / ".pavedroad.yaml").write_text(
        "version: 1\nzones:\n  - id: auth\n    ai: allow\n  - id: docs\n    ai: allow\n"
    )
    result = load_config(tmp_path, central=[str(tmp_path / "c1.yaml"), str(tmp_path / "c2.yaml")],
                         cache_dir=tmp_path / "cache")
    assert [(line, column) for line, column, _ in refusals(result)] == [(4, 5)]
    assert result.config is not None
    assert result.config.layers == ("c1.yaml", "c2.yaml", ".pavedroad.yaml")
    assert result.config.zone("auth").ai == Level.REVIEW  # type: ignore[union-attr]
    assert result.config.zone("docs").ai == Level.ALLOW  # type: ignore[union-attr]
    assert result.config.config_file == str(tmp_path / ".pavedroad.yaml")
    assert set(result.files) == {str(tmp_path / "c1.yaml"), str(tmp_path / "c2.yaml"),
                                 str(tmp_path / ".pavedroad.yaml")}


def test_bad_central_argument_is_reported(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.yaml")
    result = load_config(tmp_path, central=["https://x.example/z.yaml", missing, "rel.yaml"],
                         cache_dir=tmp_path / "cache")
    assert [(p.code, p.where.file) for p in result.problems] == [
        ("PR004", "https://x.example/z.yaml"), ("PR004", missing), ("PR004", "rel.yaml")
    ]
    # the message names the file as given, absolute (not relative to the repo)
    assert result.problems[1].message == f"no such file: {missing}"
    assert "must be absolute" in result.problems[2].message
    assert result.config is None and result.fallback is not None


def test_repo_text_overrides_the_file(tmp_path: Path) -> None:
    (tmp_path / ".pavedroad.yaml").write_text("version: 1\nzones: 3\n")
    result = load_config(tmp_path, repo_text="version: 1\nzones:\n  - id: a\n    ai: warn\n",
                         cache_dir=tmp_path / "cache")
    assert result.problems == ()
    assert result.config is not None and result.config.zone("a") is not None
    # an unsaved buffer for a file that does not exist yet also works
    other = tmp_path / "sub"
    other.mkdir()
    result = load_config(other, repo_text="version: 1\nzones:\n  - id: b\n")
    assert result.config is not None and result.config.config_file == str(other / ".pavedroad.yaml")


def test_digest_is_stable_across_key_order_and_whitespace() -> None:
    one = load_zone_map_text(
        "version: 1\nzones:\n  - id: a\n    ai: warn\n    match: {paths: [x/**]}\n"
        "  - id: b\n    context: deny\n", "a.yaml")
    two = load_zone_map_text(
        "# comment\nzones:\n- context: deny\n  id: b\n- match:\n    paths:\n    - x/**\n"
        "  ai: warn\n  id: a\nversion: 1\n", "b.yaml")
    three = load_zone_map_text(
        "version: 1\nzones:\n  - id: a\n    ai: review\n    match: {paths: [x/**]}\n"
        "  - id: b\n    context: deny\n", "a.yaml")
    assert one.config is not None and two.config is not None and three.config is not None
    assert len(one.config.digest) == 64
    assert one.config.digest == two.config.digest
    assert one.config.digest != three.config.digest


# --- a locked central map locks what it extends (found attacking the example deployment: a map of
# `locked: true` + `extends: [preset:auth]` left the preset's zones open to the repository) ---

LOWER_AUTH = "version: 1\nzones:\n  - id: auth\n    ai: allow\n"


def test_a_locked_central_map_locks_the_presets_it_extends(repo: Repo) -> None:
    result = repo(LOWER_AUTH, central_text="version: 1\nlocked: true\nextends: [preset:auth]\n")
    found = refusals(result)
    assert [(line, column) for line, column, _ in found] == [(4, 5)]
    assert "locked by central.yaml (through preset:auth)" in found[0][2]
    assert result.config is not None
    assert result.config.zone("auth").ai == Level.REVIEW
    assert result.config.zone("auth").locked


def test_lock_reaches_through_nested_central_files(repo: Repo, write: Callable[..., Path]) -> None:
    write("security/base.yaml", "version: 1\nextends: [preset:auth]\n")
    result = repo(LOWER_AUTH, central_text="version: 1\nlocked: true\nextends: [security/base.yaml]\n")
    assert len(refusals(result)) == 1
    assert result.config is not None and result.config.zone("auth").ai == Level.REVIEW


def test_a_preset_first_applied_unlocked_is_locked_by_a_later_locked_map(
        repo: Repo, write: Callable[..., Path]) -> None:
    open_map = write("open.yaml", "version: 1\nextends: [preset:auth]\nzones:\n"
                                  "  - id: auth\n    ai: deny\n")
    locked_map = write("locked.yaml", "version: 1\nlocked: true\nextends: [preset:auth]\n")
    result = repo(LOWER_AUTH, central=[str(open_map), str(locked_map)])
    assert len(refusals(result)) == 1
    assert result.config is not None
    # locking again does not re-apply the preset's values over what came in between
    assert result.config.zone("auth").ai == Level.DENY


def test_an_unlocked_central_map_leaves_its_presets_open(repo: Repo) -> None:
    result = repo(LOWER_AUTH, central_text="version: 1\nextends: [preset:auth]\n")
    assert refusals(result) == []
    assert result.config is not None and result.config.zone("auth").ai == Level.ALLOW


def test_a_repo_extending_a_preset_does_not_lock_it(repo: Repo) -> None:
    result = repo("version: 1\nlocked: true\nextends: [preset:auth]\nzones:\n"
                  "  - id: auth\n    ai: allow\n")
    assert refusals(result) == []
    assert result.config is not None and not result.config.zone("auth").locked
