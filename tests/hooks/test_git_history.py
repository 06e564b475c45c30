"""Git commands that print a sensitive file's text without naming it, on a real repository.

`.env` was committed once and removed in the next commit; `config/.env.prod` is tracked and
edited. `git show`, `git log -p`, `git diff`, a blob by its id, `git archive`, aliases and compound
commands are judged by the files git itself lists for the same revisions and pathspecs, so what
git would not print (a summary, another commit, an excluded path) stays allowed.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pavedroad.hooks import cli as hook_cli
from pavedroad.hooks import githistory, gitlisting
from pavedroad.hooks.cli import answer_hook

SECRET = "sk-live-51Hq2bX9wYt7Lm3Kp"
GIT = ["git", "-c", "user.email=a@b", "-c", "user.name=a"]


def _git(root: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=root, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    central = tmp_path / "central.yaml"
    central.write_text("version: 1\n")
    monkeypatch.setenv("PAVEDROAD_CENTRAL", str(central))
    monkeypatch.setenv("PAVEDROAD_SYSTEM_CENTRAL", str(tmp_path / "no-system.yaml"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    hook_cli._LOADED.clear()
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (root / "config").mkdir()
    _git(root, "init", "-q")
    (root / ".pavedroad.yaml").write_text("version: 1\nsensitive: ['**/.env*']\n")
    (root / "app" / "a.py").write_text("x = 1\n")
    (root / ".env").write_text(f"TOKEN={SECRET}\n")
    _git(root, "add", "-f", ".env", "app/a.py", ".pavedroad.yaml")
    _git(root, "commit", "-qm", "one: add the app")
    _git(root, "rm", "-q", "--cached", ".env")
    (root / ".gitignore").write_text(".env\n")
    _git(root, "add", ".gitignore")
    _git(root, "commit", "-qm", "two: stop tracking the env file")
    (root / "app" / "a.py").write_text("x = 2\n")
    _git(root, "commit", "-qam", "three: change the app")
    return root


def claude(root: Path, command: str) -> Any:
    payload = {"session_id": "s", "transcript_path": "/t", "cwd": str(root), "permission_mode": "default",
               "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": command},
               "tool_use_id": "t1"}
    return answer_hook("claude", "PreToolUse", json.dumps(payload).encode())


PRINTS_ENV = [
    "git show HEAD~1", "git show HEAD~2", "git log -p", "git log -p -2", "git log --patch --grep=two",
    "git diff HEAD~2", "git diff HEAD~2 HEAD~1 --stat -p", "git whatchanged -p", "git reflog -p",
    "git diff-tree -p HEAD~1", "git format-patch --stdout HEAD~2", "git archive HEAD~2",
    "git log -p | head -20", "git -C app log -p", "cd app && git log -p", "bash -c 'git log -p'",
    "git --no-pager log -U1", "git log --word-diff", "git show --no-patch -p HEAD~1",
    # aliases: on the command line, a shell alias (a function in it), configured in the repository
    "git -c alias.lg='log -p' lg", "git -c alias.x='!git show HEAD~1' x",
    "git -c alias.x='!f() { git show HEAD~1; }; f' x", "git lp",
    # compound commands hide nothing
    "{ git log -p; }", "if true; then git log -p; fi", "for i in 1; do git log -p; done", "! git log -p", "(git log -p)",
    # every object, or object ids from a pipe
    "git rev-list --objects --all | git cat-file --batch", "git cat-file --batch-all-objects --batch",
    # commits known only at run time: any of them
    "git rev-list HEAD | xargs git show", "for c in $(git rev-list HEAD); do git show $c; done",
    "git log --format=%H | while read c; do git show \"$c\"; done", "git show $(git rev-list --all)",
    "git show `git rev-list HEAD~1 -1`", "git show HEAD~$N", "git -C \"$DIR\" show HEAD~1",
    # a shell's clustered -c (Codex runs `bash -lc`); eval, substitutions in quotes, <(...), find -exec
    "bash -lc 'git log -p'", "sh -ec 'git show HEAD~1'", "eval git log -p", 'echo "$(git show HEAD~1)"',
    "cat <(git show HEAD~1)", "find . -maxdepth 0 -exec git show HEAD~1 \\;",
    # options that stand alone, or turn the patch back on, or are no summary
    "git log --pretty -p", "git log --branches -p", "git log --notes -p", "git log -s -p", "git show -s -p HEAD~1",
    "git log --quiet -p", "git diff --exit-code HEAD~2", "git show --exit-code HEAD~1", "git reflog show -p",
    # format-patch's own options, wrappers, aliases of aliases, a shell alias given the words after it
    "git format-patch --stdout --root HEAD", "git format-patch --stdout -n HEAD~2",
    "git format-patch --stdout --cover-letter HEAD~2", "git format-patch --stdout --to a@b.c HEAD~2",
    "timeout 5 git log -p", "nice -n 5 git show HEAD~1", "env -C app git log -p", "function f { git log -p; }; f",
    "git -c alias.a=b -c alias.b='log -p' a", "git -c alias.x='!git log' x -p",
    "git -c alias.lp=\"log -p --format='%h %s'\" lp", "git -c alias.x='-p log -p' x",
    "git show HEAD~{0..2}", "git rev-list HEAD | git diff-tree -p --stdin",
    # option values known only at run time select any commit
    "git log -p -n $((1+1))", 'git log -p --author="$USER"', 'git log -p --since="$D"', "git log -p -1 --skip $N",
    "git cat-file -p `git ls-tree HEAD~2 | awk '/env/{print $3}'`",
]


@pytest.mark.parametrize("command", PRINTS_ENV)
def test_a_git_command_that_prints_a_committed_sensitive_file_is_denied(repo: Path, command: str) -> None:
    _git(repo, "config", "alias.lp", "log -p")
    answer = claude(repo, command)
    assert answer.code == 2, command
    assert "`.env`" in answer.stderr and "history or a diff" in answer.stderr, answer.stderr
    assert SECRET not in answer.stderr


def test_a_nul_byte_does_not_switch_the_check_off(repo: Path) -> None:
    # git cannot be run with such a word, so nothing is listed: refused, not allowed
    assert claude(repo, "git show HEAD~1\x00").code == 2


def test_an_alias_only_the_environment_defines_cannot_be_checked(repo: Path) -> None:
    answer = claude(repo, 'XV="log -p" git --config-env=alias.x=XV x')
    assert answer.code == 2 and "cannot be checked" in answer.stderr, answer.stderr


def test_a_blob_printed_by_its_id_is_judged_by_the_paths_that_held_it(repo: Path) -> None:
    blob = _git(repo, "rev-parse", "HEAD~2:.env")
    app_blob = _git(repo, "rev-parse", "HEAD:app/a.py")
    for command in (f"git cat-file -p {blob}", f"git cat-file blob {blob[:12]}", f"git show {blob[:8]}"):
        answer = claude(repo, command)
        assert answer.code == 2 and "`.env`" in answer.stderr, command
    for command in (f"git cat-file -p {app_blob}", f"git cat-file -t {blob}", f"git cat-file -s {blob}"):
        assert claude(repo, command).code == 0, command


PRINTS_NOTHING_SENSITIVE = [
    "git show", "git show HEAD", "git log -p -1", "git log --stat", "git log --oneline", "git log",
    "git diff", "git diff --stat HEAD~2", "git diff HEAD~2 --name-only", "git diff --name-status HEAD~2",
    "git log -p --name-only", "git log -p -- app", "git log -p -- . ':!.env'", "git log -p -- . ':(exclude).env'",
    'git log -p -- . ":(exclude,glob)**/.env"', "git log -p -- . ':^.env'", "git show -s HEAD~1",
    "git show --stat HEAD~1", "git log --patch --grep=three", "git format-patch --stdout -1", "git archive HEAD",
    "git cat-file --batch-check --batch-all-objects", "git diff-tree HEAD~1", "git -c alias.lg='log --oneline' lg",
    "git log -p HEAD~1..HEAD", "git stash list", 'git log -p --author="$USER" -1', "git show --stat $SHA",
    # the exclusion the refusal suggests, for a file in a folder too
    "git log -p -- . ':!.env' ':!config/.env.prod'", "git log -p -- . ':^config/.env.prod' ':^.env'",
    "git add -A && git commit -qm x --allow-empty && git log --stat -1", "timeout 5 git log --oneline",
]


@pytest.mark.parametrize("command", PRINTS_NOTHING_SENSITIVE)
def test_what_git_would_not_print_stays_allowed(repo: Path, command: str) -> None:
    answer = claude(repo, command)
    assert answer.code == 0, (command, answer.stderr)


def test_a_tracked_sensitive_file_is_judged_in_the_working_diff_and_the_stash(repo: Path) -> None:
    (repo / "config" / ".env.prod").write_text("DB_PASSWORD=first\n")
    _git(repo, "add", "-f", "config/.env.prod")
    _git(repo, "commit", "-qm", "four: prod config")
    assert claude(repo, "git diff").code == 0  # nothing changed yet
    (repo / "config" / ".env.prod").write_text("DB_PASSWORD=second\n")
    for command in ("git diff", "git diff HEAD", "git diff -- config", "cd config && git diff ."):
        assert claude(repo, command).code == 2, command
    for command in ("git diff --stat", "git diff -- app", "git diff --quiet", "git status"):
        assert claude(repo, command).code == 0, command
    _git(repo, "stash", "-q")
    assert claude(repo, "git stash show -p").code == 2
    assert claude(repo, "git stash show").code == 0  # a summary: names and counts
    assert claude(repo, "git stash list -p").code == 2


def test_patch_and_verbose_modes_print_the_changes_they_offer(repo: Path) -> None:
    # review 27's residuals: `git add -p` prints each hunk before asking, `git status -v` the
    # staged diff, `git difftool -x cat` whatever the tool prints of each file
    (repo / "config" / ".env.prod").write_text("DB_PASSWORD=first\n")
    _git(repo, "add", "-f", "config/.env.prod")
    _git(repo, "commit", "-qm", "four: prod config")
    (repo / "config" / ".env.prod").write_text("DB_PASSWORD=second\n")
    for command in ("printf 'n\\nq\\n' | git add -p", "git checkout -p", "git stash -p", "git commit -p",
                    "git status -vv", "git commit -a -v --dry-run", "git difftool -y -x cat", "git reset -p -- config",
                    "git fast-export --all", "git request-pull -p HEAD~1 . HEAD", "git submodule foreach 'git log -p'"):
        assert claude(repo, command).code == 2, command
    _git(repo, "add", "-f", "config/.env.prod")  # staged: `status -v` prints it now
    assert claude(repo, "git status -v").code == 2
    for command in ("git status", "git status -s", "git add -p -- app", "git difftool -y -x cat -- app",
                    "git commit --dry-run", "git stash list"):
        assert claude(repo, command).code == 0, command


def test_listing_runs_nothing_the_command_or_the_repository_configures(repo: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    script = tmp_path / "monitor.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\n")
    script.chmod(0o755)
    _git(repo, "config", "core.fsmonitor", str(script))  # git diff runs it to refresh the index
    output = tmp_path / "diff.txt"
    for command in (f"git -c core.fsmonitor={script} diff HEAD~2", "git diff HEAD~2",
                    f"git diff --output={output} HEAD~2", f"git log -p --output {output}",
                    f"git -c diff.external={script} diff --ext-diff HEAD~2"):
        assert claude(repo, command).code == 2, command
    assert not marker.exists() and not output.exists()


def test_a_history_too_long_to_list_in_time_is_refused(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gitlisting, "LIST_TIMEOUT", 1e-6)  # git cannot even start in a microsecond
    answer = claude(repo, "git log -p")
    assert answer.code == 2 and "too long to check" in answer.stderr


def test_outside_a_repository_git_prints_no_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAVEDROAD_SYSTEM_CENTRAL", str(tmp_path / "no-system.yaml"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    hook_cli._LOADED.clear()
    plain = tmp_path / "plain"
    plain.mkdir()
    assert claude(plain, "git log -p").code == 0


NAMES = ("--name-only", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", "--no-color", "--format=")


@pytest.mark.parametrize(("command", "listing"), [
    ("git log -p -3 main -- src", ("log", *NAMES, "-3", "main", "--", "src")),
    ("git show --stat -p --output x v1", ("show", *NAMES, "v1")),
    ("git log -p --grep -p", ("log", *NAMES, "--grep", "-p")),  # the value stays the option's
    ("git log -p -M50% --follow -- a", ("log", "--name-only", "-z", "--no-ext-diff", "--no-textconv",
                                        "--no-color", "--format=", "--follow", "--", "a")),
])
def test_the_listing_keeps_revisions_and_pathspecs_and_asks_names(tmp_path: Path, command: str,
                                                                  listing: tuple[str, ...]) -> None:
    (read,) = githistory.history_reads(command, str(tmp_path))
    assert read.listing == listing


def test_a_blob_under_another_name_is_judged_by_the_paths_that_held_it(repo: Path) -> None:
    blob = _git(repo, "rev-parse", "HEAD~2:.env")
    _git(repo, "tag", "envblob", blob)
    for command in (f"git show {blob}^{{blob}}", f"git cat-file -p {blob[:10]}^{{}}", "git show envblob",
                    "git cat-file -p refs/tags/envblob", f"git diff HEAD:app/a.py {blob}"):
        answer = claude(repo, command)
        assert answer.code == 2 and "`.env`" in answer.stderr, command
    assert claude(repo, "git show HEAD:app/a.py").code == 0


@pytest.mark.parametrize("command", [
    "GIT_DIR=.git git log -p", "export GIT_DIR=.git; git show HEAD~1",
    # the same command changes what the later part prints: the listing cannot see it yet
    "git add -f .env && git diff --cached", "git commit -qm x --allow-empty && git show HEAD~1",
    "git stash -q && git stash show -p",
])
def test_what_cannot_be_listed_before_the_command_runs_is_refused(repo: Path, command: str) -> None:
    answer = claude(repo, command)
    assert answer.code == 2 and ("cannot be checked" in answer.stderr or "could not list" in answer.stderr), command
    assert SECRET not in answer.stderr


def test_the_untracked_files_of_a_stash_and_stash_show_patch(repo: Path) -> None:
    (repo / "app" / ".env.local").write_text(f"LOCAL={SECRET}\n")
    (repo / "app" / "a.py").write_text("x = 3\n")
    _git(repo, "stash", "-q", "-u")
    for command in ("git stash show -p -u", "git stash show -u -p stash@{0}",
                    "git -c stash.showPatch=true stash show -u"):
        assert claude(repo, command).code == 2, command
    assert claude(repo, "git stash show -u").code == 0  # a summary
    _git(repo, "config", "stash.showPatch", "true")
    assert claude(repo, "git stash show -u").code == 2


def test_diff_no_index_is_judged_in_and_out_of_a_repository(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / ".env").write_text(f"K={SECRET}\n")
    for command in (f"git diff --no-index {tmp_path / 'empty'} {tmp_path / 'other'}", "git diff --no-index app ."):
        assert claude(repo, command).code == 2, command


def test_listing_runs_no_signature_program_clean_filter_or_fetch(repo: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    script = tmp_path / "prog.sh"
    script.write_text(f"#!/bin/sh\necho x >> {marker}\ncat\n")
    script.chmod(0o755)
    (repo / ".gitattributes").write_text("*.py filter=evil\n")
    _git(repo, "config", "filter.evil.clean", str(script))
    _git(repo, "config", "log.showSignature", "true")
    _git(repo, "config", "gpg.program", str(script))
    tree, parent = _git(repo, "rev-parse", "HEAD^{tree}"), _git(repo, "rev-parse", "HEAD")
    signed = (f"tree {tree}\nparent {parent}\nauthor a <a@b> 1577836800 +0000\ncommitter a <a@b> 1577836800 +0000\n"
              "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEz\n -----END PGP SIGNATURE-----\n\nsigned\n")
    commit = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], input=signed, text=True,
                            cwd=repo, capture_output=True, check=True).stdout.strip()
    _git(repo, "update-ref", "HEAD", commit)
    (repo / "app" / "a.py").write_text("x = 2\n")  # same text, a new mtime: git diff compares it through the filter
    for command in ("git show", "git log -p -1", "git diff", "git diff HEAD~1"):
        assert claude(repo, command).code == 0, command
    assert not marker.exists()
