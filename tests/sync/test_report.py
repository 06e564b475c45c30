"""The residual-risk report, tool coverage for the editor, managed files and the native-file check."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema

from pavedroad.config.model import EffectiveConfig
from pavedroad.sync import apply, coverage, explain, native_entry_present, plan
from pavedroad.sync.managed import managed_files, write_managed
from pavedroad.sync.policy import SENSITIVE
from pavedroad.sync.tools import PROFILES, SURFACES

from .conftest import SCHEMAS

Repo = Callable[..., tuple[Path, EffectiveConfig]]


# --------------------------------------------------------------------------------------------
# explain


def test_every_zone_tool_and_surface_has_a_cell(example_repo: tuple[Path, EffectiveConfig, str]) -> None:
    root, config, _ = example_repo
    e = explain(config, plan(root, config))
    zone_ids = [SENSITIVE] + [z.id for z in config.zones]
    assert [z.id for z in e.zones] == zone_ids
    assert [t.profile.id for t in e.tools] == [p.id for p in PROFILES]
    for report in e.tools:
        cells = {(c.zone, c.surface) for c in report.cells}
        assert cells == {(z, s) for z in zone_ids for s in SURFACES}
        for c in report.cells:
            assert c.status in ("enforced", "partly", "not", "n/a") and c.why


def test_cells_say_where_a_zone_is_and_is_not_protected(make_repo: Repo) -> None:
    root, config = make_repo()
    e = explain(config, plan(root, config))

    def status(tool: str, zone: str, surface: str) -> str:
        cell = e.cell(tool, zone, surface)
        assert cell is not None
        return cell.status

    # a function-level (content-rule) deny zone: only where a pre-edit hook computes the landing
    assert status("claude", "crypto", "agent_edit") == "enforced"
    assert status("gemini", "crypto", "agent_edit") == "enforced"
    assert status("codex", "crypto", "agent_edit") == "enforced"
    assert status("cursor", "crypto", "agent_edit") == "partly"  # no documented new content
    for tool in ("aider", "continue", "cline", "roo", "jetbrains", "gemini-code-assist", "zed"):
        assert status(tool, "crypto", "agent_edit") == "not", tool
    # path deny zone: ignore files block reads where documented; the Cursor terminal only through
    # the beforeShellExecution hook (`.cursorignore` does not cover it)
    assert status("cursor", "vault", "agent_read") == "enforced"
    assert status("cursor", "vault", "terminal") == "partly"
    assert "does not cover the terminal" in e.cell("cursor", "vault", "terminal").why  # type: ignore[union-attr]
    assert status("aider", "vault", "terminal") == "not"
    # Copilot: content exclusion is not agent mode; the CLI cannot block prompts
    assert status("copilot", SENSITIVE, "chat") == "not"
    assert "content exclusion" in e.cell("copilot-vscode", SENSITIVE, "agent_read").why  # type: ignore[union-attr]
    # a zone that asks nothing of a surface, and a surface a tool does not have
    assert status("claude", "crypto", "chat") == "n/a"  # context: allow
    assert status("claude", "vault", "completion") == "n/a"
    # Zed: private files cannot be modified by the agent either (context: deny zone with paths)
    assert status("zed", "vault", "agent_edit") == "enforced"
    zed_edit = e.cell("zed", "vault", "agent_edit")
    assert zed_edit is not None and dict(zed_edit.needs) == {"edit_path": "enforced"}
    assert "refuse to modify" in zed_edit.why


def test_caveats_name_fail_open_and_disabling(make_repo: Repo) -> None:
    root, config = make_repo()
    text = explain(config, plan(root, config)).to_text()
    assert "time out open" in text and "disableAllHooks" in text and "--managed" in text
    assert "Third-Party Imports" in text  # Cursor runs Claude's hooks too
    for p in PROFILES:
        assert f"== {p.name}" in text and p.source in text


def test_codeowners_notes(make_repo: Repo) -> None:
    root, config = make_repo()
    notes = "\n".join(explain(config, plan(root, config)).codeowners)
    assert "crypto: found by content rules only, which CODEOWNERS cannot express" in notes
    assert "billing: not valid CODEOWNERS owners, left out: Billing Team" in notes
    assert "vault: 3 path pattern(s) routed to @acme/security, security@acme.example" in notes
    assert "auth:" in notes and "content rules elsewhere is not routed" in notes


def test_codeowners_overlap_is_named(make_repo: Repo) -> None:
    root, config = make_repo("""\
version: 1
zones:
  - id: app
    reviewers: ["@acme/app"]
    ai: review
    match: {paths: ["app/**"]}
  - id: payments
    reviewers: ["@acme/payments"]
    ai: deny
    match: {paths: ["app/payments/**"]}
