"""Pinned central maps fetched over http(s), cached on disk by their sha256.

A url entry always carries the sha256 of the file. The cache file is named by that digest, so a
cached copy whose content still hashes to the pin is used without any network (offline works), and a
fetched body that does not hash to the pin is refused without touching the cache. Cache files are
written atomically (temporary file in the same directory, then `os.replace`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Network timeout for one connect or read, in seconds.
FETCH_TIMEOUT = 5.0
#: Bound on the whole fetch, whatever the server does (see `http_fetch`).
FETCH_DEADLINE = 10.0
#: Largest central map accepted (bytes).
MAX_BYTES = 1 << 20

Fetch = Callable[[str], bytes]


class FetchError(Exception):
    """The map could not be obtained; the message is fit to show a user."""


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pavedroad" / "zones"


def _no_redirect_to_other_schemes() -> urllib.request.OpenerDirector:
    class _Redirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(
            self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
        ) -> Any:
            if not newurl.lower().startswith(("http://", "https://")):
                return None
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return urllib.request.build_opener(_Redirect)


def _fetch_blocking(url: str, deadline: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "pavedroad"})
    chunks: list[bytes] = []
    size = 0
    with _no_redirect_to_other_schemes().open(request, timeout=FETCH_TIMEOUT) as response:
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError("the server sends too slowly")
            chunk = response.read1(1 << 16) if hasattr(response, "read1") else response.read(1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_BYTES:
                break
    return b"".join(chunks)


def http_fetch(url: str, deadline_seconds: float = FETCH_DEADLINE) -> bytes:
    """GET `url` (http/https only) with a size cap and a bound on the *total* time.

    A per-read timeout alone lets a server that sends one byte every few seconds hold the caller
    for minutes, so the request runs in a daemon thread and the caller stops waiting at the
    deadline whatever the server does (the thread ends at its next read timeout).
    """
    if not url.lower().startswith(("http://", "https://")):
        raise FetchError(f"only http and https urls can be fetched, not {url!r}")
    deadline = time.monotonic() + deadline_seconds
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["body"] = _fetch_blocking(url, deadline)
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc

    thread = threading.Thread(target=work, name="pavedroad-fetch", daemon=True)
    thread.start()
    thread.join(deadline_seconds)
    if thread.is_alive():
        raise FetchError(f"cannot fetch {url}: no complete answer within {deadline_seconds:g}s")
    exc = outcome.get("error")
    if isinstance(exc, OSError):  # URLError, HTTPError, timeouts, connection refused
        reason = getattr(exc, "reason", None) or exc
        raise FetchError(f"cannot fetch {url}: {reason}") from None
    if exc is not None:  # malformed urls, http.client protocol errors
        raise FetchError(f"cannot fetch {url}: {exc}") from None
    body: bytes = outcome["body"]
    if len(body) > MAX_BYTES:
        raise FetchError(f"{url} is larger than {MAX_BYTES} bytes")
    return body


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cache_path(cache_dir: Path, digest: str) -> Path:
    return cache_dir / f"{digest.lower()}.yaml"


def read_cached(cache_dir: Path, digest: str) -> bytes | None:
    """The cached body for `digest` if present and intact, else None."""
    path = cache_path(cache_dir, digest)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if sha256_hex(data) == digest.lower() else None


def write_cached(cache_dir: Path, digest: str, data: bytes) -> None:
    """Store `data` atomically; failures (read-only cache, full disk) are ignored."""
    tmp_name = None
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", suffix=".yaml", dir=cache_dir)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, cache_path(cache_dir, digest))
        tmp_name = None
    except OSError:
        pass
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def get_pinned(url: str, digest: str, cache_dir: Path, fetch: Fetch | None = None) -> bytes:
    """The body of `url` whose sha256 is `digest`: from the cache, else fetched and cached.

    Raises FetchError when it cannot be fetched or its digest does not match the pin.
    """
    digest = digest.lower()
    cached = read_cached(cache_dir, digest)
    if cached is not None:
        return cached
    try:
        body = (fetch or http_fetch)(url)
    except FetchError:
        raise
    except Exception as exc:
        raise FetchError(f"cannot fetch {url}: {exc}") from None
    if not isinstance(body, bytes):
        raise FetchError(f"cannot fetch {url}: the fetcher returned no bytes")
    if len(body) > MAX_BYTES:
        raise FetchError(f"{url} is larger than {MAX_BYTES} bytes")
    actual = sha256_hex(body)
    if actual != digest:
        raise FetchError(f"digest mismatch for {url}: pinned sha256 {digest[:12]}…, fetched "
                         f"content has {actual[:12]}…; refusing it (update the pin only after "
                         "reviewing the new map)")
    write_cached(cache_dir, digest, body)
    return body
