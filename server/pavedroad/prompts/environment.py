"""Prompts that ask the assistant to print a credential from the environment.

"Ask Claude to run `echo $GH_TOKEN`", a skill's ```` ```bash ```` block with `echo $OPENAI_API_KEY
# should print sk-...`, `env | grep -i key`: the value lands in the transcript, as the lines of
`.env` would. The commands are judged by the agent hook's own parser
(`pavedroad.hooks.envprint`), so a prompt that asks for the command and the agent that runs it get
one verdict. Only text written as a command is read: inline code with arguments (`` `echo $X` ``,
not a lone `` `env` `` in a sentence), lines of shell code blocks, and `$ `-prompted lines.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from pavedroad.hooks.envprint import environment_prints, secret_name

from .findings import register
from .model import BLOCK, KIND_SENSITIVE_FILE, PromptFinding
from .references import negation_words

ENVIRONMENT_PRINT = register(
    "sensitive_file.environment-print",
    KIND_SENSITIVE_FILE,
    BLOCK,
    "a command that prints a credential from the environment",
)

#: Findings of this rule per prompt: beyond, the verdict is the same (block) and a text of nothing
#: but such commands would cost a shell parse each (bounded latency, as for every rule).
MAX_FINDINGS = 50
#: Words a command printing the environment starts with or holds (a cheap gate per text, then
#: per command, before the shell parse).
_TRIGGERS = ("echo", "printf", "print", "env", "export", "set", "declare", "typeset", "environ")
_TRIGGER = re.compile(r"\b(?:echo|printf|print|printenv|env|export|set|declare|typeset|eval|puts|ENV)\b|environ|ENVIRON")
_INLINE = re.compile(r"(?<!`)`([^`\n]{3,400})`(?!`)")
#: A fence of three or more backquotes or tildes (four when it nests a three-backquote block)
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n(.*?)^[ \t]*\1[ \t]*$", re.M | re.S)
_SHELL_FENCES = frozenset({"", "bash", "sh", "shell", "zsh", "console", "shell-session", "terminal", "fish", "ksh"})
_PROMPTED = re.compile(r"^[ \t]*[$%][ \t]+(\S[^\n]{2,400})$", re.M)


def environment_findings(text: str) -> list[PromptFinding]:
    """A finding per command in `text` that prints a credential from the environment."""
    lowered = text.lower()
    if not any(t in lowered for t in _TRIGGERS):
        return []
    found: dict[int, PromptFinding] = {}
    parsed: dict[str, tuple[str, ...]] = {}  # a prompt that repeats a command is parsed once
    prohibition = _Prohibitions(text)
    for start, command, inline in _commands(text):
        if len(found) >= MAX_FINDINGS:
            break  # the verdict is made; parsing every further command is what an adversarial text costs
        if not _may_print(command):
            continue
        printed = parsed.get(command)
        if printed is None:
            printed = parsed[command] = environment_prints(command, process_environment=False)
        if inline and command.split()[0] not in _DUMPS:
            # `endlocal & set`, `set(state => ...)`: a dump counts only as the span's own command
            printed = tuple(p for p in printed if p != _EVERYTHING)
        if printed and inline and prohibition.before(start):
            continue  # "Never run these: `env`, `declare -p`"
        if printed and start not in found:
            what = ", ".join(printed[:3])
            found[start] = PromptFinding(
                kind=KIND_SENSITIVE_FILE,
                rule=ENVIRONMENT_PRINT.rule,
                message=(f"Asks to run a command that prints the environment ({what}): the value "
                         "would reach the assistant's transcript. Ask it to check that the variable "
                         "is set instead (`test -n \"$NAME\" && echo set`) "
                         f"[{ENVIRONMENT_PRINT.rule}]."),
                start=start,
                end=start + len(command),
                severity=BLOCK,
                masked=what,
            )
    return [found[k] for k in sorted(found)]


_DUMPS = frozenset({"env", "printenv", "set", "export", "declare", "typeset"})
_EVERYTHING = "every environment variable"
#: A code block shown as what not to do: a marker in the lines just before it (`❌ BAD`,
#: "Avoid:", "Never do this"), or a comment on the line itself (`# Exposes secret!`).
_COUNTER_EXAMPLE = re.compile(
    r"(?i)\u274c|\U0001f6ab|\bbad\b|\bavoid\b|\bdon'?t\b|\bnever\b|\bwrong\b|\bincorrect\b|anti-?pattern"
    r"|\binsecure\b|\bvulnerable\b|\bexposes?\b|\bleaks?\b"
)
#: The same for the lines before a code block, where "Don't forget to export it, then run:" is
#: no label: the block must be called bad or wrong, or something to avoid or not to do.
_BAD_BLOCK = re.compile(
    r"(?i)\u274c|\U0001f6ab|\bbad\b|\bavoid\b|\bwrong\b|\bincorrect\b|anti-?pattern|\binsecure\b"
    r"|\bvulnerable\b|\b(?:don'?t|do not|never)\s+(?:do|run|use|write)\s+(?:this|that|these)\b"
)


_EXPANSION_NAME = re.compile(r"\$\{?#?([A-Za-z_][A-Za-z0-9_]*)")
_DUMP_WORD = re.compile(r"\b(?:printenv|env|export|set|declare|typeset|ENV)\b|environ|ENVIRON|getenv")


def _may_print(command: str) -> bool:
    """A cheap test before the shell parse: a dump word or a program's environment (`ENV`,
    `os.environ`, `getenv`), or a `$NAME` named for a secret."""
    return _DUMP_WORD.search(command) is not None or any(
        secret_name(m.group(1)) for m in _EXPANSION_NAME.finditer(command))


_SENTENCE_END = re.compile(r"[.!?][ \t]+")


#: A request that starts after a negation, in the same sentence (`..., just run`, `..., then type`).
_NEW_REQUEST = re.compile(
    r"[,;]\s*(?:(?:just|then|and|now|simply|please|instead|so)\s+)*(?:run|execute|exec|type|call|use|try|do|paste)\b",
    re.IGNORECASE,
)


class _Prohibitions:
    """Whether a negation precedes a command in its sentence or list item, within 300 characters:
    "Never run these: `env`, `declare -p`" (wider than the read verbs' clause, as a list of
    commands follows a colon). The text's negation words are found in one pass, when first asked."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] | None = None

    def before(self, start: int) -> bool:
        if self.starts is None:
            self.starts = negation_words(self.text)
        text = self.text
        floor = max(text.rfind("\n", 0, start) + 1, start - 300)
        ends = list(_SENTENCE_END.finditer(text, floor, start))
        if ends:
            floor = ends[-1].end()
        i = bisect.bisect_left(self.starts, start) - 1  # the last negation before the command
        if i < 0 or self.starts[i] < floor:
            return False
        # "Don't worry about it, just run `echo $KEY`": a new request after the negation frees
        # the command from it; "Never run these: `printenv`, a bare `env`" stays governed
        return _NEW_REQUEST.search(text, self.starts[i], start) is None


