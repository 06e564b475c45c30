"""Git commands that print a sensitive file's text without naming it: diffs, history, objects.

`git show` prints the commit's patch, `git log -p` every commit's, `git diff HEAD~3` the changes
since; a `.env` committed once (and removed since) is printed whole in the commit that added or
removed it, and a tracked one's edits in `git diff`. None of these names the file, so the read
check, which judges the words of a command, never sees it. So does `git cat-file -p <blob id>`,
the second step after `git ls-tree HEAD` shows the id, and `git archive`, which packs the tree.

This module finds such commands (parsed as `treesearch` parses a shell command: wrappers,
`env -C`, aliases, compound commands, patch and verbose modes) and says which git command lists
the files whose text they would print (`HistoryRead.listing`, built by `gitoptions`: the same
subcommand, revisions and pathspecs, with `--name-only`); `decide` runs it (`gitlisting`) and
judges each name. Only what git would print counts: `git log` without `-p`, `git diff --stat`,
`git show -s` and pathspecs that leave the file out (`-- . ':!.env'`) stay allowed. What cannot
be known before the command runs is judged wide or refused: commits given at run time (every
commit), a git command earlier in the line that changes the repository, `GIT_*` assignments.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
from dataclasses import dataclass

from pavedroad.hooks.credsearch import pipelines, simple_command
from pavedroad.hooks.gitlisting import git_config
from pavedroad.hooks.gitoptions import (
    EXPANSION,
    WITH_VALUE,
    format_patch_range,
    list_args,
    options_of,
    prints_patch,
    split_words,
)
from pavedroad.hooks.shellcmd import absolute_path, changed_directory, shell_program
from pavedroad.hooks.treesearch import executed_by_find

#: git's options before the subcommand that take the next word (`-C dir`, `-c k=v`).
_GLOBAL_WITH_VALUE = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path",
                                "--config-env", "--super-prefix", "--list-cmds"})
#: Global options replayed when listing: where the repository is and how pathspecs read. Never
#: `-c`: a command's own `-c core.fsmonitor=...` or `-c diff.external=...` would run a program
#: in this process before anything is decided.
_REPLAYED = frozenset({"--git-dir", "--work-tree", "--namespace", "--literal-pathspecs", "--glob-pathspecs",
                       "--noglob-pathspecs", "--icase-pathspecs", "--bare"})

#: Subcommands that print patches (always, by default, or when told).
_PATCH_BY_DEFAULT = frozenset({"diff", "show"})
_PATCH_WHEN_TOLD = frozenset({"log", "whatchanged", "reflog", "diff-tree", "diff-index", "diff-files"})


@dataclass(frozen=True)
class HistoryRead:
    """A git command whose output holds the text of files it does not name."""

    #: where git runs (`cd` and `-C` followed)
    directory: str
    #: the command as the message shows it (`git log -p`)
    shown: str
    #: git arguments (global options first) that print, NUL-separated, the names (relative to
    #: the work tree's top) of the files whose text the command prints; () when `objects` say it
    listing: tuple[str, ...] = ()
    #: object names the command may print whole (`git cat-file -p 3b18e51`, `git show v1`): the
    #: blobs among them are judged by the paths that held them
    objects: tuple[str, ...] = ()
    #: every object of the repository is printed (`git cat-file --batch-all-objects --batch`)
    everything: bool = False
    #: global options to replay on every git call made for this command (`--git-dir`)
    globals_: tuple[str, ...] = ()
    #: why what the command prints cannot be listed before it runs (a `$(...)` revision, revisions
    #: from stdin, a repository the same command changes first); empty when it can
    unchecked: str = ""
    #: `git diff --no-index`: files outside any repository, and exit status 1 when they differ
    no_index: bool = False
    #: submodules' own diffs are printed (`--submodule=diff`)
    submodule_diff: bool = False


def history_reads(command: str, cwd: str) -> tuple[HistoryRead, ...]:
    """The git commands in `command`, run in `cwd`, that print files' text they do not name."""
    return tuple(_history_reads(command, cwd, 0))


