"""The hook entries `pavedroad sync` writes, per tool: events, matchers, timeouts, and how an entry
is recognised as ours when merging into a file that has other hooks.

Every entry runs `<hook command> <tool> <event>` (default hook command `pavedroad hook`), i.e. the
shell that `pavedroad hook TOOL EVENT` implements. Entries do not depend on the zone config (the
hook reads the config in force when it runs), so they only change when pavedroad's own table here
changes: Codex re-asks the user to trust a hook whenever its entry changes, so keep it stable.

Timeouts: every host lets the action proceed when a hook times out (Cursor's `failClosed` entries
block instead), so they are short, but far above the hook's own p95 (cold Python start plus one
file classification, well under a second): 5 s for reads, 10 s for edits and prompts. Units differ:
seconds everywhere except Gemini CLI (milliseconds); Windsurf has no timeout field.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from typing import Any

DEFAULT_HOOK_COMMAND = "pavedroad hook"

READ_TIMEOUT = 5
EDIT_TIMEOUT = 10
PROMPT_TIMEOUT = 10
POST_TIMEOUT = 10

#: Claude Code tools the PreToolUse hook checks. Exact-name list (only `[A-Za-z0-9_|]`), so Claude
#: does not read it as a regex (`Edit` must not also select `NotebookEdit` by accident).
#: MultiEdit is legacy but still sent by older versions; PowerShell replaces Bash on Windows.
CLAUDE_PRE_TOOLS = "Read|Edit|Write|MultiEdit|NotebookEdit|Bash|PowerShell"
CLAUDE_POST_TOOLS = "Edit|Write|MultiEdit|NotebookEdit"
#: Copilot CLI matchers are compiled as `^(?:PATTERN)$`.
COPILOT_PRE_TOOLS = "view|create|edit|str_replace_editor|apply_patch|bash|powershell"
COPILOT_POST_TOOLS = "create|edit|str_replace_editor|apply_patch"
GEMINI_PRE_TOOLS = "^(read_file|read_many_files|write_file|replace|run_shell_command)$"
GEMINI_POST_TOOLS = "^(write_file|replace)$"
CODEX_PRE_TOOLS = "^(Bash|apply_patch)$"
CODEX_POST_TOOLS = "^apply_patch$"

#: (tool, event) pairs the generated files invoke, i.e. what `pavedroad hook` must answer.
EVENTS: dict[str, tuple[str, ...]] = {
    "claude": ("PreToolUse", "PostToolUse", "UserPromptSubmit"),
    "cursor": ("beforeSubmitPrompt", "beforeReadFile", "beforeTabFileRead", "preToolUse",
               "beforeShellExecution", "afterFileEdit"),
    "copilot": ("preToolUse", "postToolUse", "userPromptSubmitted"),
    "gemini": ("BeforeTool", "AfterTool", "BeforeAgent"),
    "codex": ("PreToolUse", "PostToolUse", "UserPromptSubmit"),
    "windsurf": ("pre_read_code", "pre_write_code", "post_write_code", "pre_run_command", "pre_user_prompt"),
}


def check_hook_command(command: str) -> str | None:
    """Why `command` cannot be used as the hook command, or None."""
    if not command.strip():
        return "the hook command is empty"
    if any(c in command for c in "\n\r\0"):
        return "the hook command must be one line"
    try:
        shlex.split(command)
    except ValueError as exc:
        return f"the hook command does not parse as a shell command line: {exc}"
    return None


def command_for(hook_command: str, tool: str, event: str) -> str:
    return f"{hook_command.strip()} {tool} {event}"


# --------------------------------------------------------------------------------------------
# recognising our entries


_OURS = re.compile(
    r"""(?:^|[\s/\\"'])pavedroad(?:\.exe)?["']?\s+hook(?:\s|$)|(?:^|\s)-m\s+pavedroad\s+hook(?:\s|$)"""
)


def is_our_command(command: object, hook_command: str = DEFAULT_HOOK_COMMAND) -> bool:
    """A command line that runs `pavedroad hook ...` (any install path, `python -m`, or the
    configured hook command)."""
    if not isinstance(command, str):
        return False
    if command.strip().startswith(hook_command.strip() + " "):
        return True
    return bool(_OURS.search(command))


def is_our_handler(handler: object, hook_command: str = DEFAULT_HOOK_COMMAND) -> bool:
    """A hook handler object (any dialect) whose command is ours."""
    if not isinstance(handler, dict):
        return False
    for key in ("command", "bash", "powershell", "commandWindows"):
        if is_our_command(handler.get(key), hook_command):
            return True
    # Claude's exec form: {"command": "/path/pavedroad", "args": ["hook", ...]}
    cmd, args = handler.get("command"), handler.get("args")
    if isinstance(cmd, str) and isinstance(args, list) and args[:1] == ["hook"]:
        name = re.split(r"[/\\]", cmd.strip())[-1].lower()
        return name in ("pavedroad", "pavedroad.exe")
    return False


# --------------------------------------------------------------------------------------------
# entries per tool


def _cmd(tool: str, event: str, hc: str, timeout: int) -> dict[str, Any]:
    return {"type": "command", "command": command_for(hc, tool, event), "timeout": timeout}


def claude_hooks(hc: str, tool: str = "claude") -> dict[str, list[dict[str, Any]]]:
    """`hooks` groups for Claude Code settings (also the managed-settings form)."""
    return {
        "PreToolUse": [{"matcher": CLAUDE_PRE_TOOLS, "hooks": [_cmd(tool, "PreToolUse", hc, EDIT_TIMEOUT)]}],
        "PostToolUse": [{"matcher": CLAUDE_POST_TOOLS, "hooks": [_cmd(tool, "PostToolUse", hc, POST_TIMEOUT)]}],
        "UserPromptSubmit": [{"hooks": [_cmd(tool, "UserPromptSubmit", hc, PROMPT_TIMEOUT)]}],
    }


def cursor_hooks(hc: str) -> dict[str, list[dict[str, Any]]]:
    """Cursor `hooks.json` handlers. `failClosed` on the read and pre-edit gates only: a crash or
    timeout there blocks (as our own error handling would), while a failing prompt or after-edit
    hook must not stop the user's work."""

    def entry(event: str, timeout: int, fail_closed: bool, matcher: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"command": command_for(hc, "cursor", event), "timeout": timeout}
        if matcher:
            out["matcher"] = matcher
        if fail_closed:
            out["failClosed"] = True
        return out

    return {
        "beforeSubmitPrompt": [entry("beforeSubmitPrompt", PROMPT_TIMEOUT, False)],
        "beforeReadFile": [entry("beforeReadFile", READ_TIMEOUT, True)],
        "beforeTabFileRead": [entry("beforeTabFileRead", READ_TIMEOUT, True)],
        "preToolUse": [entry("preToolUse", EDIT_TIMEOUT, True, "Write")],
        # not failClosed: a broken hook must not stop every terminal command
        "beforeShellExecution": [entry("beforeShellExecution", EDIT_TIMEOUT, False)],
        "afterFileEdit": [entry("afterFileEdit", POST_TIMEOUT, False)],
    }


def copilot_hooks(hc: str) -> dict[str, list[dict[str, Any]]]:
    """`.github/hooks/*.json` handlers (camelCase dialect: Copilot CLI, cloud agent, and VS Code,
    which converts them). The cloud agent only honours `bash`; `powershell` serves Windows."""

    def entry(event: str, timeout: int, matcher: str | None = None) -> dict[str, Any]:
        cmd = command_for(hc, "copilot", event)
        out: dict[str, Any] = {"type": "command", "bash": cmd, "powershell": cmd, "timeoutSec": timeout}
        if matcher:
            out["matcher"] = matcher
        return out

    return {
        "preToolUse": [entry("preToolUse", EDIT_TIMEOUT, COPILOT_PRE_TOOLS)],
        "postToolUse": [entry("postToolUse", POST_TIMEOUT, COPILOT_POST_TOOLS)],
        "userPromptSubmitted": [entry("userPromptSubmitted", PROMPT_TIMEOUT)],
    }


def gemini_hooks(hc: str) -> dict[str, list[dict[str, Any]]]:
    def group(event: str, timeout_s: int, matcher: str | None) -> dict[str, Any]:
        handler = {"name": f"pavedroad-{event}", "type": "command",
                   "command": command_for(hc, "gemini", event), "timeout": timeout_s * 1000}
        out: dict[str, Any] = {}
        if matcher:
            out["matcher"] = matcher
        out["hooks"] = [handler]
        return out

    return {
        "BeforeTool": [group("BeforeTool", EDIT_TIMEOUT, GEMINI_PRE_TOOLS)],
        "AfterTool": [group("AfterTool", POST_TIMEOUT, GEMINI_POST_TOOLS)],
        "BeforeAgent": [group("BeforeAgent", PROMPT_TIMEOUT, None)],
    }


def codex_hooks(hc: str) -> dict[str, list[dict[str, Any]]]:
    return {
        "PreToolUse": [{"matcher": CODEX_PRE_TOOLS, "hooks": [_cmd("codex", "PreToolUse", hc, EDIT_TIMEOUT)]}],
        "PostToolUse": [{"matcher": CODEX_POST_TOOLS, "hooks": [_cmd("codex", "PostToolUse", hc, POST_TIMEOUT)]}],
        "UserPromptSubmit": [{"hooks": [_cmd("codex", "UserPromptSubmit", hc, PROMPT_TIMEOUT)]}],
    }


def windsurf_hooks(hc: str) -> dict[str, list[dict[str, Any]]]:
    """Windsurf has no matcher and no timeout field; `show_output` makes warnings visible."""
    return {event: [{"command": command_for(hc, "windsurf", event), "show_output": True}]
            for event in EVENTS["windsurf"]}


# --------------------------------------------------------------------------------------------
# merging into a team's hooks object


Ours = Callable[[object], bool]


def merge_flat(existing: object, desired: list[dict[str, Any]], ours: Ours) -> list[Any]:
    """A flat handler list (Cursor, Copilot, Windsurf): the team's handlers in place, ours last.

    An unchanged entry of ours keeps its position, so a second sync changes nothing.
    """
    items = list(existing) if isinstance(existing, list) else []
    mine = [h for h in items if ours(h)]
    if mine == desired:
        return items
    return [h for h in items if not ours(h)] + list(desired)


def _strip_group(group: object, ours: Ours) -> object | None:
    """A matcher group without our handlers; None when only ours were in it."""
    if not isinstance(group, dict) or not isinstance(group.get("hooks"), list):
        return group
    kept = [h for h in group["hooks"] if not ours(h)]
    if len(kept) == len(group["hooks"]):
        return group
    if not kept:
        return None
    return {**group, "hooks": kept}


def merge_grouped(existing: object, desired: list[dict[str, Any]], ours: Ours) -> list[Any]:
    """A matcher-group list (Claude, Gemini, Codex): team groups in place, our group last.

    Our handlers are taken out of team groups they were added to; a group of ours that is
    already exactly as desired stays where it is.
    """
    items = list(existing) if isinstance(existing, list) else []

    def is_mine(g: object) -> bool:
        return (isinstance(g, dict) and isinstance(g.get("hooks"), list) and bool(g["hooks"])
                and all(ours(h) for h in g["hooks"]))

    mine = [g for g in items if is_mine(g)]
    elsewhere = any(
        isinstance(g, dict) and isinstance(g.get("hooks"), list) and any(ours(h) for h in g["hooks"])
        for g in items if not is_mine(g)
    )
    if mine == desired and not elsewhere:
        return items
    kept = [g for g in (_strip_group(g, ours) for g in items) if g is not None]
    return kept + list(desired)


def remove_ours(existing: object, ours: Ours, grouped: bool) -> list[Any] | None:
    """The list without our entries; None when it held only ours."""
    items = list(existing) if isinstance(existing, list) else []
    if grouped:
        kept = [g for g in (_strip_group(g, ours) for g in items) if g is not None]
    else:
        kept = [h for h in items if not ours(h)]
    if items and not kept:
        return None
    return kept


def merge_hooks_object(
    existing: object, desired: dict[str, list[dict[str, Any]]], ours: Ours, *, grouped: bool
) -> dict[str, Any]:
    """A `hooks` object: our events merged, our entries under other events removed, the team's
    events and their order kept, new events appended in our order."""
    current = dict(existing) if isinstance(existing, dict) else {}
    out: dict[str, Any] = {}
    for event, value in current.items():
        if event in desired:
            out[event] = (merge_grouped if grouped else merge_flat)(value, desired[event], ours)
        elif isinstance(value, list):
            kept = remove_ours(value, ours, grouped)
            if kept is not None:
                out[event] = kept if kept != value else value
        else:
            out[event] = value
    for event, entries in desired.items():
        if event not in out:
            out[event] = list(entries)
    return out
