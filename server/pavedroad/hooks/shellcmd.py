"""Files a shell command reads or writes, for agents' Bash/terminal tools.

Deny rules in the tools themselves are known to miss `cd d && cat f`, `{ cat f; }`, `grep -r`,
`cp -r` and wrappers (see the vendors' trackers), so this is deliberately broad: the command is
split into simple commands at `;`, `&&`, `||`, `|`, newlines, braces and subshells; wrappers
(`sudo`, `env`, `time`, `nice`, `xargs`, `bash -c`) are looked through; every word that names a
file (after `cd` is followed) counts as read unless the command is one that does not read
contents (`ls`, `rm`, `git add`, ...); redirections, `tee`, `sed -i`, `cp`/`mv` targets,
`dd of=` and deletions (`rm`, `truncate`, `shred`) count as writes. Globs are expanded against the files that exist. Anything that cannot
be parsed is judged by every word that looks like a path. Over-blocking a read of a sensitive file
is the safe error here; the message tells the agent what to do instead.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
from dataclasses import dataclass

#: Commands whose file arguments are not read for their contents.
_NO_READ = frozenset({
    "ls", "rm", "rmdir", "unlink", "shred", "truncate", "mkdir", "touch", "chmod", "chown", "stat", "test", "[", "file", "du",
    "which", "type", "echo", "printf", "true", "false", "pwd", "cd", "export", "unset", "wait",
})
_GIT_NO_READ = frozenset({"add", "rm", "mv", "status", "restore", "checkout", "stash", "reset"})
_WRAPPERS = frozenset({"sudo", "env", "time", "nice", "nohup", "xargs", "command", "exec", "timeout",
                       "doas", "stdbuf", "ionice", "chroot"})
_SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh", "fish"})
_SPLIT = re.compile(r"\|\||&&|[;|&\n(){}`]|\$\(")
_REDIRECT = re.compile(r"^(\d*)(>>?|<|&>)(.*)$")
MAX_GLOB = 200


@dataclass(frozen=True)
class ShellEffects:
    reads: tuple[str, ...]
    writes: tuple[str, ...]


def _words(segment: str) -> list[str]:
    try:
        return shlex.split(segment, comments=True, posix=True)
    except ValueError:  # unbalanced quotes: fall back to whitespace words, minus quotes
        return [w.strip("'\"") for w in segment.split()]


def _expand(word: str, cwd: str) -> list[str]:
    if word.startswith("~"):
        word = os.path.expanduser(word)  # `~/.aws/cred*` globs the home directory, not `./~`
    if any(c in word for c in "*?["):
        base = word if os.path.isabs(word) else os.path.join(cwd, word)
        hits = glob.glob(base, recursive="**" in word)[:MAX_GLOB]
        return hits
    return [word if os.path.isabs(word) else os.path.join(cwd, word)]


_PATHISH = re.compile(r"[A-Za-z0-9_@%+=:,./~*?\[\]-]{2,}")
MAX_TOKENS = 1000


#: Search tools whose matching lines reach the terminal (`git grep` is `grep` after `git`).
_SEARCH_TOOLS = frozenset({"grep", "egrep", "fgrep", "zgrep", "rg", "ag", "ack", "ack-grep", "ugrep", "pcregrep"})
#: Commands that print a file's lines into a pipe (`cat ~/.zshrc | grep KEY`).
_PRINTERS = frozenset({"cat", "bat", "batcat", "less", "more", "head", "tail", "tac", "nl", "strings", "sort",
                       "uniq", "cut", "awk", "sed"})
#: Search options whose argument is the next word.
_OPTION_ARGS = frozenset({"-A", "-B", "-C", "-m", "-g", "-t", "-T", "-M", "-j", "-d", "-D", "--glob", "--type",
                          "--max-count", "--context", "--after-context", "--before-context", "--include",
                          "--exclude", "--exclude-dir", "-f", "--file"})
_HEREDOC = re.compile(r"<<-?[ \t]*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\1")


def _shell_lines(command: str) -> list[str]:
    """The command's lines, minus heredoc bodies (text written to a file is not run)."""
    out: list[str] = []
    until: str | None = None
    for line in command.splitlines():
        if until is not None:
            if line.strip() == until:
                until = None
            continue
        out.append(line)
        m = _HEREDOC.search(line)
        if m:
            until = m.group(2)
    return out


