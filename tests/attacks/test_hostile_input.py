"""Hostile input (issue 8, "Hostile input" and "CLI and first-run polish"): each test reproduces
what broke or misled the first release."""

from __future__ import annotations

import asyncio
import http.server
import json
import os
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient
from tests.lsp.helpers import SERVER, open_file, start, wait_for

from pavedroad.config import load_config
from pavedroad.config.urlcache import FetchError, http_fetch
from pavedroad.policy.records import (
    RecordWriteError,
    append_review,
    build_review,
    load_reviews,
)
from pavedroad.provenance.ranges import AiRange
from pavedroad.provenance.store import RangeStore, UnsafeLocalDir
from pavedroad.saferegex import PatternError, compile_regex

REVIEW = ("- zone: auth\n  path: src/a.py\n  symbol: null\n  hash: {h}\n  reviewer: {who}\n"
          "  date: 2026-01-01\n  policy: x\n")


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PAVEDROAD_SYSTEM_CENTRAL": "/nonexistent"}
    env.pop("PAVEDROAD_CENTRAL", None)
    return subprocess.run([sys.executable, "-m", "pavedroad", *args], cwd=root,
                          capture_output=True, env=env, timeout=120, check=False)


# --- slow servers ---------------------------------------------------------------------------


class _Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        for _ in range(60):  # one byte every 0.5 s: each read is quick, the whole is not
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(0.5)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def slow_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/zones.yaml"
    server.shutdown()


def test_a_slow_server_is_bounded_in_total_time(slow_server: str) -> None:
    """Was: a server sending 1 byte every 2 s held hover over a minute and `check` for 40 s."""
    started = time.monotonic()
    with pytest.raises(FetchError, match="no complete answer within"):
        http_fetch(slow_server, deadline_seconds=2.0)
    assert time.monotonic() - started < 4.0


def test_a_repo_url_map_is_never_fetched_on_open(tmp_path: Path, slow_server: str) -> None:
    (tmp_path / ".pavedroad.yaml").write_text(
        f"version: 1\nextends:\n  - url: {slow_server}\n    sha256: {'ab' * 32}\n")
    started = time.monotonic()
    result = load_config(tmp_path, cache_dir=tmp_path / "cache")
    assert time.monotonic() - started < 2.0
    assert result.needs_approval == ((slow_server, "ab" * 32),)


# --- too much config ------------------------------------------------------------------------


def test_tens_of_thousands_of_zones_are_refused_quickly(tmp_path: Path) -> None:
    """Was: 18k zones made the first hover take 26 s; 90k made `zones` run past 10 minutes."""
    names = []
    for f in range(40):
        name = f"z{f}.yaml"
        with open(tmp_path / name, "w") as handle:
            handle.write("version: 1\nzones:\n")
            for i in range(500):
                handle.write(f"  - id: z{f}-{i}\n    match: {{paths: ['p{f}/{i}/**']}}\n")
        names.append(name)
    (tmp_path / ".pavedroad.yaml").write_text(
        "version: 1\nextends:\n" + "".join(f"  - path: {n}\n" for n in names))
    started = time.monotonic()
    result = load_config(tmp_path, cache_dir=tmp_path / "c")
    assert time.monotonic() - started < 30
    messages = [p.message for p in result.problems]
    assert any("too many zones" in m or "exceed" in m for m in messages)
    assert result.usable is not None and len(result.usable.zones) <= 1000


# --- file names and output ------------------------------------------------------------------


def test_a_file_name_that_is_not_utf8_does_not_crash_zones(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / ".pavedroad.yaml").write_text(
        "version: 1\nzones:\n  - id: a\n    ai: review\n    match: {paths: ['**/*.py']}\n")
    (tmp_path / ".gitignore").write_text("*.log\n")
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.py"), "w") as handle:
        handle.write("x = 1\n")
    text = cli(tmp_path, "zones", ".")
    assert text.returncode == 0 and b"caf\\udce9.py" in text.stdout  # escaped, as in the JSON
    as_json = cli(tmp_path, "zones", ".", "--format", "json")
    assert as_json.returncode == 0 and b"caf\\udce9.py" in as_json.stdout


