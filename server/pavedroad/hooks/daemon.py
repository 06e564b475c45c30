"""Resident mode: one per-user process that answers hooks with the config already loaded.

An AI tool starts `pavedroad hook` for every action; a Python process that imports the engine and
loads the config costs a few hundred milliseconds, which agents feel on every file they touch.
`pavedroad hookd` keeps the engine imported and each root's config and classifier loaded
(reloaded when a file it came from changes), and `pavedroad hook` becomes a thin client
(`client.py`) that forwards its stdin over a unix socket.

Safety: the socket lives in a directory only the user can enter (`$XDG_RUNTIME_DIR/pavedroad`, else
`/tmp/pavedroad-<uid>`, created 0700 and refused if anyone else owns it or can write to it), and
the daemon answers only peers with the user's own uid (`SO_PEERCRED`). The client falls back to
answering in its own process whenever the daemon is missing, slow or broken, so the daemon can
never be why an action goes unchecked. It exits after `--idle-exit` seconds without a request.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import stat
import struct
import sys
import threading
import time
from pathlib import Path
from typing import Any

from pavedroad import __version__

#: Environment variables a request carries (the daemon's own environment is the user's at
#: start-up; central maps may differ per terminal).
FORWARDED_ENV = ("PAVEDROAD_CENTRAL", "PAVEDROAD_SYSTEM_CENTRAL", "PAVEDROAD_NOW",
                 "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "PAVEDROAD_LOG_KEY")
MAX_REQUEST = 80 << 20


def socket_dir() -> Path:
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) / "pavedroad" if runtime else Path(f"/tmp/pavedroad-{os.getuid()}")
    return base


def build_id() -> str:
    """The version plus the newest source mtime of the package: a daemon never answers with
    code older than the client's (an upgrade or an edited checkout gets a new socket)."""
    package = Path(__file__).resolve().parents[1]
    newest = 0
    for directory, _dirs, files in os.walk(package):
        for name in files:
            if name.endswith(".py"):
                with contextlib.suppress(OSError):
                    newest = max(newest, os.stat(os.path.join(directory, name)).st_mtime_ns)
    return f"{__version__}-{newest:x}"


#: A unix socket path must fit in sockaddr_un (108 bytes on Linux).
MAX_SOCKET_PATH = 100


def socket_path() -> Path:
    name = f"hookd-{build_id()}.sock"
    path = socket_dir() / name
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        path = Path(f"/tmp/pavedroad-{os.getuid()}") / name
    return path


def safe_dir(path: Path, create: bool) -> bool:
    """True when `path` is a directory only this user owns and can write (created if asked)."""
    try:
        if create:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(path)
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def send_frame(sock: socket.socket, payload: dict[str, Any]) -> None:
    body = json.dumps(payload).encode()
    sock.sendall(struct.pack(">I", len(body)) + body)


def recv_frame(sock: socket.socket, limit: int = MAX_REQUEST) -> dict[str, Any]:
    header = _recv_exact(sock, 4)
    (length,) = struct.unpack(">I", header)
    if length > limit:
        raise ValueError("frame too large")
    data = json.loads(_recv_exact(sock, length))
    if not isinstance(data, dict):
        raise ValueError("frame is not an object")
    return data


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    chunks = []
    while n:
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            raise ConnectionError("closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _peer_uid(conn: socket.socket) -> int | None:
    try:
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    except (OSError, AttributeError):
        return None
    _pid, uid, _gid = struct.unpack("3i", creds)
    return int(uid)


def _handle(conn: socket.socket) -> None:
    from pavedroad.hooks.cli import answer_hook

    with conn:
        if _peer_uid(conn) != os.getuid():
            return
        try:
            request = recv_frame(conn)
            raw = bytes.fromhex(str(request.get("stdin", "")))
            env = {k: v for k, v in (request.get("env") or {}).items()
                   if k in FORWARDED_ENV and isinstance(v, str)}
            answer = answer_hook(str(request.get("tool")), str(request.get("event")), raw,
                                 environ={**os.environ, **env}
                                 if env else None)
            send_frame(conn, {"stdout": answer.stdout, "stderr": answer.stderr,
                              "code": answer.code})
        except Exception as exc:  # the client answers itself when it gets no frame
            with contextlib.suppress(OSError):
                send_frame(conn, {"error": type(exc).__name__})


def serve(path: Path, idle_exit: float) -> int:
    """Serve until `idle_exit` seconds pass without a request."""
    if not safe_dir(path.parent, create=True):
        print(f"pavedroad hookd: {path.parent} is not private to this user; not serving",
              file=sys.stderr)
        return 2
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    os.chmod(path, 0o600)
    server.listen(32)
    server.settimeout(1.0)
    last = time.monotonic()
    try:
        while time.monotonic() - last < idle_exit:
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            last = time.monotonic()
            threading.Thread(target=_handle, args=(conn,), daemon=True).start()
    finally:
        server.close()
        with contextlib.suppress(OSError):
            path.unlink()
    return 0


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="pavedroad hookd",
                                     description="answer agent hooks from a resident process")
    parser.add_argument("--idle-exit", type=float, default=900.0,
                        help="exit after this many seconds without a request (default 900)")
    args = parser.parse_args(argv)
    from pavedroad.hooks import cli  # import the engine once, before the first request

    _ = cli
    return serve(socket_path(), args.idle_exit)
