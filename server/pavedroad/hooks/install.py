"""`pavedroad install` and `pavedroad record`: carry agent-written lines into git history.

`install` sets up the repository so that what agents' hooks recorded reaches CI:

* a `post-commit` git hook (a marked block, merged into an existing hook) that runs
  `pavedroad record`, which writes the commit's agent-written lines as a git-ai note;
* `notes.rewriteRef = refs/notes/ai`, so `commit --amend` and `rebase` carry the notes over;
* with `--push-notes`, a `pre-push` block that pushes `refs/notes/ai` along with the branch (CI
  then fetches them: `git fetch origin refs/notes/ai:refs/notes/ai`).
"""

from __future__ import annotations

import argparse
import shlex
import stat
import sys
from pathlib import Path
from typing import Any

from pavedroad.cli_common import EXIT_OK, EXIT_USAGE, existing_path

BEGIN = "# >>> pavedroad >>>"
END = "# <<< pavedroad <<<"


def add_parser(subparsers: Any) -> None:
    install = subparsers.add_parser("install", help="git hooks that carry agent-written lines "
                                                    "into git notes (refs/notes/ai)")
    install.add_argument("path", nargs="?", default=".")
    install.add_argument("--push-notes", action="store_true",
                         help="also push refs/notes/ai whenever you push (a pre-push hook)")
    install.set_defaults(handler=run_install)
    record = subparsers.add_parser("record", help="write a commit's agent-written lines as a "
                                                  "git-ai note (run by the post-commit hook)")
    record.add_argument("rev", nargs="?", default="HEAD")
    record.add_argument("--path", default=".")
    record.add_argument("--quiet", action="store_true")
    record.set_defaults(handler=run_record)


def _git_root(raw: str) -> Path | None:
    from pavedroad.provenance.git_history import GitError, run_git

    path = existing_path(raw)
    if path is None:
        return None
    try:
        top = run_git(["rev-parse", "--show-toplevel"], path if path.is_dir() else path.parent)
    except GitError as exc:
        print(f"pavedroad: error: {exc.reason}", file=sys.stderr)
        return None
    return Path(top.decode().strip())


def _merge_block(path: Path, body: str) -> bool:
    """Put `body` between the markers in the hook script at `path`; True when it changed."""
    try:
        current = path.read_text("utf-8")
    except FileNotFoundError:
        current = "#!/bin/sh\n"
    block = f"{BEGIN}\n{body.rstrip()}\n{END}\n"
    if BEGIN in current and END in current:
        head, _, rest = current.partition(BEGIN)
        _, _, tail = rest.partition(END)
        updated = head + block.rstrip("\n") + tail
    else:
        updated = current.rstrip("\n") + "\n" + block
    if updated == current:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(updated, "utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return True


def run_install(args: argparse.Namespace) -> int:
    from pavedroad.provenance.git_history import GitError, run_git

    root = _git_root(args.path)
    if root is None:
        return EXIT_USAGE
    hooks = Path(run_git(["rev-parse", "--git-path", "hooks"], root).decode().strip())
    hooks = hooks if hooks.is_absolute() else root / hooks
    command = f"{shlex.quote(sys.executable)} -m pavedroad"
    changed = [name for name, body in (
        ("post-commit", f"{command} record --quiet || true"),
        *((("pre-push", 'git push --no-verify --quiet "$1" refs/notes/ai 2>/dev/null || true'),)
          if args.push_notes else ()),
    ) if _merge_block(hooks / name, body)]
    try:
        refs = run_git(["config", "--get-all", "notes.rewriteRef"], root).decode().split()
    except GitError:
        refs = []
    if "refs/notes/ai" not in refs:
        run_git(["config", "--add", "notes.rewriteRef", "refs/notes/ai"], root)
        changed.append("notes.rewriteRef")
    done = ", ".join(changed) if changed else "nothing to change"
    print(f"pavedroad: installed in {root}: {done}. Agent-written lines are written to "
          "refs/notes/ai at each commit; CI reads them after `git fetch origin "
          "refs/notes/ai:refs/notes/ai`.")
    return EXIT_OK


def run_record(args: argparse.Namespace) -> int:
    from pavedroad.provenance.git_history import GitError
    from pavedroad.provenance.notes import record_commit

    root = _git_root(args.path)
    if root is None:
        return EXIT_USAGE
    try:
        recorded = record_commit(root, args.rev)
    except GitError as exc:
        print(f"pavedroad: error: {exc.reason}", file=sys.stderr)
        return EXIT_USAGE
    if not args.quiet:
        if recorded is None:
            print(f"pavedroad: no agent-written lines recorded for {args.rev}")
        else:
            print(f"pavedroad: {recorded.lines} agent-written line(s) in {recorded.files} file(s) "
                  f"of {recorded.commit[:12]} written to refs/notes/ai")
    return EXIT_OK