def _history_reads(command: str, cwd: str, depth: int) -> list[HistoryRead]:
    found: list[HistoryRead] = []
    here = cwd
    changed = ""  # an earlier git command of the same line that changes what a later one lists
    exported: list[str] = []  # `export GIT_DIR=...` earlier in the line
    for pipeline in pipelines(command):
        for words in pipeline:
            plain = _without_git_grep_fold(words)
            if not plain:
                exported.extend(w for w in words if _GIT_ENVIRONMENT.match(w))  # `GIT_DIR=x;`
                continue
            name = os.path.basename(plain[0])
            if name in ("export", "declare", "typeset"):
                exported.extend(w for w in plain[1:] if _GIT_ENVIRONMENT.match(w))
                continue
            moved = changed_directory(plain, here)
            if moved is not None:
                if len(plain) > 1 and EXPANSION.search(plain[1]) and not _in_repository(here):
                    changed = changed or f"`cd {plain[1]}`"  # where it goes is known only when it runs
                else:
                    here = moved
                continue
            program = shell_program(plain)
            if program is not None and depth < 3:
                found.extend(_history_reads(program, here, depth + 1))
                continue
            if name in ("find", "fd", "fdfind"):  # `find . -maxdepth 0 -exec git show HEAD~3 \;`
                executed = executed_by_find(plain)
                if executed and os.path.basename(executed[0]) == "git" and depth < 3:
                    found.extend(_history_reads(shlex.join(executed), here, depth + 1))
                continue
            if name != "git":
                continue
            prefix = _prefix(words, here)
            reads, changes = _git_reads(plain[1:], prefix.directory, depth)
            if reads and _revisions_at_run_time(words, plain):
                # `git rev-list HEAD | xargs git show`, `git show "$c"` in a loop, `git show $(...)`:
                # which commits it prints is known only when it runs, so any of them (`git show
                # --stat $SHA` prints a blob only: judged by what the name resolves to here)
                reads = [dataclasses.replace(r, everything=True) if r.listing or r.shown == "git cat-file" else r
                         for r in reads]
            unchecked = changed or prefix.unchecked or _environment(exported)
            found.extend(dataclasses.replace(r, unchecked=unchecked) if unchecked and not r.unchecked else r
                         for r in reads)
            if changes and not changed:
                changed = f"`git {changes}` earlier in the same command"
    return found


def _revisions_at_run_time(words: list[str], plain: list[str]) -> bool:
    """Whether git is handed arguments the command line does not spell: through `xargs` or
    stdin (`--stdin`), or a word holding a variable, a substitution, a backquote or a brace
    expansion (`HEAD~{1..3}`)."""
    head = words[:len(words) - len(plain) + 1]
    if any(os.path.basename(w) == "xargs" for w in head) or "--stdin" in plain:
        return True
    skip = False
    for k, a in enumerate(plain[2:], 2):  # after `git <subcommand>`: revisions and paths, not option values
        if a.startswith("--skip") and EXPANSION.search(a if "=" in a else " ".join(plain[k:k + 2])):
            return True  # `--skip $N`: which commits is known only when it runs (other values are left out)
        if skip or a.startswith("-"):
            skip = not skip and a in WITH_VALUE
            continue
        if "$" in a or "`" in a or _BRACES.search(a):
            return True
    return False


#: A brace expansion (`{a,b}`, `{1..3}`), not git's own `HEAD@{1}`, `stash@{0}`, `X^{tree}`.
_BRACES = re.compile(r"(?<![@^])\{[^{}]*(?:,|\.\.)[^{}]*\}")


#: Assignments that move git to another repository, configuration or object store; GIT_DIR and
#: GIT_WORK_TREE with a plain value are replayed as `--git-dir` / `--work-tree`.
_GIT_ENVIRONMENT = re.compile(r"^(?:GIT_[A-Z_]*|HOME|XDG_CONFIG_HOME)=")
_HARMLESS_ENVIRONMENT = re.compile(
    r"^GIT_(?:PAGER|EDITOR|SEQUENCE_EDITOR|TERMINAL_PROMPT|OPTIONAL_LOCKS|TRACE\w*|AUTHOR_\w+|COMMITTER_\w+"
    r"|SSH\w*|ASKPASS|PROGRESS_DELAY|MERGE_AUTOEDIT|FLUSH|REDACT_COOKIES|ADVICE|NO_LAZY_FETCH)=")


