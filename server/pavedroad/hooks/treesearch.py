"""Recursive searches that can print a sensitive file's lines: `grep -r API_KEY .`, `rg -uu TOKEN`.

A read hook that checks the files a command names never sees `.env` in `grep -rn TOKEN .`: the
command names a folder, and the search prints the lines of every file under it that match. This
module finds such searches in an agent's command (parsed as a shell parses it, like
`credsearch`) when what they print would carry a value: the pattern names a credential
(`API_KEY`, `token`), matches nearly every line (`=`, `.`, `""`) or is inverted (`-v`), and
says which files it reads as the tool would (`TreeSearch`): `grep -r` reads hidden files and
ignored ones; ripgrep and ag skip both unless told (`--hidden`, `-uu`, `--no-ignore`); `git grep`
reads tracked files, or a commit's; include and exclude globs (`--include`, `--exclude`,
`-g '!.env'`, `-t py`) narrow it. `treelisting` lists those files; `decide` runs the search's
line test (`grepsyntax`) on the sensitive ones.
"""

from __future__ import annotations

import dataclasses
import glob
import os
import re
from dataclasses import dataclass

from pavedroad.fileio import read_regular
from pavedroad.hooks.credsearch import (
    long_option,
    parse_search,
    pipelines,
    short_flags,
    simple_command,
)
from pavedroad.hooks.grepsyntax import EVERY_LINE, MAX_PATTERN_FILE, LineTest, line_test
from pavedroad.hooks.shellcmd import (
    ASSIGNMENT,
    WRAPPERS,
    absolute_path,
    changed_directory,
    past_wrapper,
    shell_program,
    without_prefixes,
)
from pavedroad.searchcmd import (
    CREDENTIAL_PATTERN,
    OPTIONS_WITH_ARGUMENT,
    prints_no_lines,
)

#: grep-like tools that recurse only when told (`-r`, `-R`, `--recursive`, `-d recurse`).
_GREPS = frozenset({"grep", "egrep", "fgrep", "zgrep", "ugrep", "ug", "pcregrep", "rgrep"})
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
    #: the include and exclude globs in the order given, (True for include, glob): the last
    #: that matches decides, as in grep and ripgrep
    ordered: tuple[tuple[bool, str], ...] = ()
    #: `--iglob`s: matched without case
    nocase: tuple[str, ...] = ()
    exclude_dirs: tuple[str, ...] = ()
    gitignore_style: bool = False
    #: symbolic links to folders are followed (`grep -R`, `rg -L`)
    follow: bool = False
    #: only files git tracks are searched (`git grep`)
    tracked_only: bool = False
    #: which lines of a file it prints (the pattern, run on the sensitive files it covers)
    prints: LineTest = EVERY_LINE
    #: the pattern names a credential or matches nearly every line: a tree too large to list is
    #: refused only then
    leaky: bool = True
    #: commits whose trees are searched instead of the working tree (`git grep KEY HEAD~3`)
    revisions: tuple[str, ...] = ()
    #: the folders were named (not the default `.`)
    named: bool = True
    #: without named folders the tool searches piped input instead (ripgrep, ag; GNU `grep -r`
    #: and `git grep` search the working directory whatever their input)
    stdin_unless_named: bool = False


def tree_searches(command: str, cwd: str) -> tuple[TreeSearch, ...]:
    """The recursive searches in `command`, run in `cwd`, whose printed lines would hold a
    credential's value; their folders absolute (`cd` followed, `~` and `$HOME` expanded)."""
    return tuple(_tree_searches(command, cwd, 0))