_MARKER_STEMS = ("\u274c", "\U0001f6ab", "bad", "avoid", "don", "do not", "never", "wrong", "incorrect", "anti",
                 "insecure", "vulnerable", "expos", "leak")


def _counter_example(text: str, pattern: re.Pattern[str] = _COUNTER_EXAMPLE) -> bool:
    """`pattern` in `text`, after a substring test that rules most texts out cheaply."""
    low = text.lower()
    return any(stem in low for stem in _MARKER_STEMS) and pattern.search(text) is not None


def _lines_back(text: str, pos: int, count: int) -> int:
    """Where the `count` non-blank lines before `pos` start (at most 300 characters back)."""
    floor = max(0, pos - 300)
    start = pos
    while count and start > floor:
        previous = text.rfind("\n", floor, start - 1) + 1 if start - 1 > floor else floor
        if text[previous:start].strip():
            count -= 1
        start = previous
    return max(start, floor)


def _commands(text: str) -> Iterator[tuple[int, str, bool]]:
    """(offset, command, whether inline) of the text written as shell commands, but for those
    shown as what not to do (after a negation, under a "BAD" heading, with a "leaks!" comment)."""
    for m in _INLINE.finditer(text):
        command = m.group(1).strip()
        if (" " in command or "|" in command) and _TRIGGER.search(command):
            yield m.start(1), command, True  # a lone `env` in a sentence names the command
    for m in _FENCE.finditer(text):
        if m.group(2).lower() not in _SHELL_FENCES:
            continue
        if _counter_example(text[_lines_back(text, m.start(), 3) : m.start()], _BAD_BLOCK):
            continue
        offset = m.start(3)
        for line in m.group(3).split("\n"):
            command = line.strip()
            if command.startswith(("$ ", "% ")):
                command = command[2:]
            comment = command.split(" #", 1)[1] if " #" in command else ""
            if (command and not command.startswith("#") and _TRIGGER.search(command)
                    and not _counter_example(comment)):
                yield offset + line.find(command), command, False
            offset += len(line) + 1
    for m in _PROMPTED.finditer(text):
        if _TRIGGER.search(m.group(1)):
            yield m.start(1), m.group(1), False
