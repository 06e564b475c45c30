"""`pavedroad sync --managed DIR`: the machine-level variants that security deploys with MDM, so a
repository cannot remove or disable them.

Written under DIR, one folder per tool, plus `README.txt` with the install path of each file on
Linux, macOS and Windows. The hook entries are the same as the repository ones (Claude Code runs
identical handlers from several settings layers once). The files are complete, not merged: where
the target path may already hold an organisation's own settings (Gemini's system settings), the
README says to merge. Deny rules that only make sense in one repository (anchored paths) are left
to the hooks, which read each repository's config when they run; the managed Claude settings carry
`Read()` rules only for the any-depth `sensitive` globs.

Not generated: Codex `requirements.toml` `managed_hooks` (its shape is not documented in a source
we could pin); the Codex system layer's `hooks.json` needs no trust and is used instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pavedroad.config.model import EffectiveConfig
from pavedroad.sync import hookspec, patterns


@dataclass(frozen=True)
class ManagedFile:
    rel: str
    content: str
    #: where it goes, per OS
    installs: tuple[tuple[str, str], ...]
    note: str


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def managed_files(config: EffectiveConfig, hook_command: str) -> list[ManagedFile]:
    problem = hookspec.check_hook_command(hook_command)
    if problem:
        raise ValueError(problem)
    hc = hook_command.strip()
    rules: list[str] = []
    for raw in config.sensitive:
        glob = patterns.parse(raw)
        if glob is not None:
            rules += [f"Read({p})" for p in patterns.claude_any_depth(glob)]
    claude: dict[str, Any] = {"hooks": hookspec.claude_hooks(hc)}
    if rules:
        claude["permissions"] = {"deny": list(dict.fromkeys(rules))}
    return [
        ManagedFile(
            "claude/managed-settings.d/50-pavedroad.json", _json(claude),
            (("Linux/WSL", "/etc/claude-code/managed-settings.d/50-pavedroad.json"),
             ("macOS", "/Library/Application Support/ClaudeCode/managed-settings.d/50-pavedroad.json"),
             ("Windows", "C:\\Program Files\\ClaudeCode\\managed-settings.d\\50-pavedroad.json")),
            "A drop-in, merged after managed-settings.json (lists are joined). Only one managed "
            "source is used: if settings also come from the server or from MDM (plist/registry), "
            "this file is ignored; deliver the same keys there. Optional keys, not set here: "
            "`allowManagedHooksOnly: true` runs no user, project or plugin hooks at all (the team's "
            "own hooks stop); `allowManagedPermissionRulesOnly: true` drops every repository deny "
            "rule, including the ones `pavedroad sync` writes. Managed hooks run even when a "
            "repository sets `disableAllHooks`."),
        ManagedFile(
            "cursor/hooks.json", _json({"version": 1, "hooks": hookspec.cursor_hooks(hc)}),
            (("Linux/WSL", "/etc/cursor/hooks.json"),
             ("macOS", "/Library/Application Support/Cursor/hooks.json"),
             ("Windows", "C:\\ProgramData\\Cursor\\hooks.json")),
            "Enterprise hooks run with the project's own: with both deployed, each check runs twice "
            "(same verdict; provenance records are deduplicated by the store)."),
        ManagedFile(
            "copilot/policy.d/pavedroad.json", _json({"version": 1, "hooks": hookspec.copilot_hooks(hc)}),
            (("Linux/macOS", "/etc/github-copilot/policy.d/pavedroad.json"),
             ("Windows", "C:\\ProgramData\\GitHub\\Copilot\\policy.d\\pavedroad.json")),
            "Copilot CLI only. Must be owned by root and not group- or world-writable. Policy hooks "
            "ignore `disableAllHooks` and folder trust; timeouts still fail open."),
        ManagedFile(
            "gemini/settings.json", _json({"hooks": hookspec.gemini_hooks(hc)}),
            (("Linux", "/etc/gemini-cli/settings.json"),
             ("macOS", "/Library/Application Support/GeminiCli/settings.json"),
             ("Windows", "C:\\ProgramData\\gemini-cli\\settings.json")),
            "The system override layer: merge the `hooks` key into an existing file. Gemini CLI runs "
            "no hook at all (system ones included) in an untrusted folder."),
        ManagedFile(
            "codex/hooks.json", _json({"hooks": hookspec.codex_hooks(hc)}),
            (("Linux/macOS", "/etc/codex/hooks.json"),),
            "The Codex system layer (next to /etc/codex/config.toml); system hooks need no trust."),
        ManagedFile(
            "windsurf/hooks.json", _json({"hooks": hookspec.windsurf_hooks(hc)}),
            (("Linux", "/etc/windsurf/hooks.json"),
             ("macOS", "/Library/Application Support/Windsurf/hooks.json"),
             ("Windows", "C:\\ProgramData\\Windsurf\\hooks.json")),
            "System hooks run before user and workspace hooks; all of them run."),
    ]


def readme(files: list[ManagedFile], hook_command: str) -> str:
    lines = [
        "pavedroad managed hooks: machine-level AI tool controls for MDM deployment",
        "=" * 72,
        "",
        "Generated by `pavedroad sync --managed`. Copy each file to its install path with your MDM",
        "or configuration management, owned by root (Administrators on Windows), mode 0644.",
        f"Every hook runs `{hook_command.strip()} <tool> <event>`: make sure that command is on the",
        "PATH the AI tools see (GUI apps often have a short PATH), or regenerate with an absolute",
        "path: `pavedroad sync --managed DIR --hook-command '/opt/pavedroad/bin/pavedroad hook'`.",
        "The hooks read each repository's zone config (and the central maps on the machine) when",
        "they run, so the same files serve every repository.",
        "",
    ]
    for f in files:
        lines.append(f.rel)
        lines += [f"  {os_name}: {path}" for os_name, path in f.installs]
        lines += [f"  {chunk}" for chunk in _wrap(f.note, 88)]
        lines.append("")
    return "\n".join(lines)


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=width)


def write_managed(directory: Path, config: EffectiveConfig, hook_command: str) -> list[str]:
    """Write the managed files under `directory`; the relative paths written."""
    from pavedroad.sync.writer import write_file

    files = managed_files(config, hook_command)
    directory.mkdir(parents=True, exist_ok=True)
    root = directory.resolve()
    written: list[str] = []
    for f in files:
        write_file(root, f.rel, f.content)
        written.append(f.rel)
    write_file(root, "README.txt", readme(files, hook_command))
    written.append("README.txt")
    return written
