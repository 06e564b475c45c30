"""Pinned url extends, fetched from a real loopback HTTP server (never the network)."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pavedroad import codes
from pavedroad.config import Level, load_config

CENTRAL = b"""version: 1
locked: true
zones:
  - id: secrets
    ai: deny
    context: deny
    match: {paths: ["secrets/**"]}
"""


class Server:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.hits: list[str] = []
        files, hits = self.files, self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                body = files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join(5)
            self.running = False


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    try:
        yield srv
    finally:
        srv.stop()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def repo_with_url(tmp_path: Path, url: str, digest: str) -> Path:
    root = tmp_path / "repo"
    root.mkdir(exist_ok=True)
    (root / ".pavedroad.yaml").write_text(
        f"version: 1\nextends:\n  - url: {url}\n    sha256: {digest}\n"
        "zones:\n  - id: secrets\n    ai: warn\n"
    )
    return root


def APPROVE(_url: str, _digest: str) -> bool:
    return True


def test_fetch_once_then_cache_hit_offline(server: Server, tmp_path: Path) -> None:
    server.files["/zones.yaml"] = CENTRAL
    url = server.base + "/zones.yaml"
    root = repo_with_url(tmp_path, url, sha(CENTRAL))
    cache = tmp_path / "cache"
    # the same pinned map given as a central map (the repo also names it: applied once, central)
    central = [f"{url}#sha256={sha(CENTRAL)}"]

    first = load_config(root, cache_dir=cache, central=central)
    assert [p.code for p in first.problems] == [codes.CONFIG_LOCKED]  # the repo tried `ai: warn`
    assert first.config is not None
    assert first.config.layers == (url, ".pavedroad.yaml")
    secrets = first.config.zone("secrets")
    assert secrets is not None and secrets.ai == Level.DENY and secrets.origin == url
    assert secrets.defined_at is not None and secrets.defined_at.file == url
    assert server.hits == ["/zones.yaml"]
    assert (cache / f"{sha(CENTRAL)}.yaml").read_bytes() == CENTRAL
    assert [p.name for p in cache.iterdir()] == [f"{sha(CENTRAL)}.yaml"]  # no temp files left

    second = load_config(root, cache_dir=cache, central=central)
    assert server.hits == ["/zones.yaml"]  # cache hit: no request
    server.stop()
    third = load_config(root, cache_dir=cache, central=central)  # offline
    assert third.config is not None and third.config.digest == first.config.digest
    assert second.problems == first.problems == third.problems


def test_digest_mismatch_is_refused_and_cache_unchanged(server: Server, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    tampered = CENTRAL.replace(b"ai: deny", b"ai: allow")
    server.files["/zones.yaml"] = tampered
    url = server.base + "/zones.yaml"
    pin = sha(CENTRAL)
    # a different, intact cached map under another digest must stay untouched
    cache.mkdir()
    other = cache / f"{sha(b'version: 1')}.yaml"
    other.write_bytes(b"version: 1")

    root = repo_with_url(tmp_path, url, pin)
    result = load_config(root, cache_dir=cache, url_approved=APPROVE)
    problem = next(p for p in result.problems if p.code == codes.CONFIG_EXTENDS)
    assert (problem.where.file, problem.where.line, problem.where.column) == (
        str(root / ".pavedroad.yaml"), 3, 10)
    assert "digest mismatch" in problem.message
    assert result.config is None
    assert result.fallback is not None and result.fallback.layers == (".pavedroad.yaml",)
    assert sorted(p.name for p in cache.iterdir()) == [other.name]
    assert other.read_bytes() == b"version: 1"

    # once the right content is cached, a server now serving tampered content is never asked
    server.files["/zones.yaml"] = CENTRAL
    assert load_config(root, cache_dir=cache, url_approved=APPROVE).config is not None
    server.files["/zones.yaml"] = tampered
    hits = len(server.hits)
    again = load_config(root, cache_dir=cache)  # cached: usable without approval, no request
    assert again.config is not None and len(server.hits) == hits
    assert (cache / f"{pin}.yaml").read_bytes() == CENTRAL


def test_corrupt_cache_entry_is_refetched(server: Server, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / f"{sha(CENTRAL)}.yaml").write_bytes(b"garbage")
    server.files["/z.yaml"] = CENTRAL
    root = repo_with_url(tmp_path, server.base + "/z.yaml", sha(CENTRAL))
    result = load_config(root, cache_dir=cache, url_approved=APPROVE)
    assert result.config is not None and server.hits == ["/z.yaml"]
    assert (cache / f"{sha(CENTRAL)}.yaml").read_bytes() == CENTRAL


def test_unreachable_and_404(server: Server, tmp_path: Path) -> None:
    root = repo_with_url(tmp_path, server.base + "/missing.yaml", sha(CENTRAL))
    result = load_config(root, cache_dir=tmp_path / "cache", url_approved=APPROVE)
    problem = next(p for p in result.problems if p.code == codes.CONFIG_EXTENDS)
    assert "cannot fetch" in problem.message and problem.where.line == 3
    server.stop()
    result = load_config(root, cache_dir=tmp_path / "cache", url_approved=APPROVE)
    assert any(p.code == codes.CONFIG_EXTENDS for p in result.problems)
    assert result.config is None


def test_central_argument_url_with_fragment_digest(server: Server, tmp_path: Path) -> None:
    server.files["/c.yaml"] = CENTRAL
    spec = f"{server.base}/c.yaml#sha256={sha(CENTRAL)}"
    result = load_config(tmp_path, central=[spec], cache_dir=tmp_path / "cache")
    assert result.problems == ()
    assert result.config is not None and result.config.zone("secrets") is not None
    assert result.config.layers == (f"{server.base}/c.yaml",)


def test_url_map_cannot_extend_local_paths(server: Server, tmp_path: Path) -> None:
    body = b"version: 1\nextends: [/etc/passwd]\n"
    server.files["/c.yaml"] = body
    result = load_config(tmp_path, central=[f"{server.base}/c.yaml#sha256={sha(body)}"],
                         cache_dir=tmp_path / "cache")
    problem = next(p for p in result.problems if p.code == codes.CONFIG_EXTENDS)
    assert problem.where.file == f"{server.base}/c.yaml" and problem.where.line == 2
    assert "cannot extend the local path" in problem.message


def test_injected_fetch_is_used(tmp_path: Path) -> None:
    calls: list[str] = []

    def fetch(url: str) -> bytes:
        calls.append(url)
        return CENTRAL

    root = repo_with_url(tmp_path, "https://central.invalid/z.yaml", sha(CENTRAL))
    result = load_config(root, cache_dir=tmp_path / "cache", fetch=fetch, url_approved=APPROVE)
    assert calls == ["https://central.invalid/z.yaml"]
    assert result.config is not None


def test_repo_url_map_is_not_fetched_without_approval(server: Server, tmp_path: Path) -> None:
    """Regression (issue 8): a repo's `extends: url:` was fetched on the first didOpen from any
    host. Now only central maps are fetched unasked; a repo's url map needs the user's approval
    (or a cached copy), and a repo-named map never gets central authority."""
    server.files["/zones.yaml"] = CENTRAL
    url = server.base + "/zones.yaml"
    root = repo_with_url(tmp_path, url, sha(CENTRAL))
    asked: list[tuple[str, str]] = []

    def refuse(u: str, d: str) -> bool:
        asked.append((u, d))
        return False

    result = load_config(root, cache_dir=tmp_path / "cache", url_approved=refuse)
    assert server.hits == []  # nothing was requested
    assert asked == [(url, sha(CENTRAL))]
    assert result.needs_approval == ((url, sha(CENTRAL)),)
    problem = next(p for p in result.problems if p.code == codes.CONFIG_EXTENDS)
    assert "not fetched" in problem.message and "--fetch-repo-maps" in problem.message
    assert result.config is None  # unresolved extends: fatal, the central maps still apply

    approved = load_config(root, cache_dir=tmp_path / "cache", url_approved=APPROVE)
    assert server.hits == ["/zones.yaml"]
    config = approved.config
    assert config is not None
    # the map says `locked: true`, but a repo named it: no lock, no approvers, a warning
    assert not config.zone("secrets").locked  # type: ignore[union-attr]
    assert config.exceptions.approvers == ()
    assert codes.CONFIG_WARNING in [p.code for p in approved.problems]
