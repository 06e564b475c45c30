"""Property: whatever a repo config says, locked central zones never get weaker.

For arbitrary repo configs (new zones, refinements of locked ids, random levels, scopes, locked
flags, path lists, self-declared `locked: true` with its own approvers, raised caps and
thresholds, and sometimes invalid values) on top of fixed central maps given on the machine (which
the repo may also name in `extends`): for every file path, each locked central zone that matches
the path still matches it in the effective config (or in the fallback when the repo file is
broken), with `ai` and `context` at least the central levels, every central path rule is still
present, the approvers are exactly the central ones, and the caps never rise above the central
or default values.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pathspec
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pavedroad.config import EffectiveConfig, Level, load_config, load_zone_map_text

CENTRAL = {
    "version": 1,
    "locked": True,
    "zones": [
        {"id": "auth", "ai": "review", "context": "warn", "scope": "file",
         "match": {"paths": ["src/auth/**", "**/login*.py"]}},
        {"id": "secrets", "ai": "deny", "context": "deny", "match": {"paths": ["secrets/**"]}},
        {"id": "crypto", "ai": "warn", "context": "allow", "match": {"paths": ["src/crypto/*.py"]}},
    ],
    "sensitive": ["**/.env*"],
}
# a second central map that is not locked as a whole but locks one zone
CENTRAL_ZONE_LOCK = {
    "version": 1,
    "zones": [{"id": "payments", "locked": True, "ai": "review", "context": "deny",
               "match": {"paths": ["app/pay/**"]}}],
}

PATHS = [
    "src/auth/session.py", "src/auth/deep/x.go", "lib/login_form.py", "secrets/prod.key",
    "src/crypto/aes.py", "src/crypto/sub/aes.py", "app/pay/charge.ts", "docs/readme.md",
    "tests/test_auth.py", ".env", "web/login.py",
]
LEVELS = ["allow", "warn", "review", "deny"]
IDS = ["auth", "secrets", "crypto", "payments", "billing", "docs"]
GLOBS = ["src/**", "docs/**", "**/*.py", "app/**", "secrets/**", "tests/**", "*.md", "web/*"]


def locked_central_zones() -> list[dict[str, Any]]:
    return [*CENTRAL["zones"], *CENTRAL_ZONE_LOCK["zones"]]  # type: ignore[list-item]


level = st.sampled_from(LEVELS)
maybe_bad_level = st.one_of(level, level, level, st.sampled_from(["review", "nope", True, 3]))
zone = st.fixed_dictionaries(
    {"id": st.sampled_from(IDS)},
    optional={
        "ai": maybe_bad_level,
        "context": st.one_of(st.sampled_from(["allow", "warn", "deny"]), maybe_bad_level),
        "scope": st.sampled_from(["symbol", "file"]),
        "locked": st.booleans(),
        "title": st.sampled_from(["T", "Authentication"]),
        "reviewers": st.lists(st.sampled_from(["@a", "@b"]), max_size=2),
        "match": st.fixed_dictionaries(
            {}, optional={"paths": st.lists(st.sampled_from(GLOBS), max_size=3),
                          "imports": st.lists(st.sampled_from(["jwt", "os"]), max_size=2)}),
    },
)


def unique_by_id(zones: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for z in zones:
        seen.setdefault(z["id"], z)
    return list(seen.values())


repo_config = st.fixed_dictionaries(
    {"version": st.just(1), "zones": st.lists(zone, max_size=6)},
    optional={
        "locked": st.booleans(),
        "sensitive": st.lists(st.sampled_from(["**/*.pem", "x/**"]), max_size=2),
        "exception_max_days": st.integers(1, 40000),
        "exception_approvers": st.lists(st.sampled_from(["@me", "@sec/leads"]), max_size=2),
        "provenance": st.fixed_dictionaries(
            {}, optional={"min_lines": st.integers(1, 500), "min_chars": st.integers(0, 99999)}),
    },
)


@pytest.fixture(scope="module")
def workspace() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "central.yaml").write_text(yaml.safe_dump(CENTRAL))
        (root / "central2.yaml").write_text(yaml.safe_dump(CENTRAL_ZONE_LOCK))
        yield root


def matches(globs: tuple[str, ...] | list[str], path: str) -> bool:
    return pathspec.PathSpec.from_lines("gitignore", globs).match_file(path)


def strictest(config: EffectiveConfig, path: str, attr: str) -> Level:
    levels = [getattr(z, attr) for z in config.zones if matches(z.match.paths, path)]
    return max(levels, default=Level.ALLOW)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(config=repo_config, dedupe=st.booleans(), also_extends=st.booleans())
def test_locked_central_zones_never_weaken(
    workspace: Path, config: dict[str, Any], dedupe: bool, also_extends: bool
) -> None:
    if dedupe:
        config["zones"] = unique_by_id(config["zones"])
    central_args = [str(workspace / "central.yaml"), str(workspace / "central2.yaml")]
    if also_extends:  # the repo names the central maps too: applied once, still central
        config["extends"] = ["central.yaml", {"path": "central2.yaml"}]
    result = load_config(workspace, central=central_args, repo_text=yaml.safe_dump(config),
                         cache_dir=workspace / "cache")
    effective = result.config if result.config is not None else result.fallback
    assert effective is not None
    assert effective.exceptions.approvers == tuple(CENTRAL.get("exception_approvers", ()))
    assert effective.exceptions.max_days <= 90
    assert effective.provenance.min_lines <= 3 and effective.provenance.min_chars <= 120
    for central_zone in locked_central_zones():
        got = effective.zone(central_zone["id"])
        assert got is not None and got.locked
        assert Level.parse(central_zone["ai"]) <= got.ai
        assert Level.parse(central_zone["context"]) <= got.context
        assert set(central_zone["match"]["paths"]) <= set(got.match.paths)
        if central_zone.get("scope") == "file":
            assert got.scope == "file"
    for path in PATHS:
        for central_zone in locked_central_zones():
            if not matches(central_zone["match"]["paths"], path):
                continue
            got = effective.zone(central_zone["id"])
            assert got is not None and matches(got.match.paths, path)
            assert got.ai >= Level.parse(central_zone["ai"])
            assert got.context >= Level.parse(central_zone["context"])
            assert strictest(effective, path, "ai") >= Level.parse(central_zone["ai"])
    assert "**/.env*" in effective.sensitive


EXAMPLE_TEXT = (Path(__file__).resolve().parents[2] / "zones" / "examples" / "workspace"
                / ".pavedroad.yaml").read_text()

yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=8),
                         st.sampled_from(["deny", "review", "src/**", "(a+)+$", "preset:auth"]))
yaml_values = st.recursive(
    yaml_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(["id", "ai", "zones", "match", "paths", "extends",
                                         "symbols", "queries", "python", "locked", "x"]),
                        children, max_size=4),
    ),
    max_leaves=20,
)


def assert_located(result: Any) -> None:
    for problem in result.problems:
        assert problem.where.line >= 1 and problem.where.column >= 1
        assert problem.code.startswith("PR") and problem.message


@settings(max_examples=150, deadline=None)
@given(data=yaml_values)
def test_arbitrary_yaml_structures_never_crash(data: Any) -> None:
    result = load_zone_map_text(yaml.safe_dump(data), "fuzz.yaml")
    assert_located(result)
    assert (result.config is None) == any(
        p.severity == "error" and p.code != "PR005" for p in result.problems)


@settings(max_examples=150, deadline=None)
@given(cut=st.integers(0, len(EXAMPLE_TEXT)), junk=st.text(max_size=6))
def test_mangled_text_never_crashes(cut: int, junk: str) -> None:
    result = load_zone_map_text(EXAMPLE_TEXT[:cut] + junk + EXAMPLE_TEXT[cut:], "fuzz.yaml")
    assert_located(result)


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=64))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, ".pavedroad.yaml").write_bytes(data)
        result = load_config(tmp, cache_dir=Path(tmp) / "c")
        assert_located(result)
        assert result.usable is not None