@dataclass(frozen=True)
class _Prefix:
    directory: str
    unchecked: str = ""


def _prefix(words: list[str], here: str) -> _Prefix:
    """What the words before `git` change: `env -C dir` the directory; `env -S` and assignments to
    git's environment (`GIT_DIR=... git log -p`) what git lists."""
    directory, unchecked = here, ""
    under_env = False
    k = 0
    while k < len(words) and os.path.basename(words[k]) != "git":
        word = words[k]
        if _GIT_ENVIRONMENT.match(word) and not _HARMLESS_ENVIRONMENT.match(word):
            unchecked = unchecked or _environment([word])
        elif not under_env:
            under_env = os.path.basename(word) == "env"
        elif word in ("-S", "--split-string") or word.startswith("--split-string="):
            unchecked = "`env -S` splits its words"
        elif word in ("-C", "--chdir") and k + 1 < len(words):
            directory = absolute_path(words[k + 1], directory)
            k += 1
        elif word.startswith("--chdir="):
            directory = absolute_path(word.partition("=")[2], directory)
        k += 1
    return _Prefix(directory, unchecked)


def _environment(assignments: list[str]) -> str:
    for word in assignments:
        if _GIT_ENVIRONMENT.match(word) and not _HARMLESS_ENVIRONMENT.match(word):
            return f"`{word.partition('=')[0]}` is set for it"
    return ""


def _without_git_grep_fold(words: list[str]) -> list[str]:
    """The command's words as `simple_command` gives them, but `git` kept as the command (it
    folds `git grep` into `grep` for the search checks)."""
    plain, _inputs = simple_command(words)
    if plain and plain[0] == "grep" and "git" in (os.path.basename(w) for w in words):
        return []  # `git grep`: the tree search judges it
    return plain


def _git_reads(args: list[str], cwd: str, depth: int) -> tuple[list[HistoryRead], str]:
    """(the history reads of `git args` run in `cwd`, through an alias (`git lg`, `git -c
    alias.lg='log -p' lg`, an alias of an alias, a shell alias `!git log -p`) if it is one; the
    subcommand if it changes the repository, else "")."""
    directory = cwd
    replayed: list[str] = []
    lookup: list[str] = []  # `-c alias.x=...`, `-c include.path=...`: read for aliases only
    unchecked = ""
    i = 0
    while i < len(args) and args[i].startswith("-"):
        option, _, value = args[i].partition("=") if args[i].startswith("--") else (args[i], "", "")
        takes = option in _GLOBAL_WITH_VALUE and not value
        if takes and i + 1 < len(args):
            value = args[i + 1]
        if option == "-C" and EXPANSION.search(value) and not _in_repository(directory):
            unchecked = f"`-C {value}` is known only when it runs"
        if option == "-C" and not EXPANSION.search(value):  # `-C "$DIR"`: most likely here, judged as here
            directory = absolute_path(value, directory)
        elif option == "-c" and value.lower().startswith(("alias.", "include.", "includeif.")):
            lookup.extend(["-c", value])
        elif option == "-c" and value.lower().partition("=")[0] in _REPLAYED_CONFIG:
            replayed.extend(["-c", value])
        elif option == "--config-env":
            unchecked = f"`--config-env={value}` sets git's configuration from the environment"
        elif option in _REPLAYED:
            replayed.extend([option, value] if option in _GLOBAL_WITH_VALUE else [option])
        i += 2 if takes else 1
    if i >= len(args):
        return [], ""
    sub, rest = args[i], args[i + 1:]
    for _hop in range(5):
        if sub in _BUILTINS:
            break
        text = _configured_alias(sub, directory, [*replayed, *lookup])
        if not text and unchecked:
            # `git --config-env=alias.x=V x`: an alias only the environment defines may print anything
            return [HistoryRead(directory, f"git {sub}", everything=True, unchecked=unchecked)], sub
        if not text:
            return [], sub  # another program (`git lfs`): it may change anything
        if text.startswith("!"):  # a shell alias: the commands it runs (with the words after it)
            shell = text[1:] + "".join(" " + shlex.quote(w) for w in rest)
            return (_history_reads(shell, directory, depth + 1) if depth < 3 else []), sub
        words = _split(text)
        while words and words[0].startswith("-"):  # `alias.x = -p log -p`: git's own options
            words.pop(0)
        if not words:
            return [], ""
        sub, rest = words[0], [*words[1:], *rest]
    reads = _other_printers(sub, rest, directory, tuple(replayed))
    if reads is None:
        read = _git_read(sub, rest, directory, tuple(replayed))
        reads = [read] if read is not None else []
    changes = sub if _changes_repository(sub, rest) else ""
    if unchecked:
        reads = [dataclasses.replace(r, unchecked=unchecked) for r in reads]
    return reads, changes


