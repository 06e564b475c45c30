"""Which hook file is a host's own, so one check does not run twice.

Several hosts also run *other* tools' hook files: Cursor runs `.claude/settings.json` hooks
(Third-Party Imports, on by default), Copilot CLI and VS Code run them too, and VS Code runs
`.github/hooks/*.json`. `pavedroad sync` writes each host's native file, so an invocation from a
foreign file is a duplicate. `pavedroad hook claude ...` called with a Cursor, Copilot or VS Code
payload can ask `native_entry_present(root, host)` and answer nothing (exit 0, no output) when
that host's own file already runs pavedroad. The check is one small file read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from pavedroad.sync import jsonc
from pavedroad.sync.hookspec import is_our_handler

#: host (as `pavedroad hook` sniffs it) -> its native hook files, relative to the workspace root
NATIVE_FILES: dict[str, tuple[str, ...]] = {
    "claude": (".claude/settings.json",),
    "cursor": (".cursor/hooks.json",),
    "copilot": (".github/hooks/pavedroad.json",),
    "copilot-vscode": (".github/hooks/pavedroad.json",),
    "gemini": (".gemini/settings.json",),
    "codex": (".codex/hooks.json",),
    "windsurf": (".windsurf/hooks.json",),
}
_MAX = 1024 * 1024


def _has_our_handler(value: object) -> bool:
    if isinstance(value, dict):
        if is_our_handler(value):
            return True
        return any(_has_our_handler(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_our_handler(v) for v in value)
    return False


def native_entry_present(root: str | os.PathLike[str], host: str, event: str | None = None) -> bool:
    """Whether `host`'s own hook file under `root` runs pavedroad (for `event`, when given)."""
    for rel in NATIVE_FILES.get(host, ()):
        path = Path(root) / rel
        try:
            if path.is_symlink() or path.stat().st_size > _MAX:
                continue
            doc = jsonc.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, jsonc.JsoncError):
            continue
        hooks = doc.get("hooks") if isinstance(doc, dict) else None
        if not isinstance(hooks, dict):
            continue
        if event is None:
            if _has_our_handler(hooks):
                return True
            continue
        for key, value in hooks.items():
            if key.lower() == event.lower() and _has_our_handler(value):
                return True
    return False


_TAIL = re.compile(r"^(?P<prefix>.*\S)\s+(?:claude|cursor|copilot|copilot-vscode|gemini|codex|windsurf)\s+\S+\s*$")


def _our_commands(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        if is_our_handler(value):
            for key in ("command", "bash"):
                if isinstance(value.get(key), str):
                    yield value[key]
        for v in value.values():
            yield from _our_commands(v)
    elif isinstance(value, list):
        for v in value:
            yield from _our_commands(v)


def existing_hook_command(root: str | os.PathLike[str]) -> str | None:
    """The hook command the workspace's generated files already use (`uvx pavedroad hook`, an
    absolute path, ...), so a sync without `--hook-command` (from the editor, say) keeps it."""
    seen: set[str] = set()
    for files in NATIVE_FILES.values():
        for rel in files:
            if rel in seen:
                continue
            seen.add(rel)
            path = Path(root) / rel
            try:
                if path.is_symlink() or path.stat().st_size > _MAX:
                    continue
                doc = jsonc.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, jsonc.JsoncError):
                continue
            hooks = doc.get("hooks") if isinstance(doc, dict) else None
            for command in _our_commands(hooks):
                m = _TAIL.match(command)
                if m:
                    return m.group("prefix")
    return None
