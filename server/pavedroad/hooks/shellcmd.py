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
import itertools
import os
import re
import shlex
from dataclasses import dataclass

from pavedroad.searchcmd import home_expanded

#: Commands whose file arguments are not read for their contents.
_NO_READ = frozenset({
    "ls", "rm", "rmdir", "unlink", "shred", "truncate", "mkdir", "touch", "chmod", "chown", "stat", "test", "[", "file", "du",
    "which", "type", "echo", "printf", "true", "false", "pwd", "cd", "export", "unset", "wait", "[[",
})
#: Reserved words that open (or continue) a compound command: the command follows them
#: (`if [ -f .env.local ]; then` tests, `then cat f` reads).
_RESERVED = frozenset({"!", "if", "then", "else", "elif", "do", "while", "until", "fi", "done", "esac"})
_GIT_NO_READ = frozenset({"add", "rm", "mv", "status", "restore", "checkout", "stash", "reset"})
WRAPPERS = frozenset({"sudo", "env", "time", "nice", "nohup", "xargs", "command", "exec", "timeout",
                       "doas", "stdbuf", "ionice", "chroot"})
SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh", "fish"})
#: Where a command line splits into simple commands: operators, subshells, substitutions, and a
#: `{ ...; }` group's braces (a brace with a blank after or before it: `.{env,x}` is a word).
_SPLIT = re.compile(r"\|\||&&|[;|&\n()`]|\$\(|\{(?=\s)|(?<=[\s;])\}|^\}")
REDIRECT = re.compile(r"^(\d*)(>>?|<|&>)(.*)$")
MAX_GLOB = 200


@dataclass(frozen=True)
class ShellEffects:
    reads: tuple[str, ...]
    writes: tuple[str, ...]


def without_prefixes(words: list[str]) -> list[str]:
    """The command's own words: `VAR=value` prefixes and wrappers (`sudo -u x`, `env`, `xargs`)
    with their options taken off the front."""
    i = 0
    while i < len(words) and words[i] in _RESERVED:
        i += 1
    while i < len(words) and "=" in words[i] and ASSIGNMENT.match(words[i]):
        i += 1
    while i < len(words) and os.path.basename(words[i]) in WRAPPERS:
        i = past_wrapper(words, i)
    return words[i:]


def past_wrapper(words: list[str], i: int) -> int:
    """The index after the wrapper `words[i]` (`sudo`, `timeout`, `nice`, `env`, ...) with its
    options and their values (`nice -n 5`, `sudo -u root`, `xargs -n 1`, `timeout 5`) and, for
    `env`, its assignments (`env A=1 cmd`)."""
    name = os.path.basename(words[i])
    i += 1
    takes = _WRAPPER_VALUES.get(name, frozenset())
    while i < len(words) and words[i].startswith("-"):
        if words[i] == "--":
            i += 1
            break
        i += 2 if words[i] in takes else 1
    while i < len(words) and "=" in words[i] and ASSIGNMENT.match(words[i]):
        i += 1
    if name == "timeout" and i < len(words) - 1 and _DURATION.fullmatch(words[i]):
        i += 1
    return i


_DURATION = re.compile(r"\d+(?:\.\d+)?[smhd]?")


#: Wrappers' options that take the next word as their value.
_WRAPPER_VALUES = {
    "sudo": frozenset({"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "--user", "--group", "--host",
                       "--prompt", "--chdir", "--role", "--type", "--other-user", "--command-timeout"}),
    "doas": frozenset({"-u", "-C"}),
    "env": frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "ionice": frozenset({"-c", "-n", "-p", "-P", "-u", "--class", "--classdata"}),
    "stdbuf": frozenset({"-i", "-o", "-e", "--input", "--output", "--error"}),
    "timeout": frozenset({"-k", "-s", "--kill-after", "--signal"}),
    "xargs": frozenset({"-a", "-d", "-E", "-I", "-L", "-n", "-P", "-s", "--arg-file", "--delimiter", "--max-args",
                        "--max-lines", "--max-procs", "--max-chars", "--process-slot-var"}),
    "exec": frozenset({"-a"}),
    "time": frozenset({"-f", "--format", "-o", "--output"}),
    "chroot": frozenset({"--userspec", "--groups"}),
}


ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")