#: Commands whose patch mode prints the hunks of the changes they offer (`printf 'n\nq\n' | git
#: add -p`), or whose verbose mode prints the staged diff (`git status -v`, `git commit -v`).
_PATCH_MODES = {"add": ("-p", "--patch", "-i", "--interactive", "-e", "--edit"),
                "checkout": ("-p", "--patch"), "restore": ("-p", "--patch"), "reset": ("-p", "--patch"),
                "commit": ("-p", "--patch", "--interactive"), "stash": ("-p", "--patch")}
_VERBOSE = ("-v", "--verbose", "-vv")
#: Commands that print files' text in ways not listed here: judged over every commit.
_PRINT_HISTORY = {"fast-export": "git fast-export", "merge-tree": "git merge-tree", "bundle": "git bundle"}


def _other_printers(sub: str, rest: list[str], directory: str, globals_: tuple[str, ...]) -> list[HistoryRead] | None:
    """Reads of the subcommands that print diffs besides diff/show/log (None for the others):
    patch and verbose modes (the work tree's and the index's changes), `git difftool` (a
    diff), `git request-pull -p`, `git fast-export`, `git merge-tree` (history), `git
    submodule foreach` (a command in every submodule: unchecked)."""
    options = options_of(rest)
    paths = rest[rest.index("--"):] if "--" in rest else []
    if sub == "difftool":
        kept = [a for k, a in enumerate(rest) if not (a in ("-y", "--no-prompt", "-d", "--dir-diff", "-g", "--gui")
                or a.startswith(("--extcmd=", "--tool=", "-x", "-t")) or (k and rest[k - 1] in ("-x", "-t")))]
        read = _git_read("diff", kept, directory, globals_)
        return [dataclasses.replace(read, shown="git difftool")] if read is not None else []
    if sub == "submodule" and rest[:1] == ["foreach"]:
        return [HistoryRead(directory, "git submodule foreach", everything=True, globals_=globals_,
                            unchecked="it runs a command in every submodule")]
    if sub in _PRINT_HISTORY or (sub == "request-pull" and "-p" in options):
        return [HistoryRead(directory, _PRINT_HISTORY.get(sub, "git request-pull -p"), everything=True,
                            globals_=globals_)]
    staged = worktree = False
    if sub in _PATCH_MODES and any(o in _PATCH_MODES[sub] for o in options) and not (
            sub == "stash" and rest[:1] in (["show"], ["list"])):
        staged = worktree = True
    verbose = sum(2 if o == "-vv" else 1 for o in options if o in _VERBOSE)
    if sub == "status" and verbose:
        staged, worktree = True, verbose >= 2
    if sub == "commit" and verbose:
        staged, worktree = True, worktree or any(o in ("-a", "--all") for o in options)
    if not (staged or worktree):
        return None
    shown = f"git {sub} {'-p' if sub in _PATCH_MODES and not verbose else '-v'}"
    return ([_listing(directory, shown, "diff", ["--cached", *paths], globals_)] if staged else []) + (
        [_listing(directory, shown, "diff", paths, globals_)] if worktree else [])


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _in_repository(directory: str) -> bool:
    """Whether `directory` is in a work tree (a `.git` at or above it): a `cd "$DIR"` from there
    is judged as here, most likely the same repository."""
    folder = os.path.abspath(directory)
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return True
        parent = os.path.dirname(folder)
        if parent == folder:
            return False
        folder = parent


