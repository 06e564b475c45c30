"""AI tool coverage in the editor: which agents' controls this workspace has, and a "Sync".

`pavedroad/toolCoverage` `{uri?}` -> `{tools: [{tool, status, files, notEnforced}]}` (status
`current`, `stale` or `missing`, from `pavedroad.sync.coverage`) and the command `pavedroad.sync`
`(uri?)` -> `{written, removed, errors}`, which writes the same files `pavedroad sync` does.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from pygls.uris import to_fs_path

from pavedroad.lsp.roots import RootState
from pavedroad.lsp.server import PavedroadServer

SYNC_COMMAND = "pavedroad.sync"


async def _state(ls: PavedroadServer, uri: Any) -> RootState | None:
    path = to_fs_path(uri) if isinstance(uri, str) else None
    if path is None:
        folders = [to_fs_path(f.uri) for f in ls.workspace.folders.values()]
        path = next((p for p in folders if p), None)
    if path is None:
        return None
    return await ls.roots.ensure(ls.roots.root_for(Path(path)))


def register(server: PavedroadServer) -> None:
    @server.feature("pavedroad/toolCoverage")
    async def tool_coverage(ls: PavedroadServer, params: Any) -> dict[str, Any]:
        from pavedroad.sync import coverage

        uri = getattr(params, "uri", None) if params is not None else None
        state = await _state(ls, uri)
        if state is None:
            return {"tools": []}
        tools = await asyncio.to_thread(coverage, state.root, state.config)
        return {"tools": [t.to_json() for t in tools]}

    @server.command(SYNC_COMMAND)
    async def sync(ls: PavedroadServer, *args: Any) -> dict[str, Any]:
        from pavedroad.sync import apply, plan

        state = await _state(ls, args[0] if args else None)
        if state is None:
            return {"written": [], "removed": [], "errors": [{"path": "", "message": "no workspace"}]}
        result = await asyncio.to_thread(lambda: apply(plan(state.root, state.config)))
        return {"written": list(result.written), "removed": list(result.removed),
                "errors": [{"path": p, "message": m} for p, m in result.errors]}
