"""Hook decisions on a real repository: reads, edits of every shape, prompts, bad input.

The central map is given as the machine gives it (`PAVEDROAD_CENTRAL`), the repo has its own
config, and every payload goes through `answer_hook` exactly as `pavedroad hook` runs it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pavedroad.hooks import cli as hook_cli
from pavedroad.hooks.cli import answer_hook
from pavedroad.provenance.store import RangeStore

CENTRAL = """\
version: 1
locked: true
zones:
  - id: payments
    title: Payments
    why: Money moves here.
    reviewers: ["@acme/payments"]
    ai: deny
    context: deny
    match: {paths: ["pay/**"], symbols: ["^charge_"]}
  - id: auth
    ai: review
    context: warn
    reviewers: ["@acme/appsec"]
    match: {imports: [jwt], paths: ["src/auth/**"]}
sensitive: ["**/.env*", "**/*.pem"]
"""

SERVICE = '''\
import jwt


def render(x):
    return str(x)


def charge_card(amount):
    total = amount * 100
    return total


def verify(token):
    return jwt.decode(token, "k")
'''


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    (root / ".pavedroad.yaml").write_text("version: 1\nzones:\n  - id: docs\n    ai: warn\n"
                                          "    match: {paths: ['docs/**']}\n")
    (root / "app" / "service.py").write_text(SERVICE)
    (root / ".env").write_text("TOKEN=abc\n")
    (root / "README.md").write_text("hello\n")
    return root


@pytest.fixture(autouse=True)
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    central = tmp_path / "central.yaml"
    central.write_text(CENTRAL)
    monkeypatch.setenv("PAVEDROAD_CENTRAL", str(central))
    monkeypatch.setenv("PAVEDROAD_SYSTEM_CENTRAL", str(tmp_path / "none.yaml"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    hook_cli._LOADED.clear()


def claude(root: Path, tool: str, tool_input: dict[str, Any], event: str = "PreToolUse") -> Any:
    payload = {"session_id": "sess-1", "transcript_path": "/t", "cwd": str(root),
               "permission_mode": "default", "hook_event_name": event, "tool_name": tool,
               "tool_input": tool_input, "tool_use_id": "t1"}
    return answer_hook("claude", event, json.dumps(payload).encode())


# --- reads ----------------------------------------------------------------------------------


def test_reading_a_sensitive_file_is_denied_in_every_dialect(repo: Path) -> None:
    env = str(repo / ".env")
    answers = [
        claude(repo, "Read", {"file_path": env}),
        answer_hook("cursor", "beforeReadFile", json.dumps({
            "conversation_id": "c", "hook_event_name": "beforeReadFile", "workspace_roots": [str(repo)],
            "file_path": env, "content": "TOKEN=abc"}).encode()),
        answer_hook("copilot", "preToolUse", json.dumps({
            "timestamp": 1, "cwd": str(repo), "toolName": "view",
            "toolArgs": json.dumps({"path": env})}).encode()),
        answer_hook("gemini", "BeforeTool", json.dumps({
            "session_id": "s", "cwd": str(repo), "hook_event_name": "BeforeTool",
            "tool_name": "read_file", "tool_input": {"file_path": ".env"}}).encode()),
        answer_hook("codex", "PreToolUse", json.dumps({
            "session_id": "s", "turn_id": "t", "cwd": str(repo), "hook_event_name": "PreToolUse",
            "tool_name": "Bash", "tool_input": {"command": "cd app && cat ../.env"}}).encode()),
        answer_hook("windsurf", "pre_read_code", json.dumps({
            "agent_action_name": "pre_read_code", "tool_info": {"file_path": env}}).encode()),
    ]
    for answer in answers:
        assert answer.code == 2, answer
        assert "sensitive pattern" in answer.stderr and "TOKEN=abc" not in answer.stderr + answer.stdout


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home directory outside the repository, holding another checkout's `.env`."""
    home = tmp_path / "home"
    (home / "other").mkdir(parents=True)
    (home / "other" / ".env").write_text("TOKEN=abc\n")
    (home / "other" / "notes.txt").write_text("hello\n")
    monkeypatch.setenv("HOME", str(home))
    return home


def test_a_sensitive_file_outside_the_repository_is_matched_by_name(repo: Path, home: Path) -> None:
    # `~/.aws/credentials` or another checkout's `.env`: a prompt naming them is blocked, so the
    # agent reading them must be too (they used to be outside the hook's view)
    for path in (str(home / "other" / ".env"), "~/other/.env"):
        answer = claude(repo, "Read", {"file_path": path})
        assert answer.code == 2 and "sensitive pattern `**/.env*`" in answer.stderr, path
        assert "TOKEN=abc" not in answer.stderr + answer.stdout
    shell = claude(repo, "Bash", {"command": f"cat {home / 'other' / '.env'}"})
    assert shell.code == 2
    plain = claude(repo, "Read", {"file_path": str(home / "other" / "notes.txt")})
    assert (plain.code, plain.stdout) == (0, "")


def test_a_command_that_prints_a_credential_from_a_shell_profile_is_denied(repo: Path) -> None:
    # the same verdict as a prompt asking for it (sensitive_file.credential-lines)
    answer = claude(repo, "Bash", {"command": 'grep "OPENAI_API_KEY\\|GITHUB_TOKEN" ~/.zshrc'})
    assert answer.code == 2 and "prints the lines of `~/.zshrc`" in answer.stderr
    for quiet in ("grep -q OPENAI_API_KEY ~/.zshrc && echo set", "grep -n PATH ~/.zshrc"):
        assert claude(repo, "Bash", {"command": quiet}).code == 0, quiet


@pytest.mark.parametrize(
    "command",
    [
        # review 23: the check once read the command as prose (a negation word switched it off)
        '[ -z "$OPENAI_API_KEY" ] && echo "not set" || grep OPENAI_API_KEY ~/.zshrc',
        "/usr/bin/grep GITHUB_TOKEN ~/.bashrc",
        "cat ~/.zshrc | grep API_KEY",
        "awk '/SECRET/' ~/.zshrc",
        "fgrep ANTHROPIC_API_KEY ~/.config/fish/conf.d/keys.fish",
    ],
)
def test_every_shape_of_printing_a_credential_from_a_profile_is_denied(repo: Path, command: str) -> None:
    answer = claude(repo, "Bash", {"command": command})
    assert answer.code == 2 and "name a credential" in answer.stderr, command


@pytest.mark.parametrize(
    "command",
    [
        'git commit -m "docs: never run grep OPENAI_API_KEY ~/.zshrc"',  # names the command only
        "cat >> NOTES.md <<'EOF'\ngrep OPENAI_API_KEY ~/.zshrc\nEOF",  # writes it into a file
    ],
)
def test_text_that_only_names_such_a_command_is_not_denied(repo: Path, command: str) -> None:
    assert claude(repo, "Bash", {"command": command}).code == 0, command


# --- recursive searches: the command names a folder, the search prints lines of `.env` ---------


@pytest.mark.parametrize(
    "command",
    [
        "grep -r TOKEN .",
        "grep -rn TOKEN",  # no operand: GNU grep -r searches the working directory
        "grep -R --color=never 'API_KEY\\|TOKEN' app/..",  # BRE: `\|` is the alternation
        "egrep -ri 'secret|token' .",
        "grep -rv nothing-matches-this .",  # inverted: every other line
        "grep -r = .",  # every assignment
        "grep -r '^' .",
        "cd app && grep -r TOKEN ..",
        "rg -uu TOKEN",
        "rg --hidden --no-ignore -n token",
        "ag -u token",
        "git grep --untracked TOKEN",
        "git -C app grep --untracked --no-exclude-standard TOKEN ..",
        "sudo grep -r TOKEN . | head",
        "cat README.md | grep -r TOKEN",  # GNU grep -r searches `.`, not its input
    ],
)
def test_a_recursive_search_that_would_print_a_sensitive_file_is_denied(repo: Path, command: str) -> None:
    answer = claude(repo, "Bash", {"command": command})
    assert answer.code == 2 and "would print lines of `.env`" in answer.stderr, command
    assert "TOKEN=abc" not in answer.stderr + answer.stdout