def _stages(line: str) -> list[list[list[str]]]:
    """Pipelines of `line` (split at `;`, `&&`, `||`, `&`, parentheses), each a list of stages'
    words, quotes respected (`grep "A|B" f` is one stage)."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:
        tokens = line.split()
    pipelines: list[list[list[str]]] = [[[]]]
    for token in tokens:
        if token in ("|", "|&"):
            pipelines[-1].append([])
        elif token in (";", "&&", "||", "&", "(", ")", ";;"):
            pipelines.append([[]])
        else:
            pipelines[-1][-1].append(token)
    return pipelines


def _simple(words: list[str]) -> tuple[list[str], list[str]]:
    """(the command's words without redirections, env prefixes and wrappers; files it reads from `<`)."""
    plain: list[str] = []
    inputs: list[str] = []
    pending: str | None = None
    for word in words:
        if pending is not None:
            if pending == "<":
                inputs.append(word)
            pending = None
        elif word in ("<", ">", ">>", ">&", "&>", "<<", "<<<", "<>", "2>", "2>>"):
            pending = word
        elif _REDIRECT.match(word):
            continue
        else:
            plain.append(word)
    while plain and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", plain[0]):
        plain.pop(0)
    while plain and os.path.basename(plain[0]) in _WRAPPERS:
        plain.pop(0)
        while plain and plain[0].startswith("-"):
            plain.pop(0)
    if len(plain) >= 2 and os.path.basename(plain[0]) == "git" and plain[1] == "grep":
        plain = plain[1:]
    return plain, inputs


def _search(name: str, args: list[str]) -> tuple[list[str], list[str]] | None:
    """(patterns, files) of a search that prints matching lines; None when it prints none."""
    from pavedroad.prompts.references import _prints_no_lines

    if name in ("grep", "egrep", "fgrep", "zgrep", "rg") and _prints_no_lines(
            "rg" if name == "rg" else "grep", " ".join(args)):
        return None
    patterns: list[str] = []
    operands: list[str] = []
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
        elif a in _OPTION_ARGS:
            i += 1
        elif a.startswith("-") and a != "-":
            pass
        else:
            operands.append(a)
        i += 1
    if not patterns and operands:
        patterns.append(operands.pop(0))
    return patterns, operands


def credential_searches(command: str) -> tuple[str, ...]:
    """Shell start-up files the command searches for a credential's name and prints the matching
    lines of (`grep OPENAI_API_KEY ~/.zshrc`, `cat ~/.zshrc | grep TOKEN`, `awk '/API_KEY/' ~/.bashrc`):
    the lines hold the value, whatever the file's own policy. Parsed as a shell parses it (quotes,
    pipes, wrappers, `/usr/bin/grep`), never as prose: a negation word or a commit message naming
    such a command changes nothing."""
    from pavedroad.prompts.references import _CREDENTIAL_PATTERN, _SHELL_PROFILE

    found: list[str] = []
    for line in _shell_lines(command):
        for pipeline in _stages(line):
            fed: list[str] = []  # profiles an earlier stage prints into the pipe
            for words in pipeline:
                plain, inputs = _simple(words)
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
                    if any(_CREDENTIAL_PATTERN.search(p) for p in patterns):
                        found.extend(f for f in files if _SHELL_PROFILE.search(f))
                    fed = []
                elif name in ("awk", "sed"):
                    operands = [a for a in args if not a.startswith("-")]
                    files = (operands[1:] + inputs) or fed
                    if operands and _CREDENTIAL_PATTERN.search(operands[0]):
                        found.extend(f for f in files if _SHELL_PROFILE.search(f))
                    fed = [f for f in files if _SHELL_PROFILE.search(f)]
                elif name in _PRINTERS:
                    fed = [a for a in args + inputs if not a.startswith("-") and _SHELL_PROFILE.search(a)]
                else:
                    fed = []
    return tuple(dict.fromkeys(found))


def effects(command: str, cwd: str) -> ShellEffects:
    """Reads and writes of `command` run in `cwd` (absolute paths, deduplicated)."""
    home = os.path.expanduser("~")
    if home not in ("", "~"):  # `${HOME}/.aws/credentials`: the braces would split the word
        command = re.sub(r"\$\{HOME\}|\$HOME(?![A-Za-z0-9_])", lambda _m: home, command)
    found = _effects(command, cwd)
    reads = list(found.reads)
    if _reads_anything(command):
        # Interpreters (`python -c "open('.env')"`), command substitutions and anything the word
        # split missed: every path-like token that names an existing file counts as read.
        for token in _PATHISH.findall(command)[:MAX_TOKENS]:
            for path in _expand(token.strip("=:,"), cwd):
                if os.path.isfile(path):
                    reads.append(path)
    return ShellEffects(tuple(dict.fromkeys(reads)), found.writes)


def _reads_anything(command: str) -> bool:
    for segment in _SPLIT.split(command):
        words = [w for w in _words(segment) if not _REDIRECT.match(w)]
        while words and (re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0])
                         or os.path.basename(words[0]) in _WRAPPERS):
            words.pop(0)
        if not words:
            continue
        name = os.path.basename(words[0])
        if name in _NO_READ or (name == "git" and len(words) > 1 and words[1] in _GIT_NO_READ):
            continue
        return True
    return False