def _tree_searches(command: str, cwd: str, depth: int) -> list[TreeSearch]:
    found: list[TreeSearch] = []
    here = cwd
    for pipeline in pipelines(command):
        lister: list[str] | None = None  # folders `find` lists into the pipe (`find . | xargs grep`)
        finder: list[str] = []
        for stage, raw in enumerate(pipeline):
            words = _unwrapped(raw)
            plain, inputs = simple_command(words)
            if not plain:
                lister = None
                continue
            moved = changed_directory(plain, here)  # `cd missing; grep -r ...` runs where it was
            if moved is not None:
                here = moved
                continue
            program = shell_program(plain)
            if program is not None and depth < 3:
                found.extend(_tree_searches(program, here, depth + 1))
                continue
            if os.path.basename(plain[0]) in ("find", "fd", "fdfind"):
                executed = _found_and_run(plain, here)
                if executed is not None:
                    found.append(_narrowed(executed, plain))
                lister = _find_roots(plain) if plain[0] == "find" else None
                finder = plain
                continue
            if lister is not None and stage > 0 and "xargs" in (os.path.basename(w) for w in raw[:3]):
                # `find . -type f | xargs grep KEY`: grep reads every file find lists
                search = _printing_tree(plain, lister) or _tree_search(
                    os.path.basename(plain[0]), ["-r", *plain[1:], "--", *lister], here)
                if search is not None:
                    found.append(_narrowed(dataclasses.replace(
                        search, folders=tuple(p for f in search.folders for p in _folders(f, here))), finder))
                lister = None
                continue
            lister = None
            packed = _packed_to_output(plain)
            if packed is not None:  # `tar -cf - . | tar -xO`: every file of the folder, whole
                found.append(dataclasses.replace(packed, folders=tuple(p for f in packed.folders
                                                                       for p in _folders(f, here))))
                continue
            where = here
            revisions: tuple[str, ...] = ()
            git_grep = _git_grep(without_prefixes(list(words)))
            if git_grep is not None:  # `simple_command` reads `git grep` as `grep`
                directory, args = git_grep
                where = absolute_path(directory, here) if directory else here
                operands, revisions = _worktree_operands(args, where)
                plain = ["git-grep", *operands]
            search = _tree_search(os.path.basename(plain[0]), plain[1:], where)
            if search is not None and revisions:
                search = dataclasses.replace(search, revisions=revisions, tracked_only=False)
            if search is not None and search.stdin_unless_named and not search.named and (stage > 0 or inputs):
                continue  # `... | rg KEY`: ripgrep and ag search their piped input, no tree
            if search is not None:
                folders = tuple(p for f in search.folders for p in _folders(f, where))
                found.append(dataclasses.replace(search, folders=folders))
    return found


def _unwrapped(words: list[str]) -> list[str]:
    """`words` without wrappers' own arguments, which `without_prefixes` would take for the
    command (`timeout 5 grep ...` -> `grep ...`). A wrapper that changes the directory
    (`env -C dir`) is kept, so the command is not mistaken for one run here."""
    out = list(words)
    i = 0
    while i < len(out) and ASSIGNMENT.match(out[i]):
        i += 1
    while i < len(out) and os.path.basename(out[i]) in WRAPPERS:
        end = past_wrapper(out, i)
        if os.path.basename(out[i]) == "env" and any(
                w in ("-C", "--chdir") or w.startswith("--chdir=") for w in out[i + 1:end]):
            return []  # runs elsewhere: not judged here (the read check still sees its words)
        out[i:end] = [out[i]]
        i += 1
    return out




def _find_roots(plain: list[str]) -> list[str]:
    """The folders `find` walks: its operands before the first expression word (`.` without)."""
    roots = []
    for word in plain[1:]:
        if word.startswith(("-", "(", "!")) or word in ("(", "!"):
            break
        roots.append(word)
    return roots or ["."]


def _find_names(plain: list[str]) -> tuple[tuple[bool, str], ...]:
    """`find . -name '*.py'`: the file-name globs all files it lists match (as grep `--include`s);
    none when the expression has alternatives or negations (then any file may be listed)."""
    if any(w in ("-o", "-or", ",", "!", "-not") for w in plain):
        return ()
    return tuple((True, plain[i + 1]) for i, w in enumerate(plain[:-1]) if w in ("-name", "-iname"))


