"""How git's diff and log options decide what a command prints, and the listing that names it.

`prints_patch` reads a command's options as git 2.39 does (`-p` after `-s` prints, `--stat -p`
prints, `--name-only` wins, a flag's value is not a flag); `list_args` turns the command into
one that prints the names (`--name-only -z`, renames as two names) of the files whose text it
prints, keeping its revisions and pathspecs and dropping what only changes how output looks or
writes a file (`--output`, `--ext-diff`); `format_patch_range` reads `git format-patch --stdout`'s
arguments as `git log`'s.
"""

from __future__ import annotations

import re

#: A word whose value is known only at run time: a variable, a substitution, a backquote.
EXPANSION = re.compile(r"\$|`")


#: Diff options that print the files' lines.
_CONTENT = re.compile(
    r"^(?:-p|-u|--patch|-U\d*|--unified(?:=\d+)?|--patch-with-stat|--patch-with-raw|--word-diff(?:=\S*)?"
    r"|--color-words(?:=.*)?|--word-diff-regex(?:=.*)?|-c|--cc|--check|--binary|-W|--function-context"
    r"|-L.*|--remerge-diff|--full-diff-with-patch)$"
)


#: Diff options that print one line per file at most, whatever else is asked (`-p --name-only`
#: prints names), or nothing at all.
_NAMES_ONLY = frozenset({"--name-only", "--name-status"})


#: Options that turn the patch off until a later patch option turns it back on (`-s -p` prints
#: it); `--quiet` also, for `show` (for `log` it does not; for `diff` it prints nothing at all).
_PATCH_OFF = frozenset({"--no-patch", "-s"})


#: Options that print a summary instead of the patch for `diff` and `show` (a patch option
#: given as well still prints it: `--stat -p`).
_SUMMARY = re.compile(r"^(?:--stat(?:=\S*)?|--numstat|--shortstat|--summary|--raw|--dirstat(?:=\S*)?"
                      r"|-X\S*|--compact-summary|--no-patch)$")


#: Options dropped from the listing command: how the output looks (the listing asks names), and
#: anything that writes a file or runs a program (`--output=f`, `--ext-diff`).
_DROPPED = re.compile(
    r"^(?:--output(?:=.*)?|--ext-diff|--textconv|--relative(?:=.*)?|--color(?:=.*)?|--src-prefix=.*"
    r"|--dst-prefix=.*|--line-prefix=.*|--no-prefix|--default-prefix|--stdout|--pretty(?:=.*)?"
    r"|--format=.*|--oneline|--graph|--abbrev(?:-commit)?(?:=\d*)?|--decorate(?:=.*)?|-z|--numstat"
    r"|--shortstat|--summary|--raw|--compact-summary|--dirstat(?:=\S*)?|--stat(?:=\S*)?|--no-patch"
    r"|--exit-code|--quiet|-X\S*|-[MCB]\S*|--find-renames(?:=.*)?|--find-copies(?:-harder|=.*)?"
    r"|--break-rewrites(?:=.*)?|--renames|--show-signature|-s)$"
)


_DROPPED_WITH_VALUE = frozenset({"--output", "--word-diff-regex", "--src-prefix", "--dst-prefix",
                                 "--line-prefix", "--color-moved-ws"})


def list_args(sub: str, args: list[str], globals_: tuple[str, ...]) -> tuple[str, ...]:
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
        if a in WITH_VALUE:
            if not EXPANSION.search(args[k + 1] if k + 1 < len(args) else ""):
                kept.extend(args[k:k + 2])  # the value stays the option's (`--grep -p`)
            k += 2  # `--author "$USER"`, `-n $N`: known only when it runs, so any author, any count
            continue
        if a.startswith("--") and "=" in a and EXPANSION.search(a):
            k += 1  # `--since="$DATE"`: every commit it could select
            continue
        if not (_DROPPED.match(a) or _CONTENT.match(a) or a in _NAMES_ONLY) or (sub == "stash show" and a == "-u"):
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