#: `-c` settings replayed on the listing: they change which files the command prints.
_REPLAYED_CONFIG = frozenset({"stash.showpatch", "stash.showincludeuntracked", "log.showroot", "diff.submodule"})

#: git's own commands: an alias never hides one, so none is looked up as an alias.
_BUILTINS = frozenset({
    "add", "am", "annotate", "apply", "archive", "bisect", "blame", "branch", "bundle", "cat-file", "check-attr",
    "check-ignore", "checkout", "cherry", "cherry-pick", "clean", "clone", "commit", "commit-tree", "config",
    "count-objects", "describe", "diff", "diff-files", "diff-index", "diff-tree", "difftool", "fast-export",
    "fast-import", "fetch", "for-each-ref", "format-patch", "fsck", "gc", "grep", "hash-object", "help", "init",
    "log", "ls-files", "ls-remote", "ls-tree", "merge", "merge-base", "merge-file", "merge-tree", "mergetool",
    "mktree", "mv", "name-rev", "notes", "pull", "push", "range-diff", "read-tree", "rebase", "reflog", "remote",
    "request-pull", "reset", "restore", "rev-list", "rev-parse", "revert", "rm", "shortlog", "show", "show-branch", "show-ref",
    "sparse-checkout", "stash", "status", "submodule", "switch", "symbolic-ref", "tag", "update-index",
    "update-ref", "var", "verify-commit", "version", "whatchanged", "worktree", "write-tree",
})  # fmt: skip
#: Commands that change no ref, index, stash or work tree (with these first words, for some).
_READ_ONLY = frozenset({
    "status", "log", "show", "diff", "diff-tree", "diff-index", "diff-files", "rev-parse", "rev-list",
    "ls-files", "ls-tree", "ls-remote", "cat-file", "blame", "annotate", "grep", "describe", "shortlog",
    "whatchanged", "cherry", "format-patch", "archive", "for-each-ref", "show-ref", "name-rev", "merge-base",
    "count-objects", "var", "version", "help", "check-ignore", "check-attr", "range-diff", "fsck",
    "verify-commit", "show-branch", "difftool", "merge-tree", "fast-export", "request-pull",
})  # fmt: skip
_LISTING_ONLY = {"branch": ("-l", "--list", "-a", "-r", "-v", "-vv", "--show-current", "--contains", "--merged"),
                 "tag": ("-l", "--list", "-n", "--contains", "--points-at"), "remote": ("-v", "show", "get-url"),
                 "stash": ("list", "show"), "reflog": ("show",), "worktree": ("list",), "notes": ("list", "show"),
                 "config": ("--get", "--get-all", "--get-regexp", "-l", "--list", "get"),
                 "submodule": ("status", "summary")}


def _changes_repository(sub: str, rest: list[str]) -> bool:
    if sub in _READ_ONLY:
        return False
    if sub in _LISTING_ONLY:
        return (bool(rest) and rest[0] not in _LISTING_ONLY[sub]) or (sub == "stash" and not rest)  # `git stash`: push
    return True


