"""A raw stdio LSP peer for attack tests: it can send frames no well-behaved client would."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any


class RawServer:
    """`pavedroad lsp` in a subprocess, spoken to byte by byte."""

    def __init__(self, cwd: Path, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pavedroad", "lsp"], cwd=cwd, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.stderr: list[bytes] = []
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                byte = stream.read(1)
                if not byte:
                    return
                header += byte
            length = int(next(h for h in header.split(b"\r\n")
                              if h.lower().startswith(b"content-length")).split(b":")[1])
            self.messages.put(json.loads(stream.read(length)))

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line)

    def send_raw(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message: dict[str, Any], length_delta: int = 0) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.send_raw(b"Content-Length: %d\r\n\r\n" % (len(body) + length_delta) + body)

    def response(self, msg_id: int, timeout: float = 10.0) -> dict[str, Any]:
        """The response to `msg_id` (answering server->client requests with null meanwhile)."""
        while True:
            message = self.messages.get(timeout=timeout)
            if message.get("id") == msg_id and "method" not in message:
                return message
            if "id" in message and "method" in message:
                self.send({"id": message["id"], "result": None})

    def initialize(self, root: Path, options: Any = None) -> None:
        self.send({"id": 1, "method": "initialize", "params": {
            "processId": None, "rootUri": root.as_uri(), "capabilities": {},
            "initializationOptions": options or {}}})
        assert "result" in self.response(1)
        self.send({"method": "initialized", "params": {}})

    def close(self) -> int | None:
        try:
            self.proc.stdin.close()  # type: ignore[union-attr]
            return self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            return None
