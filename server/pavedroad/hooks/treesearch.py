"""Recursive searches that can print a sensitive file's lines: `grep -r API_KEY .`, `rg -uu TOKEN`.

A read hook that checks the files a command names never sees `.env` in `grep -rn TOKEN .`: the
command names a folder, and the search prints the lines of every file under it that match. This
module finds such searches in an agent's command (parsed as a shell parses it, like
`credsearch`) when what they print would carry a value: the pattern names a credential
(`API_KEY`, `token`), matches nearly every line (`=`, `.`, `""`) or is inverted (`-v`). It then
lists the files each search would read, as the tool would: `grep -r` reads hidden files and
ignored ones; ripgrep and ag skip both unless told (`--hidden`, `-uu`, `--no-ignore`); `git grep`
reads tracked files. Include and exclude globs (`--include`, `--exclude`, `-g '!.env'`, `-t py`)
are honoured, so a narrowed search is allowed.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import glob
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pathspec

from pavedroad.hooks.credsearch import pipelines, simple_command
from pavedroad.hooks.shellcmd import without_prefixes
from pavedroad.searchcmd import (
    CREDENTIAL_PATTERN,
    HOME_VARIABLE,
    OPTIONS_WITH_ARGUMENT,
    prints_no_lines,
)

#: grep-like tools that recurse only when told (`-r`, `-R`, `--recursive`, `-d recurse`).
_GREPS = frozenset({"grep", "egrep", "fgrep", "zgrep", "ugrep", "pcregrep", "rgrep"})
#: Files a search lists before giving up on checking them all (and denying, to be safe).
MAX_SEARCHED_FILES = 50_000
#: Folders no search tool is pointed at for secrets and that are huge (not looked into).
_SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"})
#: ripgrep's file types for the common languages (`-t py`); others count as `*.<type>`.
_RG_TYPES = {
    "py": ("*.py", "*.pyi"), "python": ("*.py", "*.pyi"), "js": ("*.js", "*.jsx", "*.mjs", "*.cjs", "*.vue"),
    "ts": ("*.ts", "*.tsx", "*.cts", "*.mts"), "rust": ("*.rs",), "go": ("*.go",), "java": ("*.java", "*.jsp"),
    "yaml": ("*.yaml", "*.yml"), "json": ("*.json", "*.jsonl"), "md": ("*.md", "*.markdown", "*.mdx"),
    "markdown": ("*.md", "*.markdown", "*.mdx"), "sh": ("*.sh", "*.bash", "*.zsh", ".bashrc", ".zshrc"),
    "ruby": ("*.rb", "Gemfile"), "c": ("*.c", "*.h"), "cpp": ("*.cpp", "*.cc", "*.hpp", "*.h"),
    "toml": ("*.toml",), "html": ("*.html", "*.htm"), "css": ("*.css", "*.scss"), "sql": ("*.sql",),
    "tf": ("*.tf", "*.tfvars"), "terraform": ("*.tf", "*.tfvars"), "kotlin": ("*.kt", "*.kts"),
    "php": ("*.php",), "swift": ("*.swift",), "cs": ("*.cs",), "csharp": ("*.cs",), "xml": ("*.xml",),
}  # fmt: skip


@dataclass(frozen=True)
class TreeSearch:
    """A recursive search whose printed lines may come from any file under `folders`."""

    folders: tuple[str, ...]
    #: hidden files and folders (`.env`, `.aws/`) are searched
    hidden: bool
    #: files git ignores are searched
    ignored: bool
    #: only files whose name matches one of these are searched (none: every file)
    includes: tuple[str, ...] = ()
    #: file-name globs (grep) or gitignore-style globs (rg) that are not searched
    excludes: tuple[str, ...] = ()
    exclude_dirs: tuple[str, ...] = ()
    gitignore_style: bool = False
    #: symbolic links to folders are followed (`grep -R`, `rg -L`)
    follow: bool = False
    #: only files git tracks are searched (`git grep`)
    tracked_only: bool = False
    #: the folders were named (not the default `.`)
    named: bool = True
    #: without named folders the tool searches piped input instead (ripgrep, ag; GNU `grep -r`
    #: and `git grep` search the working directory whatever their input)
    stdin_unless_named: bool = False


def tree_searches(command: str, cwd: str) -> tuple[TreeSearch, ...]:
    """The recursive searches in `command`, run in `cwd`, whose printed lines would hold a
    credential's value; their folders absolute (`cd` followed, `~` and `$HOME` expanded)."""
    found: list[TreeSearch] = []
    here = cwd
    for pipeline in pipelines(command):
        for stage, words in enumerate(pipeline):
            plain, inputs = simple_command(words)
            if not plain:
                continue
            if plain[0] == "cd":
                here = _absolute(plain[1] if len(plain) > 1 else "~", here)
                continue
            where = here
            git_grep = _git_grep(without_prefixes(list(words)))
            if git_grep is not None:  # `simple_command` reads `git grep` as `grep`
                directory, args = git_grep
                where = _absolute(directory, here) if directory else here
                plain = ["git-grep", *args]
            search = _tree_search(os.path.basename(plain[0]), plain[1:])
            if search is not None and search.stdin_unless_named and not search.named and (stage > 0 or inputs):
                continue  # `... | rg KEY`: ripgrep and ag search their piped input, no tree
            if search is not None:
                folders = tuple(p for f in search.folders for p in _folders(f, where))
                found.append(dataclasses.replace(search, folders=folders))
    return tuple(found)


