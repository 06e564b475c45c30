"""What an agent wants to do, in one vocabulary for every tool, and what pavedroad answers.

Each tool's hook payload (`dialects`) becomes one of these actions; the engine (`decide`) turns an
action into a `Decision`; the dialect renders the decision in the tool's own output format and
exit code. Nothing here knows about a particular tool.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from pavedroad.hooks.githistory import HistoryRead
    from pavedroad.hooks.treesearch import TreeSearch


@dataclass(frozen=True)
class StringEdit:
    """Replace `old` by `new` (every occurrence when `replace_all`). An empty `old` on an empty
    file is how some tools describe creating it."""

    old: str
    new: str
    replace_all: bool = False


@dataclass(frozen=True)
class ReadAction:
    """The agent reads files (a read tool, a glob of files, or a shell command that reads)."""

    paths: tuple[str, ...]
    #: where the paths came from, for messages ("Read", "cat in a shell command", ...)
    via: str = "read"
    #: files a shell command searches for a credential's name (`grep OPENAI_API_KEY ~/.zshrc`):
    #: what it prints is the value, whatever the file's own policy
    credential_lines: tuple[str, ...] = ()
    #: recursive searches whose printed lines would carry a value (`grep -rn API_KEY .`): they
    #: read every file under their folders, which the command does not name
    tree_searches: tuple[TreeSearch, ...] = ()
    #: environment variables the command prints (`echo $OPENAI_API_KEY`, a bare `env`): the
    #: user's keys, straight into the transcript
    env_prints: tuple[str, ...] = ()
    #: (what, file) the command writes of the environment into a file (`env > /tmp/e`): allowed
    #: only into a file the assistant may not read (`echo "...$NPM_TOKEN" > .npmrc`)
    env_writes: tuple[tuple[str, str], ...] = ()
    #: git commands that print files' text from a diff or the history (`git log -p`, `git show`)
    #: without naming them: judged by the files git lists for them
    history_reads: tuple[HistoryRead, ...] = ()


@dataclass(frozen=True)
class EditAction:
    """The agent changes one file: either its whole new content, or string edits to apply to
    its current content, or (for shell commands that write) neither (`opaque`)."""

    path: str
    content: str | None = None
    edits: tuple[StringEdit, ...] = ()
    #: a deletion of the file
    delete: bool = False
    #: the change cannot be computed (a shell redirect, `sed -i`): judged by the file's zones
    opaque: bool = False
    #: the file the content moves to (apply_patch `*** Move to:`)
    move_to: str | None = None
    via: str = "edit"


@dataclass(frozen=True)
class PromptAction:
    text: str
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True)
class NoAction:
    """An event pavedroad has nothing to say about (a tool it does not govern)."""

    why: str = ""


Action = ReadAction | EditAction | PromptAction | NoAction

Verdict = Literal["allow", "warn", "ask", "deny"]


@dataclass(frozen=True)
class Decision:
    """The answer to one action. `message` is for the user and the agent: it names the zone,
    why, who reviews and what to do instead, and never quotes a secret or prompt text."""

    verdict: Verdict
    message: str = ""
    #: codes of the findings behind the decision (PR103, PR304, ...)
    codes: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    #: AI-written line ranges (1-based, inclusive) to record per file, for review zones
    record: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    #: set when the hook itself failed; the verdict is then the fail-safe one
    internal_error: bool = False
    #: the prompt engine's report behind a prompt decision (for the decision log; not output)
    report: object = field(default=None, compare=False, repr=False)
    #: the repository file a read was denied for (for the decision log); None when the file is
    #: outside the repository or a command's output was refused (`grep KEY ~/.zshrc`)
    denied_path: str | None = None

    @property
    def blocks(self) -> bool:
        return self.verdict == "deny"


@dataclass(frozen=True)
class HookCall:
    """One parsed hook invocation: which tool and event spoke, what it asked, and context."""

    tool: str
    event: str
    #: "pre" (may block), "post" (after the fact: record), "prompt"
    phase: Literal["pre", "post", "prompt"]
    #: what the call does: one action for most tools, several for a patch or a shell command
    actions: tuple[Action, ...]
    cwd: str
    session: str | None = None
    model: str | None = None
    #: the dialect actually detected from the payload (it can differ from the argv tool: Cursor
    #: and Copilot also run Claude's hooks)
    dialect: str = ""
    #: the event name the payload itself gives (the host's name for it)
    host_event: str = ""
