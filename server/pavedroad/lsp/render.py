"""Turning engine results into LSP values: hover text, code lenses, zonesAt entries, diagnostics."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types

from pavedroad import codes
from pavedroad.analysis.model import Region
from pavedroad.config.model import ConfigProblem, EffectiveConfig, Level, Zone
from pavedroad.lsp.positions import LineIndex
from pavedroad.shown import shown

SOURCE = "pavedroad"
OPEN_ZONE_COMMAND = "pavedroad.openZoneDefinition"


def region_range(index: LineIndex, region: Region) -> types.Range:
    return index.lines_range(region.start_line - 1, region.end_line - 1)


def zone_summary(zone: Zone) -> str:
    return f"AI code: {zone.ai} · prompt context: {zone.context}"


def code_span(text: str) -> str:
    """`text` as a Markdown code span that nothing in it can close: a symbol or a reason comes
    from the repository, and a backtick in it would end the span and let the rest render
    (links, images). The fence is one backtick longer than the longest run inside (CommonMark);
    control characters are written as escapes."""
    text = shown(text)
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def hover_markdown(config: EffectiveConfig, regions: Sequence[Region]) -> str | None:
    """Markdown for the zones covering the cursor: why, reviewers, reasons and the deciding layer."""
    blocks: list[str] = []
    for region in sorted(regions, key=lambda r: _strictness(config, r), reverse=True):
        zone = config.zone(region.zone)
        if zone is None:
            continue
        where = f"{code_span(region.symbol)} (lines {region.start_line}–{region.end_line})" if region.symbol else "this file"
        title = _prose(config, zone, "title", zone.display_name)
        lines = [f"**{title}** ({code_span(zone.id)}){' 🔒' if zone.locked else ''} — {zone_summary(zone)}"]
        if zone.why:
            lines.append(_prose(config, zone, "why", zone.why))
        if zone.reviewers:
            lines.append("Reviewers: " + ", ".join(_prose(config, zone, "reviewers", r) for r in zone.reviewers))
        lines.append(f"In zone: {where} — matched by " + ", ".join(code_span(r) for r in region.reasons))
        # layer labels are config paths: a nested config's directory name is repository text
        layers = f"defined by {code_span(zone.origin)}"
        if zone.layer_of("ai") != zone.origin:
            layers += f"; `ai` set by {code_span(zone.layer_of('ai'))}"
        if zone.layer_of("context") != zone.origin and zone.layer_of("context") != zone.layer_of("ai"):
            layers += f"; `context` set by {code_span(zone.layer_of('context'))}"
        lines.append("Policy: " + layers + (" (locked central zone: repos may only tighten it)" if zone.locked else ""))
        blocks.append("\n\n".join(lines))
    return "\n\n---\n\n".join(blocks) if blocks else None


def plain_markdown(text: str) -> str:
    """`text` rendered as the same plain text by any CommonMark/GFM renderer: every ASCII
    punctuation character is backslash-escaped (CommonMark allows it for all of them), so no
    link, image, HTML, emphasis or heading can form, and GFM's autolinks, which need `://` or
    `www.` together in the source, cannot either. Control characters are written as escapes."""
    return _PUNCTUATION.sub(r"\\\g<0>", shown(text))


_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")


def _prose(config: EffectiveConfig, zone: Zone, key: str, text: str) -> str:
    """A zone's title, why or a reviewer in hover Markdown. The security team's central maps may
    write Markdown there (a link to the policy page); everything else (the repository's files,
    and the presets they extend) is shown as plain text: a repository could otherwise put a link
    or an image (fetched when the hover shows) under the zone's name."""
    return shown(text) if zone.layer_of(key) in config.central_layers else plain_markdown(text)


def _strictness(config: EffectiveConfig, region: Region) -> tuple[int, int]:
    zone = config.zone(region.zone)
    return (int(zone.ai), int(zone.context)) if zone else (0, 0)