def _git_read(sub: str, rest: list[str], directory: str, globals_: tuple[str, ...]) -> HistoryRead | None:
    if sub == "cat-file":
        return _cat_file(rest, directory, globals_)
    if sub == "archive":
        return _archive(rest, directory, globals_)
    if sub == "reflog" and rest[:1] == ["show"]:
        rest = rest[1:]  # `git reflog show -p`: `git reflog -p`
    objects: tuple[str, ...] = ()
    if sub == "stash":
        if not rest or rest[0] not in ("show", "list"):
            return None
        sub, rest = f"stash {rest[0]}", rest[1:]
        default = sub == "stash show" and _stash_shows_patch(directory, globals_)
        patch = prints_patch(rest, default=default, stash_show=sub == "stash show")
    elif sub == "format-patch":
        if "--stdout" not in rest:
            return None  # it writes files; reading them is a read of their names
        return _listing(cwd=directory, shown="git format-patch --stdout", sub="log",
                        args=format_patch_range(rest), globals_=globals_)
    elif sub in _PATCH_BY_DEFAULT:
        patch = prints_patch(rest, default=True, show=sub == "show")
        # `git show X` prints a blob (`3b18e51`, `v1`, `3b18e51^{blob}`) whole, whatever the options;
        # `git diff A B` two blobs' lines
        objects = tuple(_operands(rest))
        if sub == "show" and objects and not patch:
            return HistoryRead(directory, "git show", objects=objects, globals_=globals_)
    elif sub in _PATCH_WHEN_TOLD:
        patch = prints_patch(rest, default=False)
    else:
        return None
    if not patch:
        return None
    shown = f"git {sub}" if sub in _PATCH_BY_DEFAULT else f"git {sub} -p"
    return HistoryRead(directory, shown, listing=list_args(sub, rest, globals_), objects=objects, globals_=globals_,
                       no_index="--no-index" in rest, submodule_diff=_submodule_diff(rest, globals_))


def _operands(args: list[str]) -> list[str]:
    """The words of `git show` / `git diff` that name objects (before `--`; no ranges)."""
    return [a for a in split_words(args)[1] if ".." not in a and "\n" not in a]


def _submodule_diff(args: list[str], globals_: tuple[str, ...]) -> bool:
    return "--submodule=diff" in args or "diff.submodule=diff" in (g.lower() for g in globals_)


def _stash_shows_patch(directory: str, globals_: tuple[str, ...]) -> bool:
    """`stash.showPatch`: `git stash show` prints the patch (the command line's, else the config's)."""
    for k, g in enumerate(globals_):
        if k and globals_[k - 1] == "-c" and g.lower().startswith("stash.showpatch="):
            return g.partition("=")[2].lower() in ("true", "yes", "on", "1")
    value = git_config(directory, globals_, "--type=bool", "--get", "stash.showPatch")
    return value is None or value.strip() == b"true"  # cannot tell: as if it did


def _listing(cwd: str, shown: str, sub: str, args: list[str], globals_: tuple[str, ...]) -> HistoryRead:
    return HistoryRead(cwd, shown, listing=list_args(sub, args, globals_), globals_=globals_)


def _cat_file(args: list[str], directory: str, globals_: tuple[str, ...]) -> HistoryRead | None:
    if any(a == "--batch" or a.startswith(("--batch=", "--batch-command")) for a in args):
        # object ids from stdin (`git rev-list --objects --all | git cat-file --batch`) or all of them
        return HistoryRead(directory, "git cat-file --batch", everything=True, globals_=globals_)
    if not any(a in ("-p", "blob", "--textconv", "--filters") for a in args):
        return None  # `-t`, `-s`, `-e`: the type, the size, whether it exists
    objects = tuple(a for a in args if not a.startswith("-") and a not in ("blob", "tree", "commit", "tag")
                    and "\n" not in a)
    return HistoryRead(directory, "git cat-file", objects=objects, globals_=globals_) if objects else None


def _archive(args: list[str], directory: str, globals_: tuple[str, ...]) -> HistoryRead | None:
    """`git archive HEAD [paths]`: every file of the tree, packed (and printed, without `-o`)."""
    operands: list[str] = []
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a in ("-o", "--output", "--prefix", "--format", "--remote", "--exec", "--add-file", "--add-virtual-file"):
            skip = True
            continue
        if a.startswith("-") and a != "--":
            continue
        if a != "--":
            operands.append(a)
    if not operands:
        return None
    tree, paths = operands[0], operands[1:]
    return HistoryRead(directory, "git archive",
                       listing=(*globals_, "ls-tree", "-r", "-z", "--name-only", "--full-tree", tree, "--", *paths),
                       globals_=globals_)


def _configured_alias(sub: str, directory: str, globals_: list[str]) -> str | None:
    """The text of git alias `sub` in the command line's (`-c alias.x=...`), the repository's or
    the user's config, if any."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,40}", sub):
        return None
    text = (git_config(directory, globals_, "--get", f"alias.{sub}") or b"").decode("utf-8", "replace").strip()
    return text or None