@pytest.mark.parametrize(
    "command",
    [
        "grep -rn 'def render' .",  # the lines it prints cannot hold a value
        "grep -rl TOKEN .",  # file names only
        "grep -rc TOKEN .",
        "grep -r --exclude='.env*' TOKEN .",  # the narrowed search the denial suggests
        "grep -r --exclude=.env TOKEN .",
        "rg TOKEN",  # ripgrep skips hidden files
        "rg --hidden -g '!.env*' TOKEN",
        "rg -uu -t py TOKEN",  # only Python files
        "grep -r TOKEN app",  # a folder without sensitive files
        "git grep TOKEN",  # tracked files only; `.env` is not tracked here
        "grep -rn TOKEN README.md",
        "cat README.md | rg -uu TOKEN",  # ripgrep searches its piped input
    ],
)
def test_a_recursive_search_that_cannot_print_a_sensitive_file_is_allowed(repo: Path, command: str) -> None:
    answer = claude(repo, "Bash", {"command": command})
    assert answer.code == 0, (command, answer.stderr)


@pytest.mark.parametrize(
    ("command", "prints"),
    [
        # review 24: the pattern's words do not say whether a line matches; the file does
        ("grep -rn KEY .", True),
        ("grep -rni api .", True),
        ("grep -rn -e API -e KEY .", True),
        ("grep -rn 'API.KEY' .", True),
        ("grep -rn 'API_KE[Y]' .", True),
        ("grep -rnf patterns.txt .", True),
        ("grep -rn DATABASE_URL .", True),
        ("rg -uu -n postgres", True),
        ("grep -rnw SECRETENV .", True),
        ("grep -rnE 'API_(KEY|TOKEN)' .", True),
        ("grep -rn 'API_\\(KEY\\|TOKEN\\)' .", True),  # BRE's escaped operators
        ("grep -rnP '(?<=API)_KEY' .", True),  # look-behind: RE2 cannot say, so it counts as printed
        ("grep -rnf no-such-file .", True),
        ("grep -rn5v zzz-not-there .", True),  # `-5v`: context 5 and inverted, every other line
        ("grep -rn 'timeout=' .", False),
        ("grep -rn 'def render' .", False),
        ("grep -rn 'API_KEY|TOKEN' .", False),  # BRE: `|` is a character, no line holds it
        ("grep -rnx API_KEY .", False),  # whole lines only
        ("grep -rnw API .", False),  # `API_KEY` holds no word `API`
        ("grep -rnF 'API.KEY' .", False),  # a fixed string
    ],
)
def test_a_recursive_search_is_judged_by_the_lines_it_would_print(repo: Path, command: str, prints: bool) -> None:
    (repo / ".env").write_text("API_KEY=SECRETENV\nDATABASE_URL=postgres://u:pw@db/app\n")
    (repo / "patterns.txt").write_text("API_KEY\n")
    answer = claude(repo, "Bash", {"command": command})
    assert answer.code == (2 if prints else 0), (command, answer.stderr)
    assert "SECRETENV" not in answer.stderr + answer.stdout and "postgres" not in answer.stderr


def test_a_recursive_search_reads_what_git_would_have_it_read(repo: Path) -> None:
    (repo / ".gitignore").write_text(".env\n")
    assert claude(repo, "Bash", {"command": "rg --hidden TOKEN"}).code == 0  # ignored: skipped
    assert claude(repo, "Bash", {"command": "rg -uuu TOKEN"}).code == 2
    assert claude(repo, "Bash", {"command": "grep -r TOKEN ."}).code == 2  # grep knows no gitignore
    (repo / ".gitignore").unlink()
    subprocess.run(["git", "add", "-f", ".env"], cwd=repo, check=True)
    assert claude(repo, "Bash", {"command": "git grep TOKEN"}).code == 2  # tracked: searched


def test_a_recursive_search_outside_the_repository(repo: Path, home: Path) -> None:
    (repo / ".pavedroad.yaml").write_text("version: 1\nextends:\n  - preset: secrets\n")
    hook_cli._LOADED.clear()
    (home / ".aws").mkdir()
    (home / ".aws" / "credentials").write_text("[default]\naws_secret_access_key = x\n")
    for command in ("grep -r secret ~/.aws", "grep -rn secret $HOME/.aws/", "grep -r TOKEN ~/other"):
        answer = claude(repo, "Bash", {"command": command})
        assert answer.code == 2 and "would print lines of" in answer.stderr, command
    assert claude(repo, "Bash", {"command": "grep -rn hello ~/other"}).code == 0
    for store in (".npmrc", ".pypirc", ".ssh/id_ecdsa", ".cargo/credentials.toml"):  # read whole
        (home / store).parent.mkdir(exist_ok=True)
        (home / store).write_text("token\n")
        assert claude(repo, "Bash", {"command": f"cat ~/{store}"}).code == 2, store


def test_a_recursive_search_through_globs_variables_and_links(repo: Path, home: Path) -> None:
    (repo / "config").mkdir()
    (repo / "config" / ".env.prod").write_text("DB_PASSWORD=hunter2\n")
    # `*` skips hidden names at the top, but grep -r reads `config/.env.prod` under `config`
    for command in ("grep -r PASSWORD *", 'grep -r PASSWORD "$(pwd)"', "grep -r PASSWORD $PWD/config",
                    "grep -r PASSWORD $SOME_UNSET_FOLDER"):  # unknown: the working directory
        answer = claude(repo, "Bash", {"command": command})
        assert answer.code == 2 and "would print lines of `" in answer.stderr, command
        assert "hunter2" not in answer.stderr + answer.stdout
    # a link in the searched tree is judged by its target; `grep -R` follows linked folders
    (home / "keys").mkdir()
    (home / "keys" / "id_rsa").write_text("PRIVATE_KEY=abc\n")
    (repo / "app" / "vendor").symlink_to(home / "keys")
    (repo / ".pavedroad.yaml").write_text("version: 1\nsensitive: ['**/id_rsa*']\n")
    hook_cli._LOADED.clear()
    assert claude(repo, "Bash", {"command": "grep -R PRIVATE_KEY app"}).code == 2
    assert claude(repo, "Bash", {"command": "grep -r PRIVATE_KEY app"}).code == 0  # -r does not follow it
    (repo / "app" / "key.txt").symlink_to(home / "keys" / "id_rsa")
    assert claude(repo, "Bash", {"command": "grep -r PRIVATE_KEY app"}).code == 2