def _narrowed(search: TreeSearch, plain: list[str]) -> TreeSearch:
    """A search of the files `find` lists: named ones, so hidden and ignored files are read,
    but only those its `-name` tests let through."""
    names = _find_names(plain) if plain[0] == "find" else ()
    nocase = tuple(plain[i + 1] for i, w in enumerate(plain[:-1]) if w == "-iname")
    if names:
        search = dataclasses.replace(search, ordered=names + search.ordered, nocase=search.nocase + nocase,
                                     gitignore_style=False, includes=(), excludes=())
    return dataclasses.replace(search, hidden=True, ignored=True, tracked_only=False)


#: Commands that print the whole of each file they are given (`find . -exec cat {} +`,
#: `find . | xargs head`): every line of every file `find` lists.
_WHOLE_PRINTERS = frozenset({"cat", "bat", "batcat", "head", "tail", "less", "more", "tac", "nl", "strings", "xxd",
                             "od", "hexdump", "base64", "sort", "uniq", "paste", "column", "fold", "rev"})


def _printing_tree(command: list[str], roots: list[str]) -> TreeSearch | None:
    """The files `find` lists, printed whole by `command` (a printer given them all)."""
    if not command or os.path.basename(command[0]) not in _WHOLE_PRINTERS:
        return None
    return TreeSearch(tuple(roots) or (".",), hidden=True, ignored=True, named=True)


def _packed_to_output(plain: list[str]) -> TreeSearch | None:
    """`tar -cf - DIR`, `tar czf - .`, `zip -r - .`: an archive of folders written to standard
    output, which holds every file's text (and `| tar -xO` prints it)."""
    name = os.path.basename(plain[0])
    args = plain[1:]
    if name == "tar" and args:
        flags = args[0].lstrip("-") if not args[0].startswith("--") else ""
        short = "".join(a[1:] for a in args if a.startswith("-") and not a.startswith("--")) + flags
        if "c" not in short and "--create" not in args:
            return None
        to_file = next((args[k + 1] for k, a in enumerate(args[:-1]) if a == "-f" or (
            a.startswith("-") and not a.startswith("--") and a.endswith("f"))), None)
        to_file = to_file or next((a.split("=", 1)[1] for a in args if a.startswith("--file=")), None)
        if flags.endswith("f") and to_file is None and len(args) > 1:
            to_file = args[1]  # `tar czf - .`: the word after the bundled flags
        if to_file not in (None, "-", "/dev/stdout"):
            return None  # written to a file
        operands = [a for a in args[1:] if not a.startswith("-") and a != to_file]
    elif name == "zip" and "-" in args:
        operands = [a for a in args if not a.startswith("-") and a != "-"]
    else:
        return None
    folders = tuple(a for a in operands if a not in ("-",))
    return TreeSearch(folders or (".",), hidden=True, ignored=True, named=True) if folders else None


def executed_by_find(plain: list[str]) -> list[str]:
    """The command `find ... -exec CMD {} ;` (or `fd -x CMD`) runs, without `{}`; [] for none."""
    for i, word in enumerate(plain):
        if word in ("-exec", "-execdir", "-ok", "-okdir", "-x", "--exec", "-X", "--exec-batch"):
            rest = plain[i + 1:]
            end = next((k for k, w in enumerate(rest) if w in (";", "+", "\\;")), len(rest))
            return [w for w in rest[:end] if w != "{}"]
    return []


def _found_and_run(plain: list[str], cwd: str) -> TreeSearch | None:
    """`find . -type f -exec grep KEY {} +`: a search of every file find lists, that is of its
    folders, narrowed by its `-name` tests (others are not modelled: the search looks wider)."""
    command = executed_by_find(plain)
    if not command:
        return None
    roots = _find_roots(plain) if plain[0] == "find" else ["."]
    search = _printing_tree(command, roots) or _tree_search(
        os.path.basename(command[0]), ["-r", *command[1:], "--", *roots], cwd)
    if search is None:
        return None
    return dataclasses.replace(search, folders=tuple(p for f in search.folders for p in _folders(f, cwd)))


