"""`pavedroad zones --suggest`: the repository's own names that sound like auth, secrets, crypto
or payments code but are in no such zone, grouped by word, with the `symbols` rules that would
put them there, ready to review and paste into `.pavedroad.yaml`.

The words and the per-file work are in `analysis.vocabulary`; this module walks the files the
zone map walked, adds up the names across files and renders them. Only names and places are
printed: never a line of code, so nothing a file holds (a credential) reaches the output.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pavedroad.analysis import vocabulary
from pavedroad.analysis.classify import MAX_PARSE_BYTES, Classifier
from pavedroad.analysis.languages import language_for_path
from pavedroad.analysis.model import FileZones
from pavedroad.config.edit import exact_names_rule
from pavedroad.fileio import read_regular
from pavedroad.shown import shown
from pavedroad.workspace import is_binary

#: Places listed per name in the text output (the JSON has them all).
_PLACES_SHOWN = 1


@dataclass
class Suggestion:
    """One name, in every file that defines it, for one zone."""

    zone: str
    word: str
    name: str
    #: "class" when any definition of the name is a class (its rule marks every member)
    kind: str
    places: list[tuple[str, int]] = field(default_factory=list)


def collect(root: Path, paths: Iterable[str], files: Sequence[FileZones], classifier: Classifier) -> list[Suggestion]:
    """Suggestions for `paths` (relative to `root`), given the zone map `files` of the same run.
    Files an exclusive zone's path rules claim (tests) are left out: their names are not the
    application's vocabulary."""
    wanted = vocabulary.for_zones(classifier.config.zones)
    if not wanted:
        return []
    regions = {f.path: f.regions for f in files}
    found: dict[tuple[str, str], Suggestion] = {}
    for rel in paths:
        language = language_for_path(rel)
        if language not in vocabulary.LANGUAGES or vocabulary.in_exclusive_zone(
            classifier.config.zones, classifier.path_zones(rel)
        ):
            continue
        try:
            data, size = read_regular(root / rel, MAX_PARSE_BYTES)
        except OSError:
            continue
        if size > MAX_PARSE_BYTES or is_binary(data):
            continue
        for c in vocabulary.candidates(language, data, regions.get(rel, ()), wanted):
            entry = found.setdefault((c.zone, c.name), Suggestion(c.zone, c.word, c.name, c.kind))
            entry.places.append((rel, c.line))
            if c.kind == "class":
                entry.kind = "class"
    order = {zone: i for i, zone in enumerate(wanted)}
    return sorted(found.values(), key=lambda s: (order[s.zone], s.word, s.name))


def _groups(suggestions: Sequence[Suggestion]) -> list[tuple[str, str, list[Suggestion]]]:
    """(zone, word, names) with the zones in config order and, within a zone, the biggest group first."""
    groups: dict[tuple[str, str], list[Suggestion]] = {}
    for s in suggestions:
        groups.setdefault((s.zone, s.word), []).append(s)
    zones = list(dict.fromkeys(s.zone for s in suggestions))
    return sorted(
        ((zone, word, names) for (zone, word), names in groups.items()),
        key=lambda g: (zones.index(g[0]), -len(g[2]), g[1]),
    )


def config_snippet(suggestions: Sequence[Suggestion]) -> str:
    """The `zones:` entries that would put every suggested function and method in its zone: one
    `symbols` rule per word, so a reviewer drops a group by deleting a line and a name by deleting
    a word. Classes are left out: a class rule puts every member in the zone, its getters and
    logging too: on eight real applications, leaving them out raised precision by 0.06-0.07 and
    cost 0.02-0.03 of recall (docs/zones.md section 8.3)."""
    lines = ["zones:"]
    current = None
    for zone, word, names in _groups([s for s in suggestions if s.kind != "class"]):
        if zone != current:
            lines += [f"  - id: {zone}", "    match:", "      symbols:"]
            current = zone
        lines.append(f"        # {word} ({len(names)})")
        lines.append(f"        - {exact_names_rule(s.name for s in names)}")
    return "\n".join(lines) + "\n"


def to_text(root: Path, suggestions: Sequence[Suggestion], under: str = "", named: str = "") -> str:
    """The names grouped by zone and word, then the rules. `under`: the directory the user named,
    relative to the root; places are shown relative to it, as the zone map shows them. `named`:
    what the user named, for the message when there is nothing (default: `under` or the root)."""
    if not suggestions:
        where = named or (f"{root}/{under}" if under else str(root))
        return f"No name in {shown(where)} sounds like unzoned auth, secrets, crypto or payments code.\n"
    files = {p for s in suggestions for p, _ in s.places}
    names = {s.name for s in suggestions}
    members = [s for s in suggestions if s.kind != "class"]
    classes = [s for s in suggestions if s.kind == "class"]
    out = [
        f"{len(names)} name(s) in {len(files)} file(s) sound like a zone's code but are not in it"
        f" ({len(suggestions)} suggestion(s): a name is listed once per zone it sounds like).",
        "Keep the ones that are (your own checks, credential holders, crypto wrappers): the rules at",
        "the end put them in the zone, and their callers with them.",
        "",
    ]
    prefix = f"{under}/" if under else ""
    out += _listing(members, prefix)
    if classes:
        out.append("Classes named like a zone's code (not in the rules below: a class rule puts every")
        out.append("member in the zone, getters and logging too; add one only if it is security code throughout):")
        out.append("")
        out += _listing(classes, prefix)
    if members:
        out.append("# add to .pavedroad.yaml, merging into its `zones:` list (delete what is not):")
        out.append(config_snippet(suggestions).rstrip("\n"))
    if under:
        out.append(shown(f"(places relative to {under}/ in the repository at {root})"))
    return "\n".join(out) + "\n"


def _listing(suggestions: Sequence[Suggestion], prefix: str) -> list[str]:
    out = []
    for zone, word, names in _groups(suggestions):
        out.append(f"{zone} / {word} ({len(names)})")
        width = min(max(len(shown(s.name)) for s in names), 40)
        for s in names:
            where = ", ".join(f"{shown(p.removeprefix(prefix))}:{line}" for p, line in s.places[:_PLACES_SHOWN])
            more = len(s.places) - _PLACES_SHOWN
            out.append(f"  {shown(s.name).ljust(width)}  {s.kind:8}  {where}{f' (+{more} more)' if more > 0 else ''}")
        out.append("")
    return out


def to_json(root: Path, suggestions: Sequence[Suggestion]) -> dict[str, Any]:
    return {
        "root": str(root),
        "suggestions": [
            {
                "zone": s.zone,
                "word": s.word,
                "name": s.name,
                "kind": s.kind,
                "places": [{"path": p, "line": line} for p, line in s.places],
            }
            for s in suggestions
        ],
        "config": config_snippet(suggestions) if any(s.kind != "class" for s in suggestions) else "",
    }
