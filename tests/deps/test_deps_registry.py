"""RegistryClient against recorded PyPI/npm answers and a real loopback HTTP server: only an
authoritative 404 is "missing"; timeouts, refused connections, 5xx, 429 and garbage are "not
verified"; answers are cached on disk, failures never are; the time budget holds."""

from __future__ import annotations

import json
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

from pavedroad.deps.model import Dependency
from pavedroad.deps.registry import (
    FetchFailed,
    HttpRequest,
    HttpResponse,
    RegistryClient,
)

from .conftest import Recorded

FAR = 60.0


def dep(name: str, eco: str = "pypi", **kw: object) -> Dependency:
    return Dependency(eco, name, **kw)  # type: ignore[arg-type]


def client(tmp_path: Path, fetcher: object, **kw: object) -> RegistryClient:
    return RegistryClient(fetcher=fetcher, cache_dir=tmp_path / "cache", **kw)  # type: ignore[arg-type]


def deadline() -> float:
    return time.monotonic() + FAR


# --- recorded real answers ----------------------------------------------------------------------
def test_recorded_pypi_exists_missing_and_advisories(tmp_path: Path, recorded: Recorded) -> None:
    reg = client(tmp_path, recorded)
    assert reg.verify(dep("requests"), None, deadline()).status == "exists"
    assert reg.verify(dep("reqeusts"), None, deadline()).status == "missing"
    vulnerable = reg.verify(dep("pycrypto"), None, deadline())
    assert vulnerable.status == "exists" and vulnerable.checked_version == "2.6.1"
    ids = {a.id for a in vulnerable.advisories}
    assert {"PYSEC-2017-94", "GHSA-cq27-v7xp-c356"} <= ids


def test_recorded_npm_exists_missing_and_scoped(tmp_path: Path, recorded: Recorded) -> None:
    reg = client(tmp_path, recorded)
    assert reg.verify(dep("left-pad", "npm"), None, deadline()).status == "exists"
    assert reg.verify(dep("lefft-pad", "npm"), None, deadline()).status == "missing"
    assert reg.verify(dep("@types/node", "npm"), None, deadline()).status == "exists"
    scoped = [c.url for c in recorded.calls if "types" in c.url]
    assert scoped == ["https://registry.npmjs.org/@types%2Fnode"]
    assert all(dict(c.headers).get("Accept") == "application/vnd.npm.install-v1+json"
               for c in recorded.calls)


def test_answers_are_cached_and_failures_are_not(tmp_path: Path, recorded: Recorded) -> None:
    first = client(tmp_path, recorded)
    assert first.verify(dep("requests"), None, deadline()).status == "exists"
    assert first.verify(dep("reqeusts"), None, deadline()).status == "missing"

    def offline(request: HttpRequest, timeout: float) -> HttpResponse:
        raise FetchFailed("network is unreachable")

    second = client(tmp_path, offline)
    hit = second.verify(dep("requests"), None, deadline())
    assert hit.status == "exists" and hit.from_cache
    assert second.verify(dep("reqeusts"), None, deadline()).status == "missing"
    assert second.requests_sent == 0
    miss = second.verify(dep("flask"), None, deadline())
    assert miss.status == "unverified" and "offline" in miss.reason
    third = client(tmp_path, recorded)  # the failure was not cached: asked again
    third.verify(dep("flask"), None, deadline())
    assert third.requests_sent == 1


def test_expired_cache_entries_are_asked_again(tmp_path: Path, recorded: Recorded) -> None:
    reg = client(tmp_path, recorded)
    reg.verify(dep("reqeusts"), None, deadline())
    for path in (tmp_path / "cache").rglob("*.json"):
        entry = json.loads(path.read_text())
        entry["expires"] = time.time() - 1
        path.write_text(json.dumps(entry))
    again = client(tmp_path, recorded)
    assert again.verify(dep("reqeusts"), None, deadline()).from_cache is False
    assert again.requests_sent == 1


def test_corrupt_cache_files_are_ignored(tmp_path: Path, recorded: Recorded) -> None:
    reg = client(tmp_path, recorded)
    reg.verify(dep("requests"), None, deadline())
    for path in (tmp_path / "cache").rglob("*.json"):
        path.write_text("{not json")
    assert client(tmp_path, recorded).verify(dep("requests"), None, deadline()).status == "exists"


def test_offline_mode_sends_nothing(tmp_path: Path, recorded: Recorded) -> None:
    reg = client(tmp_path, recorded, offline=True)
    result = reg.verify(dep("requests"), None, deadline())
    assert result.status == "unverified" and result.reason == "offline mode"
    assert recorded.calls == []