@pytest.mark.parametrize(
    "command",
    [
        "find . -type f -exec grep TOKEN {} +",  # find lists `.env`, grep prints its lines
        "find . -type f | xargs grep -n TOKEN",
        "bash -c 'grep -rn TOKEN .'",
        "timeout 5 grep -rn TOKEN .",  # not a command named `5`
        "nice -n 5 grep -rn TOKEN .",
        "grep -rnA3 TOKEN .",  # flags glued to a value
        "grep --recurs TOKEN .",  # GNU getopt takes abbreviations
        "grep -rnE 'TOKEN|x -l' .",  # ` -l` inside the pattern is no `-l`
        "grep -r --exclude=.env --include='*' TOKEN .",  # the last matching glob wins
        "grep -r --exclude='[^.]env' TOKEN .",  # GNU `[^.]` is a negation
        "cd no-such-folder; grep -rn TOKEN .",  # a failed cd leaves the working directory
        "rg -uu -g '!.env' -g '*' TOKEN",  # a later rg glob takes precedence
        "rg -uu -g '{.env,x}' TOKEN",  # rg globs have alternatives
        "rg -uu --iglob '.ENV' TOKEN",
        "rg --hidden --no-ignore-vcs TOKEN",
        "rg -uu --type-add 'x:.env' -t x TOKEN",
        "git grep --no-index TOKEN",
    ],
)
def test_a_recursive_search_in_other_spellings_is_denied(repo: Path, command: str) -> None:
    answer = claude(repo, "Bash", {"command": command})
    assert answer.code == 2 and "would print lines of `.env`" in answer.stderr, command


@pytest.mark.parametrize(
    "command",
    [
        "find . -name '*.py' | xargs grep -n TOKEN",  # find's -name narrows what grep reads
        "find app -type f -exec grep TOKEN {} +",
        "timeout 5 rg TOKEN",
        "grep -r --include='*.{yaml,yml}' TOKEN .",  # grep globs have no braces: no file matches
        "cd app && grep -rn TOKEN .",
    ],
)
def test_narrowed_searches_in_other_spellings_are_allowed(repo: Path, command: str) -> None:
    answer = claude(repo, "Bash", {"command": command})
    assert answer.code == 0, (command, answer.stderr)


def test_an_exclusion_option_outside_a_search_still_counts_as_a_read(repo: Path) -> None:
    answer = claude(repo, "Bash", {"command": "sh -c 'cat \"$1\"' --exclude .env"})
    assert answer.code == 2 and "`.env`" in answer.stderr


def test_a_committed_tree_is_searched_like_the_working_one(repo: Path) -> None:
    subprocess.run(["git", "add", "-f", ".env"], cwd=repo, check=True)
    assert claude(repo, "Bash", {"command": "git grep -n TOKEN HEAD"}).code == 2
    assert claude(repo, "Bash", {"command": "git grep -n 'def render' HEAD"}).code == 0


def test_a_linked_folder_is_judged_by_what_it_holds(repo: Path, home: Path) -> None:
    (repo / ".pavedroad.yaml").write_text("version: 1\nextends:\n  - preset: secrets\n")
    hook_cli._LOADED.clear()
    (home / ".aws").mkdir()
    (home / ".aws" / "credentials").write_text("aws_secret_access_key = x\n")
    (repo / "app" / "creds").symlink_to(home / ".aws")
    for command in ("grep -rn secret app/creds", "grep -Rn secret app", "rg -L -n secret app"):
        answer = claude(repo, "Bash", {"command": command})
        assert answer.code == 2 and "would print lines of" in answer.stderr, command


def test_a_file_name_that_is_not_utf8_does_not_switch_the_check_off(repo: Path) -> None:
    (repo / "deploy").mkdir()
    (repo / ".env").rename(repo / "deploy" / ".env")
    with open(os.fsencode(repo) + b"/caf\xe9.txt", "w") as f:  # checked before `deploy/`
        f.write("hello\n")
    answer = claude(repo, "Bash", {"command": "grep -rn TOKEN ."})
    assert answer.code == 2 and "deploy/.env" in answer.stderr, answer.stderr


def test_a_link_loop_is_walked_once(repo: Path) -> None:
    (repo / "loop").mkdir()
    (repo / "loop" / "a").symlink_to(".")
    (repo / "loop" / "b").symlink_to(".")
    # grep -R reports the loop and goes on; walking it without end took ~12 s, then "too many files"
    assert claude(repo, "Bash", {"command": "grep -Rn TOKEN loop"}).code == 0


