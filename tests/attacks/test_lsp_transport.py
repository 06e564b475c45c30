"""Attacks on the language server's stdio transport and command arguments (issue 8, "LSP framing").

Each test reproduces a message sequence that broke the first release: a buggy or hostile client
must never crash the server, make it deaf, leave a request unanswered or make it walk the disk.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tests.attacks.rawlsp import RawServer


@pytest.fixture
def server(tmp_path: Path):
    (tmp_path / ".pavedroad.yaml").write_text("version: 1\nzones:\n  - id: a\n    ai: review\n")
    srv = RawServer(tmp_path)
    yield srv
    srv.close()


def test_a_terabyte_content_length_is_refused_and_the_server_keeps_serving(server: RawServer,
                                                                          tmp_path: Path) -> None:
    """Was: MemoryError, the process died."""
    server.send_raw(b"Content-Length: 1000000000000\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}")
    server.initialize(tmp_path)
    assert server.proc.poll() is None


def test_a_length_a_few_bytes_too_long_is_answered(server: RawServer, tmp_path: Path) -> None:
    """Was: alive but deaf (it waited for bytes that only the client's next message would bring,
    while the client waited for the answer)."""
    server.send({"id": 1, "method": "initialize", "params": {
        "processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}}}, length_delta=3)
    assert "result" in server.response(1)
    server.send({"method": "initialized", "params": {}})
    server.send({"id": 2, "method": "shutdown"})
    assert server.response(2)["result"] is None


def test_a_length_too_short_loses_one_message_not_the_stream(server: RawServer,
                                                             tmp_path: Path) -> None:
    """Was: every later header landed mid-line and was never recognised again."""
    server.initialize(tmp_path)
    server.send({"id": 2, "method": "shutdown"}, length_delta=-4)
    server.send({"id": 3, "method": "shutdown"})
    assert server.response(3)["result"] is None


def test_params_of_the_wrong_type_get_an_error_answer(server: RawServer, tmp_path: Path) -> None:
    """Was: hover with `textDocument: 5` was logged and never answered."""
    server.initialize(tmp_path)
    server.send({"id": 2, "method": "textDocument/hover",
                 "params": {"textDocument": 5, "position": {"line": 0, "character": 0}}})
    answer = server.response(2)
    assert answer["error"]["code"] == -32602
    server.send({"id": 3, "method": "pavedroad/zonesAt", "params": {"textDocument": 5}})
    assert server.response(3)["result"] == {"zones": []}


def test_shutdown_during_a_request_then_exit_ends_the_process(tmp_path: Path) -> None:
    lib = tmp_path / "ws"
    lib.mkdir()
    for i in range(300):
        (lib / f"m{i}.py").write_text("import jwt\ndef f():\n    return jwt.decode('x')\n" * 20)
    (lib / ".pavedroad.yaml").write_text(
        "version: 1\nzones:\n  - id: a\n    ai: review\n    match: {imports: [jwt]}\n")
    srv = RawServer(lib)
    try:
        srv.initialize(lib)
        srv.send({"id": 2, "method": "workspace/executeCommand", "params": {
            "command": "pavedroad.showZoneMap", "arguments": [lib.as_uri()]}})
        srv.send({"id": 3, "method": "shutdown"})
        assert srv.response(3) == {"jsonrpc": "2.0", "id": 3, "result": None}
        srv.send({"method": "exit"})
        assert srv.proc.wait(timeout=10) == 0
    finally:
        if srv.proc.poll() is None:
            srv.proc.kill()


def test_zone_map_of_the_filesystem_root_is_refused(server: RawServer, tmp_path: Path) -> None:
    """Was: `showZoneMap` with `file:///` walked the whole filesystem (and blocked on
    /proc/kmsg)."""
    server.initialize(tmp_path)
    started = time.monotonic()
    server.send({"id": 2, "method": "workspace/executeCommand", "params": {
        "command": "pavedroad.showZoneMap", "arguments": ["file:///"]}})
    answer = server.response(2)
    assert answer["result"]["files"] == [] and "workspace" in answer["result"]["error"]
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("arguments", [
    [],
    ["file:///nope.py", {"zone": "a", "path": "../../etc/passwd", "region_hash": "zz"}],
    ["file:///x", "not a dict"],
    [5, {"zone": "a"}],
])
def test_sign_off_with_garbage_arguments_writes_nothing(server: RawServer, tmp_path: Path,
                                                        arguments: list) -> None:
    """Was: `pavedroad.signOff` wrote `hash: zz` and a `../` path into reviews.yaml, after which
    every `check` failed."""
    server.initialize(tmp_path)
    server.send({"id": 2, "method": "workspace/executeCommand", "params": {
        "command": "pavedroad.signOff", "arguments": arguments}})
    answer = server.response(2)
    assert "error" in answer or "error" in (answer.get("result") or {})
    assert not (tmp_path / ".pavedroad" / "reviews.yaml").exists()