#: A shell's short options clustered with `-c` (`-lc`, `-xc`, `-euxc`, Codex's `bash -lc`).
_WITH_C = re.compile(r"-[A-Za-z]*c[A-Za-z]*")


def shell_program(plain: list[str]) -> str | None:
    """The program text a shell is given to run (`bash -c TEXT`, `bash -lc TEXT`, `sh -e -c
    TEXT`, `zsh -o pipefail -c TEXT`, `eval TEXT...`), or None when `plain` is no such command:
    the first word that is not an option, once an option word holding `c` was seen."""
    if plain and plain[0] == "eval":
        return " ".join(plain[1:])  # `eval "git log -p"`: its words, joined, are run
    if not plain or os.path.basename(plain[0]) not in SHELLS:
        return None
    told = False
    k = 1
    while k < len(plain):
        word = plain[k]
        if word in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file", "--emulate", "-C", "--init-command"):
            k += 2  # `-o pipefail`: the next word is the option's name
            continue
        if word == "--":
            k += 1
            break
        if not word.startswith(("-", "+")) or word in ("-", "+"):
            break
        told = told or _WITH_C.fullmatch(word) is not None
        k += 1
    return plain[k] if told and k < len(plain) else None


def _words(segment: str) -> list[str]:
    try:
        return shlex.split(segment, comments=True, posix=True)
    except ValueError:  # unbalanced quotes: fall back to whitespace words, minus quotes
        return [w.strip("'\"") for w in segment.split()]


#: One `{a,b}` brace group of a word (`.{env,x}`, `config/{prod,dev}.yaml`).
_BRACE = re.compile(r"\{([^{}]*,[^{}]*)\}")
MAX_BRACES = 64


def _expand(word: str, cwd: str) -> list[str]:
    """What the shell makes of `word` as a file argument: `~` expanded, brace groups (`.{env,x}`)
    and globs against the files that exist."""
    if "{" in word and "," in word and (m := _BRACE.search(word)) is not None:
        variants = [word[:m.start()] + part + word[m.end():] for part in m.group(1).split(",")][:MAX_BRACES]
        return [p for v in variants for p in _expand(v, cwd)][:MAX_GLOB]
    if word.startswith("~"):
        word = os.path.expanduser(word)  # `~/.aws/cred*` globs the home directory, not `./~`
    if any(c in word for c in "*?["):
        base = word if os.path.isabs(word) else os.path.join(cwd, word)
        hits = glob.glob(base, recursive="**" in word)[:MAX_GLOB]
        return hits
    return [word if os.path.isabs(word) else os.path.join(cwd, word)]


def absolute_path(path: str, cwd: str) -> str:
    """`path` as a command run in `cwd` names it: `~`, `$HOME` and `${HOME}` written out."""
    path = home_expanded(path)
    return os.path.normpath(path if os.path.isabs(path) else os.path.join(cwd, path))


def changed_directory(plain: list[str], here: str) -> str | None:
    """Where `cd DIR` / `pushd DIR` (`cd` alone: home) leaves the shell, `here` when DIR does not
    exist (the command fails); None for another command."""
    if not plain or plain[0] not in ("cd", "pushd"):
        return None
    target = absolute_path(plain[1] if len(plain) > 1 else "~", here)
    return target if os.path.isdir(target) else here


