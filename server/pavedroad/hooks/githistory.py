"""Git commands that print a sensitive file's text without naming it: diffs, history, objects.

`git show` prints the commit's patch, `git log -p` every commit's, `git diff HEAD~3` the changes
since; a `.env` committed once (and removed since) is printed whole in the commit that added or
removed it, and a tracked one's edits in `git diff`. None of these names the file, so the read
check, which judges the words of a command, never sees it. So does `git cat-file -p <blob id>`,
the second step after `git ls-tree HEAD` shows the id, and `git archive`, which packs the tree.

This module finds such commands (parsed as `treesearch` parses a shell command) and says which
git command lists the files whose text they would print (`HistoryRead.listing`: the same
subcommand, revisions and pathspecs, with `--name-only`); `decide` runs it (`listed_files`) and
judges each name. Only what git would print counts: `git log` without `-p`, `git diff --stat`,
`git show -s` and pathspecs that leave the file out (`-- . ':!.env'`) stay allowed.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
from dataclasses import dataclass

from pavedroad.hooks.credsearch import pipelines, simple_command
from pavedroad.hooks.shellcmd import shell_program

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

#: Diff options that print the files' lines.
_CONTENT = re.compile(
    r"^(?:-p|-u|--patch|-U\d*|--unified(?:=\d+)?|--patch-with-stat|--patch-with-raw|--word-diff(?:=\S*)?"
    r"|--color-words(?:=.*)?|--word-diff-regex(?:=.*)?|-c|--cc|--check|--binary|-W|--function-context"
    r"|-L.*|--remerge-diff|--full-diff-with-patch)$"
)
#: Diff options that print one line per file at most, whatever else is asked (`-p --name-only`
#: prints names), or nothing at all.
_NAMES_ONLY = frozenset({"--name-only", "--name-status", "-s", "--quiet"})
#: Options that print a summary instead of the patch for `diff` and `show` (a patch option
#: given as well still prints it: `--stat -p`).
_SUMMARY = re.compile(r"^(?:--stat(?:=\S*)?|--numstat|--shortstat|--summary|--raw|--dirstat(?:=\S*)?"
                      r"|-X\S*|--compact-summary|--no-patch|--exit-code)$")
#: Options dropped from the listing command: how the output looks (the listing asks names), and
#: anything that writes a file or runs a program (`--output=f`, `--ext-diff`).
_DROPPED = re.compile(
    r"^(?:--output(?:=.*)?|--ext-diff|--textconv|--relative(?:=.*)?|--color(?:=.*)?|--src-prefix=.*"
    r"|--dst-prefix=.*|--line-prefix=.*|--no-prefix|--default-prefix|--stdout|--pretty(?:=.*)?"
    r"|--format=.*|--oneline|--graph|--abbrev(?:-commit)?(?:=\d*)?|--decorate(?:=.*)?|-z|--numstat"
    r"|--shortstat|--summary|--raw|--compact-summary|--dirstat(?:=\S*)?|--stat(?:=\S*)?|--no-patch"
    r"|--exit-code|--quiet|-X\S*|-[MCB]\S*|--find-renames(?:=.*)?|--find-copies(?:-harder|=.*)?"
    r"|--break-rewrites(?:=.*)?|--renames)$"
)
_DROPPED_WITH_VALUE = frozenset({"--output", "--word-diff-regex", "--src-prefix", "--dst-prefix",
                                 "--line-prefix", "--color-moved-ws"})
#: An object given by its id (`git cat-file -p 3b18e51`, `git show 3b18e51a`).
_OBJECT_ID = re.compile(r"^[0-9a-fA-F]{4,64}$")


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
    #: objects printed whole by id (`git cat-file -p 3b18e51`): judged by the paths that held them
    objects: tuple[str, ...] = ()
    #: every object of the repository is printed (`git cat-file --batch-all-objects --batch`)
    everything: bool = False
    #: global options to replay on every git call made for this command (`--git-dir`)
    globals_: tuple[str, ...] = ()


def history_reads(command: str, cwd: str) -> tuple[HistoryRead, ...]:
    """The git commands in `command`, run in `cwd`, that print files' text they do not name."""
    return tuple(_history_reads(command, cwd, 0))