def test_control_characters_in_names_cannot_drive_the_terminal_or_forge_rows(tmp_path: Path) -> None:
    # a file name holding an ANSI escape and a newline: printed raw, it would recolour or clear
    # the reader's terminal and split one row of the table into a forged second one
    (tmp_path / ".pavedroad.yaml").write_text("version: 1\nextends: [preset:auth]\n")
    hostile = "a\x1b[2J\x1b[32mok\nfake.py"
    (tmp_path / hostile).write_text("import jwt\ndef make(u):\n    return jwt.encode(u, 'k')\n"
                                    "def allow_all(u):\n    return True\n")
    (tmp_path / "zone\x1b]0;x\x07.yaml").write_text("x: 1\n")
    for args in (("zones", "."), ("zones", "--suggest", ".")):
        done = cli(tmp_path, *args)
        assert done.returncode == 0, done.stderr
        assert b"\x1b" not in done.stdout and b"\x07" not in done.stdout
        assert b"a\\x1b[2J\\x1b[32mok\\x0afake.py" in done.stdout  # one row, readable
    as_json = json.loads(cli(tmp_path, "zones", "--format", "json", ".").stdout)
    assert [f["path"] for f in as_json["files"]] == [hostile]  # the JSON keeps the real name


def test_check_prints_a_hostile_file_name_escaped(tmp_path: Path) -> None:
    env = {"GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@acme.test", "GIT_COMMITTER_NAME": "Dev",
           "GIT_COMMITTER_EMAIL": "dev@acme.test", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    (tmp_path / ".pavedroad.yaml").write_text(
        "version: 1\nzones:\n  - id: secrets\n    ai: review\n    match:\n      paths: ['**/*.py']\n")
    (tmp_path / "k\x1b[2Jeys\n.py").write_text("KEY_ID = 'kid-1'\n")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                 ["commit", "-q", "-m", "Add keys\n\nCo-authored-by: Copilot <copilot@github.com>"]):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True, env=env)
    done = cli(tmp_path, "check", ".")
    assert done.returncode == 1, done.stderr
    assert b"\x1b" not in done.stdout and b"k\\x1b[2Jeys\\x0a.py:1" in done.stdout
    # a sign-off is refused for such a name (records hold plain relative paths), and says so escaped
    signed = cli(tmp_path, "signoff", "--reviewer", "r@acme.test", "k\x1b[2Jeys\n.py")
    assert signed.returncode == 2 and b"refusing to record" in signed.stderr
    assert b"\x1b" not in signed.stdout + signed.stderr
    # a shallow clone: the incomplete-history reasons on stderr name the file too
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{tmp_path}", str(shallow)],
                   check=True, capture_output=True, env=env)
    (shallow / "k\x1b[2Jeys\n.py").write_text("KEY_ID = 'kid-1'\nOTHER = 2\n")
    for args in (["add", "-A"], ["commit", "-q", "-m", "More\n\nCo-authored-by: Copilot <copilot@github.com>"]):
        subprocess.run(["git", *args], cwd=shallow, check=True, capture_output=True, env=env)
    incomplete = cli(shallow, "check", ".")
    assert incomplete.returncode == 2 and b"shallow" in incomplete.stderr, incomplete.stderr
    assert b"\x1b" not in incomplete.stderr + incomplete.stdout


def test_sync_explain_prints_hostile_config_paths_escaped(tmp_path: Path) -> None:
    (tmp_path / ".pavedroad.yaml").write_text(
        'version: 1\nzones:\n  - id: secrets\n    ai: deny\n    context: deny\n'
        '    match:\n      paths: ["src/\\e[2J\\e[31mX/**", "a\\nFORGED/**"]\n')
    done = cli(tmp_path, "sync", "--explain", ".")
    assert done.returncode in (0, 1), done.stderr
    assert b"\x1b" not in done.stdout and b"\nFORGED" not in done.stdout
    assert b"\\x1b[2J" in done.stdout


def test_a_closed_pipe_is_not_an_error(tmp_path: Path) -> None:
    """Was: `zones --format json | head` printed a BrokenPipeError traceback."""
    for i in range(300):
        (tmp_path / f"f{i}.py").write_text("import jwt\n")
    (tmp_path / ".pavedroad.yaml").write_text("version: 1\nextends: [preset:auth]\n")
    env = {**os.environ, "PAVEDROAD_SYSTEM_CENTRAL": "/nonexistent"}
    done = subprocess.run(f"{sys.executable} -m pavedroad zones . --format json | head -1",
                          shell=True, cwd=tmp_path, capture_output=True, env=env, timeout=120,
                          check=False)
    assert b"Traceback" not in done.stderr and b"BrokenPipe" not in done.stderr


@pytest.mark.parametrize("jobs", ["0", "-3", "x"])
def test_jobs_must_be_positive(tmp_path: Path, jobs: str) -> None:
    done = cli(tmp_path, "zones", ".", "--jobs", jobs)
    assert done.returncode == 2 and b"--jobs" in done.stderr


