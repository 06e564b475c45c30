"""Fixtures of the dependency-check tests: vendored manifests, recorded registry answers, a
loopback registry server, and the `network` marker (tests that ask the real registries and skip
cleanly when they cannot be reached)."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pavedroad.deps.registry import FetchFailed, HttpRequest, HttpResponse

FIXTURES = Path(__file__).parent / "fixtures"
MANIFESTS = FIXTURES / "manifests"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "network: asks the real package registries (skipped when they cannot be reached)")


_ONLINE: dict[str, bool] = {}


def registry_reachable(url: str) -> bool:
    if url not in _ONLINE:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                _ONLINE[url] = response.status == 200
        except (urllib.error.URLError, OSError, ValueError):
            _ONLINE[url] = False
    return _ONLINE[url]


@pytest.fixture
def manifest_text() -> object:
    def read(name: str) -> str:
        return (MANIFESTS / name).read_text(encoding="utf-8")
    return read


class Recorded:
    """A fetcher that replays recorded responses and remembers every request it was asked."""

    def __init__(self) -> None:
        data = json.loads((FIXTURES / "registry" / "recorded.json").read_text())
        self.responses = {(r["method"], r["url"].lower()): r for r in data["responses"]}
        self.calls: list[HttpRequest] = []

    def __call__(self, request: HttpRequest, timeout: float) -> HttpResponse:
        self.calls.append(request)
        hit = self.responses.get((request.method, request.url.lower()))
        if hit is None:
            raise FetchFailed(f"no recorded response for {request.method} {request.url}")
        body = json.dumps(hit["body"]).encode() if hit["body"] is not None else b""
        return HttpResponse(hit["status"], body)


@pytest.fixture
def recorded() -> Recorded:
    return Recorded()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _answer(self) -> None:
        path = self.path
        self.server.seen.append(path)  # type: ignore[attr-defined]
        if path.startswith("/slow/"):
            time.sleep(2.0)
            status, body = 200, b"{}"
        elif path.startswith("/error/"):
            status, body = 503, b"upstream unavailable"
        elif path.startswith("/limited/"):
            status, body = 429, b"slow down"
        elif path.startswith("/missing/"):
            status, body = 404, b"Not Found"
        elif path.startswith("/garbage/"):
            self.wfile.write(b"this is not HTTP\r\n\r\n")
            return
        else:
            status, body = 200, json.dumps({"info": {"name": "x", "version": "1.0"},
                                            "vulnerabilities": []}).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up (timeout test)

    do_GET = _answer
    do_POST = _answer


@pytest.fixture
def loopback() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.seen = []  # type: ignore[attr-defined]
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def refused_port() -> int:
    """A loopback port with nothing listening (connection refused)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    sock.close()
    return port