def _git_grep(words: list[str]) -> tuple[str | None, list[str]] | None:
    """(`-C` directory, arguments) of `git [global options] grep ...`; None for anything else."""
    if not words or os.path.basename(words[0]) != "git":
        return None
    directory: str | None = None
    i = 1
    while i < len(words) and words[i].startswith("-"):
        if words[i] in ("-C", "-c", "--git-dir", "--work-tree", "--namespace") and i + 1 < len(words):
            if words[i] == "-C":
                directory = words[i + 1]
            i += 2
        else:
            i += 1
    if words[i:i + 1] != ["grep"]:
        return None
    return directory, words[i + 1:]


_PWD = re.compile(r"\$\{?PWD\}?|\$\(pwd\)|`pwd`")
MAX_GLOB = 200


def _folders(operand: str, cwd: str) -> list[str]:
    """What a search operand names, as the shell would expand it: `$PWD` and `$(pwd)` are the
    working directory, other variables this process's value; a glob (`*`, which skips hidden
    names as the shell does) its matches. A word still holding `$` or a backquote cannot be
    known here: the working directory stands in for it, the likeliest reading."""
    word = os.path.expandvars(_PWD.sub(lambda _m: cwd, operand))
    if "$" in word or "`" in word:
        return [cwd]
    path = _absolute(word, cwd)
    if any(c in word for c in "*?["):
        return sorted(glob.glob(path))[:MAX_GLOB]
    return [path]


def _absolute(path: str, cwd: str) -> str:
    m = HOME_VARIABLE.match(path)
    if m:
        path = "~" + path[m.end():]
    path = os.path.expanduser(path)
    return os.path.normpath(path if os.path.isabs(path) else os.path.join(cwd, path))


def _tree_search(name: str, args: list[str]) -> TreeSearch | None:
    if name not in _GREPS and name not in ("rg", "ag", "ack", "ack-grep", "git-grep"):
        return None
    tool = "rg" if name == "rg" else "grep"
    if prints_no_lines(tool, " ".join(args)):
        return None  # counts, file names, an exit status: no line of any file
    patterns, operands, options = _parse(args)
    if name in _GREPS and name != "rgrep" and not _recursive(options):
        return None
    if not (any(_leaky(p) for p in patterns) or _inverted(options, name)):
        return None
    folders = tuple(operands) or (".",)
    named = bool(operands)
    if name in _GREPS or name in ("ack", "ack-grep"):
        return TreeSearch(folders, hidden=True, ignored=True, named=named, follow=_dereferences(options),
                          stdin_unless_named=name in ("ack", "ack-grep"),
                          includes=tuple(_values(options, "--include")),
                          excludes=tuple(_values(options, "--exclude")),
                          exclude_dirs=tuple(_values(options, "--exclude-dir")))
    if name == "git-grep":  # tracked files; `--untracked` adds the others git does not ignore
        untracked = "--untracked" in options
        return TreeSearch(folders, hidden=True, ignored=untracked and "--no-exclude-standard" in options,
                          tracked_only=not untracked, named=named)
    unrestricted = sum(o.count("u") for o in options if re.fullmatch(r"-u+", o))
    unrestricted += options.count("--unrestricted")
    hidden = "--hidden" in options or "-." in options or unrestricted >= (1 if name == "ag" else 2)
    ignored = unrestricted >= 1 or "--no-ignore" in options or "--skip-vcs-ignores" in options or "-U" in options
    globs = [*_values(options, "-g"), *_values(options, "--glob"), *_values(options, "--iglob")]
    includes = [g for g in globs if not g.startswith("!")]
    for t in [*_values(options, "-t"), *_values(options, "--type")]:
        includes.extend(_RG_TYPES.get(t, (f"*.{t}",)))
    excludes = [g[1:] for g in globs if g.startswith("!")]
    for t in [*_values(options, "-T"), *_values(options, "--type-not")]:
        excludes.extend(_RG_TYPES.get(t, (f"*.{t}",)))
    follow = "--follow" in options or any(re.fullmatch(r"-[A-Za-z]*L[A-Za-z]*", o) for o in options)
    return TreeSearch(folders, hidden=hidden, ignored=ignored, includes=tuple(includes), follow=follow,
                      excludes=tuple(excludes), gitignore_style=True, named=named, stdin_unless_named=True)


