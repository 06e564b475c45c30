"""The user's approvals of url maps that repositories name (`extends: {url, sha256}`).

A repository must not make pavedroad fetch from any host it likes (tracking, internal hosts, a
slow server that hangs the editor), so a url map it names is fetched only after the user approves
that url *and* digest, once: the editor asks, the answer is kept here, outside every repository,
in `$XDG_CONFIG_HOME/pavedroad/approved-maps.json`. The digest pin means an approval can never
let other content in. Central maps never need approval.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from pathlib import Path

MAX_FILE_BYTES = 1 << 20


def approvals_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "pavedroad" / "approved-maps.json"


def _load(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read(MAX_FILE_BYTES))
    except (OSError, ValueError):
        return []
    entries = data.get("approved") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("url"), str)
            and isinstance(e.get("sha256"), str)]


def is_approved(url: str, sha256: str, path: Path | None = None) -> bool:
    """True when the user approved fetching `url` pinned to `sha256`."""
    digest = sha256.lower()
    return any(e["url"] == url and e["sha256"].lower() == digest
               for e in _load(path or approvals_file()))


def approve(url: str, sha256: str, path: Path | None = None) -> None:
    """Remember the approval (written atomically; failures are ignored: it is asked again)."""
    target = path or approvals_file()
    entries = _load(target)
    if any(e["url"] == url and e["sha256"].lower() == sha256.lower() for e in entries):
        return
    entries.append({"url": url, "sha256": sha256.lower(),
                    "approved": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")})
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".approved-", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"approved": entries}, handle, indent=1)
        os.replace(tmp, target)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