def code_lenses(uri: str, index: LineIndex, config: EffectiveConfig, regions: Iterable[Region]) -> list[types.CodeLens]:
    """One lens per region start line, naming every zone that starts there and its AI level."""
    by_line: dict[int, list[Region]] = {}
    for region in regions:
        by_line.setdefault(region.start_line, []).append(region)
    lenses = []
    for line, starting in sorted(by_line.items()):
        parts = []
        for region in starting:
            zone = config.zone(region.zone)
            if zone is None:
                continue
            reviewers = f", review by {', '.join(zone.reviewers)}" if zone.reviewers and zone.ai >= Level.REVIEW else ""
            parts.append(f"{'🔒 ' if zone.locked else ''}{zone.display_name}: AI {zone.ai}{reviewers}")
        if not parts:
            continue
        first = starting[0]
        position = types.Position(line=line - 1, character=0)
        lenses.append(
            types.CodeLens(
                range=types.Range(start=position, end=position),
                command=types.Command(
                    title="Zone · " + " | ".join(parts),
                    command=OPEN_ZONE_COMMAND,
                    arguments=[uri, first.zone],
                ),
            )
        )
    return lenses


def zones_at_entries(
    index: LineIndex, config: EffectiveConfig, regions: Sequence[Region], config_uri: str | None
) -> list[dict[str, Any]]:
    entries = []
    for region in regions:
        zone = config.zone(region.zone)
        if zone is None:
            continue
        entry: dict[str, Any] = {
            "id": zone.id,
            "title": zone.display_name,
            "level": str(zone.ai),
            "ai": str(zone.ai),
            "context": str(zone.context),
            "why": zone.why,
            "reviewers": list(zone.reviewers),
            "locked": zone.locked,
            "symbol": region.symbol,
            "reasons": list(region.reasons),
            "range": _range_json(region_range(index, region)),
            "origin": zone.origin,
        }
        if zone.defined_at is not None:
            entry["definedAt"] = {
                "uri": Path(zone.defined_at.file).resolve().as_uri()
                if Path(zone.defined_at.file).is_absolute()
                else config_uri,
                "range": _range_json(_line_range(zone.defined_at.line - 1)),
            }
        entries.append(entry)
    entries.sort(key=lambda e: Level.parse(e["ai"]), reverse=True)
    return entries


def _line_range(line: int) -> types.Range:
    return types.Range(start=types.Position(line=max(line, 0), character=0), end=types.Position(line=max(line, 0), character=0))


def _range_json(r: types.Range) -> dict[str, Any]:
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


def problem_diagnostic(problem: ConfigProblem, index: LineIndex | None) -> types.Diagnostic:
    """A config problem as a diagnostic on its own file and line (1-based in, 0-based out)."""
    line = max(problem.where.line - 1, 0)
    column = max(problem.where.column - 1, 0)
    if index is not None:
        text = index.line_text(line)
        end_col = (problem.end_column - 1) if problem.end_column else len(text)
        start = index.position_at(index.line_starts[min(line, index.line_count - 1)] + min(column, len(text)))
        end = index.position_at(index.line_starts[min(line, index.line_count - 1)] + min(max(end_col, column + 1), len(text)))
        if end.line == start.line and end.character <= start.character:
            end = index.line_end(start.line)
        diagnostic_range = types.Range(start=start, end=end)
    else:
        diagnostic_range = types.Range(
            start=types.Position(line=line, character=column), end=types.Position(line=line + 1, character=0)
        )
    return types.Diagnostic(
        range=diagnostic_range,
        message=problem.message,
        severity=types.DiagnosticSeverity.Error if problem.severity == "error" else types.DiagnosticSeverity.Warning,
        source=SOURCE,
        code=problem.code,
    )


def skipped_diagnostic(reason: str) -> types.Diagnostic:
    position = types.Position(line=0, character=0)
    return types.Diagnostic(
        range=types.Range(start=position, end=position),
        message=f"pavedroad: {reason}. Zones come from path rules only for this file.",
        severity=types.DiagnosticSeverity.Information,
        source=SOURCE,
        code=codes.FILE_SKIPPED,
    )
