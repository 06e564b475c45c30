"""`plan()`: every target file and its owned content, computed from the effective config.

The plan is data: which files, which lines or entries are ours, and the Copilot content-exclusion
YAML that has no file (it is pasted into GitHub's settings). Reading the files a team already has
and writing the results is `apply`/`check`'s job. The only look at the disk here is which
CODEOWNERS location the repository already uses (GitHub reads the first of `.github/`, the root,
`docs/`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pavedroad.config.model import EffectiveConfig
from pavedroad.sync import hookspec, patterns
from pavedroad.sync.hookspec import DEFAULT_HOOK_COMMAND
from pavedroad.sync.policy import SENSITIVE, Entry, PathPolicy, path_policy
from pavedroad.sync.targets import BlockTarget, JsonTarget, Target, fingerprint

#: gitignore-syntax ignore files: (path, tool ids, what reads it)
IGNORE_FILES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (".cursorignore", ("cursor",), "Cursor: Tab, chat, @-mentions, agent reads, semantic search"),
    (".aiexclude", ("gemini-code-assist",), "Gemini Code Assist (also Android Studio, Firebase Studio)"),
    (".geminiignore", ("gemini",), "Gemini CLI: @-includes and file tools"),
    (".aiderignore", ("aider",), "aider: files that cannot be added to the chat"),
    (".codeiumignore", ("windsurf",), "Windsurf / Codeium: indexing and Cascade context"),
    (".aiignore", ("jetbrains",), "JetBrains AI Assistant and Junie (setting 'Enable .aiignore')"),
    (".continueignore", ("continue",), "Continue: indexing, @codebase, agent tools"),
    (".clineignore", ("cline",), "Cline: file tools and @-mentions"),
    (".rooignore", ("roo",), "Roo Code: file tools and @-mentions"),
)
INDEXING_IGNORE = ".cursorindexingignore"
CODEOWNERS_LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")

COPILOT_REPO_KEY = "copilot-content-exclusion-repo"
COPILOT_ORG_KEY = "copilot-content-exclusion-org"


@dataclass(frozen=True)
class SyncPlan:
    """Everything `pavedroad sync` would write for one workspace root."""

    root: Path
    hook_command: str
    targets: tuple[Target, ...]
    #: text that has no file, printed for the user to paste (Copilot content exclusion)
    printed: dict[str, str] = field(default_factory=dict)
    #: digest of the config the plan came from
    config_digest: str = ""

    def target(self, path: str) -> Target | None:
        return next((t for t in self.targets if t.path == path), None)

    def for_tool(self, tool: str) -> list[Target]:
        return [t for t in self.targets if tool in t.tools]


# --------------------------------------------------------------------------------------------
# ignore files


def _grouped_lines(entries: Iterable[Entry], config: EffectiveConfig, *, fold: bool,
                   what: str) -> list[str]:
    entries = list(entries)
    if not entries:
        return []
    lines = [f"# {what}"]
    if fold:
        lines.append("# Each pattern is followed by a case-insensitive form (for case-insensitive file systems).")
    source = None
    for entry in entries:
        if entry.source != source:
            source = entry.source
            if source == SENSITIVE:
                lines.append("# sensitive files")
            else:
                zone = config.zone(source)
                title = f": {zone.title}" if zone and zone.title else ""
                lines.append(f"# zone {source}{title}")
        pattern = patterns.gitignore(entry.glob)
        lines.append(pattern)
        if fold:
            variant = patterns.casefold_variant(pattern)
            if variant and variant != pattern:
                lines.append(variant)
    return lines


def _negation(line: str) -> bool:
    return line.lstrip().startswith("!")


def _rule_line(line: str) -> bool:
    text = line.strip()
    return bool(text) and not text.startswith("#")


def ignore_targets(policy: PathPolicy, config: EffectiveConfig) -> list[Target]:
    body = tuple(_grouped_lines(
        policy.read_deny, config, fold=True,
        what="Generated from the zone config: sensitive files and zones with `context: deny`."))
    out: list[Target] = []
    for path, tools, purpose in IGNORE_FILES:
        out.append(BlockTarget(path, tools, purpose, body=body, move_after=_negation,
                               keep_if_exclusive=(path == ".aiexclude")))
    warn = tuple(_grouped_lines(
        policy.read_warn, config, fold=True,
        what="Generated from the zone config: zones with `context: warn` (kept out of the index; "
             "still readable on request)."))
    out.append(BlockTarget(INDEXING_IGNORE, ("cursor",), "Cursor: indexing and semantic search only",
                           body=warn, move_after=_negation))
    return out


# --------------------------------------------------------------------------------------------
# JSON settings files


def _ours(hook_command: str) -> hookspec.Ours:
    return lambda handler: hookspec.is_our_handler(handler, hook_command)


def claude_rules(policy: PathPolicy) -> list[str]:
    rules: list[str] = []
    for entry in policy.read_deny:
        rules += [f"Read({p})" for p in patterns.claude_paths(entry.glob)]
    for entry in policy.edit_deny:
        rules += [f"Edit({p})" for p in patterns.claude_paths(entry.glob)]
    return list(dict.fromkeys(rules))


def _add_missing(existing: object, wanted: list[str]) -> list[Any]:
    items = list(existing) if isinstance(existing, list) else []
    have = set(x for x in items if isinstance(x, str))
    return items + [w for w in wanted if w not in have]


def claude_target(policy: PathPolicy, hook_command: str) -> JsonTarget:
    hooks = hookspec.claude_hooks(hook_command)
    rules = claude_rules(policy)
    ours = _ours(hook_command)

    def merge(doc: dict[str, Any]) -> dict[str, Any]:
        if rules or "permissions" in doc:
            perms = doc.get("permissions")
            perms = dict(perms) if isinstance(perms, dict) else {}
            if rules or "deny" in perms:
                perms["deny"] = _add_missing(perms.get("deny"), rules)
            if perms != doc.get("permissions"):
                doc["permissions"] = perms
        doc["hooks"] = hookspec.merge_hooks_object(doc.get("hooks"), hooks, ours, grouped=True)
        return doc

    return JsonTarget(".claude/settings.json", ("claude",),
                      "Claude Code: permissions.deny Read()/Edit() rules and hooks",
                      merge=merge, fingerprint=fingerprint([hooks, rules]))


def hooks_file_target(path: str, tools: tuple[str, ...], purpose: str,
                      hooks: dict[str, list[dict[str, Any]]], hook_command: str, *,
                      grouped: bool, version: bool) -> JsonTarget:
    ours = _ours(hook_command)

    def merge(doc: dict[str, Any]) -> dict[str, Any]:
        if version and "version" not in doc:
            doc = {"version": 1, **doc}
        doc["hooks"] = hookspec.merge_hooks_object(doc.get("hooks"), hooks, ours, grouped=grouped)
        return doc

    return JsonTarget(path, tools, purpose, merge=merge, fingerprint=fingerprint(hooks))


def zed_target(policy: PathPolicy) -> JsonTarget:
    wanted: list[str] = []
    for entry in policy.read_deny:
        wanted += patterns.zed(entry.glob)
        for p in patterns.zed(entry.glob):
            variant = patterns.casefold_variant(p)
            if variant:
                wanted.append(variant)
    wanted = list(dict.fromkeys(wanted))

    def merge(doc: dict[str, Any]) -> dict[str, Any]:
        if wanted or "private_files" in doc:
            merged = _add_missing(doc.get("private_files"), wanted)
            if merged != doc.get("private_files"):
                doc["private_files"] = merged
        return doc

    return JsonTarget(".zed/settings.json", ("zed",),
                      "Zed: private_files (agent file tools refuse them)",
                      merge=merge, fingerprint=fingerprint(wanted))


# --------------------------------------------------------------------------------------------
# CODEOWNERS


def codeowners_lines(policy: PathPolicy) -> list[str]:
    if not policy.owners:
        return []
    lines = ["# Reviewers of each zone's files, from the zone config (strictest zones last: the last",
             "# matching line wins). Code found by content rules is routed by `pavedroad check`, not here."]
    for facts, globs in policy.owners:
        lines.append(f"# zone {facts.id} (ai: {facts.ai}, context: {facts.context})")
        owners = " ".join(facts.owners)
        for glob in globs:
            pattern, _widened = patterns.codeowners(glob)
            lines.append(f"{pattern} {owners}")
    return lines


def codeowners_path(root: Path) -> str:
    for rel in CODEOWNERS_LOCATIONS:
        if os.path.lexists(root / rel):
            return rel
    return CODEOWNERS_LOCATIONS[0]


# --------------------------------------------------------------------------------------------
# Copilot content exclusion (printed)


def _copilot_items(policy: PathPolicy) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    seen: set[str] = set()
    for entry in policy.read_deny:
        label = "sensitive" if entry.source == SENSITIVE else f"zone {entry.source}"
        for p in patterns.copilot(entry.glob):
            if p not in seen:
                seen.add(p)
                items.append((p, label))
    return items


def copilot_yaml(policy: PathPolicy, repo_ref: str | None) -> dict[str, str]:
    items = _copilot_items(policy)
    if not items:
        return {}
    width = max(len(json.dumps(p)) for p, _ in items)
    head = ("# Copilot content exclusion, generated by `pavedroad sync` from the zone config.\n"
            "# Patterns are case-insensitive; there is no negation. Not applied to Copilot CLI, the\n"
            "# cloud agent or agent mode in IDEs (pavedroad's hooks cover those).\n")
    repo = head + "# Repository settings > Copilot > Content exclusion > Paths to exclude:\n"
    repo += "".join(f"- {json.dumps(p).ljust(width)}  # {label}\n" for p, label in items)
    ref = repo_ref or "REPOSITORY-REFERENCE"
    org = head + "# Organization (or enterprise) settings > Copilot > Content exclusion:\n"
    if repo_ref is None:
        org += "# Replace REPOSITORY-REFERENCE with the repository's clone URL or its name in the org.\n"
    org += f"{json.dumps(ref)}:\n"
    org += "".join(f"  - {json.dumps(p).ljust(width)}  # {label}\n" for p, label in items)
    return {COPILOT_REPO_KEY: repo, COPILOT_ORG_KEY: org}


# --------------------------------------------------------------------------------------------


def plan(root: str | os.PathLike[str], config: EffectiveConfig, *,
         hook_command: str | None = None, repo_ref: str | None = None,
         tools: Iterable[str] | None = None) -> SyncPlan:
    """Every generated file for `root` under `config`.

    `hook_command` None keeps the command the workspace's hook files already run (see
    `native.existing_hook_command`), else `pavedroad hook`. `tools` limits the plan to files that
    serve at least one of these tool ids (CODEOWNERS is the tool `codeowners`); None means all.
    Raises ValueError for an unusable hook command.
    """
    if hook_command is None:
        from pavedroad.sync.native import existing_hook_command

        hook_command = existing_hook_command(root) or DEFAULT_HOOK_COMMAND
    problem = hookspec.check_hook_command(hook_command)
    if problem:
        raise ValueError(problem)
    hc = hook_command.strip()
    root_path = Path(root)
    policy = path_policy(config)
    targets: list[Target] = ignore_targets(policy, config)
    targets.append(claude_target(policy, hc))
    targets.append(hooks_file_target(
        ".cursor/hooks.json", ("cursor",), "Cursor: hooks (prompt, read, Tab read, pre-edit, after-edit)",
        hookspec.cursor_hooks(hc), hc, grouped=False, version=True))
    targets.append(hooks_file_target(
        ".github/hooks/pavedroad.json", ("copilot", "copilot-vscode"),
        "GitHub Copilot CLI, cloud agent and VS Code agent hooks",
        hookspec.copilot_hooks(hc), hc, grouped=False, version=True))
    targets.append(hooks_file_target(
        ".gemini/settings.json", ("gemini",), "Gemini CLI: hooks (BeforeTool, AfterTool, BeforeAgent)",
        hookspec.gemini_hooks(hc), hc, grouped=True, version=False))
    targets.append(hooks_file_target(
        ".codex/hooks.json", ("codex",), "OpenAI Codex: hooks (PreToolUse incl. apply_patch)",
        hookspec.codex_hooks(hc), hc, grouped=True, version=False))
    targets.append(hooks_file_target(
        ".windsurf/hooks.json", ("windsurf",), "Windsurf Cascade: hooks",
        hookspec.windsurf_hooks(hc), hc, grouped=False, version=False))
    targets.append(zed_target(policy))
    targets.append(BlockTarget(codeowners_path(root_path), ("codeowners",),
                               "GitHub code owners: each zone's reviewers",
                               body=tuple(codeowners_lines(policy)), move_after=_rule_line))
    printed = copilot_yaml(policy, repo_ref)
    if tools is not None:
        wanted = set(tools)
        targets = [t for t in targets if wanted & set(t.tools)]
        if not wanted & {"copilot", "copilot-vscode"}:
            printed = {}
    return SyncPlan(root_path, hc, tuple(targets), printed, config.digest)
