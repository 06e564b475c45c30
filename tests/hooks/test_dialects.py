"""Contract tests: each tool's documented hook payloads (tests/hooks/fixtures, sources in
fixtures/SOURCES.md) are understood, and answers have the shape and exit code each tool documents.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pavedroad.hooks.dialects import HookInputError, parse, render
from pavedroad.hooks.model import Decision, EditAction, PromptAction, ReadAction

FIXTURES = Path(__file__).parent / "fixtures"

# (tool dir, fixture, dialect, phase, action kinds and the first path or prompt head)
EXPECTED = [
    ("claude", "PreToolUse-read", "claude", "pre", [("read", "/home/user/my-project/.env")]),
    ("claude", "PreToolUse-edit", "claude", "pre", [("edit", "/home/user/my-project/src/auth.py")]),
    ("claude", "PreToolUse-multiedit", "claude", "pre", [("edit", "/home/user/my-project/src/auth.py")]),
    ("claude", "PreToolUse-write", "claude", "pre", [("edit", "/home/user/my-project/src/auth.py")]),
    ("claude", "PreToolUse-notebookedit", "claude", "pre", [("edit", "/home/user/my-project/nb.ipynb")]),
    ("claude", "PostToolUse-edit", "claude", "post", [("edit", "/home/user/my-project/src/auth.py")]),
    ("claude", "UserPromptSubmit", "claude", "prompt", [("prompt", "Write a function")]),
    ("cursor", "beforeReadFile", "cursor", "pre", [("read", "/project/.env")]),
    ("cursor", "beforeTabFileRead", "cursor", "pre", [("read", "/project/src/auth.ts")]),
    ("cursor", "beforeShellExecution", "cursor", "pre", [("read", "/project/.env")]),
    ("cursor", "preToolUse-write", "cursor", "pre", [("edit", "/project/src/auth.ts")]),
    ("cursor", "afterFileEdit", "cursor", "post", [("edit", "/project/src/auth.ts")]),
    ("cursor", "afterTabFileEdit", "cursor", "post", [("edit", "/project/src/auth.ts")]),
    ("cursor", "beforeSubmitPrompt", "cursor", "prompt", [("prompt", "Fix the bug")]),
    ("copilot", "preToolUse-view", "copilot", "pre", [("read", "/home/user/repo/.env")]),
    ("copilot", "preToolUse-edit", "copilot", "pre", [("edit", "/home/user/repo/src/auth.py")]),
    ("copilot", "preToolUse-edit-object", "copilot", "pre", [("edit", "/home/user/repo/src/auth.py")]),
    ("copilot", "preToolUse-create", "copilot", "pre", [("edit", "/home/user/repo/src/new.py")]),
    ("copilot", "userPromptSubmitted", "copilot", "prompt", [("prompt", "Fix the authentication")]),
    ("copilot", "PreToolUse-vscode-compatible-edit", "copilot-pascal", "pre",
     [("edit", "/home/user/repo/src/auth.py")]),
    ("copilot", "PreToolUse-vscode-compatible-write-applypatch", "copilot-pascal", "pre",
     [("edit", "very_fun.md")]),
    ("copilot-vscode", "PreToolUse-replace_string_in_file", "copilot-vscode", "pre",
     [("edit", "/path/to/workspace/src/auth.ts")]),
    ("copilot-vscode", "UserPromptSubmit", "copilot-vscode", "prompt", [("prompt", "Refactor")]),
    ("gemini", "BeforeTool-read_file", "gemini", "pre", [("read", "/home/user/repo/.env")]),
    ("gemini", "BeforeTool-replace", "gemini", "pre", [("edit", "/home/user/repo/src/auth.py")]),
    ("gemini", "BeforeTool-write_file-full", "gemini", "pre", [("edit", "/home/user/repo/src/auth.py")]),
    ("gemini", "BeforeTool-run_shell_command", "gemini", "pre", [("read", "/home/user/repo/.env")]),
    ("gemini", "BeforeAgent", "gemini", "prompt", [("prompt", "Why does verify")]),
    ("codex", "PreToolUse-apply_patch", "codex", "pre",
     [("edit", "hello.txt"), ("edit", "src/app.py"), ("edit", "obsolete.txt")]),
    ("codex", "PreToolUse-bash", "codex", "pre", [("read", "/home/user/repo/.env")]),
    ("codex", "UserPromptSubmit", "codex", "prompt", [("prompt", "add a login endpoint")]),
    ("windsurf", "pre_read_code", "windsurf", "pre", [("read", "/Users/yourname/project/file.py")]),
    ("windsurf", "pre_write_code", "windsurf", "pre", [("edit", "/Users/yourname/project/file.py")]),
    ("windsurf", "post_write_code", "windsurf", "post", [("edit", "/Users/yourname/project/file.py")]),
    ("windsurf", "pre_user_prompt", "windsurf", "prompt", [("prompt", "can you run")]),
]


def _kind(action: object) -> tuple[str, str]:
    if isinstance(action, ReadAction):
        return "read", action.paths[0]
    if isinstance(action, EditAction):
        return "edit", action.path
    if isinstance(action, PromptAction):
        return "prompt", action.text
    return "none", ""


@pytest.mark.parametrize(("tool", "name", "dialect", "phase", "actions"), EXPECTED,
                         ids=[f"{t}/{n}" for t, n, *_ in EXPECTED])
def test_documented_payloads_are_understood(tool: str, name: str, dialect: str, phase: str,
                                            actions: list[tuple[str, str]]) -> None:
    raw = (FIXTURES / tool / f"{name}.json").read_text()
    call = parse(tool, name.split("-")[0], raw)
    assert (call.dialect, call.phase) == (dialect, phase)
    got = [_kind(a) for a in call.actions]
    assert [k for k, _ in got] == [k for k, _ in actions]
    for (_, value), (_, expected) in zip(got, actions, strict=True):
        assert value.startswith(expected)


def test_claude_hooks_run_by_cursor_are_answered_in_cursor_s_dialect() -> None:
    """Cursor runs `.claude/settings.json` hooks with its own payload (research, section 0)."""
    raw = (FIXTURES / "cursor" / "beforeReadFile.json").read_text()
    call = parse("claude", "PreToolUse", raw)
    assert call.dialect == "cursor"


def test_edit_payload_details() -> None:
    multi = parse("claude", "PreToolUse", (FIXTURES / "claude" / "PreToolUse-multiedit.json").read_text())
    action = multi.actions[0]
    assert isinstance(action, EditAction) and len(action.edits) >= 2
    copilot = parse("copilot", "preToolUse", (FIXTURES / "copilot" / "preToolUse-edit.json").read_text())
    edit = copilot.actions[0]
    assert isinstance(edit, EditAction)
    assert (edit.edits[0].old, edit.edits[0].new) == ("return False", "return True")


# --- answers -----------------------------------------------------------------------------------

def _answer(tool: str, name: str, verdict: str) -> tuple[dict | None, str, int]:
    call = parse(tool, name.split("-")[0], (FIXTURES / tool / f"{name}.json").read_text())
    answer = render(call, Decision(verdict, "pavedroad: because" if verdict != "allow" else ""))  # type: ignore[arg-type]
    body = json.loads(answer.stdout) if answer.stdout.strip().startswith("{") else None
    return body, answer.stderr, answer.code


@pytest.mark.parametrize(("tool", "name", "shape"), [
    # documented deny outputs: tests/hooks/fixtures/<tool>/*-output-deny*.json
    ("claude", "PreToolUse-edit", {"hookSpecificOutput": {"hookEventName": "PreToolUse",
                                                           "permissionDecision": "deny"}}),
    ("claude", "UserPromptSubmit", {"decision": "block"}),
    ("cursor", "beforeReadFile", {"permission": "deny"}),
    ("cursor", "preToolUse-write", {"permission": "deny"}),
    ("cursor", "beforeSubmitPrompt", {"continue": False}),
    ("copilot", "preToolUse-edit", {"permissionDecision": "deny"}),
    ("copilot-vscode", "PreToolUse-replace_string_in_file",
     {"hookSpecificOutput": {"permissionDecision": "deny"}}),
    ("gemini", "BeforeTool-replace", {"decision": "deny"}),
    ("gemini", "BeforeAgent", {"decision": "deny"}),
    ("codex", "PreToolUse-apply_patch", {"hookSpecificOutput": {"permissionDecision": "deny"}}),
    ("codex", "UserPromptSubmit", {"decision": "block"}),
])
def test_deny_is_given_on_every_channel(tool: str, name: str, shape: dict) -> None:
    body, stderr, code = _answer(tool, name, "deny")
    assert code == 2  # every host blocks on exit 2
    assert "because" in stderr  # Codex blocks on exit 2 only with a reason on stderr
    assert body is not None

    def contains(have: dict, want: dict) -> None:
        for key, value in want.items():
            if isinstance(value, dict):
                contains(have[key], value)
            else:
                assert have[key] == value, key
    contains(body, shape)


def test_deny_shapes_match_the_documented_examples() -> None:
    for tool, example, name in [("claude", "PreToolUse-output-deny", "PreToolUse-edit"),
                                ("cursor", "beforeReadFile-output-deny", "beforeReadFile"),
                                ("copilot", "preToolUse-output-deny", "preToolUse-edit"),
                                ("gemini", "BeforeTool-output-deny", "BeforeTool-replace"),
                                ("codex", "PreToolUse-output-deny", "PreToolUse-bash")]:
        documented = json.loads((FIXTURES / tool / f"{example}.json").read_text())
        body, _, _ = _answer(tool, name, "deny")
        assert body is not None

        def keys(value: object) -> object:
            return {k: keys(v) for k, v in value.items()} if isinstance(value, dict) else None
        documented_keys = keys(documented)
        assert isinstance(documented_keys, dict)
        for key, sub in documented_keys.items():  # every documented key is present
            assert key in body, (tool, key)
            if isinstance(sub, dict):
                assert set(sub) <= set(body[key]), (tool, key)


@pytest.mark.parametrize(("tool", "name"), [("claude", "PreToolUse-edit"),
                                            ("codex", "PreToolUse-bash"),
                                            ("gemini", "BeforeTool-replace"),
                                            ("cursor", "preToolUse-write")])
def test_allow_never_says_allow(tool: str, name: str) -> None:
    """An explicit "allow" would skip the user's own confirmation (Claude, Cursor, Gemini) or be
    treated as a failed hook (Codex): allow is silence, exit 0."""
    body, stderr, code = _answer(tool, name, "allow")
    assert (body, stderr, code) == (None, "", 0)
    warned, _, code = _answer(tool, name, "warn")
    assert code == 0 and warned is not None and "allow" not in json.dumps(warned)


def test_windsurf_has_no_json_protocol() -> None:
    _, stderr, code = _answer("windsurf", "pre_write_code", "deny")
    assert code == 2 and "because" in stderr


def test_post_events_never_block() -> None:
    for tool, name in [("claude", "PostToolUse-edit"), ("cursor", "afterFileEdit"),
                       ("windsurf", "post_write_code")]:
        _, _, code = _answer(tool, name, "deny")
        assert code == 0


@pytest.mark.parametrize("raw", ["", "{", "[1, 2]", '{"tool_name": "Edit"}', "\x00\x01"])
def test_malformed_input_is_an_input_error(raw: str) -> None:
    with pytest.raises(HookInputError):
        parse("claude", "PreToolUse", raw)


def test_names_from_the_repository_cannot_write_escape_sequences() -> None:
    # a statement or file name is repository text: `console.log("\x1b[2J")` names its region
    call = parse("claude", "PreToolUse", (FIXTURES / "claude" / "PreToolUse-edit.json").read_text())
    message = 'pavedroad: this edit of `a.js` in `console.log("\x1b[2J\x1b]0;pwned\x07")` lands in a zone'
    answer = render(call, Decision("deny", message))
    for channel in (answer.stdout, answer.stderr):
        assert "\x1b" not in channel and "\x07" not in channel
    assert "\\x1b[2J" in answer.stderr  # still readable, as an escape
