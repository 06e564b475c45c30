"""pygls' protocol with its `shutdown` fixed.

pygls 2.1.1 cancels the requests still running while iterating over the dict of their futures;
each cancellation's callback removes its entry, so a `shutdown` that arrives during another
request fails with "dictionary changed size during iteration": the client gets -32603, and the
server never marks itself shut down, so the `exit` that follows ends it with status 1. This
iterates over a copy.
"""

from __future__ import annotations

from collections.abc import Generator
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