def _parse(args: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(patterns, file operands, options with their values as `--opt=value` or `-o value`)."""
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
        elif a in OPTIONS_WITH_ARGUMENT or a in ("--iglob", "--type-not", "--directories"):
            if i + 1 < len(args):
                options.append(f"{a}={args[i + 1]}")
            i += 1
        elif a.startswith("-") and a != "-":
            options.append(a)
        else:
            operands.append(a)
        i += 1
    if not patterns and operands:
        patterns.append(operands.pop(0))
    return patterns, operands, options


def _values(options: list[str], name: str) -> list[str]:
    """Values of an option given as `name=value`, `name value` (stored so) or `-gVALUE`."""
    out = []
    for o in options:
        if o.startswith(name + "="):
            out.append(o[len(name) + 1:].strip("'\""))
        elif len(name) == 2 and o.startswith(name) and len(o) > 2 and o[2] != "=":
            out.append(o[2:].strip("'\""))
    return out


def _recursive(options: list[str]) -> bool:
    for o in options:
        if o in ("--recursive", "--dereference-recursive") or o in ("-d=recurse", "--directories=recurse"):
            return True
        if o.startswith("-") and not o.startswith("--"):
            flags = o[1:].split("e", 1)[0]  # `-re PATTERN`: flags end at -e
            if flags.isalpha() and not {"r", "R"}.isdisjoint(flags):
                return True
    return False


def _dereferences(options: list[str]) -> bool:
    return "--dereference-recursive" in options or any(
        o.startswith("-") and not o.startswith("--") and "R" in o[1:].split("e", 1)[0] for o in options)


def _inverted(options: list[str], name: str) -> bool:
    """`-v` prints every line that does not match; rg's `--passthru` prints every line."""
    for o in options:
        if o in ("--invert-match", "--passthru", "--passthrough"):
            return True
        if o.startswith("-") and not o.startswith("--") and "v" in o[1:].split("e", 1)[0]:
            return name != "ag" or o == "-v"
    return False


_REGEX_SYNTAX = re.compile(r"\\[a-zA-Z]|[\\^$.*+?()\[\]{}|\s]")


def _leaky(pattern: str) -> bool:
    """A pattern whose matching lines would carry a value: it names a credential or an assignment
    (`NAME=`), or it matches almost any line (`.`, `""`, `^`, `[A-Z]`, `export`)."""
    if CREDENTIAL_PATTERN.search(pattern):
        return True
    literal = _REGEX_SYNTAX.sub("", pattern)
    if "=" in literal:
        return True  # `DB_URL=`, `=`: the lines of an env file with the values
    return len(literal) <= 1 or literal.lower() in ("export", "set", "env") or not any(c.isalnum() for c in literal)


def searched_files(search: TreeSearch, folder: str) -> Iterator[str]:
    """The files under `folder` (absolute) that `search` would read, as absolute paths, but for
    the ignore test (`IgnoredTest`, dearer: the caller asks it of sensitive files only). Raises
    `TooManyFiles` past `MAX_SEARCHED_FILES`."""
    spec = (pathspec.GitIgnoreSpec.from_lines(search.excludes)
            if search.gitignore_style and search.excludes else None)
    seen = 0
    for here, dirs, files in os.walk(folder, followlinks=search.follow):
        rel_here = os.path.relpath(here, folder)
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS and (search.hidden or not d.startswith("."))
                   and not any(fnmatch.fnmatch(d, g) for g in search.exclude_dirs)
                   and not (spec is not None and spec.match_file(_join(rel_here, d) + "/"))]
        for name in files:
            seen += 1
            if seen > MAX_SEARCHED_FILES:
                raise TooManyFiles(folder)
            if not search.hidden and name.startswith("."):
                continue
            rel = _join(rel_here, name)
            if search.includes and not any(fnmatch.fnmatch(name, g) for g in search.includes):
                continue
            if spec is not None and spec.match_file(rel):
                continue
            if not search.gitignore_style and any(fnmatch.fnmatch(name, g) for g in search.excludes):
                continue
            yield os.path.join(here, name)


def _join(rel_dir: str, name: str) -> str:
    return name if rel_dir == "." else f"{rel_dir}/{name}".replace(os.sep, "/")


class TooManyFiles(Exception):
    """The searched tree is too large to check file by file."""


def skipped_by_git(search: TreeSearch, path: str) -> bool:
    """Whether the tool skips this file for git's sake: ignored (ripgrep, ag) or untracked
    (`git grep`). One git call per file asked: only the few sensitive files are. When git cannot
    tell (no repository, no git), the file counts as searched, the safe answer."""
    if search.tracked_only:
        return _git_ok(path, "ls-files", "--error-unmatch") is False
    if not search.ignored:
        return _git_ok(path, "check-ignore", "-q") is True
    return False


def _git_ok(path: str, *args: str) -> bool | None:
    try:
        done = subprocess.run(["git", "-C", os.path.dirname(path), *args, "--", os.path.basename(path)],
                              capture_output=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode not in (0, 1) or b"not a git repository" in done.stderr:
        return None
    return done.returncode == 0
