"""Shell commands that print a credential's value from a shell start-up file.

`grep OPENAI_API_KEY ~/.zshrc`, `cat ~/.zshrc | grep TOKEN`, `awk '/API_KEY/' ~/.bashrc`: the
lines they print are `export NAME=value`. A prompt that asks for such a command is a
`sensitive_file.credential-lines` finding; this module finds the same in an agent's own command,
parsed as a shell parses it (quotes, pipe stages, redirections, wrappers, heredoc bodies skipped),
never as prose, so a negation word or a commit message naming the command changes nothing.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterator

from pavedroad.hooks.shellcmd import REDIRECT, without_prefixes
from pavedroad.searchcmd import (
    CREDENTIAL_PATTERN,
    OPTIONS_WITH_ARGUMENT,
    SHELL_PROFILE,
    prints_no_lines,
)

#: Search tools whose matching lines reach the terminal (`git grep` is `grep` after `git`).
_SEARCH_TOOLS = frozenset({"grep", "egrep", "fgrep", "zgrep", "rg", "ag", "ack", "ack-grep", "ugrep", "pcregrep"})
#: Commands that print a file's lines into a pipe (`cat ~/.zshrc | grep KEY`).
_PRINTERS = frozenset({"cat", "bat", "batcat", "less", "more", "head", "tail", "tac", "nl", "strings", "sort",
                       "uniq", "cut", "awk", "sed"})
_HEREDOC = re.compile(r"<<-?[ \t]*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\1")


def _shell_lines(command: str) -> list[str]:
    """The command's lines, minus heredoc bodies (text written to a file is not run)."""
    out: list[str] = []
    until: str | None = None
    pending: str | None = None
    for line in command.splitlines():
        if until is not None:
            if line.strip() == until:
                until = None
            continue
        if pending is not None:
            line = f"{pending}\n{line}"  # a quoted newline is part of the word (`grep 'a<NL>b'`)
            pending = None
        if _open_quote(line):
            pending = line
            continue
        out.append(line)
        m = _HEREDOC.search(line)
        if m:
            until = m.group(2)
    if pending is not None:
        out.append(pending)
    return out


#: What makes a line more than words, operators and double-quoted strings to shlex (single
#: quotes, escapes, comments, backquotes, redirections).
_QUOTING = frozenset("'\\<>`#")
#: shlex's tokens for a line without `_QUOTING` and with balanced double quotes: runs of operator
#: characters, and words (double-quoted parts included, the quotes then taken off).
_PLAIN_TOKENS = re.compile(r'[|&;()]+|(?:[^ \t\r\n|&;()"]+|"[^"]*")+')


def _open_quote(line: str) -> bool:
    """Whether `line` ends inside a quotation, so the next line continues its word (shlex only
    for lines `_stages` would give it: the common line costs a scan)."""
    if "'" not in line and '"' not in line:
        return False
    if _QUOTING.isdisjoint(line):
        return line.count('"') % 2 == 1
    try:
        shlex.split(line, comments=True, posix=True)
    except ValueError as error:
        return "quotation" in str(error)
    return False


def shell_tokens(line: str) -> list[str]:
    """`line`'s words and operator runs as shlex (posix, punctuation characters) gives them; a
    line without single quotes, escapes, comments or redirections takes a regex instead, several
    times cheaper (a property test holds the two equal). An unclosed quote: whitespace words."""
    if _QUOTING.isdisjoint(line) and line.count('"') % 2 == 0:
        return [t.replace('"', "") for t in _PLAIN_TOKENS.findall(line)]
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        return list(lexer)
    except ValueError:
        return line.split()


