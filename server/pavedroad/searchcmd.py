"""What a shell command names and prints: shared by the prompt engine and the agent hooks.

How the home directory is written, which `grep` / `rg` options print no line of the files
searched, which options take the next word as their argument, which search patterns name a
credential and which files hold exported keys (`export OPENAI_API_KEY=...`). It lives outside `pavedroad.prompts` so that a hook call, which
parses every shell command the agent runs, does not load the whole prompt engine.
"""

from __future__ import annotations

import os
import re

#: The home directory written as a variable: `$HOME/`, `${HOME}/`, `%USERPROFILE%\\`.
HOME_VARIABLE = re.compile(r"^(?:\$HOME|\$\{HOME\}|%USERPROFILE%)(?=[/\\]|$)")


def home_expanded(path: str) -> str:
    """`~/x`, `$HOME/x`, `${HOME}/x` with the home directory written out (other paths as given)."""
    m = HOME_VARIABLE.match(path)
    if m:
        path = "~" + path[m.end():]
    return os.path.expanduser(path) if path.startswith("~") else path


#: grep / rg / ag / ack options whose argument is the next word (a pattern file, a glob, a type,
#: a count, a context size).
OPTIONS_WITH_ARGUMENT = frozenset({
    "-A", "-B", "-C", "-m", "-g", "-t", "-T", "-M", "-j", "-d", "-D", "-f", "--glob", "--type",
    "--max-count", "--context", "--after-context", "--before-context", "--include", "--exclude",
    "--exclude-dir", "--file",
})
#: A search pattern that names a credential variable (`OPENAI_API_KEY`, `GITHUB_TOKEN\|SECRET`).
CREDENTIAL_PATTERN = re.compile(r"(?i)(?:api_?key|_key\b|token|secret|passw(?:or)?d|credential)")
#: Shell start-up and direnv files: where people export their keys (`export OPENAI_API_KEY=...`).
SHELL_PROFILE = re.compile(
    r"(?:^|/)(?:\.zshrc|\.zshenv|\.zprofile|\.zlogin|\.bashrc|\.bash_profile|\.bash_login|\.bash_aliases"
    r"|\.profile|\.kshrc|\.mkshrc|\.cshrc|\.tcshrc|\.xprofile|\.pam_environment|\.envrc|config\.fish"
    r"|fish_variables|(?:Microsoft\.(?:PowerShell|VSCode)_)?profile\.ps1)(?:\.local)?$"
    r"|(?:^|/)(?:\.bashrc\.d|\.zshrc\.d|profile\.d|fish/conf\.d)/[^/]+$|(?:^|/)etc/environment$"
)
#: grep / rg options after which no line of the file is printed: counts, file names, exit status.
_NO_LINES_LONG = frozenset(["--count", "--files-with-matches", "--files-without-match", "--quiet", "--silent"])
_NO_LINES_SHORT = frozenset("clLq")


def prints_no_lines(cmd: str, args: str) -> bool:
    """Whether a `grep` (`cmd` "grep") or `rg` (`cmd` "rg") with these arguments prints no line
    of its files: a count, file names or only an exit status. `rg -L` follows links instead."""
    letters = _NO_LINES_SHORT - {"L"} if cmd == "rg" else _NO_LINES_SHORT  # rg -L is --follow
    skip = False
    for token in args.split():
        if skip:
            skip = False
            continue
        if token == "--":
            return False
        if token in OPTIONS_WITH_ARGUMENT or token in ("-e", "--regexp"):
            skip = True  # its argument is a pattern, a file or a count, not an option
            continue
        if token in _NO_LINES_LONG:
            return True
        short = token.startswith("-") and not token.startswith("--") and token[1:].isalpha()
        if short:
            flags = token[1:].split("e", 1)[0]  # `-le PATTERN`: flags end at -e
            if not letters.isdisjoint(flags):
                return True
    return False
