"""Running git for the history check: what a git command found by `githistory` would print.

`listed_files` runs the command's listing (the same subcommand, revisions and pathspecs with
`--name-only`), resolves blobs named by id to the paths that held them, or lists every path of
the history when the commits are known only at run time. Every call turns off what the
repository's own config could make git run (`core.fsmonitor`, signature checks, fetches of a
partial clone's objects, clean filters); a listing that takes too long or fails without saying
the revision does not exist is refused by the caller (`HistoryTooLarge`, `HistoryUnchecked`).
"""

from __future__ import annotations

import os
import re
import subprocess
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pavedroad.hooks.githistory import HistoryRead


def git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C", "GIT_PAGER": "cat",
                "GIT_NO_LAZY_FETCH": "1"})
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_EXTERNAL_DIFF", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT"):
        env.pop(name, None)
    return env


def git_config(directory: str, globals_: tuple[str, ...] | list[str], *args: str) -> bytes | None:
    """The output of `git config ARGS` in `directory` ("" when the key is unset), None when git
    cannot be run (`git config` runs no program of the repository's config)."""
    try:
        done = subprocess.run(["git", *globals_, "config", *args], cwd=directory, capture_output=True,
                              timeout=5, check=False, stdin=subprocess.DEVNULL, env=git_env())
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    return done.stdout if done.returncode == 0 else b""


#: How long listing a history may take, and how many names it may hold.
LIST_TIMEOUT = 5.0
MAX_LISTED_BYTES = 64 << 20


class HistoryTooLarge(Exception):
    """Git could not list the files in time (a long history without a limit)."""


class HistoryUnchecked(Exception):
    """Git could not list the files the command prints, though the command may print them."""


#: Programs the repository's config could make a listing run: a signature check (`log.showSignature`
#: with `gpg.program`), a fetch of a partial clone's missing objects (`core.sshCommand`, a
#: remote's `uploadpack`); clean filters are turned off by name (`_no_filters`).
_SAFE_CONFIG = ("-c", "core.fsmonitor=false", "-c", "core.quotepath=off", "-c", "log.showSignature=false",
                "-c", "protocol.allow=never", *(x for p in ("file", "ssh", "git", "http", "https", "ext")
                                                for x in ("-c", f"protocol.{p}.allow=never")))


