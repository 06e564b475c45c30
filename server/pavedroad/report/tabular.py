"""The report as JSON (the whole `ReportData`) and as CSV (one tidy table).

CSV columns: ``repo, section, zone, key, metric, value``; one row per figure, so a spreadsheet's
pivot table (or ``csvgrep``) can slice it any way. Sections: ``total`` (the summary figures),
``weekly`` (key = the week's Monday, metric = a status), ``zone`` (per-zone totals), ``open``
(key = ``path:start-end`` of an open region), ``delay`` / ``waiting`` / ``exception_lead``
(durations in hours), ``exception`` (key = zone and paths, metric = status), ``prompt_rule``,
``hook_denial``, ``tool``. Cells that a spreadsheet would run as a formula are prefixed with
``'`` (CSV injection).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from pavedroad.report.model import RepoReport, ReportData

CSV_COLUMNS = ("repo", "section", "zone", "key", "metric", "value")


def render_json(data: ReportData) -> str:
    return json.dumps(data.to_json(), indent=2, ensure_ascii=False) + "\n"


def _rows(r: RepoReport) -> Iterator[tuple[str, str, str, str, Any]]:
    for metric, value in r.totals.items():
        if isinstance(value, list):
            value = ";".join(value)
        yield "total", "", "", metric, value
    for z in r.zones:
        yield "zone", z.zone, "", "level", z.level
        for status, n in z.in_window.items():
            yield "zone", z.zone, "window", status, n
        yield "zone", z.zone, "", "share_reviewed", "" if z.share_reviewed is None else z.share_reviewed
        yield "zone", z.zone, "", "open_lines", z.open_lines
        yield "zone", z.zone, "", "present_lines", z.present_lines
        for p in z.weekly:
            for status in ("reviewed", "unreviewed", "excepted", "warned"):
                yield "weekly", z.zone, p.week, status, getattr(p, status)
    for o in r.open_regions:
        key = f"{o.path}:{o.start_line}-{o.end_line}"
        yield "open", o.zone, key, "lines", o.lines
        yield "open", o.zone, key, "age_days", "" if o.age_days is None else o.age_days
        yield "open", o.zone, key, "tools", ";".join(o.tools)
        yield "open", o.zone, key, "commits", ";".join(o.commits)
    for name, s in (("delay", r.signoff_delay), ("waiting", r.waiting), ("exception_lead", r.exception_lead)):
        yield name, "", "", "count", s.count
        yield name, "", "", "median_hours", "" if s.median is None else round(s.median, 2)
        yield name, "", "", "p90_hours", "" if s.p90 is None else round(s.p90, 2)
        for label, n in s.buckets:
            yield name, "", label, "count", n
    for x in r.exceptions:
        key = ";".join(x.paths)
        yield "exception", x.zone, key, "status", x.status
        yield "exception", x.zone, key, "expires", x.expires
        yield "exception", x.zone, key, "days_left", "" if x.days_left is None else x.days_left
    for rc in r.prompt_rules:
        yield "prompt_rule", "", rc.rule, "blocked", rc.blocked
        yield "prompt_rule", "", rc.rule, "warned", rc.warned
    for reason, n in r.hook_denials:
        yield "hook_denial", "", reason, "count", n
    for t in r.tools:
        yield "tool", "", t.tool, "commits", t.commits
        yield "tool", "", t.tool, "lines", t.lines
        yield "tool", "", t.tool, "approved", "" if t.approved is None else str(t.approved).lower()


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def render_csv(data: ReportData) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in data.repos:
        for section, zone, key, metric, value in _rows(r):
            writer.writerow([_cell(r.repo_id), section, _cell(zone), _cell(key), metric, _cell(value)])
    return buf.getvalue()
