"""`pavedroad sync`: every AI tool's own controls, compiled from the effective zone config.

How a sync works:

1. `policy.path_policy(config)` reduces the config to path lists: what must not be read
   (`sensitive` + `context: deny` paths), what should warn, what must not be edited
   (`ai: deny` paths), and which reviewers own which paths.
2. `plan(root, config, hook_command=...)` turns them into targets: ignore files with one owned
   block, JSON settings with our hook entries and deny rules merged in, CODEOWNERS lines, and the
   Copilot content-exclusion YAML that is printed, not written. Hook entries run
   `pavedroad hook TOOL EVENT` and do not depend on the config.
3. `apply(plan)` writes what differs (atomically, never through a symlink, never dropping a
   team's keys or lines); `check(plan)` lists the drift instead (CI: `pavedroad sync --check`).
4. `explain(config, plan)` says per tool, surface and zone what is enforced, partly or not, and
   why; `coverage(root, config)` is the same per tool for the editor.
5. `managed.write_managed(DIR, ...)` writes the machine-level variants security deploys with MDM.

Nothing here decides whether code is in a zone: that stays with the classifier, which the hooks run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pavedroad.sync.hookspec import DEFAULT_HOOK_COMMAND, EVENTS
    from pavedroad.sync.native import native_entry_present
    from pavedroad.sync.planner import SyncPlan, plan
    from pavedroad.sync.residual import Explanation, explain
    from pavedroad.sync.targets import BlockTarget, JsonTarget, MergeError, Target
    from pavedroad.sync.tool_coverage import FileStatus, ToolCoverage, coverage
    from pavedroad.sync.writer import ApplyResult, Drift, apply, check

# Imported on first use: `pavedroad.cli` registers `sync.cli` for every command (the agent hooks
# included), and none of them should pay for loading the generators.
# (Module names differ from the function names, so a loaded submodule never shadows a function.)
_WHERE = {
    "ApplyResult": "writer", "Drift": "writer", "apply": "writer", "check": "writer",
    "FileStatus": "tool_coverage", "ToolCoverage": "tool_coverage", "coverage": "tool_coverage",
    "Explanation": "residual", "explain": "residual",
    "DEFAULT_HOOK_COMMAND": "hookspec", "EVENTS": "hookspec",
    "native_entry_present": "native",
    "SyncPlan": "planner", "plan": "planner",
    "BlockTarget": "targets", "JsonTarget": "targets", "MergeError": "targets", "Target": "targets",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'pavedroad.sync' has no attribute {name!r}")
    return getattr(importlib.import_module(f"pavedroad.sync.{module}"), name)


__all__ = [
    "DEFAULT_HOOK_COMMAND",
    "EVENTS",
    "ApplyResult",
    "BlockTarget",
    "Drift",
    "Explanation",
    "FileStatus",
    "JsonTarget",
    "MergeError",
    "SyncPlan",
    "Target",
    "ToolCoverage",
    "apply",
    "check",
    "coverage",
    "explain",
    "native_entry_present",
    "plan",
]
