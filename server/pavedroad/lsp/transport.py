"""The stdio message loop, hardened against broken or hostile framing.

pygls' loop trusts the client: `Content-Length: 10^12` makes it allocate a terabyte and die, a
length off by a few bytes desynchronises it for good (every later header lands mid-line and is
never recognised again), and a request whose params do not fit their type is logged and never
answered. This loop replaces it:

0. Bytes are read from the descriptor with our own buffer, so a body that stalls can be looked
   at: a client that announced a few bytes too many and now waits for the answer is served
   with the whole JSON value it did send.
1. Headers are found anywhere at the end of a line (`...garbage}Content-Length: 52`), so the
   stream resynchronises on the next message after any framing error.
2. A length above `MAX_MESSAGE_BYTES` is refused without reading the body: the loop skips to the
   next header instead of allocating it.
3. A body that is not JSON is searched for the next `Content-Length:` header (the client's length
   was too long and swallowed it), and the rest is read again as headers.
4. A request that cannot be structured gets a JSON-RPC error answer (-32602 invalid params), so
   the client never waits forever.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import select
import threading
from collections.abc import Callable
from typing import Any

from lsprotocol import types

log = logging.getLogger(__name__)

#: Largest message accepted (a didOpen of a very large file fits; a terabyte claim does not).
MAX_MESSAGE_BYTES = 256 << 20
#: Longest header line kept while looking for a header.
MAX_HEADER_LINE = 64 << 10
#: A body that stops arriving for this long is checked for a whole JSON value (see `_read`).
STALL_SECONDS = 0.5
_HEADER = re.compile(rb"content-length:[ \t]*(\d{1,20})[ \t]*\r?\n?$", re.IGNORECASE)
_HEADER_ANYWHERE = re.compile(rb"content-length:[ \t]*\d{1,20}[ \t]*\r?\n", re.IGNORECASE)

INVALID_PARAMS = -32602
INVALID_REQUEST = -32600


class FramedReader:
    """Reads LSP frames from a file descriptor, with its own buffer (so it can push bytes back
    when resynchronising, and notice a stalled body)."""

    def __init__(self, fd: int, stall_seconds: float = STALL_SECONDS) -> None:
        self.fd = fd
        self.pending = b""
        self.eof = False
        self.stall_seconds = stall_seconds

    def _fill(self, timeout: float | None = None) -> bool:
        """Read what is available into `pending`; False on end of stream or timeout."""
        if self.eof:
            return False
        if timeout is not None:
            ready, _, _ = select.select([self.fd], [], [], timeout)
            if not ready:
                return False
        try:
            chunk = os.read(self.fd, 1 << 16)
        except InterruptedError:
            return True
        except OSError:
            chunk = b""
        if not chunk:
            self.eof = True
            return False
        self.pending += chunk
        return True

    def _readline(self) -> bytes:
        while True:
            cut = self.pending.find(b"\n")
            if cut >= 0:
                line, self.pending = self.pending[: cut + 1], self.pending[cut + 1 :]
                return line
            if len(self.pending) > MAX_HEADER_LINE:  # noise without newlines: keep the tail,
                line, self.pending = self.pending[:-64], self.pending[-64:]  # a header may start
                return line
            if not self._fill():
                line, self.pending = self.pending, b""
                return line

    def _read(self, n: int) -> bytes:
        while len(self.pending) < n:
            if self._fill(self.stall_seconds):
                continue
            if self.eof:
                break
            # Stalled: a client that announced too many bytes waits for our answer. If what we
            # have starts with a whole JSON value, that was the body.
            end = _json_end(self.pending)
            if end is not None:
                body, self.pending = self.pending[:end], self.pending[end:]
                log.error("message shorter than its Content-Length (%d < %d); used as is",
                          len(body), n)
                return body
        body, self.pending = self.pending[:n], self.pending[n:]
        return body

    def next_body(self) -> bytes | None:
        """The next message body, or None at the end of the stream."""
        length: int | None = None
        while True:
            line = self._readline()
            if not line:
                return None
            match = _HEADER.search(line)
            if match is not None:
                length = int(match.group(1))
                continue
            if line.strip() or length is None:
                continue  # another header (Content-Type), or noise before a header
            if length > MAX_MESSAGE_BYTES:
                log.error("refused a message of %d bytes (limit %d); skipped", length,
                          MAX_MESSAGE_BYTES)
                length = None
                continue  # its body is read as noise until the next header
            body = self._read(length)
            if len(body) < length and self.eof:
                return None
            return body

    def resync(self, body: bytes) -> bytes | None:
        """For a body that is not JSON: the part before a swallowed header, and that header and
        what follows pushed back to be read again; None when the body holds no header."""
        match = _HEADER_ANYWHERE.search(body)
        if match is None:
            return None
        self.pending = body[match.start():] + self.pending
        return body[: match.start()]


def _json_end(data: bytes) -> int | None:
    """The byte length of a whole JSON value at the start of `data`, or None."""
    try:
        text = data.decode("utf-8")
        _value, end = json.JSONDecoder().raw_decode(text)
    except ValueError:
        return None
    return len(text[:end].encode("utf-8"))


def _error(protocol: Any, msg_id: Any, code: int, message: str) -> None:
    protocol._send_response(msg_id, error=types.ResponseError(code=code, message=message))


def handle_body(protocol: Any, reader: FramedReader, body: bytes) -> None:
    """Decode one body and hand it to pygls; answer requests it cannot handle."""
    try:
        raw = json.loads(body)
    except ValueError:
        head = reader.resync(body)
        if head is not None:
            try:
                raw = json.loads(head)
            except ValueError:
                log.error("dropped a message that is not JSON (framing error?)")
                return
            body = head
        else:
            log.error("dropped a message that is not JSON")
            return
    if not isinstance(raw, dict):
        log.error("dropped a JSON-RPC message that is not an object")
        return
    try:
        message = json.loads(body, object_hook=protocol.structure_message)
    except Exception as exc:
        if "id" in raw and "method" in raw:
            _error(protocol, raw["id"], INVALID_PARAMS,
                   f"invalid params for {str(raw.get('method'))[:100]}: {type(exc).__name__}")
        else:
            log.error("dropped a message whose params do not fit %s", raw.get("method"))
        return
    protocol.handle_message(message)


async def run(
    stop_event: threading.Event,
    fd: int,
    protocol: Any,
    executor: Any,
    error_handler: Callable[..., Any] | None = None,
) -> None:
    """The message loop: read frames in `executor`, handle them on the event loop."""
    reader = FramedReader(fd)
    loop = asyncio.get_running_loop()
    while not stop_event.is_set():
        body = await loop.run_in_executor(executor, reader.next_body)
        if body is None:
            break
        try:
            handle_body(protocol, reader, body)
        except Exception as exc:
            log.exception("unable to handle a message")
            if error_handler is not None:
                error_handler(exc, Exception)
