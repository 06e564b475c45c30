"""Verdicts: zone regions x AI-written lines x sign-offs x exceptions -> findings.

For every zone region that AI-written lines overlap, the zone's `ai` level decides:

====== ======= ======== ==================================================
level  code    severity  clears when
====== ======= ======== ==================================================
allow  -       -         (nothing to report)
warn   PR101   warning   never (it is advice)
review PR102   warning   a matching sign-off exists in reviews.yaml
deny   PR103   error     never; an exception may relax the level
====== ======= ======== ==================================================

Overlapping zones each report their own verdict (so a sign-off or exception for one zone clears
only that zone's finding); the strictest of them is the most severe diagnostic on the line and
decides the CI exit code. Within one region, overlapping or adjacent AI spans form one finding
whose provenance is the strongest among them (explicit > history > heuristic); a finding from
heuristic spans only says "probable".

The sign-off hash of a finding (`data["region_hash"]`) is `code_hash` of the region's lines for a
symbol region, and of the AI-written lines for a file-scope region: a whole-file hash would
re-open every review on any edit anywhere in the file, while the reviewer only looked at the
AI-written part.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pavedroad import codes
from pavedroad.analysis.model import FileZones, Region
from pavedroad.config.model import EffectiveConfig, Level, Zone
from pavedroad.policy.records import ExceptionRecord, Review, code_hash, exception_status
from pavedroad.provenance.ranges import SOURCE_RANK, AiSpan, Source

Severity = Literal["error", "warning", "info"]

_CODE = {Level.WARN: codes.AI_WARN, Level.REVIEW: codes.AI_REVIEW, Level.DENY: codes.AI_DENY}
_SEVERITY: dict[Level, Severity] = {
    Level.WARN: "warning",
    Level.REVIEW: "warning",
    Level.DENY: "error",
}


@dataclass(frozen=True)
class Finding:
    """AI-written code in a zone. Lines are 1-based, inclusive.

    `data` carries what code actions need: ``zone``, ``path``, ``symbol``, ``kind``,
    ``region_start_line``/``region_end_line``, ``region_hash`` (the sign-off hash),
    ``lines_hash`` (of the finding's own lines, for stable fingerprints), ``level``
    (effective), ``zone_level`` (before exceptions), ``digest`` (policy digest) and, when an
    exception relaxed the level, ``exception_line`` and ``exception_expires``.
    """

    path: str
    start_line: int
    end_line: int
    zone: str
    level: str
    code: str
    severity: Severity
    message: str
    provenance: Source
    tool: str | None = None
    commit: str | None = None
    data: dict[str, Any] = field(default_factory=dict, compare=False)


def _describe_origin(source: Source, tool: str | None, commit: str | None) -> str:
    if source == "heuristic":
        return "Probable AI-written code (a block inserted in one edit)"
    details = []
    if tool:
        details.append(tool)
    if source == "history" and commit:
        details.append(f"commit {commit[:8]}")
    return "AI-written code" + (f" ({', '.join(details)})" if details else "")


def _zone_name(zone: Zone) -> str:
    if zone.title and zone.title != zone.id:
        return f"'{zone.title}' ({zone.id})"
    return f"'{zone.id}'"


def _message(
    zone: Zone,
    level: Level,
    origin: str,
    exception: ExceptionRecord | None,
    approvers: Sequence[str],
    where: str = "",
) -> str:
    parts = [f"{origin} in zone {_zone_name(zone)}"]
    if level == Level.DENY:
        parts[0] += ", where AI-written code is not allowed."
    elif level == Level.REVIEW:
        parts[0] += ", which needs a review sign-off."
    else:
        parts[0] += ": take extra care."
    if zone.why:
        why = zone.why.strip()
        parts.append(why if why.endswith((".", "!", "?")) else why + ".")
    reviewers = ", ".join(zone.reviewers)
    if exception is not None:
        parts.append(
            f"Relaxed from `{zone.ai}` to `{level}` by an exception approved by "
            f"{exception.approver} until {exception.expires.isoformat()}."
        )
    if level == Level.REVIEW:
        who = f"by {reviewers} " if reviewers else ""
        parts.append(
            f"Sign off after review {who}(`pavedroad signoff {where}` or the editor's code "
            f"action), or request an exception (`pavedroad exception request {where}`)."
        )
    elif level == Level.DENY:
        by = f" approved by {', '.join(approvers)}" if zone.locked and approvers else ""
        parts.append(
            "Rewrite it without AI assistance, move it out of the zone, or request an "
            f"exception{by} (`pavedroad exception request {where}`)."
        )
        if reviewers:
            parts.append(f"Zone reviewers: {reviewers}.")
    elif reviewers:
        parts.append(f"Zone reviewers: {reviewers}.")
    return " ".join(parts)


def _clusters(region: Region, spans: Sequence[AiSpan]) -> list[tuple[int, int, AiSpan]]:
    """Overlapping/adjacent AI spans clipped to `region`, merged; each with its strongest span."""
    clipped = sorted(
        (
            (max(s.start_line, region.start_line), min(s.end_line, region.end_line), s)
            for s in spans
            if s.start_line <= region.end_line and s.end_line >= region.start_line
        ),
        key=lambda c: (c[0], c[1], SOURCE_RANK[c[2].source]),
    )
    out: list[tuple[int, int, AiSpan]] = []
    for start, end, span in clipped:
        if out and start <= out[-1][1] + 1:
            s0, e0, best = out[-1]
            if SOURCE_RANK[span.source] < SOURCE_RANK[best.source]:
                best = span
            out[-1] = (s0, max(e0, end), best)
        else:
            out.append((start, end, span))
    return out


#: The zone findings about unapproved AI tools are reported in (`ai_tools` in the config).
AI_TOOLS_ZONE = "ai-tools"


def _unapproved_tools_zone(config: EffectiveConfig, spans: Sequence[AiSpan]
                           ) -> tuple[Zone, list[AiSpan]] | None:
    """A synthetic file-wide zone for code written by tools the central map does not approve
    (`ai_tools.unapproved` level), with the spans those tools wrote; None when none apply."""
    policy = config.ai_tools
    if not policy.approved or policy.unapproved == Level.ALLOW:
        return None
    chosen = [s for s in spans if s.tool and not policy.is_approved(s.tool)]
    if not chosen:
        return None
    zone = Zone(id=AI_TOOLS_ZONE, title="AI tools not approved here",
                why=f"This repository's central policy approves only {', '.join(policy.approved)} "
                    "for writing code.", ai=policy.unapproved, locked=True)
    return zone, chosen


def evaluate(
    rel_path: str,
    text: str,
    file_zones: FileZones,
    ai_spans: Iterable[AiSpan],
    config: EffectiveConfig,
    reviews: Iterable[Review] = (),
    exceptions: Iterable[ExceptionRecord] = (),
    now: dt.datetime | dt.date | None = None,
    *,
    cleared: list[str] | None = None,
) -> list[Finding]:
    """Findings for one file.

    `text` is the file's current text (to hash regions for sign-offs), `ai_spans` its AI-written
    lines from any source, `reviews`/`exceptions` the loaded records (exceptions that do not
    apply as of `now` — draft, expired, refused — are ignored here; `records.exception_status`
    reports them). Sorted by (start_line, severity, zone). `cleared`, when given, receives the
    zone id of every AI-written cluster a sign-off or an exception cleared.
    """
    spans = [s for s in ai_spans if s.end_line >= s.start_line]
    unapproved = _unapproved_tools_zone(config, spans)
    if not spans or not (file_zones.regions or unapproved):
        return []
    when = now if now is not None else dt.datetime.now(dt.timezone.utc)
    relaxing = [
        ex
        for ex in exceptions
        if ex.matches(rel_path) and exception_status(ex, config, when) is None
    ]
    signed = {(r.zone, r.path, r.hash) for r in reviews}
    lines = text.split("\n")

    def hash_lines(first: int, last: int) -> str:
        return code_hash("\n".join(lines[max(0, first - 1) : last]))

    findings: list[Finding] = []
    pairs: list[tuple[Region, Zone | None, Sequence[AiSpan]]] = [
        (region, config.zone(region.zone), spans) for region in file_zones.regions]
    if unapproved is not None:
        zone_of_tools, tool_spans = unapproved
        last = max(1, text.count("\n") + 1)
        pairs.append((Region(zone_of_tools.id, 1, last, 0, len(text), None,
                             ("tool not approved",), "file"), zone_of_tools, tool_spans))
    for region, zone, region_spans in pairs:
        if zone is None or zone.ai == Level.ALLOW:
            continue
        clusters = _clusters(region, region_spans)
        if not clusters:
            continue
        level: Level = zone.ai
        applied: ExceptionRecord | None = None
        for ex in relaxing:
            if ex.zone == zone.id and ex.level < level:
                level, applied = ex.level, ex
        if level == Level.ALLOW:
            if cleared is not None:
                cleared.extend(zone.id for _ in clusters)
            continue
        file_scope = region.symbol is None or region.kind == "file"
        region_hash = None if file_scope else hash_lines(region.start_line, region.end_line)
        for start, end, best in clusters:
            lines_hash = hash_lines(start, end)
            digest = region_hash or lines_hash
            if level == Level.REVIEW and (zone.id, rel_path, digest) in signed:
                if cleared is not None:
                    cleared.append(zone.id)
                continue
            data: dict[str, Any] = {
                "zone": zone.id,
                "path": rel_path,
                "symbol": region.symbol,
                "kind": region.kind,
                "region_start_line": region.start_line,
                "region_end_line": region.end_line,
                "region_hash": digest,
                "lines_hash": lines_hash,
                "level": str(level),
                "zone_level": str(zone.ai),
                "digest": config.digest,
            }
            if applied is not None:
                data["exception_line"] = applied.line
                data["exception_expires"] = applied.expires.isoformat()
            findings.append(
                Finding(
                    path=rel_path,
                    start_line=start,
                    end_line=end,
                    zone=zone.id,
                    level=str(level),
                    code=_CODE[level],
                    severity=_SEVERITY[level],
                    message=_message(
                        zone,
                        level,
                        _describe_origin(best.source, best.tool, best.commit),
                        applied,
                        config.exceptions.approvers,
                        f"{rel_path}:{start}",
                    ),
                    provenance=best.source,
                    tool=best.tool,
                    commit=best.commit,
                    data=data,
                )
            )
    findings.sort(key=lambda f: (f.start_line, f.severity != "error", f.zone, f.end_line))
    return findings