def _stages(line: str) -> list[list[list[str]]]:
    """Pipelines of `line` (split at `;`, `&&`, `||`, `&`, parentheses), each a list of stages'
    words, quotes respected (`grep "A|B" f` is one stage)."""
    pipelines: list[list[list[str]]] = [[[]]]
    name_follows = False
    for token in shell_tokens(line):
        if token in ("|", "|&"):
            pipelines[-1].append([])
        elif token and (_OPERATOR_CHARS.issuperset(token) or token in ("<(", ">(")):
            # `;`, `&&`, `||`, `(`, `()`, `);`, `;;`, and process substitutions `<(cmd)`
            pipelines.append([[]])
        elif name_follows:
            name_follows = False  # `function f { ...; }`: the function's name
        elif token in _RESERVED and not pipelines[-1][-1]:
            name_follows = token == "function"
            continue  # `{ grep -r KEY .; }`, `if ...; then env; fi`, `while ...; do ...; done`
        else:
            pipelines[-1][-1].append(token)
    return pipelines


_OPERATOR_CHARS = frozenset(";&|()")
#: Reserved words that open (or continue) a compound command: the command follows them.
_RESERVED = frozenset({"{", "}", "!", "if", "then", "else", "elif", "do", "while", "until", "fi", "done", "esac",
                       "function", "coproc"})


def simple_command(words: list[str]) -> tuple[list[str], list[str]]:
    """(the command's words without redirections, env prefixes and wrappers; files it reads from `<`)."""
    plain, inputs = without_redirections(words)
    plain = without_prefixes(plain)
    if len(plain) >= 2 and os.path.basename(plain[0]) == "git" and plain[1] == "grep":
        plain = plain[1:]
    return plain, inputs


def without_redirections(words: list[str]) -> tuple[list[str], list[str]]:
    """(`words` without redirections and their targets, wrappers kept; files read from `<`)."""
    plain: list[str] = []
    inputs: list[str] = []
    pending: str | None = None
    for k, word in enumerate(words):
        if word.isdigit() and k + 1 < len(words) and words[k + 1][:1] in ("<", ">"):
            continue  # `2>/dev/null` parses as `2`, `>`, `/dev/null`: the descriptor, not an argument
        if pending is not None:
            if pending == "<":
                inputs.append(word)
            pending = None
        elif word in ("<", ">", ">>", ">&", "&>", "<<", "<<<", "<>", "2>", "2>>", ">|", "&>>"):
            pending = word
        elif REDIRECT.match(word):
            continue
        else:
            plain.append(word)
    return plain, inputs


def pipelines(command: str) -> Iterator[list[list[str]]]:
    """Every pipeline of the command (a list of its stages' words), heredoc bodies skipped; the
    commands of substitutions inside double quotes (`echo "$(git show HEAD~3)"`), which the
    word split keeps whole, as pipelines of their own."""
    for line in _shell_lines(command):
        yield from _stages(line)
        if "$(" in line or "`" in line:
            for inner in _SUBSTITUTION.finditer(line):
                yield from _stages(inner.group(1) or inner.group(2) or "")


#: A command substitution without nested parentheses: `$(cmd ...)` or `` `cmd ...` ``.
_SUBSTITUTION = re.compile(r"\$\(([^()]*)\)|`([^`]*)`")


def _search(name: str, args: list[str]) -> tuple[list[str], list[str]] | None:
    """(patterns, files) of a search that prints matching lines; None when it prints none."""
    if name in ("grep", "egrep", "fgrep", "zgrep", "rg") and prints_no_lines(
            "rg" if name == "rg" else "grep", " ".join(args)):
        return None
    patterns, operands, _options = parse_search(args, grep=name != "rg")
    return patterns, operands


