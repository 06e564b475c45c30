"""The resident hook daemon gives the same answers as the in-process hook, and the client never
depends on it: a missing, unsafe or broken daemon means answering in-process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pavedroad.hooks import client, daemon


@pytest.fixture
def runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    # short: a unix socket path must fit in 108 bytes
    directory = Path(tempfile.mkdtemp(prefix="pr-", dir="/tmp"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(directory))
    monkeypatch.delenv("PAVEDROAD_HOOKD")
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    (root / ".pavedroad.yaml").write_text("version: 1\nsensitive: ['**/.env']\n")
    (root / ".env").write_text("X=1\n")
    return root


def payload(repo: Path) -> bytes:
    return json.dumps({"session_id": "s", "transcript_path": "/t", "cwd": str(repo),
                       "hook_event_name": "PreToolUse", "tool_name": "Read",
                       "tool_input": {"file_path": str(repo / ".env")}}).encode()


def test_the_daemon_answers_like_the_hook(runtime: Path, repo: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    server = subprocess.Popen([sys.executable, "-m", "pavedroad", "hookd", "--idle-exit", "30"],
                              env=os.environ.copy())
    try:
        deadline = time.monotonic() + 20
        sockets: list[Path] = []
        while not sockets and time.monotonic() < deadline:
            time.sleep(0.1)
            sockets = list((runtime / "pavedroad").glob("hookd-*.sock"))
        assert len(sockets) == 1
        # the socket is named after the code's build (version + newest source mtime)
        monkeypatch.setattr(daemon, "socket_path", lambda: sockets[0])
        assert oct(sockets[0].parent.stat().st_mode & 0o777) == "0o700"
        answer = client._ask_daemon("claude", "PreToolUse", payload(repo))
        assert answer is not None and answer["code"] == 2
        assert "sensitive pattern" in str(answer["stderr"])
        from pavedroad.hooks.cli import answer_hook

        local = answer_hook("claude", "PreToolUse", payload(repo))
        assert (answer["stdout"], answer["stderr"], answer["code"]) == (local.stdout, local.stderr, local.code)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_no_daemon_or_an_unsafe_one_means_answering_here(runtime: Path, repo: Path) -> None:
    assert client._ask_daemon("claude", "PreToolUse", payload(repo)) is None
    shared = runtime / "pavedroad"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)  # anyone could plant a socket here: never used
    daemon.socket_path().touch()
    assert not daemon.safe_dir(shared, create=False)
    assert client._ask_daemon("claude", "PreToolUse", payload(repo)) is None
    env = {**os.environ, "PAVEDROAD_HOOKD": "1"}
    done = subprocess.run([sys.executable, "-m", "pavedroad", "hook", "claude", "PreToolUse"],
                          input=payload(repo), capture_output=True, env=env, timeout=60, check=False)
    assert done.returncode == 2  # answered in-process