def _effects(command: str, cwd: str) -> ShellEffects:
    reads: list[str] = []
    writes: list[str] = []
    here = cwd
    for segment in _SPLIT.split(command):
        words = _words(segment)
        # redirections first: `> f` / `>f` / `2>>f` / `< f`
        plain: list[str] = []
        pending: str | None = None
        for word in words:
            if pending is not None:
                (reads if pending == "<" else writes).extend(_expand(word, here))
                pending = None
                continue
            match = _REDIRECT.match(word)
            if match and not word.startswith(("<(", ">(")):
                op, rest = match.group(2), match.group(3)
                if rest.startswith("&"):
                    continue  # 2>&1
                if rest:
                    (reads if op == "<" else writes).extend(_expand(rest, here))
                else:
                    pending = op
                continue
            plain.append(word)
        while plain and ("=" in plain[0] and not plain[0].startswith("=")
                         and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", plain[0])):
            plain.pop(0)  # VAR=value prefixes
        while plain and os.path.basename(plain[0]) in _WRAPPERS:
            plain.pop(0)
            while plain and plain[0].startswith("-"):
                plain.pop(0)
        if not plain:
            continue
        name = os.path.basename(plain[0])
        args = plain[1:]
        if name in _SHELLS and "-c" in args:
            inner = args[args.index("-c") + 1] if args.index("-c") + 1 < len(args) else ""
            sub = _effects(inner, here)
            reads.extend(sub.reads)
            writes.extend(sub.writes)
            continue
        if name == "cd":
            target = os.path.expanduser(args[0]) if args else os.path.expanduser("~")
            here = os.path.normpath(target if os.path.isabs(target) else os.path.join(here, target))
            continue
        if name == "git" and args and args[0] in _GIT_NO_READ:
            continue
        operands = [a for a in args if not a.startswith("-") or a == "-"]
        if name in ("rm", "unlink", "shred", "truncate"):
            writes.extend(p for a in operands for p in _expand(a, here))
            continue
        if name in ("tee",):
            writes.extend(p for a in operands for p in _expand(a, here))
            continue
        if name == "sed" and any(a == "-i" or a.startswith(("-i", "--in-place")) for a in args):
            files = [p for a in operands[1:] for p in _expand(a, here)]
            writes.extend(files)
            reads.extend(files)
            continue
        if name in ("cp", "mv", "install", "rsync", "ln") and len(operands) >= 2:
            sources = [p for a in operands[:-1] for p in _expand(a, here)]
            if name != "ln":
                reads.extend(sources)
            if name == "mv":
                writes.extend(sources)
            writes.extend(_expand(operands[-1], here))
            continue
        if name == "dd":
            for a in args:
                if a.startswith("if="):
                    reads.extend(_expand(a[3:], here))
                elif a.startswith("of="):
                    writes.extend(_expand(a[3:], here))
            continue
        if name in _NO_READ:
            continue
        for a in operands:
            if "=" in a and not os.path.exists(os.path.join(here, a)):
                a = a.split("=", 1)[1]  # --file=x / if=x forms
            reads.extend(_expand(a, here))
    return ShellEffects(tuple(dict.fromkeys(reads)), tuple(dict.fromkeys(writes)))