def _history_reads(command: str, cwd: str, depth: int) -> list[HistoryRead]:
    found: list[HistoryRead] = []
    here = cwd
    for pipeline in pipelines(command):
        for words in pipeline:
            plain = _without_git_grep_fold(words)
            if not plain:
                continue
            name = os.path.basename(plain[0])
            if name in ("cd", "pushd") and len(plain) > 1:
                target = _absolute(plain[1], here)
                if os.path.isdir(target):
                    here = target
                continue
            program = shell_program(plain)
            if program is not None and depth < 3:
                found.extend(_history_reads(program, here, depth + 1))
                continue
            if name != "git":
                continue
            reads = _git_reads(plain[1:], here, depth)
            if reads and _revisions_at_run_time(words, plain):
                # `git rev-list HEAD | xargs git show`, `git show "$c"` in a loop, `git show $(...)`:
                # which commits it prints is known only when it runs, so any of them
                reads = [dataclasses.replace(r, everything=True) for r in reads]
            found.extend(reads)
    return found


def _revisions_at_run_time(words: list[str], plain: list[str]) -> bool:
    """Whether git is handed arguments the command line does not spell: through `xargs`, or a
    word holding a variable, a substitution or a backquote."""
    head = words[:len(words) - len(plain) + 1]
    if any(os.path.basename(w) == "xargs" for w in head):
        return True
    skip = False
    for a in plain[2:]:  # after `git <subcommand>`: revisions and paths, not option values
        if skip or a.startswith("-"):
            skip = not skip and a in _WITH_VALUE
            continue
        if "$" in a or "`" in a:
            return True
    return False


def _without_git_grep_fold(words: list[str]) -> list[str]:
    """The command's words as `simple_command` gives them, but `git` kept as the command (it
    folds `git grep` into `grep` for the search checks)."""
    plain, _inputs = simple_command(words)
    if plain and plain[0] == "grep" and "git" in (os.path.basename(w) for w in words):
        return []  # `git grep`: the tree search judges it
    return plain


def _absolute(path: str, cwd: str) -> str:
    path = os.path.expanduser(path)
    return os.path.normpath(path if os.path.isabs(path) else os.path.join(cwd, path))


def _git_reads(args: list[str], cwd: str, depth: int) -> list[HistoryRead]:
    """The history reads of `git args` run in `cwd`, through an alias (`git lg`, `git -c
    alias.lg='log -p' lg`, a shell alias `!git log -p`) if it is one."""
    directory = cwd
    replayed: list[str] = []
    aliases: dict[str, str] = {}
    i = 0
    while i < len(args) and args[i].startswith("-"):
        option, _, value = args[i].partition("=") if args[i].startswith("--") else (args[i], "", "")
        takes = option in _GLOBAL_WITH_VALUE and not value
        if takes and i + 1 < len(args):
            value = args[i + 1]
        if option == "-C" and "$" not in value:  # `-C "$DIR"`: most likely here, judged as here
            directory = _absolute(value, directory)
        elif option == "-c" and value.lower().startswith("alias."):
            key, _, expansion = value.partition("=")
            aliases[key[6:].lower()] = expansion
        elif option in _REPLAYED:
            replayed.extend([option, value] if option in _GLOBAL_WITH_VALUE else [option])
        i += 2 if takes else 1
    if i >= len(args):
        return []
    sub, rest = args[i], args[i + 1:]
    if sub not in _KNOWN:
        text = aliases.get(sub.lower()) or _configured_alias(sub, directory, replayed)
        if text and text.startswith("!"):  # a shell alias: the commands it runs, judged alike
            return _history_reads(text[1:], directory, depth + 1) if depth < 3 else []
        if text:
            words = text.split()
            sub, rest = words[0], [*words[1:], *rest]
    read = _git_read(sub, rest, directory, tuple(replayed))
    return [read] if read is not None else []


_KNOWN = _PATCH_BY_DEFAULT | _PATCH_WHEN_TOLD | {"stash", "format-patch", "cat-file", "archive"}


def _git_read(sub: str, rest: list[str], directory: str, globals_: tuple[str, ...]) -> HistoryRead | None:
    if sub == "cat-file":
        return _cat_file(rest, directory, globals_)
    if sub == "archive":
        return _archive(rest, directory, globals_)
    if sub == "stash":
        if not rest or rest[0] not in ("show", "list"):
            return None
        sub, rest = f"stash {rest[0]}", rest[1:]
        patch = _prints_patch(rest, default=False, stash_show=sub == "stash show")
    elif sub == "format-patch":
        if "--stdout" not in rest:
            return None  # it writes files; reading them is a read of their names
        return _listing(cwd=directory, shown="git format-patch --stdout", sub="log",
                        args=_format_patch_range(rest), globals_=globals_)
    elif sub in _PATCH_BY_DEFAULT:
        patch = _prints_patch(rest, default=True)
        if sub == "show":
            objects = tuple(a for a in rest if _OBJECT_ID.match(a))
            if objects and not patch:
                return HistoryRead(directory, "git show", objects=objects, globals_=globals_)
            if objects:  # a blob by id is printed whole; a commit by id, its patch
                return HistoryRead(directory, "git show", listing=_list_args("show", rest, globals_),
                                   objects=objects, globals_=globals_)
    elif sub in _PATCH_WHEN_TOLD:
        patch = _prints_patch(rest, default=False)
    else:
        return None
    if not patch:
        return None
    shown = f"git {sub}" if sub in _PATCH_BY_DEFAULT else f"git {sub} -p"
    return _listing(cwd=directory, shown=shown, sub=sub, args=rest, globals_=globals_)


