"""Each AI tool's hook protocol: its stdin JSON in, its answer (stdout, stderr, exit code) out.

One `.claude/settings.json` hook is also run by Cursor, Copilot CLI and VS Code, each with its own
payload, so the dialect is sniffed from the payload's fields, not trusted from argv (see
docs/agents.md and the sources cited there):

| dialect        | recognised by                                         | deny                             |
|----------------|-------------------------------------------------------|----------------------------------|
| claude         | `session_id` + `transcript_path`/`tool_use_id`         | exit 2, reason on stderr; JSON   |
| cursor         | `conversation_id` / `cursor_version`                   | `permission: deny` / `continue: false`, exit 2 |
| copilot        | `toolName` (camelCase)                                 | `permissionDecision: deny`, exit 2 |
| copilot-pascal | `hook_event_name` + `session_id` + ISO `timestamp`, no transcript | as claude        |
| copilot-vscode | `sessionId` + `hookEventName`                          | `hookSpecificOutput` deny, exit 2 |
| gemini         | argv gemini, `BeforeTool`/`AfterTool`/`BeforeAgent`    | `decision: deny` (JSON decides)  |
| codex          | `turn_id`                                              | `permissionDecision: deny`, exit 2 + stderr |
| windsurf       | `agent_action_name`                                    | exit 2 (no JSON protocol)        |

Every deny is given on every channel at once (exit 2, the reason on stderr, the dialect's JSON on
stdout), since each host honours at least one of them. An allow is never answered with an explicit
"allow" (in Claude, Cursor and Gemini that would skip the user's own confirmation); a warning goes
where the host shows it (`systemMessage`, `user_message`, stdout for Windsurf).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pavedroad.hooks.credsearch import credential_searches
from pavedroad.hooks.envprint import environment_effects
from pavedroad.hooks.githistory import history_reads
from pavedroad.hooks.model import (
    Action,
    Decision,
    EditAction,
    HookCall,
    NoAction,
    PromptAction,
    ReadAction,
    StringEdit,
)
from pavedroad.hooks.patch import PatchError, added_text, apply_update, parse_patch
from pavedroad.hooks.shellcmd import effects
from pavedroad.hooks.treesearch import tree_searches
from pavedroad.shown import shown

TOOLS = ("claude", "cursor", "copilot", "copilot-vscode", "gemini", "codex", "windsurf")


class HookInputError(ValueError):
    """The payload is not JSON, not an object, or misses what the event needs."""


@dataclass(frozen=True)
class Answer:
    stdout: str
    stderr: str
    code: int


# --- tool calls, in every tool's naming -----------------------------------------------------

_PATH_KEYS = ("file_path", "path", "filePath", "notebook_path", "absolute_path", "target_file")
_CONTENT_KEYS = ("content", "contents", "file_text", "code", "text")
_OLD_KEYS = ("old_string", "old_str", "oldString")
_NEW_KEYS = ("new_string", "new_str", "newString")
_SHELL_KEYS = ("command", "command_line", "commandLine", "cmd")
_READ = {"read", "view", "read_file", "readfile", "tabread", "read_many_files", "get_file",
         "open_file", "grep", "rg", "search", "grep_search", "file_search", "codebase_search"}
_SHELL = {"bash", "shell", "powershell", "run_shell_command", "run_in_terminal",
          "runterminalcommand", "execute_command", "terminal"}
_PATCH = {"apply_patch", "applypatch"}
_DELETE = {"delete", "delete_file", "remove_file"}
_EDIT = {"edit", "write", "multiedit", "notebookedit", "create", "str_replace", "strreplace",
         "str_replace_editor", "replace", "write_file", "create_file", "replace_string_in_file",
         "multi_replace_string_in_file", "insert_edit_into_file", "editfiles", "edit_file",
         "tabwrite", "edit_notebook_file"}


def _first(args: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if key in args and args[key] is not None:
            return args[key]
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _string_edits(args: Mapping[str, Any]) -> tuple[StringEdit, ...]:
    items = args.get("edits") or args.get("replacements")
    if isinstance(items, list):
        out = []
        for item in items:
            if isinstance(item, Mapping):
                old, new = _text(_first(item, _OLD_KEYS)), _text(_first(item, _NEW_KEYS))
                if old is not None and new is not None:
                    out.append(StringEdit(old, new, bool(item.get("replace_all"))))
        return tuple(out)
    old, new = _text(_first(args, _OLD_KEYS)), _text(_first(args, _NEW_KEYS))
    if old is not None and new is not None:
        multiple = bool(args.get("replace_all") or args.get("allow_multiple"))
        return (StringEdit(old, new, multiple),)
    return ()


def patch_actions(patch: str, via: str = "apply_patch") -> list[Action | _PatchedFile]:
    """One edit per file a patch touches; a patch that does not parse is judged by its files."""
    try:
        files = parse_patch(patch)
    except PatchError:
        return [EditAction(path, opaque=True, via=via) for path in _patch_paths(patch)] or [
            NoAction("a patch that does not parse names no file")]
    actions: list[Action | _PatchedFile] = []
    for fp in files:
        if fp.kind == "add":
            actions.append(EditAction(fp.path, content=added_text(fp), via=via))
        elif fp.kind == "delete":
            actions.append(EditAction(fp.path, delete=True, via=via))
        else:
            actions.append(_PatchedFile(fp.path, fp, via))  # applied against the file on disk
    return actions


def _patch_paths(patch: str) -> list[str]:
    out = []
    for line in patch.splitlines():
        for marker in ("*** Add File: ", "*** Delete File: ", "*** Update File: ", "*** Move to: "):
            if line.strip().startswith(marker):
                out.append(line.strip()[len(marker):].strip())
    return out


@dataclass(frozen=True)
class _PatchedFile:
    """An Update hunk: becomes a whole-content EditAction once the file is read (`resolve`)."""

    path: str
    patch: Any
    via: str


def resolve(action: Action | _PatchedFile, cwd: str) -> Action:
    """Turn a patch update into a whole-content edit by applying it to the file on disk."""
    if not isinstance(action, _PatchedFile):
        return action
    path = action.path if os.path.isabs(action.path) else os.path.join(cwd, action.path)
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            old = handle.read(16 << 20)
        new = apply_update(old, action.patch)
    except (OSError, PatchError):
        return EditAction(action.path, opaque=True, move_to=action.patch.move_to, via=action.via)
    return EditAction(action.path, content=new, move_to=action.patch.move_to, via=action.via)


def tool_actions(name: str, args: Any, cwd: str) -> list[Action]:
    """What a tool call does, whatever the tool calls it."""
    key = (name or "").lower().replace("-", "_")
    if isinstance(args, str):
        if args.lstrip().startswith("*** Begin Patch") or key in _PATCH:
            return [resolve(a, cwd) for a in patch_actions(args, name)]
        try:
            args = json.loads(args)
        except ValueError:
            return [NoAction("arguments are not JSON")]
    if not isinstance(args, Mapping):
        args = {}
    path = _text(_first(args, _PATH_KEYS))
    patch = _text(args.get("patch") or args.get("input") or (args.get("command") if key in _PATCH else None))
    if patch is not None and (key in _PATCH or patch.lstrip().startswith("*** Begin Patch")):
        return [resolve(a, cwd) for a in patch_actions(patch, name)]
    shell = _text(_first(args, _SHELL_KEYS))
    if key in _SHELL or (not key and shell is not None and path is None):
        if shell is None:
            return [NoAction("a shell call without a command")]
        where = _text(args.get("dir_path") or args.get("cwd")) or cwd
        where = where if os.path.isabs(where) else os.path.join(cwd, where)
        found = effects(shell, where)
        actions: list[Action] = []
        printed = credential_searches(shell)
        trees = tree_searches(shell, where)
        environment, into_files = environment_effects(shell)
        history = history_reads(shell, where)
        if found.reads or printed or trees or environment or into_files or history:
            actions.append(ReadAction(found.reads, via=f"a shell command ({name})", credential_lines=printed,
                                      tree_searches=trees, env_prints=environment, env_writes=into_files,
                                      history_reads=history))
        actions.extend(EditAction(p, opaque=True, via="a shell command") for p in found.writes)
        return actions or [NoAction("the command names no file")]
    if key in _DELETE and path:
        return [EditAction(path, delete=True, via=name)]
    if key == "read_many_files" or isinstance(args.get("include"), list):
        paths = [p for p in args.get("include") or [] if isinstance(p, str)]
        return [ReadAction(tuple(_expand_globs(paths, cwd)), via=name)]
    if key in _READ or (not key and path and not _string_edits(args)
                        and _first(args, _CONTENT_KEYS) is None):
        if path is None and isinstance(args.get("files"), list):
            return [ReadAction(tuple(p for p in args["files"] if isinstance(p, str)), via=name)]
        return [ReadAction((path or cwd,), via=name)] if (path or key.startswith("grep")) else [
            NoAction("a read without a path")]
    if path is None and isinstance(args.get("files"), list):  # VS Code editFiles {files: [...]}
        return [EditAction(p, opaque=True, via=name) for p in args["files"] if isinstance(p, str)]
    if path is None:
        return [NoAction(f"{name or 'the tool'} names no file")]
    edits = _string_edits(args)
    content = _text(_first(args, _CONTENT_KEYS))
    if edits:
        return [EditAction(path, edits=edits, via=name)]
    if content is not None and key not in ("notebookedit", "edit_notebook_file"):
        return [EditAction(path, content=content, via=name)]
    if key in _EDIT or key not in _READ:
        return [EditAction(path, opaque=True, via=name)]  # a notebook cell, an unknown editor
    return [NoAction("")]


def _expand_globs(patterns: list[str], cwd: str) -> list[str]:
    import glob

    out: list[str] = []
    for pattern in patterns[:50]:
        base = pattern if os.path.isabs(pattern) else os.path.join(cwd, pattern)
        hits = glob.glob(base, recursive=True)[:500] if any(c in pattern for c in "*?[") else [base]
        out.extend(hits)
    return out


# --- dialects ---------------------------------------------------------------------------------


def sniff(payload: Mapping[str, Any], tool: str) -> str:
    """Which host sent `payload` (see the module docstring); `tool` (argv) breaks ties."""
    if "agent_action_name" in payload:
        return "windsurf"
    if "conversation_id" in payload or "cursor_version" in payload:
        return "cursor"
    if "toolName" in payload or "toolArgs" in payload or (
            isinstance(payload.get("timestamp"), int) and "hook_event_name" not in payload):
        return "copilot"  # camelCase dialect: epoch-millisecond timestamps
    if "sessionId" in payload and "hookEventName" in payload:
        return "copilot-vscode"
    if "turn_id" in payload:
        return "codex"
    if tool == "gemini" or payload.get("hook_event_name") in ("BeforeTool", "AfterTool",
                                                              "BeforeAgent", "AfterAgent"):
        return "gemini"
    if ("hook_event_name" in payload and "session_id" in payload and "transcript_path" not in payload
            and "tool_use_id" not in payload and tool in ("copilot", "copilot-vscode")):
        return "copilot-pascal"
    if tool in ("claude", "codex", "copilot", "copilot-vscode"):
        return "claude" if tool != "codex" else "codex"
    return tool


_PRE = {"pretooluse", "beforetool", "beforereadfile", "beforetabfileread", "beforeshellexecution",
        "pre_read_code", "pre_write_code", "pre_run_command", "pre_mcp_tool_use"}
_POST = {"posttooluse", "aftertool", "afterfileedit", "aftertabfileedit", "post_write_code",
         "post_read_code", "post_run_command"}
_PROMPT = {"userpromptsubmit", "userpromptsubmitted", "beforesubmitprompt", "beforeagent",
           "pre_user_prompt"}


def _phase(event: str) -> str | None:
    key = event.replace("-", "_").lower()
    if key in _PRE:
        return "pre"
    if key in _POST:
        return "post"
    if key in _PROMPT:
        return "prompt"
    return None


def parse(tool: str, event: str, raw: str) -> HookCall:
    """The call and its actions; raises HookInputError for input that cannot be understood."""
    try:
        payload = json.loads(raw.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise HookInputError(f"the hook input is not JSON ({exc.msg} at {exc.pos})") from None
    if not isinstance(payload, dict):
        raise HookInputError("the hook input is not a JSON object")
    dialect = sniff(payload, tool)
    event_name = str(payload.get("hook_event_name") or payload.get("hookEventName")
                     or payload.get("agent_action_name") or event)
    phase = _phase(event) or _phase(event_name)
    if phase is None:
        raise HookInputError(f"unknown hook event {event!r} for {tool}")
    given_cwd = payload.get("cwd") or _first_root(payload)
    cwd = str(given_cwd or os.getcwd())
    session = _text(payload.get("session_id") or payload.get("sessionId")
                    or payload.get("conversation_id") or payload.get("trajectory_id"))
    actions = _EXTRACT.get(dialect, _extract_generic)(payload, event_name, phase, cwd)
    if not given_cwd:  # Windsurf sends no cwd: the files it names locate the workspace
        first = next((p for a in actions for p in _paths(a) if os.path.isabs(p)), None)
        if first is not None:
            cwd = os.path.dirname(first)
    return HookCall(tool=_tool_name(dialect, tool), event=event, phase=phase,  # type: ignore[arg-type]
                    actions=tuple(actions), cwd=cwd, session=session or None,
                    model=_text(payload.get("model")), dialect=dialect, host_event=event_name)


def _paths(action: Action) -> tuple[str, ...]:
    if isinstance(action, ReadAction):
        return action.paths
    if isinstance(action, EditAction):
        return (action.path,)
    return ()


def _first_root(payload: Mapping[str, Any]) -> str | None:
    roots = payload.get("workspace_roots")
    return roots[0] if isinstance(roots, list) and roots and isinstance(roots[0], str) else None


def _tool_name(dialect: str, tool: str) -> str:
    return {"copilot-pascal": "copilot", "copilot-vscode": "copilot"}.get(dialect, dialect or tool)


def _prompt(payload: Mapping[str, Any]) -> list[Action]:
    text = payload.get("prompt")
    if not isinstance(text, str):
        info = payload.get("tool_info")
        text = info.get("user_prompt") if isinstance(info, Mapping) else None
    if not isinstance(text, str):
        raise HookInputError("a prompt event without a prompt")
    files = [str(a["file_path"]) for a in payload.get("attachments") or []
             if isinstance(a, Mapping) and isinstance(a.get("file_path"), str)]
    return [PromptAction(text, tuple(files))]


def _extract_generic(payload: Mapping[str, Any], event: str, phase: str, cwd: str) -> list[Action]:
    if phase == "prompt":
        return _prompt(payload)
    name = payload.get("tool_name") or payload.get("toolName") or ""
    args = payload.get("tool_input")
    if args is None:
        args = payload.get("toolArgs")
    if args is None:
        raise HookInputError("a tool event without tool input")
    return tool_actions(str(name), args, cwd)


def _extract_cursor(payload: Mapping[str, Any], event: str, phase: str, cwd: str) -> list[Action]:
    key = event.lower()
    if phase == "prompt":
        return _prompt(payload)
    if key in ("beforereadfile", "beforetabfileread"):
        path = payload.get("file_path")
        if not isinstance(path, str):
            raise HookInputError("beforeReadFile without file_path")
        return [ReadAction((path,), via="Cursor")]
    if key == "beforeshellexecution":
        return tool_actions("shell", {"command": payload.get("command") or ""},
                            str(payload.get("cwd") or cwd))
    if key in ("afterfileedit", "aftertabfileedit"):
        path = payload.get("file_path")
        if not isinstance(path, str):
            raise HookInputError(f"{event} without file_path")
        return [EditAction(path, edits=_string_edits(payload), via="Tab" if "tab" in key else "Cursor")]
    args = payload.get("tool_input")
    if not isinstance(args, Mapping):
        raise HookInputError("preToolUse without tool_input")
    name = str(payload.get("tool_name") or "")
    if not name:  # reported: some payloads omit tool_name; infer it from the arguments
        name = ("ApplyPatch" if "patch" in args else "StrReplace" if "old_string" in args
                else "Write" if ("content" in args or "contents" in args) else "")
    return tool_actions(name, args, cwd)


def _extract_windsurf(payload: Mapping[str, Any], event: str, phase: str, cwd: str) -> list[Action]:
    info = payload.get("tool_info")
    if not isinstance(info, Mapping):
        raise HookInputError("a Windsurf event without tool_info")
    key = str(payload.get("agent_action_name") or event)
    if phase == "prompt":
        return _prompt(payload)
    if key in ("pre_read_code", "post_read_code"):
        return [ReadAction((str(info.get("file_path") or ""),), via="Cascade")]
    if key in ("pre_run_command", "post_run_command"):
        return tool_actions("shell", {"command": info.get("command_line") or ""},
                            str(info.get("cwd") or cwd))
    if key in ("pre_write_code", "post_write_code"):
        path = info.get("file_path")
        if not isinstance(path, str):
            raise HookInputError(f"{key} without file_path")
        return [EditAction(path, edits=_string_edits(info), via="Cascade")]
    return [NoAction(f"{key} is not governed")]


_EXTRACT: dict[str, Callable[[Mapping[str, Any], str, str, str], list[Action]]] = {
    "cursor": _extract_cursor,
    "windsurf": _extract_windsurf,
}


# --- answers ----------------------------------------------------------------------------------


def render(call: HookCall, decision: Decision) -> Answer:
    """The answer in the host's dialect (see the module docstring for the channels)."""
    dialect = call.dialect
    # names in a message come from the repository (a file or statement name may hold an escape
    # sequence that would rewrite the agent's terminal): written as escapes on every channel
    message = shown(decision.message)
    if call.phase == "post":
        return Answer("", message + "\n" if message else "", 0)
    if decision.verdict == "deny":
        return Answer(json.dumps(_deny_json(dialect, call, message)) + "\n", message + "\n", 2)
    if decision.verdict in ("warn", "ask") and message:
        body = _warn_json(dialect, call, message)
        if body is None:
            return Answer(message + "\n", message + "\n", 0)
        return Answer(json.dumps(body) + "\n", message + "\n", 0)
    return Answer("", message + "\n" if message else "", 0)