# --- a real HTTP server on loopback -------------------------------------------------------------
def loopback_client(tmp_path: Path, base: str) -> RegistryClient:
    endpoints = {eco: base for eco in ("pypi", "npm", "maven", "go", "cargo", "gem", "terraform")}
    return RegistryClient(cache_dir=tmp_path / "cache", endpoints=endpoints, timeout=0.5)


def test_loopback_timeout_is_unverified(tmp_path: Path, loopback: ThreadingHTTPServer) -> None:
    reg = loopback_client(tmp_path, f"http://127.0.0.1:{loopback.server_port}/slow")
    start = time.monotonic()
    result = reg.verify(dep("requests"), None, deadline())
    assert result.status == "unverified" and result.reason.startswith("offline")
    assert time.monotonic() - start < 1.8  # the client's timeout, not the server's delay


def test_loopback_5xx_and_429_are_unverified(tmp_path: Path, loopback: ThreadingHTTPServer) -> None:
    port = loopback.server_port
    result = loopback_client(tmp_path, f"http://127.0.0.1:{port}/error").verify(
        dep("requests"), None, deadline())
    assert (result.status, result.reason) == ("unverified", "registry answered HTTP 503")
    result = loopback_client(tmp_path, f"http://127.0.0.1:{port}/limited").verify(
        dep("requests"), None, deadline())
    assert (result.status, result.reason) == ("unverified", "registry answered rate limited")
    result = loopback_client(tmp_path, f"http://127.0.0.1:{port}/garbage").verify(
        dep("requests"), None, deadline())
    assert result.status == "unverified"


def test_loopback_connection_refused_is_unverified(tmp_path: Path, refused_port: int) -> None:
    reg = loopback_client(tmp_path, f"http://127.0.0.1:{refused_port}")
    for eco, name in [("pypi", "requests"), ("npm", "left-pad"), ("go", "github.com/a/B"),
                      ("maven", "junit:junit"), ("cargo", "serde"), ("gem", "rails")]:
        result = reg.verify(dep(name, eco), None, deadline())
        assert result.status == "unverified" and "offline" in result.reason, (eco, result)


def test_loopback_404_is_missing(tmp_path: Path, loopback: ThreadingHTTPServer) -> None:
    reg = loopback_client(tmp_path, f"http://127.0.0.1:{loopback.server_port}/missing")
    assert reg.verify(dep("reqeusts"), None, deadline()).status == "missing"
    go = reg.verify(dep("github.com/Azure/go-autorest", "go"), None, deadline())
    assert go.status == "missing"
    assert "/missing/github.com/!azure/go-autorest/@v/list" in loopback.seen  # type: ignore[attr-defined]


def test_budget_bounds_a_run(tmp_path: Path, loopback: ThreadingHTTPServer) -> None:
    reg = loopback_client(tmp_path, f"http://127.0.0.1:{loopback.server_port}/slow")
    reg.timeout = 5.0
    items = [(dep(f"pkg{i}"), None) for i in range(40)]
    start = time.monotonic()
    results = reg.verify_many(items, budget=0.5)
    assert time.monotonic() - start < 1.5
    assert len(results) == 40 and all(r.status == "unverified" for r in results.values())


# --- npm advisories (bulk endpoint) ------------------------------------------------------------
def test_npm_bulk_advisories(tmp_path: Path) -> None:
    bodies: list[dict[str, list[str]]] = []

    def fetcher(request: HttpRequest, timeout: float) -> HttpResponse:
        if request.method == "POST":
            assert request.url == "https://registry.npmjs.org/-/npm/v1/security/advisories/bulk"
            bodies.append(json.loads(request.body or b"{}"))
            # the shape npm documents for this endpoint: name -> advisories affecting the versions
            return HttpResponse(200, json.dumps({"lodash": [{
                "id": 1523, "url": "https://github.com/advisories/GHSA-p6mc-m468-83gw",
                "title": "Prototype Pollution in lodash", "severity": "high",
                "vulnerable_versions": "<4.17.19"}]}).encode())
        return HttpResponse(200, b'{"dist-tags": {"latest": "4.17.21"}}')

    reg = client(tmp_path, fetcher)
    results = reg.verify_many([(dep("lodash", "npm"), "4.17.10"), (dep("left-pad", "npm"), "1.3.0"),
                               (dep("express", "npm"), None)], budget=5)
    assert bodies == [{"lodash": ["4.17.10"], "left-pad": ["1.3.0"]}]
    assert [a.id for a in results[0].advisories] == ["1523"]
    assert results[1].advisories == () and results[2].advisories == ()
    again = client(tmp_path, fetcher).verify_many([(dep("lodash", "npm"), "4.17.10")], budget=5)
    assert len(bodies) == 1 and again[0].advisories  # cached
