"""What each AI tool's generated controls protect, per surface: the data behind `explain`.

Surfaces: `completion` (inline suggestions), `chat` (prompt and attached context), `agent_read`
(an agent's file reads), `agent_edit` (an agent's file edits), `terminal` (commands an agent runs).

What a zone needs on a surface (`policy.ZoneFacts` decides which apply):
- `read_path` / `read_content`: `context: deny` files matched by path / code found by content rules
  must not be read or sent;
- `read_warn`: `context: warn` code may be read, with a warning;
- `edit_path` / `edit_content`: `ai: deny` files / code found by content rules must not be edited;
- `edit_record`: an agent's edit in an `ai: review` zone must be recorded (so the editor and
  `check` show PR102 until a sign-off);
- `edit_warn`: an agent's edit in an `ai: warn` zone gets a message.

Each tool lists, per surface, which needs a generated control covers, how, and whether fully
(`enforced`) or only partly. A need missing from the table is not covered (`not`). Every claim
cites the vendor source in `source`; UNVERIFIED payloads or behaviour make a cover `partly`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Surface = Literal["completion", "chat", "agent_read", "agent_edit", "terminal"]
SURFACES: tuple[Surface, ...] = ("completion", "chat", "agent_read", "agent_edit", "terminal")
SURFACE_NAMES: dict[str, str] = {
    "completion": "completion", "chat": "chat", "agent_read": "agent read",
    "agent_edit": "agent edit", "terminal": "terminal",
}
Need = Literal["read_path", "read_content", "read_warn", "edit_path", "edit_content", "edit_record",
               "edit_warn"]
Status = Literal["enforced", "partly", "not", "n/a"]


@dataclass(frozen=True)
class Cover:
    status: Literal["enforced", "partly"]
    how: str


def E(how: str) -> Cover:
    return Cover("enforced", how)


def P(how: str) -> Cover:
    return Cover("partly", how)


Table = dict[Need, Cover]


@dataclass(frozen=True)
class ToolProfile:
    id: str
    name: str
    #: the generated files this tool reads (and the printed content exclusion for Copilot)
    controls: tuple[str, ...]
    #: which vendor documentation/version the generators target
    source: str
    #: workspace paths that show the tool is used here (never a file sync itself writes)
    detect: tuple[str, ...]
    #: per surface: the needs covered; None = the tool has no such surface
    surfaces: dict[Surface, Table | None]
    #: why a covered need may still not be protected (fail-open, trust, disabling)
    caveats: tuple[str, ...] = ()
    #: why needs are not covered at all on a surface (shown when a cell is `not`)
    gaps: dict[Surface, str] = field(default_factory=dict)
    #: when a path's reads are blocked, the tool cannot edit it either (covers `edit_path` for
    #: zones that are also `context: deny`)
    read_block_edits: Cover | None = None


_HOOK_TIMEOUT = "hooks time out open (the action proceeds)"


def shell(hook: str) -> Table:
    """What a pre-command hook covers: `pavedroad hook` reads the command line (through `cd`,
    wrappers, `bash -c`), so recognised reads and writes (redirection, tee, sed -i, cp/mv, rm)
    are judged; a script or program that opens files itself is not seen."""
    reads = P(f"{hook}: file-reading commands it recognises, not programs that open files themselves")
    writes = P(f"{hook}: shell writes it recognises (redirection, tee, sed -i, cp/mv, rm), judged "
               "by the whole file; scripts are not seen")
    return {"read_path": reads, "read_content": reads, "read_warn": reads, "edit_path": writes,
            "edit_content": writes, "edit_record": writes, "edit_warn": writes}

CLAUDE = ToolProfile(
    "claude", "Claude Code", (".claude/settings.json",),
    "code.claude.com docs (hooks, permissions, managed settings) as of 2026-08-22, up to v2.1.236 "
    "(mirror ericbuess/claude-code-docs @ ec68a5b); settings schema SchemaStore @ d2cbdcd (v2.1.220)",
    (".claude/commands", ".claude/agents", ".claude/skills", ".claude/settings.local.json", "CLAUDE.md"),
    {
        "completion": None,
        "chat": {
            "read_path": E("`Read()` deny rules also cover @-mentions and IDE context; the "
                           "UserPromptSubmit hook blocks prompts naming these files"),
            "read_content": P("@-mentioned files never reach PreToolUse; only the UserPromptSubmit "
                              "hook sees the reference, by path"),
            "read_warn": E("UserPromptSubmit hook adds a warning"),
        },
        "agent_read": {
            "read_path": E("`Read()` deny rule (Read, Grep, Glob, LSP) and the PreToolUse hook"),
            "read_content": E("PreToolUse hook classifies the file being read"),
            "read_warn": E("PreToolUse hook allows with a warning"),
        },
        "agent_edit": {
            "edit_path": E("`Edit()` deny rule (Edit, Write, NotebookEdit) and the PreToolUse hook"),
            "edit_content": E("PreToolUse hook computes where the edit lands (Edit, Write, MultiEdit, "
                              "NotebookEdit)"),
            "edit_record": E("PostToolUse hook records the edit as AI-written"),
            "edit_warn": E("PreToolUse hook allows with a warning"),
        },
        "terminal": {
            **shell("PreToolUse hook on Bash/PowerShell"),
            "read_path": P("`Read()` rules (cat, head, tail, sed) and the PreToolUse hook on "
                           "Bash/PowerShell: commands they recognise, not programs that open files "
                           "themselves"),
        },
    },
    caveats=(
        f"{_HOOK_TIMEOUT}; a missing `pavedroad` command (exit 127) also lets it proceed",
        "a project `.claude/settings.json` (`disableAllHooks`), `--settings` or `--bare` can turn "
        "repository hooks off; managed hooks (`--managed`) survive that",
        "`Read()` deny also blocks Edit/Write on the path (v2.1.208+) but not NotebookEdit",
        "deny rules have reported shell bypasses (anthropics/claude-code#70369, #91690)",
    ),
)

CURSOR = ToolProfile(
    "cursor", "Cursor", (".cursorignore", ".cursorindexingignore", ".cursor/hooks.json"),
    "cursor.com/docs/hooks and reference/third-party-hooks (mirror mehmetbaykar/cursor-docs-skill "
    "@ 1cc1c99 / 58b218a, Cursor 3.x); cursor.com/docs/reference/ignore-file",
    (".cursor/rules", ".cursor/mcp.json", ".cursor/environment.json", ".cursorrules"),
    {
        "completion": {
            "read_path": E("`.cursorignore` (Tab) and the beforeTabFileRead hook (failClosed)"),
            "read_content": E("beforeTabFileRead hook classifies the file content"),
            "read_warn": P("`.cursorindexingignore` keeps the files out of the index; Tab cannot warn"),
        },
        "chat": {
            "read_path": E("`.cursorignore` blocks @-mentions and semantic search; the "
                           "beforeSubmitPrompt hook checks the prompt and its attachments"),
            "read_content": P("only the beforeSubmitPrompt hook sees attached files, by path"),
            "read_warn": P("`.cursorindexingignore`; beforeSubmitPrompt can only continue or block"),
        },
        "agent_read": {
            "read_path": E("`.cursorignore` and the beforeReadFile hook (failClosed)"),
            "read_content": E("beforeReadFile hook receives the file content and classifies it"),
            "read_warn": P("`.cursorindexingignore`; beforeReadFile answers only allow/deny"),
        },
        "agent_edit": {
            "edit_path": E("preToolUse hook on Write (failClosed): the path is known"),
            "edit_content": P("Cursor documents no new-content payload for preToolUse Write: the "
                              "edit is judged against the file on disk, so code the edit itself "
                              "puts into a zone is only seen after it (afterFileEdit records it)"),
            "edit_record": E("afterFileEdit hook records the edit as AI-written"),
            "edit_warn": P("preToolUse cannot warn ('ask' is not enforced); afterFileEdit records it"),
        },
        "terminal": shell("beforeShellExecution hook (`.cursorignore` does not cover the terminal)"),
    },
    caveats=(
        "project hooks run only in a trusted workspace",
        "read and pre-edit hooks are failClosed: a crash, timeout or missing `pavedroad` blocks "
        "them; the prompt and after-edit hooks fail open",
        "Cursor also runs `.claude/settings.json` hooks (Settings > Agents > Third-Party Imports, "
        "on by default); `pavedroad hook claude` answers nothing when it sees a Cursor payload "
        "and `.cursor/hooks.json` has pavedroad's entry, so each check runs once",
        "ignore patterns are case-sensitive: each is repeated in a case-insensitive form",
        "MCP tools are covered by neither `.cursorignore` nor a generated hook",
    ),
)

COPILOT = ToolProfile(
    "copilot", "GitHub Copilot CLI and cloud agent", (".github/hooks/pavedroad.json",),
    "docs.github.com Copilot hooks reference (github/docs @ 05da5bc), hooks tutorial (@ 0ddd20f)",
    (".github/copilot-instructions.md", ".github/instructions", ".github/prompts",
     ".github/copilot", ".github/agents"),
    {
        "completion": None,
        "chat": {},
        "agent_read": {
            "read_path": P("preToolUse hook on `view`: argument names come from third-party tests, "
                           "not vendor docs"),
            "read_content": P("preToolUse hook on `view` (argument names unverified)"),
            "read_warn": P("preToolUse hook on `view` (argument names unverified)"),
        },
        "agent_edit": {
            "edit_path": P("preToolUse hook on create/edit (argument names unverified)"),
            "edit_content": P("preToolUse hook on create/edit computes where the edit lands "
                              "(argument names unverified)"),
            "edit_record": P("postToolUse hook records the edit (argument names unverified)"),
            "edit_warn": P("preToolUse hook (argument names unverified)"),
        },
        "terminal": shell("preToolUse hook on bash/powershell"),
    },
    caveats=(
        "timeouts fail open (also for policy hooks); any other non-zero exit denies",
        "a repository `disableAllHooks` skips every non-policy hook; policy hooks (`--managed`, "
        "Copilot CLI only) survive it",
        "the cloud agent runs only `bash` commands, in /workspace, and treats 'ask' as deny",
        "content exclusion does not apply to Copilot CLI or the cloud agent",
        "Copilot CLI also runs `.claude/settings.json` hooks; the Claude entry answers nothing "
        "when it sees a Copilot payload and this file has pavedroad's entry",
    ),
    gaps={"chat": "`userPromptSubmitted` output is dropped: Copilot cannot block or warn on a "
                  "prompt, and content exclusion does not apply here"},
)

COPILOT_VSCODE = ToolProfile(
    "copilot-vscode", "GitHub Copilot in VS Code (and other IDEs)",
    (".github/hooks/pavedroad.json", "Copilot content exclusion (printed; set in GitHub settings)"),
    "VS Code agent hooks (microsoft/vscode-docs @ 91e74cb, 2026-06-03, and @ 6d3b01a, 2026-07-15: "
    "'Local' harness); Copilot content exclusion (github/docs @ 02b29a7)",
    (".github/copilot-instructions.md", ".github/instructions", ".github/prompts", ".vscode/mcp.json"),
    {
        "completion": {
            "read_path": P("content exclusion, once an admin pastes the printed rules into GitHub "
                           "settings (Business/Enterprise; up to 30 min to apply; cannot be checked "
                           "from the repository)"),
        },
        "chat": {
            "read_path": P("content exclusion (as above) and the UserPromptSubmit hook (preview)"),
            "read_content": P("UserPromptSubmit hook (preview), by path"),
            "read_warn": P("UserPromptSubmit hook (preview)"),
        },
        "agent_read": {
            "read_path": P("PreToolUse hook (preview; VS Code tool names and camelCase arguments; "
                           "content exclusion does not apply to agent mode)"),
            "read_content": P("PreToolUse hook (preview)"),
            "read_warn": P("PreToolUse hook (preview)"),
        },
        "agent_edit": {
            "edit_path": P("PreToolUse hook (preview)"),
            "edit_content": P("PreToolUse hook (preview; edit arguments only partly documented)"),
            "edit_record": P("PostToolUse hook (preview)"),
            "edit_warn": P("PreToolUse hook (preview)"),
        },
        "terminal": shell("PreToolUse hook on the terminal tool (preview)"),
    },
    caveats=(
        "agent hooks are a preview of the 'Local' harness; VS Code's Copilot, Claude and Codex "
        "harnesses use those tools' own hook files",
        "matchers are ignored: every hook runs for every tool call",
        "an organisation policy or `chat.hookFilesLocations` can turn hooks off",
        "content exclusion does not cover agent or edit mode, symlinks or remote file systems",
    ),
    gaps={"completion": "content exclusion is path-only"},
)

GEMINI = ToolProfile(
    "gemini", "Gemini CLI", (".geminiignore", ".gemini/settings.json"),
    "google-gemini/gemini-cli docs and source @ 5411f11 (0.56.0-nightly.20260806, 2026-08-21)",
    ("GEMINI.md", ".gemini/commands", ".gemini/extensions"),
    {
        "completion": None,
        "chat": {
            "read_path": P("`.geminiignore` filters @-includes (known bugs: gemini-cli#16941); the "
                           "BeforeAgent hook checks the prompt"),
            "read_content": P("BeforeAgent hook sees references by path only"),
            "read_warn": E("BeforeAgent hook adds a warning"),
        },
        "agent_read": {
            "read_path": E("BeforeTool hook on read_file/read_many_files and `.geminiignore`"),
            "read_content": E("BeforeTool hook classifies the file (read_many_files: its globs)"),
            "read_warn": E("BeforeTool hook allows with a message"),
        },
        "agent_edit": {
            "edit_path": E("BeforeTool hook on write_file/replace"),
            "edit_content": E("BeforeTool hook computes where the edit lands"),
            "edit_record": E("AfterTool hook records the edit as AI-written"),
            "edit_warn": E("BeforeTool hook allows with a message"),
        },
        "terminal": shell("BeforeTool hook on run_shell_command"),
    },
    caveats=(
        "no hook runs in an untrusted folder, system settings included",
        f"{_HOOK_TIMEOUT}; hook timeouts are in milliseconds",
        "a changed project hook is warned about before it runs again",
        "`.geminiignore` changes need a CLI restart",
    ),
)

GEMINI_CODE_ASSIST = ToolProfile(
    "gemini-code-assist", "Gemini Code Assist (IDE)", (".aiexclude",),
    "cloud.google.com/gemini/docs/codeassist/create-aiexclude-file",
    (),
    {
        "completion": {"read_path": E("`.aiexclude`")},
        "chat": {"read_path": E("`.aiexclude`")},
        "agent_read": {"read_path": P("`.aiexclude` (agent mode: partial)")},
        "agent_edit": {},
        "terminal": {},
    },
    caveats=(
        "the VS Code setting 'Context Exclusion File' can point at another file; JetBrains cannot",
        "an existing `.aiexclude` without patterns (excludes everything) is left alone",
    ),
    gaps={"agent_edit": "no edit control: `ai` levels cannot be expressed",
          "terminal": "no terminal control"},
)

CODEX = ToolProfile(
    "codex", "OpenAI Codex CLI", (".codex/hooks.json",),
    "SchemaStore codex-hooks.json @ bb45ad1 (2026-06-29); openai/codex hooks source (commit "
    "provenance unverified); hooks on by default since 0.124.0",
    ("AGENTS.md", ".codex/config.toml", ".agents/skills"),
    {
        "completion": None,
        "chat": {
            "read_path": P("UserPromptSubmit hook blocks prompts naming these files; Codex has no "
                           "ignore file"),
            "read_content": P("UserPromptSubmit hook, by path"),
            "read_warn": P("UserPromptSubmit hook (systemMessage)"),
        },
        "agent_read": {
            "read_path": P("Codex reads files through shell commands: the PreToolUse hook on Bash "
                           "judges the commands it recognises"),
            "read_content": P("PreToolUse hook on Bash: recognised commands"),
            "read_warn": P("PreToolUse hook on Bash: recognised commands"),
        },
        "agent_edit": {
            "edit_path": E("PreToolUse hook on apply_patch"),
            "edit_content": E("PreToolUse hook computes where the patch lands"),
            "edit_record": E("PostToolUse hook on apply_patch records the edit"),
            "edit_warn": P("Codex treats 'allow'/'ask' answers as hook failures: a warning is only "
                           "a systemMessage"),
        },
        "terminal": shell("PreToolUse hook on Bash"),
    },
    caveats=(
        "project hooks run only after the user trusts them (/hooks) and stop again whenever the "
        "entry changes (sync keeps it byte-identical); system hooks (`--managed`) need no trust",
        f"{_HOOK_TIMEOUT}; exit 2 blocks only with a message on stderr",
    ),
)

WINDSURF = ToolProfile(
    "windsurf", "Windsurf (Cascade)", (".codeiumignore", ".windsurf/hooks.json"),
    "docs.windsurf.com/windsurf/cascade/hooks ('ten hook events' version); "
    "docs.windsurf.com context-awareness/windsurf-ignore",
    (".windsurf/rules", ".windsurf/workflows", ".windsurfrules"),
    {
        "completion": {
            "read_path": P("`.codeiumignore` keeps files out of indexing; whether it also blocks "
                           "reads is not documented"),
        },
        "chat": {
            "read_path": P("`.codeiumignore` and the pre_user_prompt hook, by path"),
            "read_content": P("pre_user_prompt hook, by path"),
            "read_warn": P("pre_user_prompt cannot show output; no warning"),
        },
        "agent_read": {
            "read_path": E("pre_read_code hook (exit 2 blocks) and `.codeiumignore`"),
            "read_content": E("pre_read_code hook classifies the file (a directory read is checked "
                              "by path)"),
            "read_warn": P("pre_read_code hook output (show_output)"),
        },
        "agent_edit": {
            "edit_path": E("pre_write_code hook"),
            "edit_content": P("pre_write_code gives the replaced strings, not the new file; the "
                              "shape of a new-file write is undocumented"),
            "edit_record": E("post_write_code hook records the edit as AI-written"),
            "edit_warn": P("pre_write_code hook output (show_output)"),
        },
        "terminal": shell("pre_run_command hook"),
    },
    caveats=(
        "any exit code other than 2 lets the action proceed (a crash or a missing `pavedroad`)",
        "there is no timeout setting; what happens to a slow hook is undocumented",
    ),
)

ZED = ToolProfile(
    "zed", "Zed", (".zed/settings.json",),
    "Zed agent file tools (`ensure_path_not_hidden_by_settings`, zed-industries/zed, late 2026; "
    "commit not pinned); docs/src/worktree-trust.md",
    (".zed/tasks.json", ".zed/debug.json", ".rules"),
    {
        "completion": {"read_path": P("private_files: edit-prediction handling not verified")},
        "chat": {"read_path": P("private_files: @-mention handling not verified")},
        "agent_read": {"read_path": E("agent file tools refuse private_files paths")},
        "agent_edit": {},
        "terminal": {},
    },
    caveats=(
        "`.zed/settings.json` is not applied until the worktree is trusted (Restricted Mode)",
        "only the `private_files` value is rewritten (comments elsewhere in the file are kept)",
    ),
    gaps={"agent_edit": "private_files lists only read-denied files: `ai` levels are not expressed",
          "terminal": "no terminal control"},
    read_block_edits=E("agent file tools also refuse to modify private_files paths"),
)


def _ignore_only(tool_id: str, name: str, file: str, source: str, detect: tuple[str, ...],
                 chat: Cover | None, agent: Cover | None, completion: Cover | None,
                 caveats: tuple[str, ...], read_block_edits: Cover | None = None) -> ToolProfile:
    return ToolProfile(
        tool_id, name, (file,), source, detect,
        {
            "completion": {"read_path": completion} if completion else None,
            "chat": {"read_path": chat} if chat else {},
            "agent_read": {"read_path": agent} if agent else {},
            "agent_edit": {},
            "terminal": {},
        },
        caveats=caveats,
        gaps={"agent_edit": "no edit control: `ai` levels cannot be expressed",
              "terminal": "ignore files do not cover commands the agent runs"},
        read_block_edits=read_block_edits,
    )


AIDER = _ignore_only(
    "aider", "aider", ".aiderignore", "aider.chat docs (as summarised in the shared notes; not "
    "re-read for this release)", (".aider.conf.yml", ".aider.chat.history.md"),
    chat=P("`.aiderignore`: the files cannot be added to the chat; `/read` still adds them read-only"),
    agent=P("`.aiderignore` (as chat)"), completion=None,
    caveats=("`--aiderignore` or `.aider.conf.yml` can name another file",),
    read_block_edits=E("aider edits only files in the chat, and ignored files cannot be added"))
CONTINUE = _ignore_only(
    "continue", "Continue", ".continueignore", "docs.continue.dev (as summarised in the shared "
    "notes; not re-read)", (".continue",),
    chat=P("`.continueignore`: indexing, @codebase and @folder"),
    agent=E("`.continueignore`: agent file tools"),
    completion=P("`.continueignore`: indexing only"),
    caveats=("cannot re-include what `.gitignore` ignores",))
CLINE = _ignore_only(
    "cline", "Cline", ".clineignore", "docs.cline.bot (as summarised in the shared notes; Cline "
    "calls it 'not a security boundary')", (".clinerules",),
    chat=P("`.clineignore`: @-mentions (not a security boundary)"),
    agent=P("`.clineignore`: file tools (not a security boundary)"), completion=None,
    caveats=("Cline documents `.clineignore` as not a security boundary",))
ROO = _ignore_only(
    "roo", "Roo Code", ".rooignore", "docs.roocode.com/features/rooignore",
    (".roo", ".roomodes"),
    chat=E("`.rooignore`: @-mentions"), agent=E("`.rooignore`: file tools"), completion=None,
    caveats=())
JETBRAINS = _ignore_only(
    "jetbrains", "JetBrains AI Assistant and Junie", ".aiignore", "JetBrains AI Assistant docs (as "
    "summarised in the shared notes; not re-read)", (".junie", ".noai"),
    chat=E("`.aiignore`"), agent=P("`.aiignore` (Junie asks for approval first)"),
    completion=E("`.aiignore`"),
    caveats=("only with the setting 'Enable .aiignore' turned on",))

CODEOWNERS_TOOL = ToolProfile(
    "codeowners", "CODEOWNERS (review routing)", ("CODEOWNERS",),
    "docs.github.com about-code-owners (github/docs @ 013c8bd and the 2024 syntax-exceptions "
    "update, github/docs#34814)",
    (), {s: None for s in SURFACES},
)

PROFILES: tuple[ToolProfile, ...] = (
    CLAUDE, CURSOR, COPILOT, COPILOT_VSCODE, GEMINI, GEMINI_CODE_ASSIST, CODEX, WINDSURF, ZED,
    AIDER, CONTINUE, CLINE, ROO, JETBRAINS,
)
ALL_TOOL_IDS: tuple[str, ...] = (*(p.id for p in PROFILES), "codeowners")


def profile(tool_id: str) -> ToolProfile | None:
    if tool_id == "codeowners":
        return CODEOWNERS_TOOL
    return next((p for p in PROFILES if p.id == tool_id), None)