def parse_search(args: list[str], grep: bool = False) -> tuple[list[str], list[str], list[str]]:
    """(patterns, file operands, options with their values as `--opt=value` or `-o value`);
    `grep`: GNU grep's options (`-T` takes no value there)."""
    patterns: list[str] = []
    operands: list[str] = []
    options: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            operands.extend(args[i + 1:])
            break
        if a in ("-e", "--regexp") and i + 1 < len(args):
            patterns.append(args[i + 1])
            i += 2
            continue
        if a.startswith("--regexp="):
            patterns.append(a.split("=", 1)[1])
        elif grep and a in ("-T", "-t", "-M", "-j", "-g"):
            options.append(a)
        elif a in OPTIONS_WITH_ARGUMENT or a in ("--iglob", "--type-not", "--directories", "--type-add", "--type-clear"):
            if i + 1 < len(args):
                options.append(f"{a}={args[i + 1]}")
            i += 1
        elif a.startswith("-") and not a.startswith("--") and len(a) > 2 and (glued := _glued_value(a)):
            # `-rnf FILE`, `-rne KEY`, `-rnA3`: the letter that takes a value ends the flags
            flags, letter, value = glued
            options.append(flags)
            if not value and i + 1 < len(args):
                value = args[i + 1]
                i += 1
            if letter == "e":
                patterns.append(value)
            else:
                options.append(f"-{letter}={value}")
        elif a.startswith("-") and a != "-":
            options.append(a)
        else:
            operands.append(a)
        i += 1
    if not patterns and operands:
        patterns.append(operands.pop(0))
    return patterns, operands, options


def _glued_value(word: str) -> tuple[str, str, str] | None:
    """(`-rn`, `f`, `FILE` or "") for a short-option word whose letters end with one that takes
    a value (`-rnf FILE`, `-rnfFILE`, `-rA3`); None for plain flags (`-rni`)."""
    for k, ch in enumerate(word[1:], start=1):
        if not ch.isalpha():
            return None
        if ch in "efABCm" and k > 1:
            return word[:k], ch, word[k + 1:]
    return None


#: grep's (and rg's `-g`) short options that take the rest of the word (or the next word) as their value
_SHORT_WITH_VALUE = frozenset("ABCDdefmg")


def short_flags(option: str) -> str:
    """The flag letters of a short-option word: `-rnA3` -> "rnA", `-re` -> "re" (the value of
    `-A`, `-e`, `-m`... ends them); "" for a long option."""
    if not option.startswith("-") or option.startswith("--"):
        return ""
    flags = []
    for ch in option[1:]:
        if ch.isdigit():
            continue  # `-5`: a context size
        if not ch.isalpha():
            break
        flags.append(ch)
        if ch in _SHORT_WITH_VALUE:
            break
    return "".join(flags)


def long_option(option: str, full: str) -> bool:
    """`option` (before any `=`) is `full` or an abbreviation GNU getopt accepts (`--recurs`)."""
    name = option.split("=", 1)[0]
    return len(name) >= 5 and full.startswith(name)


def credential_searches(command: str) -> tuple[str, ...]:
    """Shell start-up files the command searches for a credential's name and prints the matching
    lines of (`grep OPENAI_API_KEY ~/.zshrc`, `cat ~/.zshrc | grep TOKEN`, `awk '/API_KEY/' ~/.bashrc`):
    the lines hold the value, whatever the file's own policy. Parsed as a shell parses it (quotes,
    pipes, wrappers, `/usr/bin/grep`), never as prose: a negation word or a commit message naming
    such a command changes nothing."""
    found: list[str] = []
    for pipeline in pipelines(command):
        fed: list[str] = []  # profiles an earlier stage prints into the pipe
        for words in pipeline:
            plain, inputs = simple_command(words)
            if not plain:
                continue
            name, args = os.path.basename(plain[0]), plain[1:]
            if name in _SEARCH_TOOLS:
                searched = _search(name, args)
                if searched is None:
                    fed = []
                    continue
                patterns, files = searched
                files = files + inputs or fed
                if any(CREDENTIAL_PATTERN.search(p) for p in patterns):
                    found.extend(f for f in files if SHELL_PROFILE.search(f))
                fed = []
            elif name in ("awk", "sed"):
                operands = [a for a in args if not a.startswith("-")]
                files = (operands[1:] + inputs) or fed
                if operands and CREDENTIAL_PATTERN.search(operands[0]):
                    found.extend(f for f in files if SHELL_PROFILE.search(f))
                fed = [f for f in files if SHELL_PROFILE.search(f)]
            elif name in _PRINTERS:
                fed = [a for a in args + inputs if not a.startswith("-") and SHELL_PROFILE.search(a)]
            else:
                fed = []
    return tuple(dict.fromkeys(found))
