"""`plan` + `apply` + `check` on real configs in temp git repos: the files each tool reads."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pathspec
import pytest

from pavedroad.config.model import EffectiveConfig
from pavedroad.sync import apply, blocks, check, jsonc, plan
from pavedroad.sync.hookspec import EVENTS, is_our_handler
from pavedroad.sync.planner import IGNORE_FILES

from .conftest import FIXTURES, SCHEMAS

Repo = Callable[..., tuple[Path, EffectiveConfig]]


def snapshot(root: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in filenames:
            p = Path(dirpath) / name
            out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


def validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def read_json(root: Path, rel: str) -> Any:
    return jsonc.loads((root / rel).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------
# generation


def test_generated_files_validate_against_the_vendored_schemas(make_repo: Repo) -> None:
    root, config = make_repo()
    result = apply(plan(root, config))
    assert not result.errors
    claude = read_json(root, ".claude/settings.json")
    validator("claude-code-settings.schema.json").validate(claude)
    validator("codex-hooks.schema.json").validate(read_json(root, ".codex/hooks.json"))
    validator("gemini-cli-settings.schema.json").validate(read_json(root, ".gemini/settings.json"))
    # and the schemas do reject what they should (the check could fail)
    bad = json.loads(json.dumps(claude))
    bad["hooks"]["PreToolUse"][0]["hooks"][0]["failClosed"] = True
    assert not validator("claude-code-settings.schema.json").is_valid(bad)


def test_claude_rules_cover_sensitive_and_deny_zones(make_repo: Repo) -> None:
    root, config = make_repo()
    apply(plan(root, config))
    deny = read_json(root, ".claude/settings.json")["permissions"]["deny"]
    assert "Read(/**/.env*)" in deny and "Read(/**/credentials.json)" in deny
    assert "Read(/secrets/**)" in deny and "Read(/config/keys/**)" in deny
    assert "Edit(/secrets/**)" in deny and "Edit(/**/*.pem)" in deny
    # review/warn zones are not denied; content-only zones have no path to deny
    assert not any("src/auth" in r or "billing" in r for r in deny)


def test_hook_entries_for_every_tool_and_event(make_repo: Repo) -> None:
    root, config = make_repo()
    apply(plan(root, config, hook_command="/opt/pr/bin/pavedroad hook"))
    files = {
        "claude": (".claude/settings.json", True),
        "cursor": (".cursor/hooks.json", False),
        "copilot": (".github/hooks/pavedroad.json", False),
        "gemini": (".gemini/settings.json", True),
        "codex": (".codex/hooks.json", True),
        "windsurf": (".windsurf/hooks.json", False),
    }
    for tool, (rel, grouped) in files.items():
        hooks = read_json(root, rel)["hooks"]
        assert set(hooks) == set(EVENTS[tool]), tool
        for event, entries in hooks.items():
            handlers = [h for g in entries for h in g["hooks"]] if grouped else entries
            assert len(handlers) == 1
            cmd = handlers[0].get("command") or handlers[0].get("bash")
            assert cmd == f"/opt/pr/bin/pavedroad hook {tool} {event}"
    cursor = read_json(root, ".cursor/hooks.json")
    assert cursor["version"] == 1
    fail_closed = {e for e, hs in cursor["hooks"].items() if hs[0].get("failClosed")}
    assert fail_closed == {"beforeReadFile", "beforeTabFileRead", "preToolUse"}
    assert cursor["hooks"]["preToolUse"][0]["matcher"] == "Write"
    gemini = read_json(root, ".gemini/settings.json")["hooks"]
    assert gemini["BeforeTool"][0]["hooks"][0]["timeout"] == 10_000  # milliseconds
    assert read_json(root, ".codex/hooks.json")["hooks"]["PreToolUse"][0]["matcher"] == "^(Bash|apply_patch)$"


def test_ignore_files_list_deny_paths_and_match_case_insensitively(make_repo: Repo) -> None:
    root, config = make_repo()
    apply(plan(root, config))
    for rel, _tools, _purpose in IGNORE_FILES:
        text = (root / rel).read_text(encoding="utf-8")
        spec = pathspec.GitIgnoreSpec.from_lines(text.splitlines())
        for path in ("secrets/a.txt", "SECRETS/a.txt", "config/keys/k", "x/.env.local", "x/.ENV",
                     "a/credentials.json", "certs/server.PEM"):
            assert spec.match_file(path), (rel, path)
        for path in ("src/auth/login.py", "app/billing/x.py", "README.md"):
            assert not spec.match_file(path), (rel, path)
        assert not any(ln.startswith("!") for ln in text.splitlines())
    warn = (root / ".cursorindexingignore").read_text(encoding="utf-8")
    assert "src/auth/**" in warn and "secrets/**" not in warn


def test_codeowners_routes_zone_paths_strictest_last(make_repo: Repo) -> None:
    root, config = make_repo()
    apply(plan(root, config))
    text = (root / ".github/CODEOWNERS").read_text(encoding="utf-8")
    rules = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    assert rules == [
        "/src/auth/** @acme/appsec",
        "/secrets/** @acme/security security@acme.example",
        "/config/keys/ @acme/security security@acme.example",
        "**/*.pem @acme/security security@acme.example",
    ]
    assert "Billing Team" not in text and "[" not in "\n".join(rules)


def test_copilot_content_exclusion_is_printed_in_both_forms(make_repo: Repo) -> None:
    root, config = make_repo()
    p = plan(root, config, repo_ref="git@github.com:acme/app.git")
    repo, org = p.printed["copilot-content-exclusion-repo"], p.printed["copilot-content-exclusion-org"]
    assert '- "/secrets/**"' in repo and '- "**/.env*"' in repo and '- "credentials.json"' in repo
    assert '"git@github.com:acme/app.git":\n' in org and '  - "/secrets/**"' in org
    import yaml

    assert "/secrets/**" in yaml.safe_load(repo)
    assert "/secrets/**" in yaml.safe_load(org)["git@github.com:acme/app.git"]


# --------------------------------------------------------------------------------------------
# idempotence and drift


def test_sync_twice_changes_nothing(example_repo: tuple[Path, EffectiveConfig, str]) -> None:
    root, config, _central = example_repo
    first = apply(plan(root, config))
    assert first.written and not first.errors
    before = snapshot(root)
    second = apply(plan(root, config))
    assert second.written == [] and second.removed == []
    assert snapshot(root) == before
    assert check(plan(root, config)) == []


def test_check_reports_missing_then_nothing(make_repo: Repo) -> None:
    root, config = make_repo()
    p = plan(root, config)
    drift = check(p)
    assert {d.kind for d in drift} == {"missing"}
    assert {d.path for d in drift} == {t.path for t in p.targets}
    apply(p)
    assert check(p) == []


def test_hand_edited_block_is_reported_and_repaired(make_repo: Repo) -> None:
    root, config = make_repo()
    p = plan(root, config)
    apply(p)
    path = root / ".cursorignore"
    path.write_text(path.read_text(encoding="utf-8").replace("secrets/**\n", ""), encoding="utf-8")
    drift = check(p)
    assert [(d.path, d.kind) for d in drift] == [(".cursorignore", "edited")]
    assert "hand" in drift[0].message
    apply(p)
    assert check(p) == []


def test_config_change_makes_files_stale(make_repo: Repo) -> None:
    root, config = make_repo()
    apply(plan(root, config))
    yaml_text = (root / ".pavedroad.yaml").read_text(encoding="utf-8")
    (root / ".pavedroad.yaml").write_text(yaml_text.replace('"credentials.json"', '"tokens/**"'),
                                          encoding="utf-8")
    from .conftest import load

    p2 = plan(root, load(root))
    kinds = {d.path: d.kind for d in check(p2)}
    assert kinds[".cursorignore"] == "stale" and kinds[".aiexclude"] == "stale"
    assert ".claude/settings.json" in kinds  # a new Read() rule is missing
    assert ".cursor/hooks.json" not in kinds  # hooks do not depend on the config
    assert ".codex/hooks.json" not in kinds  # (Codex would ask the user to trust a changed entry)


def test_hook_command_change_replaces_our_entries_without_duplicates(make_repo: Repo) -> None:
    root, config = make_repo()
    apply(plan(root, config))
    apply(plan(root, config, hook_command="python -m pavedroad hook"))
    claude = read_json(root, ".claude/settings.json")["hooks"]
    cmds = [h["command"] for gs in claude.values() for g in gs for h in g["hooks"]]
    assert sorted(cmds) == sorted(f"python -m pavedroad hook claude {e}" for e in EVENTS["claude"])
    cursor = read_json(root, ".cursor/hooks.json")["hooks"]
    assert all(len(v) == 1 for v in cursor.values())


def test_the_hook_command_in_use_is_kept(make_repo: Repo) -> None:
    """A sync without an explicit hook command (the editor's, say) keeps the one the files use."""
    root, config = make_repo()
    apply(plan(root, config, hook_command="uvx --from pavedroad==0.1 pavedroad hook"))
    assert check(plan(root, config)) == []
    assert plan(root, config).hook_command == "uvx --from pavedroad==0.1 pavedroad hook"
    assert apply(plan(root, config)).written == []
    fresh, config2 = make_repo()
    assert plan(fresh, config2).hook_command == "pavedroad hook"


# --------------------------------------------------------------------------------------------
# merging into files a team already has


def test_merge_into_posthog_claude_settings_keeps_their_hooks(make_repo: Repo) -> None:
    root, config = make_repo()
    (root / ".claude").mkdir()
    original = (FIXTURES / "posthog.claude-settings.json").read_text(encoding="utf-8")
    (root / ".claude/settings.json").write_text(original, encoding="utf-8")
    before = json.loads(original)
    apply(plan(root, config))
    text = (root / ".claude/settings.json").read_text(encoding="utf-8")
    after = json.loads(text)
    # their SessionStart and both PostToolUse groups are still there, first and unchanged
    assert after["hooks"]["SessionStart"] == before["hooks"]["SessionStart"]
    assert after["hooks"]["PostToolUse"][:2] == before["hooks"]["PostToolUse"]
    assert is_our_handler(after["hooks"]["PostToolUse"][2]["hooks"][0])
    assert list(after["hooks"])[:2] == ["SessionStart", "PostToolUse"]
    assert list(after) == ["hooks", "permissions"]  # new key appended, theirs first
    assert text.startswith('{\n    "hooks": {\n        "SessionStart"')  # their 4-space layout
    validator("claude-code-settings.schema.json").validate(after)
    again = apply(plan(root, config))
    assert ".claude/settings.json" in again.unchanged


def test_merge_keeps_a_teams_permissions_and_order(make_repo: Repo) -> None:
    root, config = make_repo()
    (root / ".claude").mkdir()
    team: dict[str, Any] = {
        "$schema": "https://json.schemastore.org/claude-code-settings.json",
        "permissions": {
            "allow": ["Bash(npm run lint)", "Bash(npm run test *)"],
            "deny": ["Bash(curl *)", "Read(./.env)", "Read(/secrets/**)"],
            "ask": ["Bash(git push *)"],
            "defaultMode": "acceptEdits",
        },
        "env": {"NODE_ENV": "development"},
        "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "./guard.sh"}]}]},
    }
    (root / ".claude/settings.json").write_text(json.dumps(team, indent=2) + "\n", encoding="utf-8")
    apply(plan(root, config))
    after = read_json(root, ".claude/settings.json")
    assert list(after) == list(team)
    deny = after["permissions"]["deny"]
    assert deny[:3] == team["permissions"]["deny"]
    assert deny.count("Read(/secrets/**)") == 1  # already there: not added twice
    assert after["permissions"]["allow"] == team["permissions"]["allow"]
    assert after["permissions"]["ask"] == team["permissions"]["ask"]
    assert after["env"] == team["env"]
    assert after["hooks"]["PreToolUse"][0] == team["hooks"]["PreToolUse"][0]
    assert is_our_handler(after["hooks"]["PreToolUse"][1]["hooks"][0])


def test_our_handler_added_to_a_team_group_is_moved_out(make_repo: Repo) -> None:
    root, config = make_repo()
    (root / ".claude").mkdir()
    team = {"hooks": {"PreToolUse": [{"matcher": "Read", "hooks": [
        {"type": "command", "command": "./guard.sh"},
        {"type": "command", "command": "pavedroad hook claude PreToolUse"},
    ]}]}}
    (root / ".claude/settings.json").write_text(json.dumps(team), encoding="utf-8")
    apply(plan(root, config))
    groups = read_json(root, ".claude/settings.json")["hooks"]["PreToolUse"]
    assert groups[0] == {"matcher": "Read", "hooks": [{"type": "command", "command": "./guard.sh"}]}
    assert len(groups) == 2 and is_our_handler(groups[1]["hooks"][0])


def test_merge_into_cpython_codeowners(make_repo: Repo) -> None:
    root, config = make_repo()
    (root / ".github").mkdir()
    original = (FIXTURES / "cpython.CODEOWNERS").read_text(encoding="utf-8")
    (root / ".github/CODEOWNERS").write_text(original, encoding="utf-8")
    apply(plan(root, config))
    text = (root / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert text.startswith(original)  # every line of theirs, in place
    assert text.rstrip().splitlines()[-1].startswith(blocks.END)  # ours last: zone owners win
    assert check(plan(root, config)) == []
    # a team line added after our block makes it stale; sync moves the block back to the end
    (root / ".github/CODEOWNERS").write_text(text + "/Lib/ @python/core\n", encoding="utf-8")
    assert [d.kind for d in check(plan(root, config))] == ["stale"]
    apply(plan(root, config))
    final = (root / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert "/Lib/ @python/core" in final and final.index("/Lib/ @python/core") < final.index(blocks.BEGIN)


def test_existing_codeowners_location_is_used(make_repo: Repo) -> None:
    root, config = make_repo()
    (root / "docs").mkdir()
    (root / "docs/CODEOWNERS").write_text("* @acme/everyone\n", encoding="utf-8")
    p = plan(root, config)
    assert any(t.path == "docs/CODEOWNERS" for t in p.targets)
    assert not any(t.path == ".github/CODEOWNERS" for t in p.targets)


def test_zed_settings_with_comments_keep_everything_else(make_repo: Repo) -> None:
    root, config = make_repo()
    (root / ".zed").mkdir()
    team = (
        "// Folder-specific settings\n"
        "//\n"
        "// For a full list of overridable settings, see the Zed documentation.\n"
        "{\n"
        '  "tab_size": 2,\n'
        '  // keep the env files out of the agent\n'
        '  "private_files": ["**/.env.production", "**/.env*"],\n'
        '  "format_on_save": "on",\n'
        "}\n"
    )
    (root / ".zed/settings.json").write_text(team, encoding="utf-8")
    apply(plan(root, config))
    text = (root / ".zed/settings.json").read_text(encoding="utf-8")
    assert text.startswith("// Folder-specific settings\n//\n")
    assert '"tab_size": 2,' in text and '"format_on_save": "on",' in text
    assert "// keep the env files out of the agent" in text
    doc = jsonc.loads(text)
    assert doc["private_files"][:2] == ["**/.env.production", "**/.env*"]
    assert "secrets/**" in doc["private_files"] and "[sS][eE][cC][rR][eE][tT][sS]/**" in doc["private_files"]
    assert doc["private_files"].count("**/.env*") == 1
    assert all(d.path != ".zed/settings.json" for d in check(plan(root, config)))
    assert ".zed/settings.json" in apply(plan(root, config)).unchanged


def test_gemini_settings_keep_other_keys(make_repo: Repo) -> None:
    root, config = make_repo()
    (root / ".gemini").mkdir()
    team: dict[str, Any] = {"context": {"fileFiltering": {"respectGeminiIgnore": True}},
            "hooks": {"BeforeTool": [{"matcher": "write_file", "hooks": [
                {"name": "fmt", "type": "command", "command": "./fmt.sh", "timeout": 5000}]}]}}
    (root / ".gemini/settings.json").write_text(json.dumps(team, indent=2), encoding="utf-8")
    apply(plan(root, config))
    after = read_json(root, ".gemini/settings.json")
    assert after["context"] == team["context"]
    assert after["hooks"]["BeforeTool"][0] == team["hooks"]["BeforeTool"][0]
    validator("gemini-cli-settings.schema.json").validate(after)


def test_ignore_file_with_team_lines_and_negation(make_repo: Repo) -> None:
    root, config = make_repo()
    team = "node_modules/\n# ours\n!secrets/README.md\n"
    (root / ".cursorignore").write_text(team, encoding="utf-8")
    apply(plan(root, config))
    text = (root / ".cursorignore").read_text(encoding="utf-8")
    assert text.startswith(team)  # block appended after their negation, so it wins
    spec = pathspec.GitIgnoreSpec.from_lines(text.splitlines())
    assert spec.match_file("secrets/README.md")


# --------------------------------------------------------------------------------------------
# .aiexclude must never be empty


NO_DENY = """\
version: 1
zones:
  - id: docs
    ai: allow
    context: allow
    match: {paths: ["docs/**"]}
"""


def test_no_aiexclude_without_patterns(make_repo: Repo) -> None:
    root, config = make_repo(NO_DENY)
    assert not config.sensitive
    result = apply(plan(root, config))
    assert not (root / ".aiexclude").exists() and not (root / ".cursorignore").exists()
    assert ".claude/settings.json" in result.written  # hooks still go everywhere
    assert check(plan(root, config)) == []


def test_removing_the_last_pattern_removes_the_file_not_empties_it(make_repo: Repo) -> None:
    root, config = make_repo()
    apply(plan(root, config))
    assert (root / ".aiexclude").exists()
    (root / ".pavedroad.yaml").write_text(NO_DENY, encoding="utf-8")
    from .conftest import load

    result = apply(plan(root, load(root)))
    assert ".aiexclude" in result.removed and not (root / ".aiexclude").exists()


def test_an_exclude_everything_aiexclude_is_left_alone(make_repo: Repo) -> None:
    """An existing .aiexclude without patterns excludes everything: adding ours would narrow it."""
    root, config = make_repo()
    (root / ".aiexclude").write_text("# this repository is off limits to Gemini\n", encoding="utf-8")
    apply(plan(root, config))
    assert (root / ".aiexclude").read_text(encoding="utf-8") == "# this repository is off limits to Gemini\n"
    assert all(d.path != ".aiexclude" for d in check(plan(root, config)))


# --------------------------------------------------------------------------------------------
# what sync refuses to touch


def test_symlinked_targets_are_not_followed(make_repo: Repo, tmp_path: Path) -> None:
    root, config = make_repo()
    outside = tmp_path / "bashrc"
    outside.write_text("export PATH=/usr/bin\n", encoding="utf-8")
    (root / ".cursorignore").symlink_to(outside)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / ".claude").symlink_to(elsewhere, target_is_directory=True)
    result = apply(plan(root, config))
    errors = dict(result.errors)
    assert "symlink" in errors[".cursorignore"] and "symlink" in errors[".claude/settings.json"]
    assert outside.read_text(encoding="utf-8") == "export PATH=/usr/bin\n"
    assert list(elsewhere.iterdir()) == []
    assert ".aiexclude" in result.written  # the rest is still written
    kinds = {d.path: d.kind for d in check(plan(root, config))}
    assert kinds[".cursorignore"] == "error"


def test_invalid_json_is_reported_and_left_untouched(make_repo: Repo) -> None:
    root, config = make_repo()
    (root / ".cursor").mkdir()
    broken = '{"version": 1, "hooks": {'
    (root / ".cursor/hooks.json").write_text(broken, encoding="utf-8")
    (root / ".codex").mkdir()
    (root / ".codex/hooks.json").write_text("[1, 2]", encoding="utf-8")
    result = apply(plan(root, config))
    errors = dict(result.errors)
    assert "line 1" in errors[".cursor/hooks.json"]
    assert "not a JSON object" in errors[".codex/hooks.json"]
    assert (root / ".cursor/hooks.json").read_text(encoding="utf-8") == broken
    assert {d.path: d.kind for d in check(plan(root, config))}[".cursor/hooks.json"] == "error"


def test_undecodable_and_oversized_files_are_not_merged(make_repo: Repo) -> None:
    root, config = make_repo()
    (root / ".geminiignore").write_bytes(b"\xff\xfe\x00junk")
    (root / ".rooignore").write_bytes(b"#" * (3 * 1024 * 1024 + 1))
    result = apply(plan(root, config))
    errors = dict(result.errors)
    assert "UTF-8" in errors[".geminiignore"] and "MB" in errors[".rooignore"]
    assert (root / ".geminiignore").read_bytes() == b"\xff\xfe\x00junk"


def test_file_mode_is_kept(make_repo: Repo) -> None:
    root, config = make_repo()
    (root / ".aiderignore").write_text("build/\n", encoding="utf-8")
    os.chmod(root / ".aiderignore", 0o600)
    apply(plan(root, config))
    assert (root / ".aiderignore").stat().st_mode & 0o777 == 0o600


def test_only_limits_the_plan(make_repo: Repo) -> None:
    root, config = make_repo()
    p = plan(root, config, tools=["claude", "codeowners"])
    assert {t.path for t in p.targets} == {".claude/settings.json", ".github/CODEOWNERS"}
    assert p.printed == {}


def test_bad_hook_command_is_refused(make_repo: Repo) -> None:
    root, config = make_repo()
    for bad in ("", "pavedroad\nhook", "pavedroad 'hook"):
        with pytest.raises(ValueError):
            plan(root, config, hook_command=bad)


def test_crlf_json_stays_crlf(make_repo: Repo) -> None:
    root, config = make_repo()
    (root / ".windsurf").mkdir()
    team = '{\r\n  "hooks": {\r\n    "post_cascade_response": [\r\n      {"command": "./log.sh"}\r\n    ]\r\n  }\r\n}\r\n'
    (root / ".windsurf/hooks.json").write_text(team, encoding="utf-8", newline="")
    apply(plan(root, config))
    raw = (root / ".windsurf/hooks.json").read_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b"")
    doc = read_json(root, ".windsurf/hooks.json")
    assert doc["hooks"]["post_cascade_response"] == [{"command": "./log.sh"}]
