"""Registry lookups: does a package exist, and does its registry list advisories for a version.

The only I/O of the dependency engine, behind an injected `Fetcher` (tests pass recorded responses
or point `endpoints` at a loopback server). Rules:

1. Only an authoritative "no such package" (HTTP 404, or 410 from the Go proxy) means *missing*.
   A timeout, a refused connection, DNS failure, 429, 5xx or any other answer is *unverified*
   ("not verified: offline ..."), never a finding of absence.
2. Answers are cached on disk (`$XDG_CACHE_HOME/pavedroad/registry`, one small JSON file per
   request, written atomically) with a TTL: existing 24 h, missing 1 h (a name can be registered
   later, which is exactly the slopsquatting risk), advisories 24 h. Failures are never cached.
3. A run has a time budget: lookups run on a small thread pool, each request's timeout is capped
   by what is left, and whatever has not answered when the budget ends is unverified.
4. The caller decides what may be looked up: private names and dependencies from other sources
   are never passed in (see `check`), so they never reach a public registry.

Endpoints (overridable per ecosystem, e.g. for a mirror): PyPI JSON API (`/pypi/NAME/json`, its
`vulnerabilities` field is OSV data for that release; `/pypi/NAME/VERSION/json` for a pinned one),
npm registry (abbreviated metadata; advisories via `POST /-/npm/v1/security/advisories/bulk`),
Maven Central (`maven-metadata.xml`), the Go module proxy (`/MODULE/@v/list`), crates.io API,
RubyGems API, Terraform registry API. Only PyPI and npm publish advisory data this way.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pavedroad.deps.model import Advisory, Dependency, Verification

DEFAULT_ENDPOINTS: dict[str, str] = {
    "pypi": "https://pypi.org/pypi",
    "npm": "https://registry.npmjs.org",
    "maven": "https://repo1.maven.org/maven2",
    "go": "https://proxy.golang.org",
    "cargo": "https://crates.io/api/v1/crates",
    "gem": "https://rubygems.org/api/v1/gems",
    "terraform": "https://registry.terraform.io/v1",
}
#: Response bodies are read up to this size (metadata of the largest packages is a few MB).
MAX_BODY = 16 << 20
TTL_EXISTS = 24 * 3600
TTL_MISSING = 3600
TTL_ADVISORIES = 24 * 3600
USER_AGENT = "pavedroad-dependency-check (+https://github.com/pavedroad)"


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes = b""
    truncated: bool = False


class FetchFailed(Exception):
    """No HTTP answer at all (timeout, refused, DNS, TLS): the message is fit to show a user."""


Fetcher = Callable[[HttpRequest, float], HttpResponse]


class _NoRedirectToOtherSchemes(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> Any:
        if not newurl.lower().startswith(("http://", "https://")):
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_NoRedirectToOtherSchemes)


def urllib_fetcher(request: HttpRequest, timeout: float) -> HttpResponse:
    """The default fetcher: stdlib HTTP(S), short timeout, bounded body, no other schemes."""
    if not request.url.lower().startswith(("http://", "https://")):
        raise FetchFailed("only http(s) registries can be asked")
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip", **dict(request.headers)}
    req = urllib.request.Request(request.url, data=request.body, headers=headers,
                                 method=request.method)
    try:
        with _OPENER.open(req, timeout=timeout) as response:
            body: bytes = response.read(MAX_BODY + 1)
            truncated = len(body) > MAX_BODY
            if response.headers.get("Content-Encoding", "").lower() == "gzip":
                body, truncated = _gunzip(body[:MAX_BODY], truncated)
            return HttpResponse(response.status, body[:MAX_BODY], truncated or len(body) > MAX_BODY)
    except urllib.error.HTTPError as exc:
        with contextlib.suppress(Exception):
            exc.close()
        return HttpResponse(exc.code)
    except (urllib.error.URLError, OSError, ValueError) as exc:  # incl. timeouts, refused
        reason = getattr(exc, "reason", None) or exc
        raise FetchFailed(f"{type(exc).__name__}: {reason}") from None
    except Exception as exc:  # http.client protocol errors (bad status line, ...)
        raise FetchFailed(f"{type(exc).__name__}") from None


def _gunzip(data: bytes, truncated: bool) -> tuple[bytes, bool]:
    """Decompress at most MAX_BODY bytes (a small gzip bomb stays small)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, MAX_BODY + 1)
    except zlib.error as exc:
        raise FetchFailed(f"corrupt gzip body ({exc})") from None
    return out[:MAX_BODY], truncated or len(out) > MAX_BODY or bool(inflater.unconsumed_tail)


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pavedroad" / "registry"