def _listing(cwd: str, shown: str, sub: str, args: list[str], globals_: tuple[str, ...]) -> HistoryRead:
    return HistoryRead(cwd, shown, listing=_list_args(sub, args, globals_), globals_=globals_)


def _list_args(sub: str, args: list[str], globals_: tuple[str, ...]) -> tuple[str, ...]:
    """`sub args`, its format options replaced by a NUL-separated list of names (renames as a
    deletion and an addition, so both names are judged)."""
    kept: list[str] = []
    pathspecs: list[str] = []
    k = 0
    while k < len(args):
        a = args[k]
        if a == "--":
            pathspecs = args[k:]
            break
        if a in _DROPPED_WITH_VALUE:
            k += 2
            continue
        if a in _WITH_VALUE:
            kept.extend(args[k:k + 2])  # the value stays the option's (`--grep -p`)
            k += 2
            continue
        if not (_DROPPED.match(a) or _CONTENT.match(a) or a in _NAMES_ONLY):
            kept.append(a)
        k += 1
    words = sub.split()
    # renames as a deletion and an addition, so both names are judged; `--follow` names the
    # file under each name it had, and needs renames found
    renames = [] if "--follow" in args else ["--no-renames"]
    tail = ["--name-only", "-z", *renames, "--no-ext-diff", "--no-textconv", "--no-color"]
    if words[0] in ("log", "show", "whatchanged", "reflog") or words[-1] == "list":
        tail.append("--format=")
    if words[0] == "diff-tree":
        tail.append("-r")  # a patch recurses into folders; names do only when told
    if words[0] == "log" and any(a in ("-c", "--cc", "-m") or a.startswith("--diff-merges") for a in args):
        tail.append("-m")  # the merges' patches are printed too
    # ours first: `git diff` takes no option after a path (`git diff . --stat` fails)
    return (*globals_, *words, *tail, *kept, *pathspecs)


def _prints_patch(args: list[str], *, default: bool, stash_show: bool = False) -> bool:
    """Whether a diff-printing command with these options prints the files' lines."""
    options = [a for a in _options(args)]
    if any(a in _NAMES_ONLY for a in options):
        return False
    content = [k for k, a in enumerate(options) if _CONTENT.match(a) and not (stash_show and a == "-u")]
    if content:
        last_off = max((k for k, a in enumerate(options) if a == "--no-patch"), default=-1)
        return last_off < max(content)
    if default:
        return not any(_SUMMARY.match(a) for a in options)
    return False


#: Options of `git log` / `git diff` whose value may be the next word (`--grep -p` searches
#: messages for "-p"; it asks no patch).
_WITH_VALUE = frozenset({
    "--grep", "--author", "--committer", "-S", "-G", "-n", "--max-count", "--skip", "--since", "--until",
    "--after", "--before", "-O", "--encoding", "--format", "--pretty", "--date", "--diff-filter", "-I",
    "--ignore-matching-lines", "--find-object", "--output", "--word-diff-regex", "--src-prefix",
    "--dst-prefix", "--line-prefix", "--color-moved-ws", "--diff-algorithm", "--submodule", "--anchored",
    "--stat-width", "--stat-name-width", "--stat-count", "--min-parents", "--max-parents", "--exclude",
    "--glob", "--branches", "--tags", "--remotes", "--notes", "--show-notes", "--decorate-refs",
    "--decorate-refs-exclude", "--since-as-filter", "--orderfile", "--skip-to", "--rotate-to",
})  # fmt: skip


def _options(args: list[str]) -> list[str]:
    """The option words of `args` (before `--`), values given as the next word left out."""
    out = []
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a == "--":
            break
        if a.startswith("-"):
            out.append(a)
            skip = a in _WITH_VALUE
    return out


def _format_patch_range(args: list[str]) -> list[str]:
    """`git format-patch --stdout` arguments as `git log`'s: a lone revision `R` means `R..HEAD`
    (unless a count says how many commits back from it)."""
    counted = any(re.fullmatch(r"-\d+|-n|--max-count(?:=\d+)?", a) for a in args)
    out: list[str] = []
    for a in args:
        if a == "--stdout":
            continue
        if not counted and not a.startswith("-") and ".." not in a and a != "--" and "--" not in out:
            out.append(f"{a}..HEAD")
        else:
            out.append(a)
    return out


