"""pygls' protocol with two fixes: `shutdown` during a request, and a future kept per notification.

pygls 2.1.1 cancels the requests still running while iterating over the dict of their futures;
each cancellation's callback removes its entry, so a `shutdown` that arrives during another
request fails with "dictionary changed size during iteration": the client gets -32603, and the
server never marks itself shut down, so the `exit` that follows ends it with status 1. This
iterates over a copy.

pygls 2.1.1 also files the future of every notification whose handler is a generator, a coroutine
or a thread function (every `didChange`, through pygls' own generator handler) under a random id in
`_request_futures` and never removes it: about 1.6 KB per keystroke, for as long as the editor
runs (measured by `benchmarks/bench_keystroke.py`). A notification's future is dropped when done.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol, lsp_method


class PavedroadProtocol(LanguageServerProtocol):
    @lsp_method(types.SHUTDOWN)
    def lsp_shutdown(self, *args: Any) -> Generator[Any, Any, None]:
        if (user_handler := self.fm.features.get(types.SHUTDOWN)) is not None:
            yield user_handler, args, None
        current_id = self.msg_id
        for msg_id, future in list(self._request_futures.items()):
            if msg_id != current_id and not future.done():
                future.cancel()
        self._shutdown = True
        return None

    def _execute_handler(self, msg_id: Any, handler: Callable[..., Any], callback: Any,
                         args: tuple[Any, ...] | None = None,
                         kwargs: dict[str, Any] | None = None) -> None:
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        if callback != self._check_handler_result:
            return  # a request: pygls removes its future when it sends the response
        future = self._request_futures.get(msg_id)
        if future is not None:
            future.add_done_callback(lambda _done: self._request_futures.pop(msg_id, None))