def _git(read: HistoryRead, *args: str, extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess[bytes]:
    # `core.fsmonitor` and hooks of the repository's own config never run for a listing
    return subprocess.run(["git", *_SAFE_CONFIG, *extra, *read.globals_, *args],
                          cwd=read.directory, capture_output=True, timeout=LIST_TIMEOUT, check=False,
                          stdin=subprocess.DEVNULL, env=git_env())


def _no_filters(read: HistoryRead) -> tuple[str, ...]:
    """`-c filter.X.clean=` for every filter the config names: `git diff` runs a stat-dirty file
    through its clean filter (a program) to compare it."""
    done = _git(read, "config", "-z", "--name-only", "--get-regexp", r"^filter\..*\.(clean|process)$")
    names = {n.decode("utf-8", "surrogateescape").rsplit(".", 1)[0] for n in done.stdout.split(b"\0") if n}
    return tuple(x for name in sorted(names)
                 for x in ("-c", f"{name}.clean=", "-c", f"{name}.process=", "-c", f"{name}.required=false"))


def listed_files(read: HistoryRead) -> tuple[str, list[str]] | None:
    """(the work tree's top, names relative to it of the files whose text the command prints);
    None when git cannot say (not a repository, a revision that does not exist: then the
    command prints nothing either). Raises `HistoryTooLarge` past the time or size limit."""
    try:
        top = _git(read, "rev-parse", "--show-toplevel")
        if top.returncode == 0:
            root = top.stdout.decode("utf-8", "surrogateescape").strip()
        elif read.no_index:
            root = read.directory  # `git diff --no-index a b` needs no repository
        else:
            bare = _git(read, "rev-parse", "--absolute-git-dir")  # a bare repository has no work tree
            if bare.returncode != 0:
                return None
            root = bare.stdout.decode("utf-8", "surrogateescape").strip()
        names: list[str] = []
        blobs, missing = _blobs(read) if read.objects else ([], False)
        if read.listing and not read.everything:
            listing = read.listing[len(read.globals_):]
            extra = _no_filters(read) if listing[0] in ("diff", "diff-files", "diff-index") else ()
            done = _git(read, *listing, extra=extra)
            if done.returncode == 0 or (read.no_index and done.returncode == 1):
                if len(done.stdout) > MAX_LISTED_BYTES:
                    raise HistoryTooLarge(read.shown)
                names.extend(n for n in done.stdout.decode("utf-8", "surrogateescape").split("\0") if n.strip())
            elif (missing and not blobs) or _NO_SUCH_REVISION.search(done.stderr):
                return None  # `git show HEAD:no-such-file`, `git diff origin/main...` without it: the command fails too
            elif not blobs:
                # the listing failed where the command may not: a revision or an option it
                # reads otherwise; what it prints is unknown
                raise HistoryUnchecked(read.shown)
            if read.submodule_diff and any(os.path.exists(os.path.join(root, n, ".git")) for n in names):
                raise HistoryUnchecked(read.shown)  # a submodule's own diff: its files are not listed
        if read.everything:
            names.extend(_every_path(read))
        for blob in blobs:
            names.extend(_paths_of_blob(read, blob))
    except subprocess.TimeoutExpired as error:
        raise HistoryTooLarge(read.shown) from error
    except ValueError as error:  # a NUL byte in a word: git is not run, so nothing is listed
        raise HistoryUnchecked(read.shown) from error
    except OSError:
        return None  # no git here: the command cannot run it either
    return root, list(dict.fromkeys(n.strip("\n") for n in names))


#: git's words for a revision that does not exist: the command, given the same revisions, fails too.
_NO_SUCH_REVISION = re.compile(rb"unknown revision or path not in the working tree|bad revision|bad object"
                               rb"|invalid object name|Not a valid object name|No stash entries found"
                               rb"|is not a valid reference")


def _blobs(read: HistoryRead) -> tuple[list[str], bool]:
    """(the ids of the blobs among the command's object names, tags peeled (`v1` tagging a blob,
    `3b18e51^{blob}`); whether a name is no object (a path, or a typo)): one `cat-file --batch-check`."""
    # `^{}` peels a tag; after `rev:path` it would be read as part of the path
    query = "".join(f"{name}\n" if ":" in name else f"{name}^{{}}\n" for name in read.objects)
    query_bytes = query.encode("utf-8", "surrogateescape")
    check = "--batch-check=%(objectname) %(objecttype)"
    done = subprocess.run(["git", *_SAFE_CONFIG, *read.globals_, "cat-file", check], input=query_bytes,
                          cwd=read.directory, capture_output=True, timeout=LIST_TIMEOUT, check=False, env=git_env())
    lines = done.stdout.splitlines()
    missing = any(line.endswith(b" missing") for line in lines)
    # `HEAD~2:.env` names its path, which the read check judges; the search by content is slow
    return [line.split()[0].decode() for name, line in zip(read.objects, lines, strict=False)
            if line.endswith(b" blob") and ":" not in name], missing


def _every_path(read: HistoryRead) -> list[str]:
    """Every path any commit (or the index) has held."""
    done = _git(read, "log", "--all", "--format=", "--name-only", "-z", "--no-renames", "-m")
    index = _git(read, "ls-files", "-z")
    return [n for out in (done.stdout, index.stdout) for n in out.decode("utf-8", "surrogateescape").split("\0") if n]


def _paths_of_blob(read: HistoryRead, full: str) -> list[str]:
    """The paths a blob (its full id) was committed or staged under."""
    history = _git(read, "log", "--all", "--format=", "--name-only", "-z", "--no-renames", "-m",
                   f"--find-object={full}")
    paths = [n for n in history.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    staged = _git(read, "ls-files", "-s", "-z")
    for entry in staged.stdout.decode("utf-8", "surrogateescape").split("\0"):
        meta, _, path = entry.partition("\t")
        if full and full in meta.split():
            paths.append(path)
    return paths