class DiskCache:
    """Small JSON values keyed by request, with an expiry time. Never raises."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path | None:
        if self.directory is None:
            return None
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self.directory / digest[:2] / f"{digest}.json"

    def get(self, key: str) -> Any | None:
        path = self._path(key)
        if path is None:
            return None
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            if entry.get("key") == key and float(entry.get("expires", 0)) > time.time():
                return entry.get("value")
        except (OSError, ValueError, AttributeError, TypeError):
            pass
        return None

    def put(self, key: str, value: Any, ttl: float) -> None:
        path = self._path(key)
        if path is None:
            return
        tmp = ""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"key": key, "expires": time.time() + ttl, "value": value}, handle)
            os.replace(tmp, path)
        except OSError:
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


@dataclass(frozen=True)
class _Answer:
    """One request's outcome: `status` is an HTTP status, or 0 with `reason` when none came."""

    status: int
    data: Any = None
    reason: str = ""
    cached: bool = False
    network: bool = False


@dataclass
class RegistryClient:
    """Looks packages up in their public registries. Thread-safe; one per process is fine."""

    fetcher: Fetcher = urllib_fetcher
    cache_dir: Path | None = field(default_factory=default_cache_dir)
    endpoints: dict[str, str] = field(default_factory=dict)
    timeout: float = 5.0
    workers: int = 8
    offline: bool = False

    def __post_init__(self) -> None:
        self.cache = DiskCache(self.cache_dir)
        self.urls = {**DEFAULT_ENDPOINTS, **self.endpoints}
        self.requests_sent = 0

    # --- one request ----------------------------------------------------------------------------
    def _ask(self, request: HttpRequest, deadline: float,
             extract: Callable[[HttpResponse], Any], ttl_ok: float,
             ttl_missing: float = TTL_MISSING, missing: tuple[int, ...] = (404,)) -> _Answer:
        key = f"{request.method} {request.url} {hashlib.sha256(request.body or b'').hexdigest()}"
        hit = self.cache.get(key)
        if isinstance(hit, dict) and "status" in hit:
            return _Answer(int(hit["status"]), hit.get("data"), cached=True)
        if self.offline:
            return _Answer(0, reason="offline mode")
        left = deadline - time.monotonic()
        if left <= 0.05:
            return _Answer(0, reason="time budget exhausted")
        self.requests_sent += 1
        try:
            response = self.fetcher(request, min(self.timeout, left))
        except FetchFailed as exc:
            return _Answer(0, reason=f"offline ({exc})", network=True)
        except Exception as exc:  # an injected fetcher's bug is "not verified", never a finding
            return _Answer(0, reason=f"lookup failed ({type(exc).__name__})", network=True)
        if response.status == 200:
            try:
                data = extract(response)
            except (ValueError, KeyError, TypeError, AttributeError):
                data = None
            self.cache.put(key, {"status": 200, "data": data}, ttl_ok)
            return _Answer(200, data, network=True)
        if response.status in missing:
            self.cache.put(key, {"status": 404, "data": None}, ttl_missing)
            return _Answer(404, network=True)
        reason = {429: "rate limited"}.get(response.status, f"HTTP {response.status}")
        return _Answer(0, reason=f"registry answered {reason}", network=True)

    # --- per ecosystem --------------------------------------------------------------------------
    def _exists_request(self, dep: Dependency) -> tuple[HttpRequest, tuple[int, ...]] | None:
        base = self.urls.get(dep.ecosystem, "")
        name = dep.name
        if dep.ecosystem == "pypi":
            return HttpRequest("GET", f"{base}/{quote(name, safe='')}/json"), (404,)
        if dep.ecosystem == "npm":
            escaped = quote(name, safe="@")
            return HttpRequest("GET", f"{base}/{escaped}",
                               headers=(("Accept", "application/vnd.npm.install-v1+json"),)), (404,)
        if dep.ecosystem == "maven":
            group, _, artifact = name.partition(":")
            if not group or not artifact:
                return None
            path = "/".join(quote(p, safe="") for p in group.split(".")) + "/" + quote(artifact)
            return HttpRequest("GET", f"{base}/{path}/maven-metadata.xml"), (404,)
        if dep.ecosystem == "go":
            escaped = "".join(f"!{c.lower()}" if c.isupper() else c for c in name)
            return HttpRequest("GET", f"{base}/{quote(escaped, safe='/!')}/@v/list"), (404, 410)
        if dep.ecosystem == "cargo":
            return HttpRequest("GET", f"{base}/{quote(name, safe='')}"), (404,)
        if dep.ecosystem == "gem":
            return HttpRequest("GET", f"{base}/{quote(name, safe='')}.json"), (404,)
        if dep.ecosystem == "terraform":
            parts = name.split("/")
            kind = "modules" if dep.section == "module" else "providers"
            if (kind == "providers" and len(parts) != 2) or (kind == "modules" and len(parts) != 3):
                return None
            return HttpRequest("GET", f"{base}/{kind}/" + "/".join(quote(p) for p in parts)), (404,)
        return None

    def _pypi_version_vulns(self, dep: Dependency, version: str, deadline: float) -> _Answer:
        base = self.urls["pypi"]
        request = HttpRequest("GET", f"{base}/{quote(dep.name, safe='')}/{quote(version)}/json")
        return self._ask(request, deadline, _pypi_summary, TTL_ADVISORIES, TTL_ADVISORIES)

    def verify(self, dep: Dependency, version: str | None, deadline: float) -> Verification:
        """Exists / missing / unverified for one public dependency, with advisories if known."""
        made = self._exists_request(dep)
        if made is None:
            return Verification("unverified", f"cannot look up {dep.name!r} in its registry")
        request, missing = made
        extract = _pypi_summary if dep.ecosystem == "pypi" else _npm_summary \
            if dep.ecosystem == "npm" else _nothing
        answer = self._ask(request, deadline, extract, TTL_EXISTS, missing=missing)
        if answer.status == 404:
            return Verification("missing", from_cache=answer.cached)
        if answer.status != 200:
            return Verification("unverified", answer.reason, from_cache=answer.cached)
        advisories: tuple[Advisory, ...] = ()
        checked = ""
        if dep.ecosystem == "pypi" and isinstance(answer.data, dict):
            latest = str(answer.data.get("version", ""))
            if version and version != latest:
                specific = self._pypi_version_vulns(dep, version, deadline)
                if specific.status == 200 and isinstance(specific.data, dict):
                    advisories, checked = _advisories(specific.data.get("vulns")), version
            else:
                advisories, checked = _advisories(answer.data.get("vulns")), latest
        return Verification("exists", advisories=advisories, checked_version=checked,
                            from_cache=answer.cached)

    def npm_advisories(self, wanted: list[tuple[str, str]], deadline: float
                       ) -> dict[tuple[str, str], tuple[Advisory, ...]]:
        """Advisories for exact (name, version) pairs, one bulk request for the uncached ones."""
        out: dict[tuple[str, str], tuple[Advisory, ...]] = {}
        missing: list[tuple[str, str]] = []
        for pair in wanted:
            hit = self.cache.get(f"npm-advisories {pair[0]}@{pair[1]}")
            if isinstance(hit, list):
                out[pair] = _advisories(hit)
            else:
                missing.append(pair)
        if not missing or self.offline:
            return out
        body: dict[str, list[str]] = {}
        for name, version in missing:
            body.setdefault(name, []).append(version)
        request = HttpRequest("POST", f"{self.urls['npm']}/-/npm/v1/security/advisories/bulk",
                              json.dumps(body).encode(), (("Content-Type", "application/json"),))
        left = deadline - time.monotonic()
        if left <= 0.05:
            return out
        self.requests_sent += 1
        try:
            response = self.fetcher(request, min(self.timeout, left))
        except Exception:
            return out
        if response.status != 200:
            return out
        try:
            data = json.loads(response.body)
        except ValueError:
            return out
        if not isinstance(data, dict):
            return out
        for name, version in missing:
            found = [
                {"id": str(a.get("github_advisory_id") or a.get("id") or ""),
                 "summary": str(a.get("title", "")), "url": str(a.get("url", "")),
                 "fixed_in": []}
                for a in data.get(name) or [] if isinstance(a, dict)]
            self.cache.put(f"npm-advisories {name}@{version}", found, TTL_ADVISORIES)
            out[(name, version)] = _advisories(found)
        return out

    def verify_many(self, items: Iterable[tuple[Dependency, str | None]], budget: float
                    ) -> dict[int, Verification]:
        """Verify each (dependency, version to check) within `budget` seconds; keyed by position."""
        deadline = time.monotonic() + max(0.0, budget)
        todo = list(items)
        results: dict[int, Verification] = {}
        if not todo:
            return results
        pool = ThreadPoolExecutor(max_workers=max(1, min(self.workers, len(todo))),
                                  thread_name_prefix="pavedroad-registry")
        futures: dict[Future[Verification], int] = {
            pool.submit(self.verify, dep, version, deadline): i
            for i, (dep, version) in enumerate(todo)}
        pending = set(futures)
        try:
            while pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                done, pending = wait(pending, timeout=left, return_when=FIRST_COMPLETED)
                for future in done:
                    try:
                        results[futures[future]] = future.result()
                    except Exception as exc:
                        results[futures[future]] = Verification(
                            "unverified", f"lookup failed ({type(exc).__name__})")
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        for future in pending:
            results[futures[future]] = Verification(
                "unverified", f"time budget of {budget:g} s exhausted")
        npm_pairs = [(dep.name, version) for i, (dep, version) in enumerate(todo)
                     if dep.ecosystem == "npm" and version and results.get(i, Verification(
                         "unverified")).status == "exists"]
        if npm_pairs:
            found = self.npm_advisories(npm_pairs, deadline)
            for i, (dep, version) in enumerate(todo):
                if dep.ecosystem == "npm" and version and (dep.name, version) in found:
                    old = results[i]
                    results[i] = Verification(old.status, old.reason, found[(dep.name, version)],
                                              version, old.from_cache)
        return results


