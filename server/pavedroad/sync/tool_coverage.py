"""`coverage()`: per AI tool, whether its generated controls are current, and what they leave
unprotected, in the shape the editor shows (LSP `pavedroad/toolCoverage`).

A tool is `current` when every file it reads is what `pavedroad sync` would write, `missing`
when none of them exists yet, and `stale` otherwise (a file missing, out of date, edited by hand
or unmergeable). `detected` says whether the workspace shows signs of the tool being used
(its own rules or settings files, never a file sync writes), so the editor can warn about the
tools a team actually uses and stay quiet about the rest.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pavedroad.config.model import EffectiveConfig
from pavedroad.sync.planner import SyncPlan, plan
from pavedroad.sync.residual import Explanation, explain
from pavedroad.sync.tools import ALL_TOOL_IDS, SURFACE_NAMES, SURFACES, profile
from pavedroad.sync.writer import check_target

ToolStatus = Literal["current", "stale", "missing"]


@dataclass(frozen=True)
class FileStatus:
    path: str
    #: current | missing | stale | edited | error
    status: str
    message: str = ""

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "status": self.status, "message": self.message}


@dataclass(frozen=True)
class ToolCoverage:
    tool: str
    name: str
    status: ToolStatus
    files: tuple[FileStatus, ...]
    detected: bool
    #: surfaces where every zone that asks something is enforced, e.g. "agent read: secrets, auth"
    enforced: tuple[str, ...]
    #: what is only partly or not enforced, e.g. "terminal: secrets (not), (sensitive) (partly)"
    not_enforced: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "name": self.name,
            "status": self.status,
            "files": [f.path for f in self.files],
            "fileStatus": [f.to_json() for f in self.files],
            "detected": self.detected,
            "enforced": list(self.enforced),
            "notEnforced": list(self.not_enforced),
        }


def _detected(root: Path, markers: Iterable[str]) -> bool:
    for marker in markers:
        try:
            if os.path.lexists(root / marker):
                return True
        except (OSError, ValueError):
            continue
    return False


def _summaries(explanation: Explanation, tool: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    report = next((r for r in explanation.tools if r.profile.id == tool), None)
    if report is None:
        return (), ()
    enforced: list[str] = []
    gaps: list[str] = []
    for surface in SURFACES:
        cells = [c for c in report.cells if c.surface == surface and c.status != "n/a"]
        if not cells:
            continue
        name = SURFACE_NAMES[surface]
        weak = [c for c in cells if c.status != "enforced"]
        if not weak:
            enforced.append(f"{name}: " + ", ".join(c.zone for c in cells))
        else:
            gaps.append(f"{name}: " + ", ".join(f"{c.zone} ({c.status})" for c in weak))
    return tuple(enforced), tuple(gaps)


def coverage(root: str | os.PathLike[str], config: EffectiveConfig, *,
             hook_command: str | None = None, sync_plan: SyncPlan | None = None,
             tools: Iterable[str] | None = None) -> list[ToolCoverage]:
    """Coverage of every tool (or `tools`) under `config` for the workspace at `root`."""
    the_plan = sync_plan or plan(root, config, hook_command=hook_command)
    root_path = Path(root)
    explanation = explain(config, the_plan)
    statuses: dict[str, FileStatus] = {}
    for target in the_plan.targets:
        drift = check_target(root_path, target)
        statuses[target.path] = (FileStatus(target.path, "current") if drift is None
                                 else FileStatus(target.path, drift.kind, drift.message))
    out: list[ToolCoverage] = []
    for tool in (tools or ALL_TOOL_IDS):
        prof = profile(tool)
        if prof is None:
            continue
        files = tuple(statuses[t.path] for t in the_plan.for_tool(tool))
        if not files:
            continue
        kinds = {f.status for f in files}
        status: ToolStatus = ("current" if kinds == {"current"}
                              else "missing" if kinds == {"missing"} else "stale")
        enforced, gaps = _summaries(explanation, tool)
        if tool == "copilot-vscode" and the_plan.printed:
            gaps = (*gaps, "completion/chat: Copilot content exclusion lives in GitHub settings; "
                           "paste the rules `pavedroad sync` prints (cannot be checked here)")
        detect = prof.detect if tool != "codeowners" else ()
        out.append(ToolCoverage(tool, prof.name, status, files, _detected(root_path, detect),
                                enforced, gaps))
    return out