""")
    notes = "\n".join(explain(config, plan(root, config)).codeowners)
    assert "app and payments may both match some files: there only payments's reviewers" in notes


def test_explain_json_round_trips(example_repo: tuple[Path, EffectiveConfig, str]) -> None:
    root, config, _ = example_repo
    data = json.loads(json.dumps(explain(config, plan(root, config)).to_json()))
    assert data["configDigest"] == config.digest
    tool = next(t for t in data["tools"] if t["tool"] == "cursor")
    assert tool["files"] == [".cursorignore", ".cursorindexingignore", ".cursor/hooks.json"]
    assert {c["surface"] for c in tool["cells"]} == set(SURFACES)


# --------------------------------------------------------------------------------------------
# coverage (what the editor shows)


def test_coverage_missing_current_stale(make_repo: Repo) -> None:
    root, config = make_repo()
    (root / "CLAUDE.md").write_text("# notes\n", encoding="utf-8")
    before = {c.tool: c for c in coverage(root, config)}
    assert before["claude"].status == "missing" and before["claude"].detected
    assert not before["cursor"].detected
    apply(plan(root, config))
    after = {c.tool: c for c in coverage(root, config)}
    assert {c.status for c in after.values()} == {"current"}
    assert not after["cursor"].detected  # the files sync writes are not evidence of use
    (root / ".rooignore").write_text("# emptied by hand\n", encoding="utf-8")
    stale = {c.tool: c for c in coverage(root, config)}
    assert stale["roo"].status == "stale"
    assert stale["roo"].files[0].status == "stale" and stale["cursor"].status == "current"
    data = stale["claude"].to_json()
    assert set(data) >= {"tool", "status", "files", "notEnforced"}
    assert data["files"] == [".claude/settings.json"]
    assert any(s.startswith("terminal:") for s in data["notEnforced"])
    assert any("content exclusion" in s for s in stale["copilot-vscode"].not_enforced)


def test_coverage_of_an_edited_cursorignore_is_stale(make_repo: Repo) -> None:
    root, config = make_repo()
    apply(plan(root, config))
    path = root / ".cursorignore"
    path.write_text(path.read_text(encoding="utf-8").replace("secrets/**\n", ""), encoding="utf-8")
    cursor = next(c for c in coverage(root, config) if c.tool == "cursor")
    assert cursor.status == "stale"
    assert [(f.path, f.status) for f in cursor.files if f.status != "current"] == [(".cursorignore", "edited")]


# --------------------------------------------------------------------------------------------
# managed (MDM) variants


def test_managed_files_and_readme(make_repo: Repo, tmp_path: Path) -> None:
    _root, config = make_repo()
    out = tmp_path / "mdm"
    written = write_managed(out, config, "/opt/pavedroad/bin/pavedroad hook")
    assert written[-1] == "README.txt" and len(written) == 7
    claude = json.loads((out / "claude/managed-settings.d/50-pavedroad.json").read_text(encoding="utf-8"))
    schema = json.loads((SCHEMAS / "claude-code-settings.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(claude)
    assert claude["hooks"]["PreToolUse"][0]["hooks"][0]["command"] == "/opt/pavedroad/bin/pavedroad hook claude PreToolUse"
    # only any-depth sensitive globs become machine-wide rules (anchored repo paths do not)
    assert claude["permissions"]["deny"] == ["Read(**/.env*)", "Read(**/credentials.json)"]
    assert "allowManagedHooksOnly" not in claude
    codex_schema = json.loads((SCHEMAS / "codex-hooks.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(codex_schema).validate(json.loads((out / "codex/hooks.json").read_text(encoding="utf-8")))
    readme = (out / "README.txt").read_text(encoding="utf-8")
    for path in ("/etc/claude-code/managed-settings.d/50-pavedroad.json", "/etc/cursor/hooks.json",
                 "/etc/github-copilot/policy.d/pavedroad.json", "/etc/gemini-cli/settings.json",
                 "/etc/codex/hooks.json", "/etc/windsurf/hooks.json", "allowManagedHooksOnly",
                 "allowManagedPermissionRulesOnly"):
        assert path in readme, path
    # managed entries equal the repository ones, so Claude runs an identical handler once
    target = plan(_root, config, hook_command="/opt/pavedroad/bin/pavedroad hook").target(".claude/settings.json")
    rendered = target.render(None) if target else None
    assert rendered is not None
    repo_hooks = json.loads(rendered)["hooks"]
    assert claude["hooks"] == repo_hooks
    assert len(managed_files(config, "pavedroad hook")) == 6


# --------------------------------------------------------------------------------------------
# native hook files (for `pavedroad hook` to avoid double runs)


def test_native_entry_present(make_repo: Repo) -> None:
    root, config = make_repo()
    assert not native_entry_present(root, "cursor")
    apply(plan(root, config))
    assert native_entry_present(root, "cursor")
    assert native_entry_present(root, "cursor", "beforeReadFile")
    assert native_entry_present(root, "cursor", "beforeShellExecution")
    assert not native_entry_present(root, "cursor", "beforeMCPExecution")
    assert native_entry_present(root, "copilot-vscode", "PreToolUse")  # VS Code renames preToolUse
    assert not native_entry_present(root, "unknown-host")
    (root / ".cursor/hooks.json").write_text('{"version": 1, "hooks": {"beforeReadFile": [{"command": "./x"}]}}',
                                             encoding="utf-8")
    assert not native_entry_present(root, "cursor")


def test_docs_tables_are_current() -> None:
    """docs/agents.md shows the same per-tool tables as `--explain` computes."""
    from pavedroad.sync.residual import docs_tables

    from .conftest import REPO

    doc = (REPO / "docs" / "agents.md").read_text(encoding="utf-8")
    begin, end = "<!-- sync-tables:begin -->\n", "<!-- sync-tables:end -->"
    assert doc[doc.index(begin) + len(begin):doc.index(end)] == docs_tables(), \
        "regenerate the tables in docs/agents.md from pavedroad.sync.residual.docs_tables()"
    # the hooks' own section (what each `pavedroad hook` call decides) is there and filled in
    hooks = doc[doc.index("## 8. Agent hooks"):doc.index("## 9. Sources")]
    assert "### 8.1 What is decided" in hooks and "<!--" not in hooks