#: `<revision>:<path>` (`HEAD:.env`, `HEAD~3:secrets/db.yaml`, `:0:.env` for the index), not a URL.
#: A revision may hold any character but `:` and blanks, and blanks inside braces
#: (`v1.0+build:.env`, `HEAD^{/first commit}:.env`, `HEAD@{1 day ago}:.env`).
_REVISION_PATH = re.compile(r"^(?!:[!^(])(?::[0-3]|(?:[^\s:{}]|\{[^{}]*\})*):(?!//)([^:\s][^\s]*)$")
#: A commit or tag message and a log search (`git commit -m "explain .env"`, `git log --grep`): words,
#: not files; a command substitution inside one is still parsed (`_SPLIT` cuts at `$(`).
_MESSAGES = re.compile(
    r"""(?:^|\s)(?:-m|--message|--grep)(?:=|\s+)(?:'[^'\n]*'|"[^"\n$`]*"|[^\s"'$`]+)"""
)
#: A git pathspec that excludes (`':!.env'`, `':^secrets/'`, `':(exclude,glob)**/.env'`).
_GIT_EXCLUDED = re.compile(
    r"""(?:^|(?<=\s))(?:'(?::[!^]|:\([a-z,]*\bexclude\b[^)']*\))[^'\n]*'"""
    r"""|"(?::[!^]|:\([a-z,]*\bexclude\b[^)"]*\))[^"\n$`]*"|:[!^][^\s;&|<>()`$'"]*)"""
)
#: Options whose value names files a search skips (`--exclude=.env*`, `-g '!.env'`).
_EXCLUSIONS = re.compile(
    r"""--exclude(?:-dir)?(?:=|\s+)(?:'[^'\n]*'|"[^"\n]*"|\S+)"""
    r"""|(?:-g|--glob|--iglob)(?:=|\s+)?(?:'![^'\n]*'|"![^"\n]*"|!\S+)"""
)
_PATHISH = re.compile(r"[A-Za-z0-9_@%+=:,./~*?\[\]-]{2,}")
_GLOB_CHARS = frozenset("*?[")
#: A glob whose last segment starts with two literal characters (`.e*`, `config/.en?`): a file's
#: name, not a regex's `.*` / `^#.*`; it counts quoted too (the shell or a program globs it later).
_LITERAL_GLOB = re.compile(r"(?:^|/)[^/*?\[\]\\^$()|+{}]{2}[^/]*$")
_WORD_EDGE = frozenset(" \t\n;&|<>()")


