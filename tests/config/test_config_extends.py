"""`extends`: presets, relative paths, recursion, cycles, depth, and find_root."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pavedroad import codes
from pavedroad.config import ConfigProblem, find_root, load_config, load_zone_map_text
from pavedroad.config import presets as presets_module
from pavedroad.config.loader import MAX_EXTENDS_DEPTH

Write = Callable[..., Path]


def only(problems: tuple[ConfigProblem, ...], code: str) -> ConfigProblem:
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, f"expected one {code}, got {[str(p) for p in problems]}"
    return found[0]


def load(root: Path, **kwargs: object) -> object:
    return load_config(root, cache_dir=root / "_cache", **kwargs)  # type: ignore[arg-type]


def test_presets_and_nested_extends(fake_presets: Path, write: Write, tmp_path: Path) -> None:
    write(".pavedroad.yaml", """
        version: 1
        extends:
          - preset:beta
          - {preset: alpha}
        zones:
          - id: alpha
            ai: deny
        """)
    result = load_config(tmp_path)
    assert result.problems == ()
    assert result.config is not None
    # beta extends alpha: alpha first, once, although the repo names it again
    assert result.config.layers == ("preset:alpha", "preset:beta", ".pavedroad.yaml")
    alpha = result.config.zone("alpha")
    assert alpha is not None and alpha.origin == "preset:alpha" and alpha.ai.name == "DENY"
    assert alpha.defined_at is not None
    assert alpha.defined_at.file == str(fake_presets / "alpha.yaml")


def test_preset_lookup(fake_presets: Path) -> None:
    assert presets_module.preset_names() == ["alpha", "beta"]
    assert presets_module.preset_path("alpha") == fake_presets / "alpha.yaml"
    with pytest.raises(KeyError):
        presets_module.preset_path("../alpha")
    with pytest.raises(KeyError):
        presets_module.preset_path("gamma")


def test_unknown_preset_did_you_mean(fake_presets: Path, write: Write, tmp_path: Path) -> None:
    write(".pavedroad.yaml", "version: 1\nextends: [preset:alpah]\n")
    result = load_config(tmp_path)
    problem = only(result.problems, codes.CONFIG_EXTENDS)
    assert (problem.where.line, problem.where.column) == (2, 11)
    assert "did you mean 'alpha'" in problem.message and "available: alpha, beta" in problem.message


def test_relative_paths_resolve_against_the_containing_file(write: Write, tmp_path: Path) -> None:
    write("repo/org/central.yaml", "version: 1\nextends: [shared/base.yaml]\nzones:\n  - id: b\n")
    write("repo/org/shared/base.yaml", "version: 1\nzones:\n  - id: a\n")
    write("repo/sub/.pavedroad.yaml", "version: 1\nextends:\n  - path: ../org/central.yaml\n")
    (tmp_path / "repo" / ".git").mkdir()  # the repository's top: `sub` is a nested config
    result = load(tmp_path / "repo" / "sub", nested=False)
    assert result.problems == ()  # type: ignore[attr-defined]
    config = result.config  # type: ignore[attr-defined]
    assert config.layers == ("../org/shared/base.yaml", "../org/central.yaml", ".pavedroad.yaml")
    assert [z.id for z in config.zones] == ["a", "b"]


@pytest.mark.parametrize("target", ["../outside.yaml", "/etc/passwd", "~/.bashrc", "link.yaml",
                                    "/dev/stdin"])
def test_repo_extends_cannot_leave_the_repository(write: Write, tmp_path: Path,
                                                   target: str) -> None:
    """Regression (issue 8): `extends: path:` outside the repo (`/etc/shadow`, `~`) was parsed and
    its lines echoed into diagnostics and CI output. Now it is refused without being read."""
    write("outside.yaml", "version: 1\nzones:\n  - id: leaked-secret-content\n")
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    write("repo/.pavedroad.yaml", f"version: 1\nextends:\n  - path: {target}\n")
    result = load(tmp_path / "repo")
    problem = only(result.problems, codes.CONFIG_EXTENDS)  # type: ignore[attr-defined]
    assert (problem.where.line, problem.where.column) == (3, 5)
    assert "repository" in problem.message and "Not read" in problem.message
    assert "leaked" not in str(result.problems)  # type: ignore[attr-defined]
    assert result.files == (str(tmp_path / "repo" / ".pavedroad.yaml"),)  # type: ignore[attr-defined]


@pytest.mark.parametrize("device", ["/dev/stdin", "/dev/zero", "/dev/null"])
def test_config_symlinked_to_a_device_is_refused_unread(tmp_path: Path, device: str) -> None:
    """Regression (issue 8): `.pavedroad.yaml -> /dev/stdin` made the server read its own input
    stream, `-> /dev/zero` exhausted memory. Only regular files are read."""
    (tmp_path / ".pavedroad.yaml").symlink_to(device)
    result = load(tmp_path)
    assert result.config is None  # type: ignore[attr-defined]
    problem = result.problems[0]  # type: ignore[attr-defined]
    assert "outside the repository" in problem.message or "not a zone map" in problem.message


def test_errors_inside_an_extended_file_are_located_there(write: Write, tmp_path: Path) -> None:
    write("central.yaml", "version: 1\nzones:\n  - id: a\n    ai: nope\n")
    write(".pavedroad.yaml", "version: 1\nextends:\n  - central.yaml\n")
    result = load(tmp_path)
    inner, entry = result.problems  # type: ignore[attr-defined]
    assert (inner.code, inner.where.file, inner.where.line) == ("PR002", str(tmp_path / "central.yaml"), 4)
    assert (entry.code, entry.where.file, entry.where.line, entry.where.column) == (
        "PR004", str(tmp_path / ".pavedroad.yaml"), 3, 5)
    assert "central.yaml has errors and is not applied (first: central.yaml:4:9:" in entry.message
    assert result.config is None  # type: ignore[attr-defined]
    assert result.fallback.layers == (".pavedroad.yaml",)  # type: ignore[attr-defined]


def test_missing_file_deep_down_is_flagged_on_each_entry(write: Write, tmp_path: Path) -> None:
    write("central.yaml", "version: 1\nextends: [gone.yaml]\n")
    write(".pavedroad.yaml", "version: 1\nextends: [central.yaml]\n")
    result = load(tmp_path)
    deep, top = result.problems  # type: ignore[attr-defined]
    assert (deep.where.file, deep.where.line, deep.where.column) == (str(tmp_path / "central.yaml"), 2, 11)
    assert (top.where.file, top.where.line, top.where.column) == (str(tmp_path / ".pavedroad.yaml"), 2, 11)
    assert "could not be loaded completely" in top.message
    assert result.fallback.layers == ("central.yaml", ".pavedroad.yaml")  # type: ignore[attr-defined]


def test_extends_cycle(write: Write, tmp_path: Path) -> None:
    write("a.yaml", "version: 1\nextends: [b.yaml]\n")
    write("b.yaml", "version: 1\nextends:\n  - path: a.yaml\n")
    write(".pavedroad.yaml", "version: 1\nextends: [a.yaml]\n")
    result = load(tmp_path)
    cycle = [p for p in result.problems if "cycle" in p.message]  # type: ignore[attr-defined]
    assert len(cycle) == 1
    assert (cycle[0].code, cycle[0].where.file, cycle[0].where.line, cycle[0].where.column) == (
        "PR004", str(tmp_path / "b.yaml"), 3, 5)
    assert "a.yaml -> b.yaml -> a.yaml" in cycle[0].message
    assert result.config is None  # type: ignore[attr-defined]


def test_self_extends_is_a_cycle(write: Write, tmp_path: Path) -> None:
    write(".pavedroad.yaml", "version: 1\nextends: [./.pavedroad.yaml]\n")
    result = load(tmp_path)
    problem = only(result.problems, codes.CONFIG_EXTENDS)  # type: ignore[attr-defined]
    assert "cycle" in problem.message and problem.where.line == 2


def test_extends_depth_limit(write: Write, tmp_path: Path) -> None:
    for i in range(MAX_EXTENDS_DEPTH + 3):
        write(f"l{i}.yaml", f"version: 1\nextends: [l{i + 1}.yaml]\n")
    write(f"l{MAX_EXTENDS_DEPTH + 3}.yaml", "version: 1\n")
    write(".pavedroad.yaml", "version: 1\nextends: [l0.yaml]\n")
    result = load(tmp_path)
    deepest = [p for p in result.problems if "deeper than" in p.message]  # type: ignore[attr-defined]
    assert len(deepest) == 1 and deepest[0].code == "PR004"
    assert result.config is None  # type: ignore[attr-defined]


def test_diamond_is_applied_once(write: Write, tmp_path: Path) -> None:
    write("base.yaml", "version: 1\nzones:\n  - id: a\n")
    write("left.yaml", "version: 1\nextends: [base.yaml]\n")
    write("right.yaml", "version: 1\nextends: [./base.yaml]\n")
    write(".pavedroad.yaml", "version: 1\nextends: [left.yaml, right.yaml]\n")
    result = load(tmp_path)
    assert result.problems == ()  # type: ignore[attr-defined]
    assert result.config.layers == (  # type: ignore[attr-defined]
        "base.yaml", "left.yaml", "right.yaml", ".pavedroad.yaml")


@pytest.mark.parametrize(
    ("entry", "fragment"),
    [
        ("'https://x.example/z.yaml'", "needs a pinned digest"),
        ("{url: 'https://x.example/z.yaml'}", "requires `sha256`"),
        ("{url: 'ftp://x.example/z.yaml', sha256: " + "a" * 64 + "}", "http or https"),
        ("{url: 'https://x.example/z.yaml', sha256: abc}", "64 hexadecimal"),
        ("{path: a.yaml, preset: auth}", "exactly one of"),
        ("{path: a.yaml, sha256: " + "a" * 64 + "}", "only applies to a `url`"),
        ("{paht: a.yaml}", "did you mean 'path'"),
        ("''", "must not be empty"),
    ],
)
def test_malformed_extends_entries(entry: str, fragment: str) -> None:
    result = load_zone_map_text(f"version: 1\nextends:\n  - {entry}\n", "c.yaml")
    assert result.config is None
    messages = [p.message for p in result.problems]
    assert any(fragment in m for m in messages), messages
    assert all(p.where.line == 3 for p in result.problems)


def test_extends_as_single_string(fake_presets: Path) -> None:
    result = load_zone_map_text("version: 1\nextends: preset:alpha\n", "x/.pavedroad.yaml",
                                follow_extends=True)
    assert result.problems == ()
    assert result.config is not None and result.config.layers == ("preset:alpha", ".pavedroad.yaml")


def test_find_root(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / "svc" / "src").mkdir(parents=True)
    (project / "svc" / ".pavedroad.yaml").write_text("version: 1\n")
    # in git, the root is always the top level: a nested config never re-roots its files
    assert find_root(project / "svc" / "src" / "main.py") == project
    assert find_root(project / "svc" / "src") == project
    (project / "lib").mkdir()
    assert find_root(project / "lib" / "x.py") == project  # git top level
    assert find_root(str(project / "lib" / "new-unsaved.py")) == project
    lonely = tmp_path / "lonely"
    lonely.mkdir()
    assert find_root(lonely / "a.py") in (lonely, *lonely.parents)
    # outside git: the outermost config wins, so a nested one cannot re-root either
    (lonely / "a" / "b").mkdir(parents=True)
    (lonely / ".pavedroad.yaml").write_text("version: 1\n")
    (lonely / "a" / "b" / ".pavedroad.yaml").write_text("version: 1\n")
    assert find_root(lonely / "a" / "b" / "c.py") == lonely
