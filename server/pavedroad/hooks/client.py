"""`pavedroad hook TOOL EVENT`, the entry point the AI tools run: as little Python as possible.

It imports only the standard library, forwards stdin to the resident daemon (`daemon.py`) and
prints its answer. Without a daemon, or when it fails or takes longer than `TIMEOUT`, it answers
in this process (`cli.main`), so a missing daemon only costs time, never a check; and it starts
the daemon in the background for the next call unless `PAVEDROAD_HOOKD=0`.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys

#: Seconds to wait for the daemon before answering in-process (hosts wait 10 s or more).
TIMEOUT = 4.0


def _ask_daemon(tool: str, event: str, raw: bytes) -> dict[str, object] | None:
    from pavedroad.hooks import daemon

    path = daemon.socket_path()
    if not path.exists() or not daemon.safe_dir(path.parent, create=False):
        return None
    env = {k: os.environ[k] for k in daemon.FORWARDED_ENV if k in os.environ}
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(TIMEOUT)
            sock.connect(str(path))
            daemon.send_frame(sock, {"tool": tool, "event": event, "stdin": raw.hex(),
                                     "env": env})
            answer = daemon.recv_frame(sock)
    except (OSError, ValueError, ConnectionError):
        return None
    if "error" in answer or not isinstance(answer.get("code"), int):
        return None
    return answer


def _start_daemon() -> None:
    from pavedroad.hooks import daemon

    if os.environ.get("PAVEDROAD_HOOKD", "1") == "0":
        return
    if not daemon.safe_dir(daemon.socket_path().parent, create=True):
        return  # someone else can write there: no daemon (it would refuse to serve anyway)
    with contextlib.suppress(OSError):
        subprocess.Popen([sys.executable, "-m", "pavedroad", "hookd"], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True, close_fds=True)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or os.environ.get("PAVEDROAD_HOOKD") == "0":
        from pavedroad.hooks import cli

        return cli.main(argv)
    tool, event = argv
    raw = sys.stdin.buffer.read((64 << 20) + 1)
    answer = _ask_daemon(tool, event, raw)
    if answer is None:
        from pavedroad.hooks import cli

        result = cli.answer_hook(tool, event, raw)
        out, err, code = result.stdout, result.stderr, result.code
        _start_daemon()
    else:
        out, err, code = str(answer.get("stdout", "")), str(answer.get("stderr", "")), int(answer["code"])  # type: ignore[call-overload]
    if out:
        sys.stdout.write(out)
        sys.stdout.flush()
    if err:
        sys.stderr.write(err)
        sys.stderr.flush()
    return code