def _worktree_operands(args: list[str], where: str) -> tuple[list[str], tuple[str, ...]]:
    """`git grep KEY HEAD`, `git grep KEY main -- src`: (the arguments with `.` for the tree-ishes,
    the tree-ishes). A tree-ish searches a commit's tree, listed with `git ls-tree`, so a file
    deleted since is still judged."""
    out: list[str] = []
    revisions: list[str] = []
    pattern_seen = any(a in ("-e", "--regexp") or a.startswith("--regexp=") for a in args)
    skip = False
    for i, a in enumerate(args):
        if a == "--":
            out.extend(args[i:])
            break
        if skip or a.startswith("-"):
            skip = not skip and (a in OPTIONS_WITH_ARGUMENT or a in ("-e", "--regexp"))
            out.append(a)
            continue
        if not pattern_seen:
            pattern_seen = True
            out.append(a)
        elif os.path.exists(os.path.join(where, a)) or any(c in a for c in "*?["):
            out.append(a)
        else:
            revisions.append(a)  # a revision (`HEAD`, `v1.2`, `main:src`)
            if "." not in out:
                out.append(".")
    return out, tuple(revisions)


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
    path = absolute_path(word, cwd)
    if any(c in word for c in "*?["):
        return sorted(glob.glob(path))[:MAX_GLOB]
    return [path]


def _tree_search(name: str, args: list[str], cwd: str | None = None) -> TreeSearch | None:
    """The tree `name args` searches, run in `cwd` (for a `-f` pattern file), or None when it is
    no recursive search that prints lines."""
    if name not in _GREPS and name not in ("rg", "ag", "ack", "ack-grep", "git-grep"):
        return None
    search = _tree_search_of(name, args)
    if search is None:
        return None
    patterns, _operands, options = parse_search(args, grep=name in _GREPS or name == "git-grep")
    prints = line_test(name, patterns, options, lambda path: _read_small(path, cwd))
    leaky = any(_leaky(p) for p in patterns) or _inverted(options, name) or prints.regex is None
    return dataclasses.replace(search, prints=prints, leaky=leaky)


def _read_small(path: str, cwd: str | None) -> bytes | None:
    """A pattern file's bytes (`grep -f FILE`), None when it cannot be read or is too large."""
    full = absolute_path(path, cwd or os.getcwd())
    try:  # a regular file only: a FIFO named by the command would block the hook for good
        return read_regular(full, MAX_PATTERN_FILE)[0]
    except (OSError, ValueError):
        return None