def prints_patch(args: list[str], *, default: bool, stash_show: bool = False, show: bool = False) -> bool:
    """Whether a diff-printing command with these options prints the files' lines."""
    options = options_of(args)
    if any(a in _NAMES_ONLY for a in options):
        return False
    if default and not show and "--quiet" in options:
        return False  # `git diff --quiet`: nothing at all
    off = _PATCH_OFF | ({"--quiet"} if show else set())
    last_off = max((k for k, a in enumerate(options) if a in off), default=-1)
    content = [k for k, a in enumerate(options) if _CONTENT.match(a) and not (stash_show and a == "-u")]
    if content:
        return last_off < max(content)
    if default:
        return last_off < 0 and not any(_SUMMARY.match(a) for a in options)
    return False


#: Options of `git log` / `git diff` whose value may be the next word (`--grep -p` searches
#: messages for "-p"; it asks no patch).
WITH_VALUE = frozenset({
    "--grep", "--author", "--committer", "-S", "-G", "-n", "--max-count", "--skip", "--since", "--until",
    "--after", "--before", "-O", "--encoding", "--date", "--diff-filter", "-I",
    "--ignore-matching-lines", "--find-object", "--output", "--word-diff-regex", "--src-prefix",
    "--dst-prefix", "--line-prefix", "--color-moved-ws", "--diff-algorithm", "--submodule", "--anchored",
    "--stat-width", "--stat-name-width", "--stat-count", "--min-parents", "--max-parents", "--exclude",
    "--glob", "--decorate-refs",
    "--decorate-refs-exclude", "--since-as-filter", "--orderfile", "--skip-to", "--rotate-to",
})  # fmt: skip


def split_words(args: list[str]) -> tuple[list[str], list[str]]:
    """(option words, other words) of `args` before `--`; an option's value given as the next
    word (`--author X`) is neither."""
    options: list[str] = []
    others: list[str] = []
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a == "--":
            break
        if a.startswith("-"):
            options.append(a)
            skip = a in WITH_VALUE
        else:
            others.append(a)
    return options, others


def options_of(args: list[str]) -> list[str]:
    """The option words of `args` (before `--`), values given as the next word left out."""
    return split_words(args)[0]


def format_patch_range(args: list[str]) -> list[str]:
    """`git format-patch --stdout` arguments as `git log`'s: a lone revision `R` means `R..HEAD`
    (unless a count says how many commits back from it, or `--root` from the first commit);
    format-patch's own options (`-n` numbers the patches, `--to x`, `-v 2`) are left out."""
    counted = any(re.fullmatch(r"-\d+|--max-count(?:=\d+)?", a) for a in args) or "--root" in args
    out: list[str] = []
    skip = False
    for k, a in enumerate(args):
        if skip:
            skip = False
            continue
        if a == "--":
            out.extend(args[k:])
            break
        if a in _FORMAT_PATCH_WITH_VALUE:
            skip = True
            continue
        if a.startswith("-") and (a.partition("=")[0] in _FORMAT_PATCH_WITH_VALUE or a in _FORMAT_PATCH_FLAGS):
            continue
        if a == "--max-count":
            out.extend(args[k:k + 2])
            skip = True
            continue
        if not counted and not a.startswith("-") and ".." not in a:
            out.append(f"{a}..HEAD")
        else:
            out.append(a)
    return out


_FORMAT_PATCH_WITH_VALUE = frozenset({
    "-o", "--output-directory", "-v", "--reroll-count", "--start-number", "--subject-prefix", "--to", "--cc",
    "--in-reply-to", "--signature", "--signature-file", "--suffix", "--interdiff", "--range-diff",
    "--creation-factor", "--add-header", "--filename-max-length", "--description-file", "--cover-from-description",
    "--base", "--from", "--thread", "--attach", "--inline",
})  # fmt: skip


_FORMAT_PATCH_FLAGS = frozenset({
    "--stdout", "-n", "--numbered", "-N", "--no-numbered", "-k", "--keep-subject", "-s", "--signoff", "--no-signoff",
    "--cover-letter", "--no-cover-letter", "--no-thread", "--no-attach", "--rfc", "--zero-commit",
    "--ignore-if-in-upstream", "--no-binary", "-q", "--quiet", "--progress", "--force-in-body-from",
    "--no-force-in-body-from", "--encode-email-headers", "--no-encode-email-headers", "--always", "--root",
    "--numbered-files", "--no-notes", "--notes", "--no-signature", "--no-from",
})  # fmt: skip
