"""The cost-surface report, the org-wide store and release attestations.

* `collect` gathers `RepoFacts` of a repository (git history, records, decision log);
* `aggregate` turns facts into a `RepoReport` for a time window; `report_data` wraps several;
* `render_html`, `render_json`, `render_csv` render a `ReportData`;
* `store.publish` / `store.load` keep facts of many repositories in SQLite or PostgreSQL;
* `attest.attest` writes an in-toto Statement about AI code in restricted zones.

`build_report(root, config)` is the one-repository path end to end.
"""

from __future__ import annotations

import datetime as dt
import os

from pavedroad.config.model import EffectiveConfig
from pavedroad.report.aggregate import aggregate, default_window, report_data
from pavedroad.report.collect import CollectError, collect
from pavedroad.report.html import render_html
from pavedroad.report.model import AiLines, RepoFacts, RepoReport, ReportData, Window
from pavedroad.report.tabular import render_csv, render_json

FORMATS = ("html", "json", "csv")


def build_report(
    root: str | os.PathLike[str],
    config: EffectiveConfig,
    *,
    window: Window | None = None,
    now: dt.datetime | None = None,
    **collect_kw: object,
) -> ReportData:
    """Report of the repository at `root` for `window` (default: the last 12 weeks)."""
    when = now or dt.datetime.now(dt.timezone.utc)
    facts = collect(root, config, now=when, **collect_kw)  # type: ignore[arg-type]
    return report_data([facts], window or default_window(when.date()), now=when)


def render(data: ReportData, fmt: str) -> str:
    if fmt == "html":
        return render_html(data)
    if fmt == "json":
        return render_json(data)
    if fmt == "csv":
        return render_csv(data)
    raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")


__all__ = [
    "FORMATS",
    "AiLines",
    "CollectError",
    "RepoFacts",
    "RepoReport",
    "ReportData",
    "Window",
    "aggregate",
    "build_report",
    "collect",
    "default_window",
    "render",
    "render_csv",
    "render_html",
    "render_json",
    "report_data",
]