def _tree_search_of(name: str, args: list[str]) -> TreeSearch | None:
    tool = "rg" if name == "rg" else "grep"
    _patterns, operands, options = parse_search(args, grep=name in _GREPS or name == "git-grep")
    if prints_no_lines(tool, " ".join(o for o in options if "=" not in o and " " not in o)):
        return None  # counts, file names, an exit status: no line of any file (patterns left out:
        # `grep -rE 'KEY|x -l'` is no `-l`)
    if name in _GREPS and name != "rgrep" and not _recursive(options):
        return None
    folders = tuple(operands) or (".",)
    named = bool(operands)
    if name in _GREPS or name in ("ack", "ack-grep"):
        return TreeSearch(folders, hidden=True, ignored=True, named=named, follow=_dereferences(options),
                          stdin_unless_named=name in ("ack", "ack-grep"),
                          includes=tuple(_values(options, "--include")),
                          excludes=tuple(_values(options, "--exclude")),
                          ordered=tuple((o.startswith("--include="), _values([o], o.split("=", 1)[0])[0])
                                        for o in options if o.startswith(("--include=", "--exclude="))),
                          exclude_dirs=tuple(_values(options, "--exclude-dir")))
    if name == "git-grep" and "--no-index" in options:  # the folder as plain files, ignored ones too
        return TreeSearch(folders, hidden=True, ignored="--exclude-standard" not in options, named=named)
    if name == "git-grep":  # tracked files; `--untracked` adds the others git does not ignore
        untracked = "--untracked" in options
        return TreeSearch(folders, hidden=True, ignored=untracked and "--no-exclude-standard" in options,
                          tracked_only=not untracked, named=named)
    unrestricted = sum(o.count("u") for o in options if re.fullmatch(r"-u+", o))
    unrestricted += options.count("--unrestricted")
    hidden = "--hidden" in options or "-." in options or unrestricted >= (1 if name == "ag" else 2)
    ignored = (unrestricted >= 1 or "-U" in options
               or any(o.startswith(("--no-ignore", "--skip-vcs-ignores")) for o in options))
    globs = [*_values(options, "-g"), *_values(options, "--glob"), *_values(options, "--iglob")]
    includes = [g for g in globs if not g.startswith("!")]
    redefined = any(o.startswith("--type-add") for o in options)  # `--type-add 'x:.env' -t x`
    for t in [*_values(options, "-t"), *_values(options, "--type")]:
        includes.extend(("*",) if redefined else _RG_TYPES.get(t, (f"*.{t}",)))
    excludes = [g[1:] for g in globs if g.startswith("!")]
    for t in [*_values(options, "-T"), *_values(options, "--type-not")]:
        excludes.extend(_RG_TYPES.get(t, (f"*.{t}",)))
    follow = "--follow" in options or any(re.fullmatch(r"-[A-Za-z]*L[A-Za-z]*", o) for o in options)
    ordered = tuple((not g.startswith("!"), g.lstrip("!")) for o in options for g in _glob_values(o))
    nocase = tuple(g.lstrip("!") for g in _values(options, "--iglob"))
    if "--glob-case-insensitive" in options:
        nocase = tuple(g for _, g in ordered)
    return TreeSearch(folders, hidden=hidden, ignored=ignored, includes=tuple(includes), follow=follow,
                      excludes=tuple(excludes), gitignore_style=True, named=named, stdin_unless_named=True,
                      ordered=ordered, nocase=nocase)


def _glob_values(option: str) -> list[str]:
    for name in ("-g", "--glob", "--iglob"):
        values = _values([option], name)
        if values:
            return values
    return []


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
        if long_option(o, "--recursive") or long_option(o, "--dereference-recursive"):
            return True
        if (o.startswith("-d=") or long_option(o, "--directories")) and o.split("=", 1)[-1].startswith("r"):
            return True
        flags = short_flags(o)
        if not {"r", "R"}.isdisjoint(flags) or (o.startswith("-d") and o[2:].lstrip("=").startswith("r")):
            return True
    return False


def _dereferences(options: list[str]) -> bool:
    return any(long_option(o, "--dereference-recursive") or "R" in short_flags(o) for o in options)


def _inverted(options: list[str], name: str) -> bool:
    """`-v` prints every line that does not match; rg's `--passthru` prints every line."""
    for o in options:
        if long_option(o, "--invert-match") or o in ("--passthru", "--passthrough"):
            return True
        if "v" in short_flags(o):
            return name != "ag" or o == "-v"
    return False


_BRACKET = re.compile(r"\[\^?\]?[^\]]*\]")
_REGEX_SYNTAX = re.compile(r"\\[a-zA-Z]|[\\^$.*+?()\[\]{}|\s]")


def _leaky(pattern: str) -> bool:
    """A pattern whose matching lines would carry a value: it names a credential or an assignment
    (`NAME=`), or it matches almost any line (`.`, `""`, `^`, `[A-Z]`, `export`)."""
    if CREDENTIAL_PATTERN.search(pattern):
        return True
    if "=" in _REGEX_SYNTAX.sub("", pattern):
        return True  # `DB_URL=`, `=`: the lines of an env file with the values
    return matches_nearly_every_line(pattern)


def matches_nearly_every_line(pattern: str) -> bool:
    """`.`, `""`, `^`, `^[A-Z]`, `export`: a pattern with at most one literal character outside
    bracket expressions (or none that is a letter or digit) selects nothing."""
    literal = _REGEX_SYNTAX.sub("", _BRACKET.sub("", pattern))  # `[A-Z]` is one character, any
    return len(literal) <= 1 or literal.lower() in ("export", "set", "env") or not any(c.isalnum() for c in literal)
