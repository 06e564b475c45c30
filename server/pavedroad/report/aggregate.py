"""From `RepoFacts` to a `RepoReport` for a time window: both cost surfaces on one page.

Risk side: AI-written lines in restricted zones, per zone and week (by the author time of the
commit that wrote them, still present at the collected commit), how much of it was reviewed, and
what needs action now (unreviewed lines in `review` zones, any in `deny` zones, whenever they
landed), with the open regions to drill into.

Delay side: hours from the AI change (the latest AI commit in a cluster) to its sign-off (the
log's `signoff` event time when there is one, else noon UTC of the reviews.yaml date; never
negative); how long open clusters have been waiting; exception requests to approval (from the
log); exceptions open and expiring within `EXPIRING_DAYS`.

Also: prompt warnings/blocks by rule, hook denials, weaken attempts and policy changes (from the
log, in the window), and the AI tools behind the commits and lines, flagged when a non-empty
`ai_tools.approved` list does not name them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pavedroad.report.model import (
    DENIED,
    EXCEPTED,
    OPEN_STATUSES,
    REVIEWED,
    UNREVIEWED,
    WARNED,
    AiLines,
    ExceptionReport,
    OpenRegion,
    RepoFacts,
    RepoReport,
    ReportData,
    RuleCount,
    Stats,
    ToolReport,
    WeekPoint,
    Window,
    ZoneReport,
)

EXPIRING_DAYS = 14
DELAY_BUCKETS: tuple[tuple[str, float], ...] = (
    ("< 1 day", 24), ("1-2 days", 48), ("2-4 days", 96), ("4-7 days", 168),
    ("1-2 weeks", 336), ("2-4 weeks", 672), ("> 4 weeks", math.inf),
)  # fmt: skip
UNKNOWN_TOOL = "unknown"


def parse_time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            day = dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
        when = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.timezone.utc)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc)


def _date_noon(value: str) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.timezone.utc)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of `values`; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def stats(hours: Sequence[float], *, buckets: bool = True) -> Stats:
    if not hours:
        return Stats(buckets=tuple((label, 0) for label, _ in DELAY_BUCKETS) if buckets else ())
    counts = []
    lower = 0.0
    for label, upper in DELAY_BUCKETS:
        counts.append((label, sum(1 for h in hours if lower <= h < upper)))
        lower = upper
    return Stats(len(hours), percentile(hours, 50), percentile(hours, 90),
                 tuple(counts) if buckets else ())  # fmt: skip


def tool_approved(tool: str, approved: Sequence[str]) -> bool | None:
    """As `AiToolsPolicy.is_approved`; None when no list is configured."""
    if not approved:
        return None
    wanted = tool.strip().lower()
    return any(wanted == a.lower() or wanted.startswith(a.lower() + " ") for a in approved)


def _clusters(rows: Iterable[AiLines]) -> dict[tuple[str, str, int, int], list[AiLines]]:
    out: dict[tuple[str, str, int, int], list[AiLines]] = defaultdict(list)
    for r in rows:
        out[r.cluster].append(r)
    return out


def _open_region(rows: list[AiLines], now: dt.datetime, tool_name: Callable[[str | None], str]) -> OpenRegion:
    first = rows[0]
    times = [t for t in (parse_time(r.landed) for r in rows) if t is not None]
    latest = max(times) if times else None
    return OpenRegion(
        path=first.path, zone=first.zone, level=first.level, start_line=first.start_line,
        end_line=first.end_line, lines=sum(r.lines for r in rows),
        tools=tuple(sorted({tool_name(r.tool) for r in rows}, key=str.lower)),
        commits=tuple(sorted({r.commit for r in rows if r.commit})),
        landed=latest.isoformat().replace("+00:00", "Z") if latest else None,
        age_days=round((now - latest).total_seconds() / 86400, 2) if latest else None,
        symbol=first.symbol,
    )  # fmt: skip


def _bucket(status: str) -> str:
    return {REVIEWED: "reviewed", UNREVIEWED: "unreviewed", DENIED: "unreviewed",
            EXCEPTED: "excepted", WARNED: "warned"}.get(status, "warned")  # fmt: skip


def aggregate(facts: RepoFacts, window: Window, *, now: dt.datetime | None = None) -> RepoReport:
    """The report of one repository for `window` (see the module docstring)."""
    now = now or parse_time(facts.collected_at) or dt.datetime.now(dt.timezone.utc)
    collected = parse_time(facts.collected_at) or now
    zone_info = {z.id: z for z in facts.zones}
    events = [e for e in facts.events if isinstance(e, dict)]

    def landed(r: AiLines) -> dt.datetime:
        return parse_time(r.landed) or collected

    # one spelling per tool ("windsurf" in a git-ai note, "Windsurf" from the editor)
    spellings: dict[str, str] = {}
    for name in [r.tool for r in facts.lines] + [c.tool for c in facts.commits] + [
        str(e.get("data", {}).get("tool")) for e in events if e.get("data", {}).get("tool")
    ]:
        if name:
            best = spellings.get(name.lower())
            if best is None or (best.islower() and not name.islower()):
                spellings[name.lower()] = name

    def tool_name(name: str | None) -> str:
        return spellings.get(name.lower(), name) if name else UNKNOWN_TOOL

    clusters = _clusters(facts.lines)
    # ---- zones ---------------------------------------------------------------------------
    weeks = [w.isoformat() for w in window.weeks()]
    zone_ids = sorted({r.zone for r in facts.lines} | {z.id for z in facts.zones if z.ai != "allow"})
    zones: list[ZoneReport] = []
    all_open: list[OpenRegion] = []
    for zid in zone_ids:
        rows = [r for r in facts.lines if r.zone == zid]
        series: dict[str, Counter[str]] = {w: Counter() for w in weeks}
        in_window: Counter[str] = Counter()
        review_ok = review_all = 0
        for r in rows:
            t = landed(r)
            if not window.contains(t):
                continue
            d = t.date()
            week = (d - dt.timedelta(days=d.weekday())).isoformat()
            series.setdefault(week, Counter())[_bucket(r.status)] += r.lines
            in_window[r.status] += r.lines
            if r.zone_level == "review" and r.status in (REVIEWED, UNREVIEWED):
                review_all += r.lines
                review_ok += r.lines if r.status == REVIEWED else 0
        open_regions = sorted(
            (_open_region(rs, now, tool_name) for key, rs in clusters.items()
             if key[1] == zid and rs[0].status in OPEN_STATUSES),
            key=lambda o: (-(o.age_days or 0), o.path, o.start_line),
        )  # fmt: skip
        all_open += open_regions
        info = zone_info.get(zid)
        level = info.ai if info else (rows[0].zone_level if rows else "allow")
        zones.append(ZoneReport(
            zone=zid, title=info.title if info and info.title else zid, level=level,
            weekly=tuple(WeekPoint(w, c["reviewed"], c["unreviewed"], c["excepted"], c["warned"])
                         for w, c in sorted(series.items()) if w in weeks),
            in_window={s: in_window.get(s, 0) for s in (REVIEWED, UNREVIEWED, EXCEPTED, DENIED, WARNED)},
            share_reviewed=round(review_ok / review_all, 4) if review_all else None,
            open_lines=sum(r.lines for r in rows if r.status in OPEN_STATUSES),
            present_lines=sum(r.lines for r in rows),
            open_regions=tuple(open_regions),
        ))  # fmt: skip
    level_rank = {"deny": 0, "review": 1, "warn": 2, "allow": 3}
    zones.sort(key=lambda z: (level_rank.get(z.level, 4), -z.open_lines, z.zone))
    all_open.sort(key=lambda o: (o.level != "deny", -(o.age_days or 0), o.path, o.start_line))

    # ---- delay ---------------------------------------------------------------------------
    signed_at: dict[tuple[str, str, str], dt.datetime] = {}
    for e in events:
        if e.get("kind") == "signoff":
            d = e.get("data", {})
            st = parse_time(e.get("ts"))
            skey = (d.get("zone", ""), d.get("path", ""), d.get("hash", ""))
            if st and (skey not in signed_at or st < signed_at[skey]):
                signed_at[skey] = st
    delays: list[float] = []
    waits: list[float] = []
    for rows in clusters.values():
        first = rows[0]
        times = [landed(r) for r in rows]
        changed = max(times)
        if first.status == REVIEWED and first.signed:
            at = signed_at.get((first.zone, first.path, first.region_hash)) or _date_noon(first.signed)
            if at is not None and window.contains(at):
                delays.append(max(0.0, (at - changed).total_seconds() / 3600))
        elif first.status == UNREVIEWED:
            waits.append(max(0.0, (now - changed).total_seconds() / 3600))
    lead: list[float] = []
    requested: dict[tuple[str, tuple[str, ...]], dt.datetime] = {}
    for e in sorted(events, key=lambda e: (e.get("seq", 0))):
        kind = e.get("kind")
        d = e.get("data", {})
        ekey = (str(d.get("zone", "")), tuple(d.get("paths", ())))
        et = parse_time(e.get("ts"))
        if et is None:
            continue
        if kind == "exception_requested":
            requested.setdefault(ekey, et)
        elif kind == "exception_approved" and ekey in requested:
            start = requested.pop(ekey)
            if window.contains(et):
                lead.append(max(0.0, (et - start).total_seconds() / 3600))

    today = now.date()
    exceptions = []
    for ex in facts.exceptions:
        try:
            left: int | None = (dt.date.fromisoformat(ex.expires) - today).days
        except ValueError:
            left = None
        exceptions.append(ExceptionReport(
            zone=ex.zone, paths=ex.paths, level=ex.level, approver=ex.approver,
            created=ex.created, expires=ex.expires, status=ex.status, days_left=left,
            expiring=ex.status == "active" and left is not None and left <= EXPIRING_DAYS,
        ))  # fmt: skip
    status_rank = {"active": 0, "draft": 1, "refused": 2, "expired": 3, "no-effect": 4}
    exceptions.sort(key=lambda x: (status_rank.get(x.status, 5), x.days_left if x.days_left is not None else 10**6))

    # ---- log: prompts, hooks, weakening, policy -------------------------------------------
    in_win = [e for e in events if (wt := parse_time(e.get("ts"))) is not None and window.contains(wt)]
    rules: dict[str, Counter[str]] = defaultdict(Counter)
    hooks: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    landed_by_tool: Counter[str] = Counter()
    weaken = 0
    changes: list[tuple[str, str]] = []
    for e in in_win:
        kind = str(e.get("kind"))
        d = e.get("data", {})
        kinds[kind] += 1
        if kind in ("prompt_blocked", "prompt_warned"):
            for rule in d.get("rules", ()):
                rules[rule]["blocked" if kind == "prompt_blocked" else "warned"] += 1
        elif kind == "hook_denied":
            hooks[str(d.get("reason", "?"))] += 1
        elif kind == "weaken_attempt":
            weaken += 1
        elif kind == "policy_change":
            changes.append((str(e.get("ts")), str(d.get("digest", ""))))
        elif kind == "ai_code_landed" and d.get("source") in ("editor", "hook"):
            landed_by_tool[tool_name(d.get("tool"))] += 1
    prompt_rules = sorted(
        (RuleCount(r, c["blocked"], c["warned"]) for r, c in rules.items()),
        key=lambda rc: (-rc.blocked, -rc.warned, rc.rule),
    )

    # ---- tools ---------------------------------------------------------------------------
    commit_counts: Counter[str] = Counter()
    for c in facts.commits:
        ct = parse_time(c.authored)
        if ct is not None and window.contains(ct):
            commit_counts[tool_name(c.tool)] += 1
    line_counts: Counter[str] = Counter()
    window_lines: Counter[str] = Counter()
    for r in facts.lines:
        tool = tool_name(r.tool)
        line_counts[tool] += r.lines
        if window.contains(landed(r)):
            window_lines[tool] += r.lines
    tools = sorted(
        (ToolReport(t, commit_counts[t], line_counts[t], window_lines[t], landed_by_tool[t],
                    tool_approved(t, facts.approved_tools) if t != UNKNOWN_TOOL else None)
         for t in set(commit_counts) | set(line_counts) | set(landed_by_tool)),
        key=lambda x: (x.approved is not False, -x.commits - x.lines, x.tool),
    )  # fmt: skip

    delay = stats(delays)
    totals: dict[str, Any] = {
        "ai_lines_window": sum(sum(z.in_window.values()) for z in zones),
        "reviewed_window": sum(z.in_window.get(REVIEWED, 0) for z in zones),
        "open_lines": sum(z.open_lines for z in zones),
        "open_regions": len(all_open),
        "denied_lines": sum(r.lines for r in facts.lines if r.status == DENIED),
        "present_lines": sum(z.present_lines for z in zones),
        "signoff_median_hours": delay.median,
        "signoff_p90_hours": delay.p90,
        "signoffs": delay.count,
        "exceptions_active": sum(1 for x in exceptions if x.status == "active"),
        "exceptions_expiring": sum(1 for x in exceptions if x.expiring),
        "prompt_blocks": sum(rc.blocked for rc in prompt_rules),
        "prompt_warnings": sum(rc.warned for rc in prompt_rules),
        "hook_denials": sum(hooks.values()),
        "unapproved_tools": sorted(t.tool for t in tools if t.approved is False),
        "ai_commits_window": sum(commit_counts.values()),
    }
    review_all = sum(z.in_window.get(REVIEWED, 0) + z.in_window.get(UNREVIEWED, 0)
                     for z in zones if z.level == "review")  # fmt: skip
    totals["share_reviewed"] = (
        round(sum(z.in_window.get(REVIEWED, 0) for z in zones if z.level == "review") / review_all, 4)
        if review_all else None
    )  # fmt: skip
    return RepoReport(
        repo_id=facts.repo_id, commit=facts.commit, policy=facts.policy,
        collected_at=facts.collected_at, zones=tuple(zones), open_regions=tuple(all_open),
        signoff_delay=delay, waiting=stats(waits, buckets=False),
        exception_lead=stats(lead, buckets=False), exceptions=tuple(exceptions),
        prompt_rules=tuple(prompt_rules), hook_denials=tuple(sorted(hooks.items(), key=lambda kv: -kv[1])),
        weaken_attempts=weaken, policy_changes=tuple(changes), tools=tuple(tools),
        events_by_kind=tuple(sorted(kinds.items())), totals=totals, notes=tuple(facts.notes),
    )  # fmt: skip


def default_window(until: dt.date | None = None, days: int = 84) -> Window:
    end = until or dt.datetime.now(dt.timezone.utc).date()
    return Window(end - dt.timedelta(days=days - 1), end)


def report_data(
    facts: Sequence[RepoFacts],
    window: Window,
    *,
    now: dt.datetime | None = None,
    org: bool = False,
    source: str = "",
) -> ReportData:
    when = now or dt.datetime.now(dt.timezone.utc)
    repos = tuple(aggregate(f, window, now=now) for f in sorted(facts, key=lambda f: f.repo_id))
    return ReportData(
        generated_at=when.isoformat(timespec="seconds").replace("+00:00", "Z"),
        since=window.since.isoformat(), until=window.until.isoformat(), repos=repos, org=org,
        source=source,
    )  # fmt: skip
