"""`pavedroad sync` end to end on temp git repos, through the CLI module's own parser (and through
`pavedroad.cli.main` once the command is registered there)."""

from __future__ import annotations

import argparse
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from pavedroad.config.model import EffectiveConfig
from pavedroad.sync import cli as sync_cli

Repo = Callable[..., tuple[Path, EffectiveConfig]]


def run(argv: list[str]) -> int:
    """The registered `pavedroad` CLI when it has `sync`, else the module's parser and handler."""
    from pavedroad import cli

    registered = any(isinstance(a, argparse._SubParsersAction) and "sync" in a.choices
                     for a in cli.build_parser()._actions)
    if registered:
        return cli.main(["sync", *argv])
    parser = argparse.ArgumentParser(prog="pavedroad")
    sync_cli.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["sync", *argv])
    return int(args.handler(args))


def test_sync_then_check(make_repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    root, _ = make_repo()
    assert run([str(root), "--check"]) == 1
    out = capsys.readouterr().out
    assert "differ from the zone config" in out and ".cursorignore: missing" in out
    assert run([str(root)]) == 0
    out = capsys.readouterr().out
    assert "wrote .claude/settings.json" in out and 'Paths to exclude' in out
    assert run([str(root), "--check"]) == 0
    assert "are current" in capsys.readouterr().out
    assert run([str(root)]) == 0
    assert "already current" in capsys.readouterr().out


def test_check_fails_on_a_hand_edit_json(make_repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    root, _ = make_repo()
    assert run([str(root)]) == 0
    path = root / ".cursorignore"
    path.write_text(path.read_text(encoding="utf-8").replace("secrets/**\n", ""), encoding="utf-8")
    capsys.readouterr()
    assert run([str(root), "--check", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["drift"] == [{"path": ".cursorignore", "tools": ["cursor"], "kind": "edited",
                              "message": data["drift"][0]["message"]}]


def test_json_output_of_a_sync(make_repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    root, _ = make_repo()
    subprocess.run(["git", "-C", str(root), "remote", "add", "origin",
                    "https://ci-bot:s3cr3t-t0ken@github.com/acme/app.git"], check=True)
    assert run([str(root), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert ".cursorignore" in data["written"] and data["errors"] == []
    org = data["printed"]["copilot-content-exclusion-org"]
    assert '"https://github.com/acme/app.git":' in org
    assert "s3cr3t" not in json.dumps(data)  # credentials in the remote URL are never printed


def test_explain(make_repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    root, _ = make_repo()
    assert run([str(root), "--explain"]) == 0
    text = capsys.readouterr().out
    assert "== Claude Code" in text and "Review routing (CODEOWNERS)" in text
    assert not (root / ".cursorignore").exists()  # --explain writes nothing
    assert run([str(root), "--explain", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {t["tool"] for t in data["tools"]} >= {"claude", "cursor", "copilot", "gemini", "codex"}
    assert run([str(root), "--explain", "--check", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["drift"] and data["explain"]["tools"]


def test_managed(make_repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root, _ = make_repo()
    out = tmp_path / "mdm"
    assert run([str(root), "--managed", str(out)]) == 0
    assert (out / "README.txt").exists() and (out / "cursor/hooks.json").exists()
    assert not (root / ".cursorignore").exists()  # the repository is not touched
    assert "README.txt" in capsys.readouterr().out


def test_only(make_repo: Repo) -> None:
    root, _ = make_repo()
    assert run([str(root), "--only", "claude", "--only", "cursor"]) == 0
    assert (root / ".claude/settings.json").exists() and (root / ".cursorignore").exists()
    assert not (root / ".aiexclude").exists()
    assert run([str(root), "--only", "claude", "--check"]) == 0


def test_errors(make_repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root, _ = make_repo()
    assert run([str(tmp_path / "nope")]) == 2
    assert run([str(root), "--hook-command", "pavedroad 'hook"]) == 2
    assert "shell command line" in capsys.readouterr().err
    (root / ".cursor").mkdir()
    (root / ".cursor/hooks.json").write_text("{", encoding="utf-8")
    assert run([str(root)]) == 2
    err = capsys.readouterr().err
    assert ".cursor/hooks.json" in err and "left unchanged" in err
    assert (root / ".claude/settings.json").exists()  # the others were still written
    (root / ".pavedroad.yaml").write_text("version: 1\nzones: [\n", encoding="utf-8")
    before = (root / ".aiexclude").read_text(encoding="utf-8")
    assert run([str(root)]) == 2  # a broken config compiles into nothing (files keep the last good)
    assert (root / ".aiexclude").read_text(encoding="utf-8") == before


def test_central_map_flows_into_the_files(example_repo: tuple[Path, EffectiveConfig, str]) -> None:
    root, _config, central = example_repo
    assert run([str(root), "--central", central]) == 0
    codeowners = (root / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert "@acme/security-leads" in codeowners  # reviewers set by the central map
    assert run([str(root), "--central", central, "--check"]) == 0
    assert run([str(root), "--check"]) == 1  # without the central map the plan differs


def test_repo_ref_strips_credentials(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert sync_cli.repo_ref(tmp_path) is None
    subprocess.run(["git", "-C", str(tmp_path), "remote", "add", "origin",
                    "https://user:tok@git.example.com:8443/acme/app.git"], check=True)
    assert sync_cli.repo_ref(tmp_path) == "https://git.example.com:8443/acme/app.git"