def _nothing(_: HttpResponse) -> None:
    return None


def _pypi_summary(response: HttpResponse) -> dict[str, Any] | None:
    if response.truncated:
        return None
    data = json.loads(response.body)
    vulns = []
    for v in data.get("vulnerabilities") or []:
        if not isinstance(v, dict) or v.get("withdrawn"):
            continue
        vulns.append({"id": str(v.get("id", "")), "summary": str(v.get("summary") or
                                                                 v.get("details", ""))[:300],
                      "url": str(v.get("link", "")),
                      "fixed_in": [str(x) for x in v.get("fixed_in") or []][:10]})
    return {"version": str((data.get("info") or {}).get("version", "")), "vulns": vulns}


def _npm_summary(response: HttpResponse) -> dict[str, Any] | None:
    if response.truncated:
        return None
    data = json.loads(response.body)
    return {"latest": str((data.get("dist-tags") or {}).get("latest", ""))}


def _advisories(raw: Any) -> tuple[Advisory, ...]:
    out: list[Advisory] = []
    for item in raw or []:
        if isinstance(item, dict):
            out.append(Advisory(str(item.get("id", "")), str(item.get("summary", "")),
                                str(item.get("url", "")),
                                tuple(str(x) for x in item.get("fixed_in") or [])))
    return tuple(out)