def _cat_file(args: list[str], directory: str, globals_: tuple[str, ...]) -> HistoryRead | None:
    if any(a == "--batch" or a.startswith(("--batch=", "--batch-command")) for a in args):
        # object ids from stdin (`git rev-list --objects --all | git cat-file --batch`) or all of them
        return HistoryRead(directory, "git cat-file --batch", everything=True, globals_=globals_)
    if not any(a in ("-p", "blob", "--textconv", "--filters") for a in args):
        return None  # `-t`, `-s`, `-e`: the type, the size, whether it exists
    objects = tuple(a for a in args if _OBJECT_ID.match(a))
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
    """The text of git alias `sub` in the repository's or the user's config, if any."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,40}", sub):
        return None
    try:
        done = subprocess.run(["git", *globals_, "config", "--get", f"alias.{sub}"], cwd=directory,
                              capture_output=True, timeout=5, check=False, env=_git_env())
    except (OSError, subprocess.SubprocessError):
        return None
    text = done.stdout.decode("utf-8", "replace").strip()
    return text if done.returncode == 0 and text else None


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C", "GIT_PAGER": "cat"})
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_EXTERNAL_DIFF", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT"):
        env.pop(name, None)
    return env


# --- listing what git would print -----------------------------------------------------------


#: How long listing a history may take, and how many names it may hold.
LIST_TIMEOUT = 5.0
MAX_LISTED_BYTES = 64 << 20


class HistoryTooLarge(Exception):
    """Git could not list the files in time (a long history without a limit)."""


def _git(read: HistoryRead, *args: str) -> subprocess.CompletedProcess[bytes]:
    # `core.fsmonitor` and hooks of the repository's own config never run for a listing
    return subprocess.run(["git", "-c", "core.fsmonitor=false", "-c", "core.quotepath=off", *read.globals_, *args],
                          cwd=read.directory, capture_output=True, timeout=LIST_TIMEOUT, check=False,
                          stdin=subprocess.DEVNULL, env=_git_env())


def listed_files(read: HistoryRead) -> tuple[str, list[str]] | None:
    """(the work tree's top, names relative to it of the files whose text the command prints);
    None when git cannot say (not a repository, a revision that does not exist: then the
    command prints nothing either). Raises `HistoryTooLarge` past the time or size limit."""
    try:
        top = _git(read, "rev-parse", "--show-toplevel")
        if top.returncode != 0:
            return None
        root = top.stdout.decode("utf-8", "surrogateescape").strip()
        names: list[str] = []
        if read.listing and not read.everything:
            done = _git(read, *read.listing[len(read.globals_):])
            if done.returncode == 0:
                if len(done.stdout) > MAX_LISTED_BYTES:
                    raise HistoryTooLarge(read.shown)
                names.extend(n for n in done.stdout.decode("utf-8", "surrogateescape").split("\0") if n.strip())
            elif not read.objects:
                return None
        if read.everything:
            names.extend(_every_path(read))
        for object_id in read.objects:
            names.extend(_paths_of_blob(read, object_id))
    except subprocess.TimeoutExpired as error:
        raise HistoryTooLarge(read.shown) from error
    except OSError:
        return None
    return root, list(dict.fromkeys(n.strip("\n") for n in names))


def _every_path(read: HistoryRead) -> list[str]:
    """Every path any commit (or the index) has held."""
    done = _git(read, "log", "--all", "--format=", "--name-only", "-z", "--no-renames", "-m")
    index = _git(read, "ls-files", "-z")
    return [n for out in (done.stdout, index.stdout) for n in out.decode("utf-8", "surrogateescape").split("\0") if n]


def _paths_of_blob(read: HistoryRead, object_id: str) -> list[str]:
    """The paths a blob was committed or staged under; none for another kind of object (a
    commit's patch is listed with the command's other revisions)."""
    kind = _git(read, "cat-file", "-t", object_id)
    if kind.returncode != 0 or kind.stdout.strip() != b"blob":
        return []
    full = _git(read, "rev-parse", "--verify", "--quiet", f"{object_id}^{{blob}}").stdout.decode().strip()
    history = _git(read, "log", "--all", "--format=", "--name-only", "-z", "--no-renames", "-m",
                   f"--find-object={full}")
    paths = [n for n in history.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    staged = _git(read, "ls-files", "-s", "-z")
    for entry in staged.stdout.decode("utf-8", "surrogateescape").split("\0"):
        meta, _, path = entry.partition("\t")
        if full and full in meta.split():
            paths.append(path)
    return paths