def test_lookaround_says_so_in_words() -> None:
    with pytest.raises(PatternError, match="lookahead is not supported"):
        compile_regex("^(?=admin)")


# --- record files ---------------------------------------------------------------------------


def test_one_undecodable_byte_loses_one_sign_off_not_all(tmp_path: Path) -> None:
    """Was: one latin-1 byte dropped every sign-off."""
    (tmp_path / ".pavedroad").mkdir()
    good = REVIEW.format(h="a" * 64, who="ana@acme.test")
    bad = REVIEW.format(h="b" * 64, who="jos\xe9@acme.test").encode("latin-1")
    (tmp_path / ".pavedroad" / "reviews.yaml").write_bytes(
        good.encode() + bad + REVIEW.format(h="c" * 64, who="bo@acme.test").encode())
    reviews, problems = load_reviews(tmp_path)
    assert sorted(r.hash[0] for r in reviews) == ["a", "c"]
    assert any("not valid UTF-8" in p.message for p in problems)


def test_an_append_keeps_the_file_mode_and_never_echoes_content(tmp_path: Path) -> None:
    from pavedroad.config import load_zone_map_text

    config = load_zone_map_text("version: 1\nzones:\n  - id: auth\n", "c.yaml").config
    assert config is not None
    records = tmp_path / ".pavedroad" / "reviews.yaml"
    records.parent.mkdir()
    records.write_text(REVIEW.format(h="a" * 64, who="ana@acme.test"))
    records.chmod(0o664)
    review = build_review(config, zone="auth", path="src/b.py", region_hash="d" * 64,
                          reviewer="bo@acme.test")
    append_review(tmp_path, review)
    assert stat.S_IMODE(records.stat().st_mode) == 0o664  # was: 0600 after an append
    records.write_text('- zone: auth\n  secret_note: "AKIA2E0A8F3B244C9986\n')
    with pytest.raises(RecordWriteError) as error:
        append_review(tmp_path, review)
    assert "AKIA" not in str(error.value) and "does not parse at line" in str(error.value)


def test_a_committed_local_symlink_cannot_redirect_writes(tmp_path: Path) -> None:
    """Was: a committed `.pavedroad/.local` symlink made the server write outside the repo."""
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = tmp_path / "repo"
    (repo / ".pavedroad").mkdir(parents=True)
    os.symlink(outside, repo / ".pavedroad" / ".local")
    with pytest.raises(UnsafeLocalDir):
        RangeStore(repo).merge("a.py", "x = 1\n", [AiRange(0, 5, "explicit", "claude")])
    assert list(outside.iterdir()) == []


# --- editor settings ------------------------------------------------------------------------


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    central = tmp_path / "security" / "central.yaml"
    central.parent.mkdir()
    central.write_text("version: 1\nlocked: true\nzones:\n  - id: secrets\n    ai: deny\n"
                       "    match: {paths: ['secrets/**']}\n")
    repo = tmp_path / "repo"
    (repo / "secrets").mkdir(parents=True)
    (repo / "secrets" / "k.py").write_text("KEY = 1\n")
    (repo / "inside.yaml").write_text("version: 1\nexception_approvers: ['@me']\nlocked: true\n")
    lsp_client.root = repo  # type: ignore[attr-defined]
    lsp_client.central = central  # type: ignore[attr-defined]
    lsp_client.set_configuration({"centralZones": [], "debounceMs": 20}, section="pavedroad")
    await start(lsp_client, repo, "visual-studio-code",
                init={"debounceMs": 20, "centralZones": [str(central)]})
    yield
    await lsp_client.shutdown_session()


async def test_client_settings_cannot_drop_a_central_map(client: LanguageClient) -> None:
    """Was: `workspace/configuration` or `didChangeConfiguration` with an empty list (or a
    repo's `.dir-locals.el`) silently dropped the central map."""
    repo: Path = client.root  # type: ignore[attr-defined]
    uri = open_file(client, repo / "secrets" / "k.py")

    async def zones() -> list[str]:
        answer = await client.protocol.send_request_async("pavedroad/zonesAt", {
            "textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}})
        return [z.id for z in answer.zones]

    assert await wait_for_async(zones, ["secrets"])
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"pavedroad": {"centralZones": [str(repo / "inside.yaml")]}}))
    await asyncio.sleep(1.0)
    assert await zones() == ["secrets"]  # still there; the in-repo map was refused
    shown = [m.message for m in client.messages]
    assert any("inside the repository" in m for m in shown)


async def wait_for_async(fn, expected, timeout: float = 10.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await fn() == expected:
            return True
        await asyncio.sleep(0.1)
    return False


_ = wait_for
