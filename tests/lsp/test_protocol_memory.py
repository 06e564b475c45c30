"""The server forgets each notification once handled (pygls 2.1.1 kept a future per `didChange`
forever: about 1.6 KB per keystroke, found by `benchmarks/bench_keystroke.py`'s memory run).

In-process on purpose: what is asserted is the size of pygls' own table of futures, which is not
visible over stdio (the RSS growth it causes is, but only as a noisy, timing-dependent figure).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from pavedroad.lsp.app import create_server

KEYS = 300


class _Sink:
    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        pass


async def _type(root: Path) -> tuple[int, int]:
    server = create_server()
    protocol = server.protocol
    protocol.set_writer(_Sink())

    def send(message: dict[str, Any]) -> None:
        protocol.handle_message(protocol.structure_message({"jsonrpc": "2.0", **message}))

    path = root / "auth.py"
    path.write_text("import jwt\n\n\ndef verify(token):\n    return jwt.decode(token, 'k')\n")
    send({"id": 1, "method": "initialize",
          "params": {"processId": None, "rootUri": root.as_uri(), "capabilities": {}}})
    send({"method": "initialized", "params": {}})
    uri = path.as_uri()
    send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": path.read_text()}}})
    for version in range(2, KEYS + 2):
        position = {"line": 5, "character": 0}
        send({"method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": position, "end": position}, "text": "#"}]}})
        await asyncio.sleep(0)
    for _ in range(200):  # let the debounced work finish
        await asyncio.sleep(0.02)
        if not server.pending or all(task.done() for task in server.pending.values()):
            break
    await asyncio.sleep(0.05)
    return len(protocol._request_futures), len(server.documents)


def test_handled_notifications_leave_nothing_behind(tmp_path: Path) -> None:
    futures, documents = asyncio.run(_type(tmp_path))
    assert documents == 1  # the keystrokes did reach the server
    assert futures <= 2, f"{futures} futures kept after {KEYS} keystrokes"