def _whole_word(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` is a whole unquoted shell word (what the shell would glob)."""
    return (start == 0 or text[start - 1] in _WORD_EDGE) and (end == len(text) or text[end] in _WORD_EDGE)
MAX_TOKENS = 1000


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
        # `grep --exclude='.env*'`, `rg -g '!.env'`: a glob naming what is *not* read
        text = _without_exclusions(_without_search_patterns(command))
        for match in itertools.islice(_PATHISH.finditer(text), MAX_TOKENS):
            token = match.group(0)
            if (_GLOB_CHARS.intersection(token) and not _whole_word(text, match.start(), match.end())
                    and not _LITERAL_GLOB.search(token)):
                continue  # only the shell globs, and only a whole unquoted word: `^#.*`, `'(.*)'` are regexes
            for path in _expand(token.strip("=:,"), cwd):
                if os.path.isfile(path):
                    reads.append(path)
    return ShellEffects(tuple(dict.fromkeys(reads)), found.writes)


def _top_level(folder: str) -> str:
    """The work tree's top at or above `folder` (`folder` itself outside git)."""
    # imported here: the config package costs the prompt engine, which parses commands too,
    # a tenth of a second, and only a `git show REV:path` needs it
    from pavedroad.config.discover import git_top

    return str(git_top(folder) or os.path.abspath(folder))


#: Tools whose `--exclude` / `-g '!...'` values name files they do not read, and whose pattern
#: is no file.
SEARCH_TOOLS = frozenset({"grep", "egrep", "fgrep", "zgrep", "rgrep", "ugrep", "ug", "rg", "ag", "ack", "pcregrep"})
#: grep's family: `-T` is `--initial-tab` (no value), `-t`, `-M`, `-j`, `-g` are rg's, not grep's.
_GREPS = frozenset({"grep", "egrep", "fgrep", "zgrep", "rgrep"})


def _search_files(args: list[str], grep: bool = False) -> tuple[list[str], list[str]]:
    """(file operands, pattern files given with `-f`) of a search's arguments."""
    from pavedroad.hooks.credsearch import parse_search  # credsearch builds on this module

    _patterns, operands, options = parse_search(args, grep=grep)
    # `-f FILE`, `-rnf FILE`, `--file=FILE` all come back as `-f=FILE` / `--file=FILE`
    return operands, [o.split("=", 1)[1] for o in options if o.startswith(("-f=", "--file="))]


def _without_search_patterns(command: str) -> str:
    """`command` with the patterns of its searches blanked (`grep -rn "load(.*)" src/`: `.*` is
    no glob of dotfiles): parsed quote-aware, since a pattern may hold `(`, `|` or `;`."""
    from pavedroad.hooks.credsearch import parse_search, pipelines, simple_command

    for pipeline in pipelines(command):
        for words in pipeline:
            plain, _inputs = simple_command(words)
            name = os.path.basename(plain[0]) if plain else ""
            if name in SEARCH_TOOLS:
                patterns = parse_search(plain[1:], grep=name in _GREPS)[0]
            elif name == "sed":
                patterns = [p for p in _sed_scripts(plain[1:]) if not _SED_FILE_COMMAND.search(p)]
            else:
                continue
            for pattern in patterns:
                for spelled in (f"'{pattern}'", f'"{pattern}"', pattern):
                    at = _spelled_by(command, spelled, name) if len(pattern) >= 2 else -1
                    if at >= 0:
                        command = command[:at] + " " + command[at + len(spelled):]
                        break
    return command


def _spelled_by(command: str, spelled: str, tool: str) -> int:
    """Where `spelled` occurs as a word of the search `tool` itself, or -1: the tool's name is an
    unquoted word before it with no unquoted command separator between, so another command's
    text (`python -c "x=0; grep = '.env'; open(grep)"`) keeps its words even when it spells the
    same pattern."""
    bare = _unquoted(command)
    at = command.find(spelled)
    while at >= 0:
        if bare[at]:
            names = [m for m in re.finditer(rf"(?:^|(?<=[\s/;&|(])){re.escape(tool)}(?=\s)", command[:at])
                     if bare[m.start()]]
            name = names[-1] if names else None
            if name is not None and not any(
                    bare[k] and command[k] in ";&|\n(`" for k in range(name.end(), at)):
                return at
        at = command.find(spelled, at + 1)
    return -1


def _unquoted(command: str) -> list[bool]:
    """For each character, whether it stands outside quotes (and is not escaped)."""
    out: list[bool] = []
    quote = ""
    escaped = False
    for ch in command:
        out.append(not quote and not escaped)
        if escaped:
            escaped = False
        elif ch == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
    return out


#: What may stand before a sed command letter: the script's start, a separator, an address's end
#: or its `I` / `M` flag (`1r`, `/x/Ir`, `$w`).
_SED_BEFORE_COMMAND = r"(?:^|[;{}\n\s0-9$/,!IM])"
#: A sed command that reads or writes a file, or runs one (`1r .env`, `s/a/b/w out`, `e cat f`):
#: such a script keeps its words for the path pass.
_SED_FILE_COMMAND = re.compile(_SED_BEFORE_COMMAND + r"[rRwWe]|/[gpiImMe0-9]*[we]")
#: sed's `r FILE` / `R FILE` commands: the file they read.
_SED_READ = re.compile(_SED_BEFORE_COMMAND + r"[rR][ \t]*([^;}\n]+)")


def _sed_scripts(args: list[str]) -> list[str]:
    """sed's script words: every `-e` value, or else its first operand (`-f` files are read)."""
    scripts = [args[k + 1] for k, a in enumerate(args[:-1]) if a in ("-e", "--expression")]
    scripts += [a.split("=", 1)[1] for a in args if a.startswith("--expression=")]
    if scripts or any(a in ("-f", "--file") or a.startswith("--file=") for a in args):
        return scripts
    operands = [a for a in args if not a.startswith("-")]
    return operands[:1]


def _without_exclusions(command: str) -> str:
    """`command` with the exclusion globs of search tools and git's messages blanked, segment by
    segment: only a search's own `--exclude=.env` names a file it skips, only git's `-m` a
    message. In any other command the same words can be a read (`sh -c 'cat "$1"' -m .env`)."""
    out = []
    if "git" in command:  # `-- . ':(exclude).env'`: what git leaves out (whole, before `(` splits it)
        command = _GIT_EXCLUDED.sub(" ", command)
    for segment in _SPLIT.split(command):
        words = without_prefixes([w for w in _words(segment) if not REDIRECT.match(w)])
        if words and os.path.basename(words[0]) == "git" and "grep" in words[1:3]:
            words = words[words.index("grep"):]
        searching = bool(words) and os.path.basename(words[0]) in SEARCH_TOOLS
        if words and os.path.basename(words[0]) == "git":
            segment = _MESSAGES.sub(" ", segment)  # only git's `-m` / `--grep` is a message
        out.append(_EXCLUSIONS.sub(" ", segment) if searching else segment)
    return " ".join(out)


def _reads_anything(command: str) -> bool:
    for segment in _SPLIT.split(command):
        words = [w for w in _words(segment) if not REDIRECT.match(w)]
        while words and (ASSIGNMENT.match(words[0]) or words[0] in _RESERVED
                         or os.path.basename(words[0]) in WRAPPERS):
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
            match = REDIRECT.match(word)
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
        plain = without_prefixes(plain)
        if not plain:
            continue
        name = os.path.basename(plain[0])
        args = plain[1:]
        inner = shell_program(plain)
        if inner is not None:
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
        if name == "git":
            # `git show HEAD:.env`, `git cat-file -p :secrets/x`: a file of a commit or of the
            # index, printed whole, though the working tree may not hold it (any more)
            # the path is the repository root's unless it starts with `./` or `../`
            reads.extend(p for a in args if (m := _REVISION_PATH.match(a))
                         for p in dict.fromkeys((os.path.join(here, m.group(1)),
                                                 os.path.join(_top_level(here), m.group(1)))))
        if name in SEARCH_TOOLS or (name == "git" and args[:1] == ["grep"]):
            # a search's pattern is no file (`grep -rn ".env" src/`); its operands and `-f` files are
            files, pattern_files = _search_files(args[1:] if name == "git" else args,
                                                 grep=name in _GREPS or name == "git")
            reads.extend(p for a in [*files, *pattern_files] for p in _expand(a, here))
            continue
        operands = [a for a in args if not a.startswith("-") or a == "-"]
        if name == "git":  # `-- . ':!config/.env.prod'`: a pathspec that leaves the file out
            operands = [a for a in operands if not a.startswith((":!", ":^", ":(exclude", ":(top,exclude"))]
        if name in ("rm", "unlink", "shred", "truncate"):
            writes.extend(p for a in operands for p in _expand(a, here))
            continue
        if name in ("tee",):
            writes.extend(p for a in operands for p in _expand(a, here))
            continue
        if name == "sed":  # `sed '1r .env' f`, `sed '/x/Ir.env' f`: a script's own `r`/`R` commands read files
            reads.extend(p for script in _sed_scripts(args) for m in _SED_READ.finditer(script)
                         for p in _expand(m.group(1).strip(), here))
        if name == "sed" and any(a == "-i" or a.startswith(("-i", "--in-place")) for a in args):
            files = [p for a in operands[1:] for p in _expand(a, here)]
            writes.extend(files)
            reads.extend(files)
            continue
        if name in ("cp", "mv", "install", "rsync", "ln") and len(operands) >= 2:
            sources = [p for a in operands[:-1] for p in _expand(a, here)]
            symbolic = name == "ln" and any(a in ("-s", "--symbolic") or (
                a.startswith("-") and not a.startswith("--") and "s" in a) for a in args)
            if not symbolic:
                # a hard link (`ln .env notes.txt`) is the file under a name no glob covers; a
                # symbolic one is judged by what it points to when read
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
