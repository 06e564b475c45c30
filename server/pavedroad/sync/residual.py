"""The residual-risk report (`pavedroad sync --explain`): where each zone is, and is not,
protected by the controls `pavedroad sync` generates, per tool and surface.

How one cell (tool x zone x surface) is decided:

1. The zone's levels say what the surface needs (`tools.py`): `context: deny` needs reads blocked
   (by path, and for content-rule zones by classifying content), `context: warn` a warning,
   `ai: deny` edits blocked, `ai: review` edits recorded, `ai: warn` a message. A zone that asks
   nothing of the surface is `n/a`.
2. Each need is looked up in the tool's table: covered fully, partly, or not at all.
3. All covered fully -> `enforced`; none covered -> `not`; otherwise `partly`. The reasons say
   which control does what and what is missing.

`enforced` means a generated control blocks it *while that control runs*; the tool's caveats
(hooks that time out open, trust prompts, settings that disable repository hooks) say when it
does not, and they are part of the report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pathspec

from pavedroad.config.model import EffectiveConfig, Level
from pavedroad.shown import shown
from pavedroad.sync import patterns
from pavedroad.sync.planner import COPILOT_REPO_KEY, SyncPlan
from pavedroad.sync.policy import SENSITIVE, ZoneFacts, all_facts
from pavedroad.sync.tools import (
    PROFILES,
    SURFACE_NAMES,
    SURFACES,
    Cover,
    Need,
    Status,
    Surface,
    ToolProfile,
)

NEED_NAMES: dict[str, str] = {
    "read_path": "reads of its files",
    "read_content": "reads of code found by content rules or markers",
    "read_warn": "a warning on reads",
    "edit_path": "edits of its files",
    "edit_content": "edits of code found by content rules or markers",
    "edit_record": "recording AI edits for review",
    "edit_warn": "a warning on edits",
}

GENERAL_NOTES = (
    "Hooks are the only control that understands functions: a zone found by content rules "
    "(imports, calls, symbols, queries) or inline `pavedroad: zone=` markers is enforced only "
    "where a hook runs pavedroad's classifier; ignore files, deny rules and content exclusion are "
    "path-only.",
    "Every tool lets an action proceed when a hook times out (Cursor's failClosed hooks block "
    "instead); repository-level hooks can be switched off by repository or user settings unless "
    "deployed with `pavedroad sync --managed`.",
    "AI completions accepted into an `ai: deny` zone are not prevented by any tool; the editor "
    "and `pavedroad check` report them (PR103), as they report unreviewed AI code in review zones "
    "(PR102).",
    "Tools with no control generated here are not covered at all, e.g. Amazon Q Developer (no "
    "file-level control), Sourcegraph Cody, Kiro, and any other assistant.",
)


@dataclass(frozen=True)
class Cell:
    tool: str
    zone: str
    surface: Surface
    status: Status
    why: str
    #: need -> "enforced" | "partly" | "not"
    needs: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"zone": self.zone, "surface": self.surface, "status": self.status, "why": self.why,
                "needs": dict(self.needs)}


@dataclass(frozen=True)
class ToolReport:
    profile: ToolProfile
    cells: tuple[Cell, ...]
    files: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        p = self.profile
        return {"tool": p.id, "name": p.name, "controls": list(p.controls), "files": list(self.files),
                "source": p.source, "caveats": list(p.caveats),
                "cells": [c.to_json() for c in self.cells]}


@dataclass(frozen=True)
class Explanation:
    root: str
    digest: str
    hook_command: str
    zones: tuple[ZoneFacts, ...]
    tools: tuple[ToolReport, ...]
    codeowners: tuple[str, ...]
    notes: tuple[str, ...] = field(default=GENERAL_NOTES)

    def cell(self, tool: str, zone: str, surface: str) -> Cell | None:
        for report in self.tools:
            if report.profile.id == tool:
                for c in report.cells:
                    if c.zone == zone and c.surface == surface:
                        return c
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "configDigest": self.digest,
            "hookCommand": self.hook_command,
            "zones": [_zone_json(z) for z in self.zones],
            "tools": [t.to_json() for t in self.tools],
            "codeowners": list(self.codeowners),
            "notes": list(self.notes),
        }

    def to_text(self) -> str:
        return _text(self)


def _zone_json(z: ZoneFacts) -> dict[str, Any]:
    return {"id": z.id, "title": z.title, "ai": str(z.ai), "context": str(z.context),
            "scope": z.scope, "paths": list(z.paths), "contentRules": list(z.content_rules),
            "reviewers": list(z.reviewers)}


# --------------------------------------------------------------------------------------------
# deciding cells


def needs_of(z: ZoneFacts, surface: Surface) -> list[Need]:
    read: list[Need] = []
    if z.context >= Level.DENY:
        if z.has_paths:
            read.append("read_path")
        if z.has_content:
            read.append("read_content")
    elif z.context == Level.WARN:
        read.append("read_warn")
    edit: list[Need] = []
    if z.ai >= Level.DENY:
        if z.has_paths:
            edit.append("edit_path")
        if z.has_content:
            edit.append("edit_content")
    elif z.ai == Level.REVIEW:
        edit.append("edit_record")
    elif z.ai == Level.WARN:
        edit.append("edit_warn")
    if surface == "agent_edit":
        return edit
    if surface == "terminal":
        return read + edit
    return read


def assess(profile: ToolProfile, z: ZoneFacts, surface: Surface) -> Cell:
    table = profile.surfaces.get(surface)
    if table is None:
        return Cell(profile.id, z.id, surface, "n/a", f"{profile.name} has no {SURFACE_NAMES[surface]} surface")
    wanted = needs_of(z, surface)
    if not wanted:
        return Cell(profile.id, z.id, surface, "n/a",
                    f"nothing to enforce here (ai: {z.ai}, context: {z.context})")
    results: list[tuple[str, str]] = []
    reasons: list[str] = []
    for need in wanted:
        cover: Cover | None = table.get(need)
        if (cover is None and surface == "agent_edit" and need == "edit_path"
                and z.context >= Level.DENY and z.has_paths):
            cover = profile.read_block_edits
        if cover is None:
            gap = profile.gaps.get(surface, "no generated control covers it")
            results.append((need, "not"))
            reasons.append(f"{NEED_NAMES[need]}: not covered ({gap})")
        else:
            results.append((need, cover.status))
            reasons.append(f"{NEED_NAMES[need]}: {cover.how}" + (" (partly)" if cover.status == "partly" else ""))
    statuses = {s for _, s in results}
    status: Status = "enforced" if statuses == {"enforced"} else "not" if statuses == {"not"} else "partly"
    return Cell(profile.id, z.id, surface, status, "; ".join(reasons), tuple(results))


# --------------------------------------------------------------------------------------------
# CODEOWNERS


def _overlaps(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    from pavedroad.prompts.sensitive import pattern_samples

    try:
        spec_a = pathspec.GitIgnoreSpec.from_lines(a)
        spec_b = pathspec.GitIgnoreSpec.from_lines(b)
    except Exception:
        return False
    return (any(spec_b.match_file(s) for p in a for s in pattern_samples(p))
            or any(spec_a.match_file(s) for p in b for s in pattern_samples(p)))


def codeowners_notes(facts: list[ZoneFacts], plan: SyncPlan | None) -> list[str]:
    path = next((t.path for t in plan.targets if "codeowners" in t.tools), "CODEOWNERS") if plan else "CODEOWNERS"
    notes: list[str] = []
    routed: list[ZoneFacts] = []
    for z in facts:
        if z.id == SENSITIVE:
            continue
        if not z.reviewers:
            notes.append(f"{z.id}: no reviewers in the config; nothing routed")
            continue
        if z.bad_owners:
            notes.append(f"{z.id}: not valid CODEOWNERS owners, left out: {', '.join(z.bad_owners)} "
                         "(use @user, @org/team or an e-mail address)")
        if not z.owners:
            continue
        if not z.has_paths:
            notes.append(f"{z.id}: found by content rules only, which CODEOWNERS cannot express; "
                         f"its reviewers ({', '.join(z.owners)}) are asked by `pavedroad check` "
                         "(PR102), not by GitHub")
            continue
        widened = [g for g in (patterns.parse(p) for p in z.paths) if g and patterns.codeowners(g)[1]]
        line = f"{z.id}: {len(z.paths)} path pattern(s) routed to {', '.join(z.owners)} in {path}"
        if z.has_content:
            line += "; code found by its content rules elsewhere is not routed (only `pavedroad check` sees it)"
        notes.append(line)
        if widened:
            notes.append(f"{z.id}: widened for CODEOWNERS (no [ ], escapes or spaces there): "
                         + ", ".join(g.raw for g in widened))
        routed.append(z)
    ordered = sorted(routed, key=lambda z: max(z.ai, z.context))
    for i, early in enumerate(ordered):
        for late in ordered[i + 1:]:
            if _overlaps(early.paths, late.paths):
                notes.append(f"{early.id} and {late.id} may both match some files: there only "
                             f"{late.id}'s reviewers are requested (the last matching line wins)")
    if routed:
        notes.append("GitHub requires one approval from any listed owner, and only with branch "
                     "protection 'Require review from Code Owners' turned on")
    return notes


# --------------------------------------------------------------------------------------------


def explain(config: EffectiveConfig, plan: SyncPlan | None = None) -> Explanation:
    """The residual-risk report for `config` (and the files in `plan`, when given)."""
    facts = all_facts(config)
    reports: list[ToolReport] = []
    for profile in PROFILES:
        cells = tuple(assess(profile, z, s) for z in facts for s in SURFACES)
        files = tuple(t.path for t in plan.for_tool(profile.id)) if plan else ()
        reports.append(ToolReport(profile, cells, files))
    return Explanation(
        root=str(plan.root) if plan else config.root,
        digest=config.digest,
        hook_command=plan.hook_command if plan else "",
        zones=tuple(facts),
        tools=tuple(reports),
        codeowners=tuple(codeowners_notes(facts, plan)),
    )


# --------------------------------------------------------------------------------------------
# text


_MARK = {"enforced": "ENFORCED", "partly": "PARTLY", "not": "NOT", "n/a": "-"}


def _zone_line(z: ZoneFacts) -> str:
    levels = f"context {z.context}" if z.id == SENSITIVE else f"ai {z.ai}, context {z.context}"
    what: list[str] = []
    if z.paths:
        listed = ", ".join(z.paths[:3]) + (f", ... ({len(z.paths)})" if len(z.paths) > 3 else "")
        what.append(f"paths {listed}")
    if z.content_rules:
        what.append("content rules (" + ", ".join(z.content_rules) + f"; scope {z.scope})")
    elif not z.paths and z.id != SENSITIVE:
        what.append("no rules (inline markers only)")
    return f"  {z.id:<14} {levels:<28} {'; '.join(what)}"


def _text(e: Explanation) -> str:
    out: list[str] = [f"Residual risk of the AI tools' own controls for {e.root}"]
    if e.digest:
        out.append(f"Zone config digest {e.digest[:16]}" + (f"; hook command `{e.hook_command}`." if e.hook_command else "."))
    out += ["", "Zones:"] + [_zone_line(z) for z in e.zones]
    out += ["",
            "ENFORCED: a generated control blocks it (while the control runs: see each tool's caveats).",
            "PARTLY: only some ways in are covered.  NOT: nothing generated covers it.  -: nothing to enforce.",
            ]
    width = max([len(z.id) for z in e.zones] + [6])
    header = f"    {'zone':<{width}}  " + "  ".join(f"{SURFACE_NAMES[s]:<10}" for s in SURFACES)
    for report in e.tools:
        p = report.profile
        files = ", ".join(report.files or p.controls)
        out += ["", f"== {p.name} ({files})", f"   targets: {p.source}", header]
        by_zone: dict[str, dict[str, Cell]] = {}
        for c in report.cells:
            by_zone.setdefault(c.zone, {})[c.surface] = c
        for z in e.zones:
            row = by_zone.get(z.id, {})
            marks = "  ".join(f"{_MARK[row[s].status] if s in row else '?':<10}" for s in SURFACES)
            out.append(f"    {z.id:<{width}}  {marks}")
        gaps = [c for c in report.cells if c.status in ("partly", "not")]
        if gaps:
            out.append("   gaps:")
            for c in gaps:
                out.append(f"    - {c.zone} / {SURFACE_NAMES[c.surface]}: {_MARK[c.status]}: {c.why}")
        if p.caveats:
            out.append("   caveats:")
            out += [f"    - {c}" for c in p.caveats]
    out += ["", "== Review routing (CODEOWNERS)"]
    out += [f"  - {n}" for n in e.codeowners] or ["  - no zone has reviewers"]
    out += ["", "Notes:"] + [f"  - {n}" for n in e.notes]
    # each entry is one line; paths, rules and reviewers in them come from the repository's config
    return "\n".join(shown(line) for line in out) + "\n"


def to_json_text(e: Explanation) -> str:
    return json.dumps(e.to_json(), indent=2) + "\n"


def copilot_pending(plan: SyncPlan) -> bool:
    """Whether the plan has content-exclusion rules an admin must paste (nothing can check them)."""
    return COPILOT_REPO_KEY in plan.printed


# --------------------------------------------------------------------------------------------
# the per-tool tables in docs/agents.md (generated, so the docs and the report cannot drift)


_SYMBOL = {"enforced": "enforced", "partly": "partly", "not": "**not**", "n/a": "–"}

ARCHETYPES: tuple[tuple[str, ZoneFacts], ...] = (
    ("Files matched by path, `context: deny` (and `sensitive:` files)",
     ZoneFacts("paths-context-deny", "", Level.ALLOW, Level.DENY, "file", ("secrets/**",), (), ())),
    ("Files matched by path, `ai: deny`",
     ZoneFacts("paths-ai-deny", "", Level.DENY, Level.ALLOW, "file", ("infra/prod/**",), (), ())),
    ("Code found by content rules (a function-level zone), `ai: deny`",
     ZoneFacts("content-ai-deny", "", Level.DENY, Level.ALLOW, "symbol", (), ("calls",), ())),
    ("Files matched by path, `ai: review`, `context: warn`",
     ZoneFacts("paths-review", "", Level.REVIEW, Level.WARN, "symbol", ("src/auth/**",), (), ())),
)


def docs_tables() -> str:
    """Markdown: per archetypal zone, each tool's status per surface; then each tool's sources."""
    head = "| tool | " + " | ".join(SURFACE_NAMES[s] for s in SURFACES) + " |"
    rule = "|---|" + "---|" * len(SURFACES)
    out: list[str] = []
    for title, facts in ARCHETYPES:
        out += [f"**{title}**", "", head, rule]
        for profile in PROFILES:
            marks = [_SYMBOL[assess(profile, facts, s).status] for s in SURFACES]
            out.append(f"| {profile.name} | " + " | ".join(marks) + " |")
        out.append("")
    out += ["**What each generator targets**", "", "| tool | files | version / source |", "|---|---|---|"]
    for profile in PROFILES:
        files = ", ".join(f"`{c}`" if c.startswith(".") else c for c in profile.controls)
        out.append(f"| {profile.name} | {files} | {profile.source} |")
    return "\n".join(out) + "\n"