def test_a_recursive_search_of_too_large_a_tree_is_denied(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pavedroad.hooks import treelisting

    monkeypatch.setattr(treelisting, "MAX_SEARCHED_FILES", 2)
    for i in range(3):
        (repo / "app" / f"m{i}.py").write_text("x = 1\n")
    answer = claude(repo, "Bash", {"command": "grep -rn API_KEY app"})
    assert answer.code == 2 and "too many to check" in answer.stderr



# review 25: what the line test must see as the tools do


_ENV_LINES = b"API_KEY=SECRETENV\nDATABASE_URL=postgres://u:pw@db/app\n"


@pytest.mark.parametrize(
    ("content", "command"),
    [
        (b"# " + b"x" * (1 << 20) + b"\n" + _ENV_LINES, "grep -rn API_KEY ."),  # past the tested head
        ("\ufeffAPI_KEY=SECRETENV\n".encode("utf-16-le"), "rg -uu -n API_KEY"),  # ripgrep decodes UTF-16
        (b"API_KEY=SECRETENV\r\n", "rg -uu --crlf 'SECRETENV$'"),
        (b"API_KEY=SECRETENV\0\n", "grep -rnz API_KEY ."),  # NUL ends a line, not a text
        (b"#c\n" * 20_001 + _ENV_LINES, "grep -rnv '^#' ."),
        (_ENV_LINES, "grep -rn 'zzz\nAPI_KEY' ."),  # one pattern per line
        (_ENV_LINES, "git grep --no-index -n --not -e zzz"),
        (b"API_KEY=SECRETENV\n", "rg -uu -v key"),  # case-sensitive: the line holds no `key`
        (b"API_KEY=SECRETENV\n", "grep -rwv '=SECRETENV' ."),
        (_ENV_LINES, "grep -rnw '//u:pw' ."),  # -w is not `\b` next to punctuation
        (_ENV_LINES, "grep -rni 'secre\\t' ."),  # GNU: `\t` is `t`
        (_ENV_LINES, "grep -rn '@[\\d]b' ."),  # POSIX brackets: `\` or `d`
        (_ENV_LINES, "grep -rnE '*API_KEY' ."),
        (_ENV_LINES, "grep -rnE 'API_{,1}KEY' ."),
    ],
)
def test_a_search_prints_what_the_tool_prints(repo: Path, content: bytes, command: str) -> None:
    (repo / ".env").write_bytes(content)
    answer = claude(repo, "Bash", {"command": command})
    assert answer.code == 2, (command, answer.stderr)


def test_a_pattern_file_that_is_a_fifo_does_not_hang_the_hook(repo: Path) -> None:
    os.mkfifo(repo / "pat")
    answers: list[Any] = []
    worker = threading.Thread(target=lambda: answers.append(claude(repo, "Bash", {"command": "grep -rn -f pat app"})),
                              daemon=True)
    worker.start()
    worker.join(20)
    assert answers and answers[0].code == 2  # unreadable patterns: every line counts as printed


def _commit(repo: Path, *paths: str) -> None:
    subprocess.run(["git", "add", "-f", *paths], cwd=repo, check=True)
    subprocess.run(["git", "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-qm", "x"], cwd=repo, check=True)


def test_a_committed_file_since_ignored_is_still_searched_in_its_commit(repo: Path) -> None:
    _commit(repo, ".env")
    subprocess.run(["git", "rm", "-q", "--cached", ".env"], cwd=repo, check=True)
    (repo / ".gitignore").write_text(".env\n")
    _commit(repo, ".gitignore")
    (repo / ".env").unlink()
    assert claude(repo, "Bash", {"command": "git grep -n TOKEN HEAD~1"}).code == 2


def test_git_revision_paths_in_other_spellings(repo: Path) -> None:
    _commit(repo, ".env")
    subprocess.run(["git", "tag", "v1+b"], cwd=repo, check=True)
    assert claude(repo, "Bash", {"command": "git show v1+b:.env"}).code == 2


def test_a_message_option_outside_git_is_not_a_message(repo: Path) -> None:
    assert claude(repo, "Bash", {"command": "sh -c 'cat \"$2\"' _ -m .env"}).code == 2
    assert claude(repo, "Bash", {"command": "bash -c 'cat $2' x --grep .env"}).code == 2
    assert claude(repo, "Bash", {"command": "git commit -m 'explain .env' --dry-run"}).code == 0


@pytest.mark.parametrize(("command", "denied"), [
    ("env | grep OPENAI", True), ("env | grep -i openai", True), ("printenv | grep -E 'GITHUB'", True),
    ("env | grep -e PATH -e GITHUB_TOKEN", True), ("env | grep sk-test", True),
    ("env | grep PATH", False), ("env | grep HOME", False), ("env | grep -c OPENAI", False),
])
def test_a_search_of_the_environment_is_judged_by_the_lines_it_prints(
        repo: Path, monkeypatch: pytest.MonkeyPatch, command: str, denied: bool) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-value")
    assert claude(repo, "Bash", {"command": command}).code == (2 if denied else 0), command


# --- the environment: the user's keys, printed into the transcript -----------------------------


@pytest.mark.parametrize(
    "command",
    [
        "echo $OPENAI_API_KEY", 'echo "auth: ${GITHUB_TOKEN}"', 'printf "%s" "${DB_PASSWORD:-none}"',
        "echo $DB_PASS", "printenv AWS_SECRET_ACCESS_KEY", "env", "sudo env", "env -u PATH", "X=1 env",
        "printenv", "export -p", "declare -x", "set", "env | sort", "env | grep -i key", "env | grep -v PATH",
        "env | grep .", "env | grep -E '^[A-Z]'", "printenv | grep -i api", "cat /proc/self/environ",
        "tr '\\0' '\\n' < /proc/1/environ", "cd /tmp && env",
        # review 25: other printers and expansions that keep the whole value
        'cat <<< "$OPENAI_API_KEY"', "declare -p GITHUB_TOKEN", "echo ${OPENAI_API_KEY:0}",
        "echo ${OPENAI_API_KEY:0:999}", "echo ${OPENAI_API_KEY^^}", "echo $githubToken", "echo $KEY | base64",
        # review 26: stderr redirections, stdout in other spellings, consumers that print, here-strings
        "echo $OPENAI_API_KEY 2>/dev/null", "printf '%s' \"$GH_TOKEN\" 2>/tmp/err.log",
        "echo $OPENAI_API_KEY >| /dev/stdout", "echo $OPENAI_API_KEY > /dev//stdout",
        "echo $OPENAI_API_KEY > /proc/self/fd/1", "echo $OPENAI_API_KEY > >(cat)",
        "echo $OPENAI_API_KEY > /tmp/k > /dev/stdout", "echo $OPENAI_API_KEY | npm run show",
        # interpreters and shells given the text to run (review 25's item 7)
        "python3 -c \"import os; print(os.environ['OPENAI_API_KEY'])\"", "python -c 'import os; print(os.environ)'",
        "node -e 'console.log(process.env.GITHUB_TOKEN)'", "node -e 'console.log(process.env)'",
        "awk 'BEGIN{print ENVIRON[\"GH_TOKEN\"]}'", "perl -e 'print $ENV{AWS_SECRET_ACCESS_KEY}'",
        "ruby -e 'puts ENV[\"API_KEY\"]'", "bash -c 'echo $OPENAI_API_KEY'", "eval \"echo \\$GH_TOKEN\"",
        "echo $OPENAI_API_KEY | docker run -i --rm alpine cat", "echo $OPENAI_API_KEY | gpg --store -z 0",
        'head <<< "$OPENAI_API_KEY"', 'tee <<< "$OPENAI_API_KEY"', "declare -px OPENAI_API_KEY",
        "echo ${OPENAI_API_KEY:0:8}${OPENAI_API_KEY:8:8}", "echo $OPENAI_API_KEY | xargs echo login --password-stdin",
        # indirect names, tracing, a shell's clustered `-c` (Codex runs `bash -lc`), other /proc spellings,
        # programs that iterate the environment or name a variable at run time
        "x=OPENAI_API_KEY; echo ${!x}", 'set -x; curl -H "Authorization: Bearer $OPENAI_API_KEY" https://api.x',
        'set -euxo pipefail; curl -u "ci:$GH_TOKEN" https://x', 'set -o xtrace; curl -u "ci:$GH_TOKEN" https://x',
        "bash -xc 'curl -H \"X-Key: $OPENAI_API_KEY\" https://x'", "bash -lc 'echo $OPENAI_API_KEY'",
        "sh -ec 'printenv GITHUB_TOKEN'", "zsh -o pipefail -c env", "cat /proc/$(pgrep node)/environ",
        "cat /proc/*/environ", "cd /proc/self && cat environ", "xxd /proc//self/environ",
        "python -c 'import os; [print(k, v) for k, v in os.environ.items()]'",
        "python3 -c 'import os\nfor k in os.environ: print(k, os.environ[k])'",
        "node -e 'console.log(JSON.stringify(process.env))'", "node -e 'for (const k in process.env) console.log(process.env[k])'",
        "ruby -e 'ENV.each { |k, v| puts v }'", "perl -e 'while (($k, $v) = each %ENV) { print $v }'",
    ],
)
def test_printing_a_credential_from_the_environment_is_denied(repo: Path, command: str) -> None:
    answer = claude(repo, "Bash", {"command": command})
    assert answer.code == 2 and "prints the environment" in answer.stderr, command


@pytest.mark.parametrize(
    "command",
    [
        '[ -n "$OPENAI_API_KEY" ] && echo set', "echo ${#OPENAI_API_KEY}", "echo ${OPENAI_API_KEY:+set}",
        "echo ${OPENAI_API_KEY:0:4}", "echo $HOME $PWD $API_URL", "printenv PATH", "env | grep PATH",
        "env | cut -d= -f1", "env | wc -l", "env | grep -c TOKEN", "env FOO=1 make", "env -i bash -c make",
        "set -euo pipefail; make", "export NODE_ENV=production",
        'curl -H "Authorization: Bearer $OPENAI_API_KEY" https://api.openai.com/v1/models',  # used, not shown
        # review 25's false blocks: piped into a command that uses it, names that are no secret's
        'echo "$REGISTRY_PASSWORD" | docker login --password-stdin -u ci registry.example.com',
        'printf %s "$GH_TOKEN" | gh auth login --with-token', "echo $TOKENIZERS_PARALLELISM $MAX_TOKENS",
        "echo ${OPENAI_API_KEY:0:4}",
        "python -c \"import openai, os; openai.api_key = os.environ['OPENAI_API_KEY']; openai.models.list()\"",
        "python -c 'import os; print(len(os.environ))'", "node -e 'console.log(process.env.NODE_ENV)'",
        "awk '{print $1}' README.md", "sh -c 'make test'",
        # review 26: still allowed with the narrower consumers and redirections
        'echo "$REGISTRY_PASSWORD" | helm registry login --password-stdin -u ci r.example.com', "echo $GH_TOKEN | gh secret set X",
        "echo $OPENAI_API_KEY | sha256sum", "echo $OPENAI_API_KEY >/dev/null 2>&1",
        'echo "NPM_TOKEN=$NPM_TOKEN" > .env.local', 'read -r first <<< "$OPENAI_API_KEY"',
        'docker login --password-stdin -u ci <<< "$REGISTRY_PASSWORD"', "echo ${OPENAI_API_KEY:00:8}",
        # names that say where a secret is, or when it ends; tracing switched off; names only
        "echo $SSH_KEY_PATH $DB_PASSWORD_FILE $GITHUB_PAT_EXPIRY", "set -x; set +x; curl -u \"ci:$GH_TOKEN\" x",
        "set -x; make test", "echo ${!OPENAI*}", "bash -lc 'make test'", "env > /dev/null",
    ],
)
def test_what_says_whether_a_key_is_set_stays_allowed(repo: Path, command: str) -> None:
    assert claude(repo, "Bash", {"command": command}).code == 0, command


@pytest.mark.parametrize(("command", "verdict"), [
    ("env > /tmp/env.txt", "writes"), ("printenv >> debug.log", "writes"), ('echo "$OPENAI_API_KEY" > key.txt', "writes"),
    ("env | sort > all.txt", "prints"),  # a dump into another command: judged as printed (sort shows it)
    ('echo "TOKEN=$OPENAI_API_KEY" > .env.local', "allow"), ("printenv > /dev/null", "allow"),
    ('echo "TOKEN=$OPENAI_API_KEY" > certs/key.pem', "allow"),
])
def test_the_environment_written_into_a_file_the_assistant_may_read_is_denied(
        repo: Path, command: str, verdict: str) -> None:
    # the next command (or the same one) reads the file back: only a file it may not read holds it
    answer = claude(repo, "Bash", {"command": command})
    assert answer.code == (0 if verdict == "allow" else 2), command
    if verdict != "allow":
        assert f"{verdict} the environment" in answer.stderr


def test_git_prints_a_committed_sensitive_file_the_working_tree_need_not_hold(repo: Path) -> None:
    subprocess.run(["git", "add", "-f", ".env"], cwd=repo, check=True)
    subprocess.run(["git", "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-qm", "x"], cwd=repo, check=True)
    (repo / ".env").unlink()  # deleted since: still in the history
    for command in ("git show HEAD:.env", "git cat-file -p HEAD:.env", "git show :0:.env",
                    "git show HEAD~0:./.env", "git grep -h TOKEN HEAD"):
        answer = claude(repo, "Bash", {"command": command})
        assert answer.code == 2 and "`.env`" in answer.stderr, command
    assert claude(repo, "Bash", {"command": "git show HEAD:README.md"}).code == 0


def test_a_commit_message_naming_a_sensitive_file_is_not_a_read(repo: Path) -> None:
    for command in ('git commit -m "docs: explain how .env is loaded"', "git commit -m 'chore: ignore .env'",
                    'git tag -a v1 --message="rotate the key in .env"'):
        assert claude(repo, "Bash", {"command": command}).code == 0, command
    for command in ('git commit -m "$(cat .env)"', "git commit -m x -F .env", 'git commit -m "`cat .env`"'):
        assert claude(repo, "Bash", {"command": command}).code == 2, command


def test_the_home_directory_in_any_spelling_and_through_links(repo: Path, home: Path) -> None:
    for command in ("cat ${HOME}/other/.env", "cat $HOME/other/.env", "cat ~/other/.env*",
                    "cd ~/other && cat .env*"):
        assert claude(repo, "Bash", {"command": command}).code == 2, command
    # a link in the repository to a sensitive file outside it
    (repo / "notes.txt").symlink_to(home / "other" / ".env")
    assert claude(repo, "Read", {"file_path": str(repo / "notes.txt")}).code == 2
    assert claude(repo, "Bash", {"command": "cat notes.txt"}).code == 2


def test_an_anchored_repository_pattern_does_not_reach_the_filesystem_root(
    repo: Path, tmp_path: Path
) -> None:
    # `tmp/**` names the repository's tmp folder, not /tmp
    (repo / ".pavedroad.yaml").write_text("version: 1\nsensitive: ['tmp/**']\n")
    hook_cli._LOADED.clear()
    outside = tmp_path / "scratch.txt"
    outside.write_text("hello\n")
    assert str(outside).startswith("/tmp/")
    assert claude(repo, "Read", {"file_path": str(outside)}).code == 0
    (repo / "tmp").mkdir()
    (repo / "tmp" / "x.txt").write_text("x\n")
    assert claude(repo, "Read", {"file_path": str(repo / "tmp" / "x.txt")}).code == 2


def test_a_path_the_log_refuses_does_not_change_the_decision(repo: Path) -> None:
    # the decision log refuses a path with a backslash; that once sent a deny down the fail-safe
    # path (an internal error, and an allow when the cheap check saw nothing protected)
    (repo / ".env\\draft").write_text("TOKEN=abc\n")  # a legal file name here, refused by the log
    answer = claude(repo, "Bash", {"command": "cat '.env\\draft'"})
    assert answer.code == 2 and "sensitive pattern" in answer.stderr
    assert "internal error" not in answer.stderr
    # and the deny is still logged, without the path the log refused
    from pavedroad import audit

    denied = [e for e in audit.read_events(repo) if e.kind == audit.HOOK_DENIED]
    assert len(denied) == 1 and "path" not in denied[0].data


def test_reading_context_deny_code_is_denied_and_warn_warns(repo: Path) -> None:
    denied = claude(repo, "Read", {"file_path": str(repo / "app" / "service.py")})
    assert denied.code == 2 and "payments" in denied.stderr and "context: deny" in denied.stderr
    (repo / "lib").mkdir()
    (repo / "lib" / "tok.py").write_text("import jwt\n\ndef f(t):\n    return jwt.decode(t)\n")
    warned = claude(repo, "Read", {"file_path": str(repo / "lib" / "tok.py")})
    assert warned.code == 0 and "context: warn" in json.loads(warned.stdout)["systemMessage"]
    plain = claude(repo, "Read", {"file_path": str(repo / "README.md")})
    assert (plain.code, plain.stdout) == (0, "")


# --- edits of every shape -------------------------------------------------------------------


def edit_shapes(repo: Path, old: str, new: str) -> dict[str, Any]:
    """The same change, as each tool would send it."""
    path = str(repo / "app" / "service.py")
    full = SERVICE.replace(old, new, 1)
    patch = "*** Begin Patch\n*** Update File: app/service.py\n" + "".join(
        f"-{line}\n" for line in old.split("\n")) + "".join(f"+{line}\n" for line in new.split("\n")) + "*** End Patch\n"
    return {
        "claude Edit": lambda: claude(repo, "Edit", {"file_path": path, "old_string": old, "new_string": new}),
        "claude MultiEdit": lambda: claude(repo, "MultiEdit", {"file_path": path, "edits": [
            {"old_string": "import jwt", "new_string": "import jwt  # auth"},
            {"old_string": old, "new_string": new}]}),
        "claude Write": lambda: claude(repo, "Write", {"file_path": path, "content": full}),
        "codex apply_patch": lambda: answer_hook("codex", "PreToolUse", json.dumps({
            "session_id": "s", "turn_id": "t", "cwd": str(repo), "hook_event_name": "PreToolUse",
            "tool_name": "apply_patch", "tool_input": {"command": patch}}).encode()),
        "copilot edit": lambda: answer_hook("copilot", "preToolUse", json.dumps({
            "timestamp": 1, "cwd": str(repo), "toolName": "edit",
            "toolArgs": json.dumps({"path": path, "old_str": old, "new_str": new})}).encode()),
        "gemini replace": lambda: answer_hook("gemini", "BeforeTool", json.dumps({
            "session_id": "s", "cwd": str(repo), "hook_event_name": "BeforeTool",
            "tool_name": "replace", "tool_input": {"file_path": path, "old_string": old,
                                                   "new_string": new}}).encode()),
        "cursor preToolUse": lambda: answer_hook("cursor", "preToolUse", json.dumps({
            "conversation_id": "c", "hook_event_name": "preToolUse", "workspace_roots": [str(repo)],
            "tool_name": "Write", "tool_input": {"file_path": path, "content": full}}).encode()),
        "windsurf": lambda: answer_hook("windsurf", "pre_write_code", json.dumps({
            "agent_action_name": "pre_write_code", "tool_info": {"file_path": path, "edits": [
                {"old_string": old, "new_string": new}]}}).encode()),
        "vscode": lambda: answer_hook("copilot-vscode", "PreToolUse", json.dumps({
            "sessionId": "s", "hookEventName": "PreToolUse", "cwd": str(repo),
            "tool_name": "replace_string_in_file", "tool_input": {"filePath": path,
                                                                  "oldString": old, "newString": new}}).encode()),
    }


def test_an_edit_into_a_deny_function_is_denied_whatever_its_shape(repo: Path) -> None:
    for shape, send in edit_shapes(repo, "    total = amount * 100", "    total = amount * 101").items():
        answer = send()
        assert answer.code == 2, shape
        assert "payments" in answer.stderr and "charge_card" in answer.stderr, shape
        assert "@acme/payments" in answer.stderr and "exception" in answer.stderr, shape


def test_an_edit_into_a_review_function_is_allowed_and_recorded(repo: Path) -> None:
    for shape, send in edit_shapes(repo, '    return jwt.decode(token, "k")',
                                   '    return jwt.decode(token, "k", algorithms=["HS256"])').items():
        for item in (repo / ".pavedroad").rglob("*.json"):
            item.unlink()
        answer = send()
        assert answer.code == 0, shape
        assert "recorded as AI-written" in answer.stdout + answer.stderr, shape
        new_text = SERVICE.replace('    return jwt.decode(token, "k")',
                                   '    return jwt.decode(token, "k", algorithms=["HS256"])')
        ranges = RangeStore(repo).load("app/service.py", new_text)
        assert [(r.source, r.recorder) for r in ranges] == [("explicit", "hook")], shape
        assert new_text[ranges[0].start:ranges[0].end].strip().startswith("return jwt.decode"), shape


def test_an_edit_elsewhere_is_allowed_silently(repo: Path) -> None:
    answer = claude(repo, "Edit", {"file_path": str(repo / "app" / "service.py"),
                                   "old_string": "    return str(x)", "new_string": "    return repr(x)"})
    assert (answer.code, answer.stdout) == (0, "")


def test_a_new_function_the_edit_puts_into_a_zone_is_caught(repo: Path) -> None:
    answer = claude(repo, "Write", {"file_path": str(repo / "app" / "new.py"),
                                    "content": "def charge_refund(x):\n    return -x\n"})
    assert answer.code == 2 and "charge_refund" in answer.stderr


def test_removing_code_from_a_deny_zone_is_an_edit_in_it(repo: Path) -> None:
    """Rewriting `charge_card` so it no longer matches the zone is still an edit of it."""
    answer = claude(repo, "Edit", {"file_path": str(repo / "app" / "service.py"),
                                   "old_string": "def charge_card(amount):", "new_string": "def bill(amount):"})
    assert answer.code == 2


def test_shell_writes_and_deletes_into_a_deny_zone_are_denied(repo: Path) -> None:
    (repo / "pay").mkdir()
    (repo / "pay" / "x.py").write_text("x = 1\n")
    for command in ("echo 'x = 2' > pay/x.py", "sed -i s/1/2/ pay/x.py", "rm -rf pay"):
        answer = claude(repo, "Bash", {"command": command})
        assert answer.code == 2, command


def test_agents_cannot_edit_the_policy_or_their_own_hooks(repo: Path) -> None:
    for rel in (".pavedroad/reviews.yaml", ".pavedroad.yaml", "sub/.pavedroad.yaml",
                ".claude/settings.json", ".cursor/hooks.json", ".github/hooks/pavedroad.json"):
        answer = claude(repo, "Write", {"file_path": str(repo / rel), "content": "x"})
        assert answer.code == 2 and "changed by a person" in answer.stderr, rel
    shell = claude(repo, "Bash", {"command": "echo '- zone: auth' >> .pavedroad/reviews.yaml"})
    assert shell.code == 2


def test_an_approved_exception_relaxes_the_deny(repo: Path) -> None:
    (repo / ".pavedroad").mkdir()
    today = dt.date.today()
    (repo / ".pavedroad" / "exceptions.yaml").write_text(
        f"- zone: payments\n  paths: ['app/service.py']\n  level: review\n  reason: migration\n"
        f"  approver: '@sec'\n  created: {today}\n  expires: {today + dt.timedelta(days=10)}\n")
    # the central payments zone is locked and names no approvers: the exception is refused
    answer = claude(repo, "Edit", {"file_path": str(repo / "app" / "service.py"),
                                   "old_string": "    total = amount * 100", "new_string": "    total = 1"})
    assert answer.code == 2


def test_unapproved_tools(repo: Path, tmp_path: Path) -> None:
    central = tmp_path / "central.yaml"
    central.write_text(CENTRAL + "ai_tools: {approved: [cursor], unapproved: deny}\n")
    hook_cli._LOADED.clear()
    answer = claude(repo, "Edit", {"file_path": str(repo / "app" / "service.py"),
                                   "old_string": "    return str(x)", "new_string": "    return repr(x)"})
    assert answer.code == 2
    assert "approves only cursor" in answer.stderr and "(claude)" in answer.stderr
    assert answer.stderr.count("pavedroad exception request") == 1  # one way out, said once


# --- prompts --------------------------------------------------------------------------------


def test_a_prompt_with_a_secret_is_blocked_and_the_secret_never_echoed(repo: Path) -> None:
    secret = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
    prompt = f"use my key {secret} to call the API"
    answer = answer_hook(
        "claude", "UserPromptSubmit", json.dumps({"session_id": "s", "transcript_path": "/t",
                                                  "cwd": str(repo), "hook_event_name": "UserPromptSubmit",
                                                  "prompt": prompt}).encode())
    assert answer.code == 2
    assert secret not in answer.stdout + answer.stderr and secret[8:20] not in answer.stderr
    log = list((repo / ".pavedroad" / ".local" / "log").glob("*"))
    assert log and all(secret.encode() not in p.read_bytes() for p in log if p.is_file())


# --- bad input and failing safe ---------------------------------------------------------------


def test_malformed_pre_event_input_denies(repo: Path) -> None:
    for raw in (b"{", b"", b"[]", b'{"tool_name": "Edit"}'):
        assert answer_hook("claude", "PreToolUse", raw).code == 2
        assert answer_hook("claude", "PostToolUse", raw).code == 0
    assert answer_hook("nope", "PreToolUse", b"{}").code == 1


def test_paths_outside_the_workspace_and_relative_paths(repo: Path, tmp_path: Path) -> None:
    outside = claude(repo, "Write", {"file_path": str(tmp_path / "elsewhere.py"), "content": "x"})
    assert outside.code == 0
    relative = answer_hook("gemini", "BeforeTool", json.dumps({
        "session_id": "s", "cwd": str(repo / "app"), "hook_event_name": "BeforeTool",
        "tool_name": "write_file", "tool_input": {"file_path": "../pay/new.py", "content": "x = 1\n"}}).encode())
    assert relative.code == 2


def test_a_symlink_into_a_zone_is_judged_by_the_zone(repo: Path) -> None:
    (repo / "pay").mkdir()
    (repo / "pay" / "charge.py").write_text("x = 1\n")
    os.symlink(repo / "pay", repo / "shortcut")
    answer = claude(repo, "Write", {"file_path": str(repo / "shortcut" / "charge.py"), "content": "x = 2\n"})
    assert answer.code == 2


def test_a_ten_megabyte_write_is_answered(repo: Path) -> None:
    content = "x = 1\n" * (10 * 1024 * 1024 // 6)
    answer = claude(repo, "Write", {"file_path": str(repo / "app" / "big.py"), "content": content})
    assert answer.code == 0


def test_a_patch_that_does_not_apply_is_judged_by_the_whole_file(repo: Path) -> None:
    patch = "*** Begin Patch\n*** Update File: app/service.py\n@@\n-no such line\n+x\n*** End Patch\n"
    answer = answer_hook("codex", "PreToolUse", json.dumps({
        "session_id": "s", "turn_id": "t", "cwd": str(repo), "hook_event_name": "PreToolUse",
        "tool_name": "apply_patch", "tool_input": {"command": patch}}).encode())
    assert answer.code == 2 and "could not be placed" in answer.stderr


def test_a_broken_repo_config_keeps_the_central_deny(repo: Path) -> None:
    (repo / ".pavedroad.yaml").write_text("version: 1\nzones: [\n")
    answer = claude(repo, "Write", {"file_path": str(repo / "pay" / "x.py"), "content": "x\n"})
    assert answer.code == 2 and "zone config has errors" in answer.stderr


def test_an_internal_error_denies_where_a_deny_zone_could_apply(repo: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("injected fault")

    monkeypatch.setattr("pavedroad.hooks.decide.decide", broken)
    denied = claude(repo, "Edit", {"file_path": str(repo / "pay" / "x.py"), "old_string": "a", "new_string": "b"})
    assert denied.code == 2 and "internal error" in denied.stderr
    prompt = answer_hook("claude", "UserPromptSubmit", json.dumps({
        "session_id": "s", "transcript_path": "/t", "cwd": str(repo),
        "hook_event_name": "UserPromptSubmit", "prompt": "hi"}).encode())
    assert prompt.code == 0 and "internal error" in prompt.stderr


@pytest.mark.parametrize("command", ["grep -rn TOKEN .", "git log -p", "echo $OPENAI_API_KEY", "env > /tmp/e.txt",
                                     "grep OPENAI_API_KEY ~/.zshrc"])
def test_an_internal_error_denies_a_command_only_deciding_can_clear(
        repo: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    # the fail-safe path checks path rules only: a search, a diff or a print of the environment
    # names no sensitive path, so it must deny rather than allow
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("injected fault")

    monkeypatch.setattr("pavedroad.hooks.decide.decide", broken)
    answer = claude(repo, "Bash", {"command": command})
    assert answer.code == 2 and "internal error" in answer.stderr, command


def test_two_agents_recording_at_once_lose_no_range(repo: Path) -> None:
    lines = ["import jwt", ""] + [f"def f{i}(t):\n    return jwt.decode(t, {i})\n" for i in range(40)]
    (repo / "app" / "auth.py").write_text("\n".join(lines))
    text = (repo / "app" / "auth.py").read_text()
    errors: list[BaseException] = []

    def agent(start: int) -> None:
        try:
            for i in range(start, 40, 2):
                old = f"    return jwt.decode(t, {i})"
                claude(repo, "Edit", {"file_path": str(repo / "app" / "auth.py"), "old_string": old,
                                      "new_string": old})  # a no-op edit records nothing
                hook_cli._record(hook_cli.parse("claude", "PostToolUse", json.dumps({
                    "session_id": f"a{start}", "transcript_path": "/t", "cwd": str(repo),
                    "hook_event_name": "PostToolUse", "tool_name": "Edit", "tool_input": {
                        "file_path": str(repo / "app" / "auth.py"), "old_string": old, "new_string": old}})),
                    hook_cli._workspace(hook_cli.parse("claude", "PreToolUse", json.dumps({
                        "session_id": "x", "transcript_path": "/t", "cwd": str(repo),
                        "hook_event_name": "PreToolUse", "tool_name": "Read",
                        "tool_input": {"file_path": "x"}})), None)[0],
                    {"app/auth.py": ((text.split("\n").index(old) + 1,) * 2,)})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=agent, args=(n,)) for n in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    ranges = RangeStore(repo).load("app/auth.py", text)
    assert len(ranges) == 40


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_property_no_edit_landing_in_a_deny_region_is_allowed(repo: Path, data: st.DataObject) -> None:
    """Whatever the edit's shape and content, if it changes a line of `charge_card` it is denied."""
    lines = SERVICE.split("\n")
    first = lines.index("def charge_card(amount):")
    target = data.draw(st.integers(first, first + 2), label="line in charge_card")
    old = lines[target]
    new = data.draw(st.text(alphabet="abcxyz_ ()=+0123456789\n", min_size=1, max_size=30), label="new")
    if new == old:
        return
    shape = data.draw(st.sampled_from(sorted(edit_shapes(repo, old, new))), label="shape")
    answer = edit_shapes(repo, old, new)[shape]()
    assert answer.code == 2, (shape, old, new, answer.stderr)


def test_pavedroad_hook_command_end_to_end(repo: Path) -> None:
    """Through the real `pavedroad hook` entry point (stdlib client, in-process fallback)."""
    payload = json.dumps({"session_id": "s", "transcript_path": "/t", "cwd": str(repo),
                          "hook_event_name": "PreToolUse", "tool_name": "Read",
                          "tool_input": {"file_path": str(repo / ".env")}, "tool_use_id": "r"})
    env = {**os.environ, "PAVEDROAD_HOOKD": "0"}
    done = subprocess.run([sys.executable, "-m", "pavedroad", "hook", "claude", "PreToolUse"],
                          input=payload.encode(), capture_output=True, env=env, timeout=60, check=False)
    assert done.returncode == 2
    assert json.loads(done.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"


def test_the_log_names_the_denied_file_not_the_first_word(repo: Path) -> None:
    # `cat README.md .env` is denied for `.env`; a credential search for no repository file, and
    # its search pattern is the agent's text, not a path
    from pavedroad import audit

    assert claude(repo, "Bash", {"command": "cat README.md .env"}).code == 2
    assert claude(repo, "Bash", {"command": "grep OPENAI_API_KEY ~/.zshrc"}).code == 2
    denied = [e.data for e in audit.read_events(repo) if e.kind == audit.HOOK_DENIED]
    assert [d.get("path") for d in denied] == [".env", None]


def test_a_hook_call_does_not_load_the_prompt_engine() -> None:
    # every agent tool call runs the hook; the prompt engine (its RE2 sets, token tables) is
    # loaded only for prompts: the shell parsing shares `pavedroad.searchcmd` with it instead
    code = "import sys, pavedroad.hooks.cli; print(sorted(m for m in sys.modules if m.startswith('pavedroad.prompts')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=list('ab$~*.-=/{}[]!?|&;() \t\r\x0b\u00a0é""'), max_size=24))
def test_the_plain_line_tokenizer_agrees_with_shlex(line: str) -> None:
    # every shell command an agent runs (and every command a prompt shows) is tokenized; lines
    # without single quotes, escapes or comments take a regex instead of shlex, which must give
    # the very same tokens
    import shlex

    from pavedroad.hooks.credsearch import shell_tokens

    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        expected = list(lexer)
    except ValueError:  # an unclosed quote: both paths split at whitespace
        expected = line.split()
    assert shell_tokens(line) == expected


def test_a_search_in_a_subfolder_meets_a_glob_written_from_the_git_top(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the fast path of the tree search skips files by name: it must use the same names as the
    # full test (relative to the git top, where central maps are written)
    top = tmp_path / "top"
    (top / "svc" / "secrets").mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=top, check=True)
    (top / "svc" / ".pavedroad.yaml").write_text("version: 1\n")
    (top / "svc" / "secrets" / "db.yaml").write_text("password: hunter2\n")
    central = tmp_path / "central.yaml"
    central.write_text("version: 1\nlocked: true\nsensitive: ['svc/secrets/**']\n")
    monkeypatch.setenv("PAVEDROAD_CENTRAL", str(central))
    hook_cli._LOADED.clear()
    for command in ("grep -rn password .", "grep -rn password secrets", "rg -uu password"):
        answer = claude(top / "svc", "Bash", {"command": command})
        assert answer.code == 2 and "svc/secrets/db.yaml" in answer.stderr, command
        assert "hunter2" not in answer.stderr


@pytest.mark.parametrize(("glob", "name", "command"), [
    ("**/secret?.txt", b"secret\xe2\x82.txt", "grep -rn TOKEN odd"),
    ("**/", b"x.txt", "grep -rn --exclude=.env TOKEN ."),
])
def test_the_tree_search_fast_path_reads_names_as_the_full_test_does(
        repo: Path, glob: str, name: bytes, command: str) -> None:
    # review 26: a name with a cut UTF-8 sequence is one `?` to the full test (its text is read
    # with replacement), and pathspec searches a regex it leaves unanchored (`**/` is `/`)
    (repo / ".pavedroad.yaml").write_text(f"version: 1\nsensitive: ['{glob}']\n")
    hook_cli._LOADED.clear()
    (repo / "odd").mkdir()
    with open(os.fsencode(repo / "odd") + b"/" + name, "wb") as f:
        f.write(b"TOKEN=abc\n")
    answer = claude(repo, "Bash", {"command": command})
    assert answer.code == 2 and "sensitive pattern" in answer.stderr


@pytest.mark.parametrize("command", [
    "{ grep -rn TOKEN .; }", "if true; then grep -rn TOKEN .; fi", "while true; do echo $OPENAI_API_KEY; done",
    "for f in a; do env; done", "! grep -rn TOKEN .", "f() { grep -rn TOKEN .; }; f", "until false; do printenv; done",
    'grep -rn "" .', "(grep -rn TOKEN .)", "function f { grep -rn TOKEN .; }; f", "function f { env; }; f",
    'eval "grep -rn TOKEN ."', 'echo "$(env)"', "cat <(grep -rn TOKEN .)", "timeout 5 env", "nice -n 5 printenv",
    "coproc env", "timeout 5 git log -p",
])
def test_a_compound_command_hides_nothing_it_runs(repo: Path, command: str) -> None:
    # the word after `{`, `then`, `do`, `!` or `()` is a command like any other; an empty
    # quoted word (`""`) is a pattern, not an operator
    assert claude(repo, "Bash", {"command": command}).code == 2, command


def test_a_template_is_readable_unless_a_pattern_names_it(repo: Path) -> None:
    # the deny message points to "a `.example` file": the prompt check, the read hook and that
    # message agree that `**/.env*` does not cover `.env.example`; a pattern naming it does
    (repo / ".env.example").write_text("TOKEN=\n")
    (repo / "id_rsa.pub").write_text("ssh-ed25519 AAAA x\n")
    for command in ("cat .env.example", "cp .env.example .env.local", "grep -n TOKEN .env.example"):
        assert claude(repo, "Bash", {"command": command}).code == 0, command
    assert claude(repo, "Read", {"file_path": str(repo / ".env.example")}).code == 0
    (repo / ".pavedroad.yaml").write_text("version: 1\nsensitive: ['**/.env.example']\n")
    hook_cli._LOADED.clear()
    assert claude(repo, "Bash", {"command": "cat .env.example"}).code == 2


def test_a_hard_link_of_a_sensitive_file_is_a_read_of_it(repo: Path) -> None:
    # a hard link is the same file under a name no glob covers (a symbolic one is judged by its target)
    for command in ("ln .env notes.txt", "ln -f .env .env.example", "cp -l .env notes.txt"):
        assert claude(repo, "Bash", {"command": command}).code == 2, command


@pytest.mark.parametrize(("command", "denied"), [
    # a search's pattern, a sed script, a test of existence name no file they read (real commands
    # from public skills: `grep -rn "async\s+\w+\s*(.*)" src/`, `sed 's/^"\(.*\)"$/\1/'`)
    ('grep -rn ".env" app/', False), ('grep -rn "async\\s\\+\\w\\+\\s*(.*)" app/ --include="*.py" | head', False),
    ("git grep '.env'", False), ("sed 's/^\"\\(.*\\)\"$/\\1/' README.md", False), ("if [ -f .env ]; then echo y; fi", False),
    ('if [[ "$f" == *".env"* ]]; then echo y; fi', False), ("ls | grep -E '\\.env'", False),
    # ...but the files they read are reads, and so are a sed script's own file commands
    ("grep TOKEN .env", True), ("grep -f .env README.md", True), ("grep -rnf .env app", True), ("sed 's/.*//' .env", True),
    ("sed -n '1r .env' README.md", True), ("sed -e 's/(.*)//' -e '1r .env' README.md", True),
    ("if cat .env; then :; fi", True), ("while read l; do echo $l; done < .env", True),
])
def test_patterns_scripts_and_tests_are_not_reads(repo: Path, command: str, denied: bool) -> None:
    assert claude(repo, "Bash", {"command": command}).code == (2 if denied else 0), command


@pytest.mark.parametrize(("command", "denied"), [
    # a printer handed every file `find` lists, or an archive of a folder written to the output,
    # prints `.env` whole without naming it
    ("find . -type f -exec cat {} +", True), ("find . -type f | xargs head -5", True),
    ("find . -name '*.env*' | xargs cat", True), ("tar -cf - . | tar -xOf -", True), ("tar czf - . | tar xzO", True),
    ("zip -r - . | funzip", True),
    # ...not when the files it lists or packs hold none, or it counts them
    ("find app -type f -exec cat {} +", False), ("find . -name '*.py' -exec cat {} +", False),
    ("find . -type f -exec wc -l {} +", False), ("tar -cf - app | tar -tf -", False),
])
def test_a_printer_given_every_file_of_a_folder_is_a_tree_read(repo: Path, command: str, denied: bool) -> None:
    answer = claude(repo, "Bash", {"command": command})
    assert answer.code == (2 if denied else 0), command
    if denied:
        assert "would print the text of `.env`" in answer.stderr, answer.stderr


@pytest.mark.parametrize("command", [
    # review 28: what this session's relaxations opened, and older spellings it found
    "cat /proc/self/envi''ron", 'xxd /pro""c/self/environ', "cat /proc/self/env\\iron", "cat /dev/fd/../environ",
    "grep -T TOKEN .env", "grep -T -r TOKEN .", "egrep -T TOKEN .env",
    "python3 -c \"import glob; [print(open(f).read()) for f in glob.glob('.e*')]\"", "x='.e*'; cat $x",
    "sh -c 'cat $1' _ '.e*'", "sed '/hi/Ir .env' README.md", "sed '1r.env' README.md",
    "bash --rcfile /dev/null -c env", "env 2>/dev/null", "env 2>&1", "set 2>/dev/null", "export -p 2>/dev/null",
    "cat .{env,x}", "echo $GITHUB_AUTH_HEADER", "echo $NPM_AUTH",
])
def test_review_28_leaks_are_denied(repo: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    monkeypatch.setenv("NPM_AUTH", "secret-value")
    assert claude(repo, "Bash", {"command": command}).code == 2, command


@pytest.mark.parametrize("command", ["env 1> out.txt", "env >| out.txt", "env > out.txt 2>&1"])
def test_the_environment_written_through_any_redirection_is_judged(repo: Path, command: str) -> None:
    answer = claude(repo, "Bash", {"command": command})
    assert answer.code == 2 and "writes the environment" in answer.stderr, command