def _deny_json(dialect: str, call: HookCall, message: str) -> dict[str, Any]:
    if dialect == "cursor":
        if call.phase == "prompt":
            return {"continue": False, "user_message": message}
        return {"permission": "deny", "user_message": message, "agent_message": message}
    if dialect == "copilot":
        return {"permissionDecision": "deny", "permissionDecisionReason": message}
    if dialect == "gemini":
        return {"decision": "deny", "reason": message, "systemMessage": message}
    if dialect == "windsurf":
        return {}
    if call.phase == "prompt":  # claude, codex, copilot-pascal, copilot-vscode
        out: dict[str, Any] = {"decision": "block", "reason": message}
        if dialect == "copilot-vscode":
            out.update({"continue": False, "stopReason": message})
        return out
    event = "PreToolUse"
    return {"hookSpecificOutput": {"hookEventName": event, "permissionDecision": "deny",
                                   "permissionDecisionReason": message}}


def _warn_json(dialect: str, call: HookCall, message: str) -> dict[str, Any] | None:
    if dialect == "cursor":
        if call.phase == "prompt":
            return {"continue": True, "user_message": message}
        if call.event.lower() in ("beforereadfile", "beforetabfileread"):
            return {"permission": "allow", "user_message": message}
        return {"user_message": message, "agent_message": message}
    if dialect in ("windsurf", "copilot"):
        return None  # no JSON protocol for warnings: plain text where the host shows output
    return {"systemMessage": message}
