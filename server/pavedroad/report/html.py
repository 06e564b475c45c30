"""The report as one self-contained HTML page.

Inline CSS and inline SVG (`svg`) only: no script, no font, no image, no request of any kind at
view time, so the file can be mailed, archived as evidence and opened offline. A Content-Security-
Policy meta tag (``default-src 'none'``) makes that explicit and lets a browser enforce it.

Layout: a header and a table of contents; for several repositories (the org-wide store) an
overview table and the zones across repositories; then one section per repository with anchors
``#r-<repo>`` and, per zone, ``#r-<repo>-z-<zone>``: summary tiles, the risk side (what needs
action now), AI-written lines per week, the delay side (time to sign-off, waiting time,
exceptions), prompts and agents, AI tools, notes. ``@media print`` hides the navigation, keeps
cards and charts on one page each and prints the colours.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from pavedroad import __version__
from pavedroad.report.model import OpenRegion, RepoReport, ReportData, ZoneReport
from pavedroad.report.svg import columns, esc, hbar, meter, sparkline

COLORS = {"reviewed": "#2e7d32", "unreviewed": "#c62828", "excepted": "#f9a825", "warned": "#90a4ae"}
LEVEL_COLORS = {"deny": "#b71c1c", "review": "#e65100", "warn": "#c49000", "allow": "#78909c"}
MAX_ROWS = 50

CSS = """
:root{--fg:#1f2933;--muted:#5f6b7a;--line:#d9dee4;--bg:#f6f8fa;--card:#fff;--bad:#c62828;--ok:#2e7d32;--warn:#b7791f}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#102a43;color:#fff;padding:18px 28px}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;color:#bcccdc}
nav{padding:10px 28px;background:#fff;border-bottom:1px solid var(--line);font-size:13px}
nav a{margin-right:14px;color:#1f5fa8;text-decoration:none}
main{padding:18px 28px;max-width:1200px}
section.repo{margin-bottom:36px}
h2{font-size:20px;margin:26px 0 8px;border-bottom:2px solid var(--line);padding-bottom:4px}
h3{font-size:16px;margin:22px 0 8px}
h4{font-size:14px;margin:14px 0 6px}
.meta{color:var(--muted);font-size:12px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px;margin:10px 0 14px}
.tile{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.tile .v{font-size:24px;font-weight:650}
.tile .k{color:var(--muted);font-size:12px}
.tile.bad .v{color:var(--bad)} .tile.ok .v{color:var(--ok)} .tile.warn .v{color:var(--warn)}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px;margin:10px 0;overflow-x:auto}
svg.chart{max-width:100%;height:auto;display:block}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:middle}
th{background:#f0f3f6;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
code{font-size:12px;background:#f0f3f6;padding:1px 4px;border-radius:3px;word-break:break-all}
.pill{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;color:#fff}
.muted{color:var(--muted)}
.flag{color:var(--bad);font-weight:600}
.legend-note{color:var(--muted);font-size:12px;margin:4px 0 0}
ul.notes{color:var(--muted);font-size:12px}
footer{color:var(--muted);font-size:12px;padding:10px 28px 28px}
@media print{
  body{background:#fff;font-size:11px}
  nav{display:none}
  header{background:#fff;color:#000;border-bottom:2px solid #000;padding:0 0 8px}
  header p{color:#333}
  main{padding:0;max-width:none}
  .card,.tile,table,svg.chart{break-inside:avoid}
  h2,h3{break-after:avoid}
  section.repo{break-before:page}
  section.repo:first-of-type{break-before:auto}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  a{color:inherit;text-decoration:none}
}
"""


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _pill(level: str) -> str:
    return f'<span class="pill" style="background:{LEVEL_COLORS.get(level, "#78909c")}">{esc(level)}</span>'


def _hours(h: float | None) -> str:
    if h is None:
        return "–"
    if h < 1:
        return f"{h * 60:.0f} min"
    if h < 48:
        return f"{h:.1f} h"
    return f"{h / 24:.1f} d"


def _tile(value: str, key: str, cls: str = "") -> str:
    return f'<div class="tile {cls}"><div class="v">{esc(value)}</div><div class="k">{esc(key)}</div></div>'


def _tiles(r: RepoReport) -> str:
    t = r.totals
    share = t.get("share_reviewed")
    unapproved = t.get("unapproved_tools") or []
    tiles = [
        _tile(f"{t['ai_lines_window']:,}", "AI-written lines in zones (window)"),
        _tile(f"{t['open_lines']:,}", f"lines needing action now ({t['open_regions']} regions)",
              "bad" if t["open_lines"] else "ok"),
        _tile("n/a" if share is None else f"{share:.0%}", "of AI lines in review zones signed off (window)",
              "" if share is None else "ok" if share >= 0.9 else "warn" if share >= 0.5 else "bad"),
        _tile(_hours(t.get("signoff_median_hours")), f"median time to sign-off (p90 {_hours(t.get('signoff_p90_hours'))})"),
        _tile(_hours(r.waiting.median), f"median wait of unreviewed code ({r.waiting.count} regions)",
              "warn" if r.waiting.count else ""),
        _tile(f"{t['exceptions_active']}", f"exceptions active, {t['exceptions_expiring']} expiring soon",
              "warn" if t["exceptions_expiring"] else ""),
        _tile(f"{t['prompt_blocks']}", f"prompts blocked ({t['prompt_warnings']} warned)",
              "bad" if t["prompt_blocks"] else ""),
        _tile(f"{len(unapproved)}", "unapproved AI tools" + (f": {', '.join(unapproved)}" if unapproved else ""),
              "bad" if unapproved else "ok"),
    ]  # fmt: skip
    return '<div class="tiles">' + "".join(tiles) + "</div>"


def _weekly_chart(zones: Sequence[ZoneReport], label: str) -> str:
    if not zones or not zones[0].weekly:
        return ""
    weeks = [p.week for p in zones[0].weekly]
    sums: dict[str, list[float]] = {k: [0.0] * len(weeks) for k in COLORS}
    for z in zones:
        for i, p in enumerate(z.weekly):
            sums["reviewed"][i] += p.reviewed
            sums["unreviewed"][i] += p.unreviewed
            sums["excepted"][i] += p.excepted
            sums["warned"][i] += p.warned
    series = [("signed off", COLORS["reviewed"], sums["reviewed"]),
              ("unreviewed / denied", COLORS["unreviewed"], sums["unreviewed"]),
              ("under exception", COLORS["excepted"], sums["excepted"]),
              ("warn zones", COLORS["warned"], sums["warned"])]  # fmt: skip
    if not any(any(v) for _, _, v in series):
        return '<p class="muted">No AI-written lines in restricted zones landed in this window.</p>'
    ticks = [w[5:] for w in weeks]
    return columns(weeks, series, label=label, tick_labels=ticks)


def _open_table(regions: Sequence[OpenRegion], *, show_zone: bool = True) -> str:
    if not regions:
        return '<p class="muted">Nothing open: every AI-written line in review and deny zones is signed off or excepted.</p>'
    head = ("<tr><th>Location</th>" + ("<th>Zone</th>" if show_zone else "")
            + '<th>Level</th><th class="n">AI lines</th><th>Tools</th><th class="n">Waiting</th><th>Commit</th></tr>')  # fmt: skip
    rows = []
    for o in regions[:MAX_ROWS]:
        where = f"{o.path}:{o.start_line}" + (f"-{o.end_line}" if o.end_line != o.start_line else "")
        sym = f' <span class="muted">{esc(o.symbol)}</span>' if o.symbol else ""
        rows.append(
            f"<tr><td><code>{esc(where)}</code>{sym}</td>"
            + (f"<td>{esc(o.zone)}</td>" if show_zone else "")
            + f'<td>{_pill(o.level)}</td><td class="n">{o.lines}</td><td>{esc(", ".join(o.tools))}</td>'
            f'<td class="n">{"–" if o.age_days is None else f"{o.age_days:.1f} d"}</td>'
            f"<td><code>{esc(o.commits[-1][:10]) if o.commits else 'uncommitted'}</code></td></tr>"
        )
    more = (f'<p class="legend-note">… and {len(regions) - MAX_ROWS} more (see --format csv)</p>'
            if len(regions) > MAX_ROWS else "")  # fmt: skip
    return f"<table>{head}{''.join(rows)}</table>{more}"


def _zone_table(r: RepoReport, base: str) -> str:
    rows = []
    for z in r.zones:
        weekly = [float(p.total) for p in z.weekly]
        rows.append(
            f'<tr><td><a href="#{base}-z-{slug(z.zone)}">{esc(z.title)}</a> <span class="muted">{esc(z.zone)}</span></td>'
            f'<td>{_pill(z.level)}</td><td class="n">{sum(z.in_window.values()):,}</td>'
            f"<td>{meter(z.share_reviewed) if z.level == 'review' else '<span class=muted>–</span>'}</td>"
            f'<td class="n">{z.open_lines:,}</td><td>{sparkline(weekly)}</td></tr>'
        )
    return ('<table><tr><th>Zone</th><th>AI policy</th><th class="n">AI lines (window)</th>'
            '<th>Signed off</th><th class="n">Open now</th><th>Per week</th></tr>' + "".join(rows) + "</table>")  # fmt: skip


def _zone_sections(r: RepoReport, base: str) -> str:
    out = []
    for z in r.zones:
        iw = z.in_window
        out.append(
            f'<div class="card" id="{base}-z-{slug(z.zone)}"><h4>{esc(z.title)} {_pill(z.level)} '
            f'<span class="muted">{esc(z.zone)}</span></h4>'
            f'<p class="meta">Window: {iw.get("reviewed", 0)} signed off, {iw.get("unreviewed", 0)} unreviewed, '
            f'{iw.get("denied", 0)} denied, {iw.get("excepted", 0)} under exception, {iw.get("warned", 0)} in warn zones. '
            f"Present now: {z.present_lines} lines, {z.open_lines} needing action.</p>"
            + _weekly_chart([z], f"AI-written lines per week in zone {z.zone}")
            + (_open_table(z.open_regions, show_zone=False) if z.level in ("review", "deny") or z.open_regions else "")
            + "</div>"
        )
    return "".join(out)


def _delay(r: RepoReport) -> str:
    d = r.signoff_delay
    parts = []
    if d.count:
        parts.append(hbar([(label, float(n), "#3b6ea8", str(n)) for label, n in d.buckets],
                          label="time from AI change to sign-off", label_width=110))  # fmt: skip
        parts.append(f'<p class="legend-note">{d.count} sign-offs in the window: median {_hours(d.median)}, '
                     f"p90 {_hours(d.p90)}. From the AI commit's author time to the sign-off "
                     "(the log's event time, else the reviews.yaml date at noon UTC).</p>")  # fmt: skip
    else:
        parts.append('<p class="muted">No sign-offs in this window.</p>')
    w = r.waiting
    parts.append(f"<p>Unreviewed regions waiting now: <b>{w.count}</b>"
                 + (f", median {_hours(w.median)}, p90 {_hours(w.p90)}" if w.count else "") + ".")  # fmt: skip
    lead = r.exception_lead
    if lead.count:
        parts.append(f" Exception requests approved in the window: {lead.count}, median {_hours(lead.median)} "
                     f"from request to approval (p90 {_hours(lead.p90)}).")  # fmt: skip
    parts.append("</p>")
    if r.exceptions:
        rows = []
        for x in r.exceptions[:MAX_ROWS]:
            left = "–" if x.days_left is None else f"{x.days_left} d"
            cls = ' class="flag"' if x.expiring else ""
            rows.append(f"<tr><td>{esc(x.status)}</td><td>{esc(x.zone)}</td><td><code>{esc(', '.join(x.paths))}</code></td>"
                        f"<td>{_pill(x.level)}</td><td>{esc(x.approver)}</td><td>{esc(x.expires)}</td>"
                        f'<td class="n"><span{cls}>{esc(left)}</span></td></tr>')  # fmt: skip
        parts.append('<table><tr><th>Status</th><th>Zone</th><th>Paths</th><th>Relaxed to</th><th>Approver</th>'
                     '<th>Expires</th><th class="n">Left</th></tr>' + "".join(rows) + "</table>")  # fmt: skip
    else:
        parts.append('<p class="muted">No exceptions recorded.</p>')
    return '<div class="card">' + "".join(parts) + "</div>"


def _prompts(r: RepoReport) -> str:
    parts = []
    if r.prompt_rules:
        items = [(rc.rule, float(rc.blocked + rc.warned),
                  "#c62828" if rc.blocked else "#f9a825",
                  f"{rc.blocked} blocked, {rc.warned} warned") for rc in r.prompt_rules[:20]]  # fmt: skip
        parts.append("<h4>Prompt findings by rule</h4>" + hbar(items, label="prompt findings by rule", label_width=230))
    else:
        parts.append('<p class="muted">No prompt was warned or blocked in this window (per the decision log).</p>')
    if r.hook_denials:
        items = [(reason, float(n), "#6a1b9a", str(n)) for reason, n in r.hook_denials]
        parts.append("<h4>Agent hook denials by reason</h4>" + hbar(items, label="hook denials by reason"))
    parts.append(f"<p>Attempts to weaken a locked zone: <b>{r.weaken_attempts}</b>. "
                 f"Policy changes: <b>{len(r.policy_changes)}</b>"
                 + ("".join(f"<br><span class=meta>{esc(ts)} → <code>{esc(d[:16])}</code></span>" for ts, d in r.policy_changes[:10]))
                 + "</p>")  # fmt: skip
    return '<div class="card">' + "".join(parts) + "</div>"


def _tools(r: RepoReport) -> str:
    if not r.tools:
        return '<div class="card"><p class="muted">No AI-attributed commits or edits.</p></div>'
    items = []
    for t in r.tools:
        color = "#c62828" if t.approved is False else "#3b6ea8"
        note = f"{t.commits} commits, {t.lines} zone lines" + (" — NOT APPROVED" if t.approved is False else "")
        items.append((t.tool, float(t.commits + t.lines), color, note))
    rows = "".join(
        f"<tr><td>{esc(t.tool)}</td><td class=n>{t.commits}</td><td class=n>{t.lines}</td>"
        f"<td class=n>{t.window_lines}</td><td class=n>{t.landed_events}</td>"
        f"<td>{'<span class=flag>not approved</span>' if t.approved is False else 'approved' if t.approved else '<span class=muted>no list</span>'}</td></tr>"
        for t in r.tools
    )
    return ('<div class="card">' + hbar(items, label="AI tools by commits and zone lines")
            + '<table><tr><th>Tool</th><th class="n">AI commits (window)</th><th class="n">Zone lines (now)</th>'
            '<th class="n">Zone lines (window)</th><th class="n">Editor/hook events</th><th>Policy</th></tr>'
            + rows + "</table></div>")  # fmt: skip


def _repo_section(r: RepoReport, *, heading: bool) -> str:
    base = f"r-{slug(r.repo_id)}"
    zones_bar = hbar(
        [(z.title, float(z.open_lines), LEVEL_COLORS.get(z.level, "#78909c"), f"{z.open_lines} lines")
         for z in r.zones if z.level in ("review", "deny")],
        label="AI lines needing action per zone",
    )  # fmt: skip
    commit = f"commit <code>{esc((r.commit or 'none')[:12])}</code>"
    out = [f'<section class="repo" id="{base}">']
    out.append(f"<h2>{esc(r.repo_id)}</h2>" if heading else "")
    out.append(f'<p class="meta">{commit} · policy <code>{esc(r.policy[:16] or "–")}</code> · collected {esc(r.collected_at)}</p>')
    out.append(_tiles(r))
    out.append(f'<h3 id="{base}-risk">Risk: AI-written code that needs action now</h3>')
    out.append('<div class="card">' + (zones_bar or '<p class="muted">No review or deny zones.</p>')
               + _open_table(r.open_regions) + "</div>")  # fmt: skip
    out.append(f'<h3 id="{base}-weekly">AI-written lines per week</h3>')
    out.append('<div class="card">' + _weekly_chart(r.zones, "AI-written lines per week, all zones")
               + '<p class="legend-note">Lines present at the collected commit, by the week their AI commit was authored.</p>'
               + _zone_table(r, base) + "</div>")  # fmt: skip
    out.append(f'<h3 id="{base}-zones">Zones</h3>' + _zone_sections(r, base))
    out.append(f'<h3 id="{base}-delay">Delay: what the guardrail costs in waiting time</h3>' + _delay(r))
    out.append(f'<h3 id="{base}-prompts">Prompts and agents</h3>' + _prompts(r))
    out.append(f'<h3 id="{base}-tools">AI tools</h3>' + _tools(r))
    if r.notes:
        out.append('<ul class="notes">' + "".join(f"<li>{esc(n)}</li>" for n in r.notes) + "</ul>")
    out.append("</section>")
    return "".join(out)


def _overview(data: ReportData) -> str:
    rows = []
    for r in data.repos:
        t = r.totals
        share = t.get("share_reviewed")
        rows.append(
            f'<tr><td><a href="#r-{slug(r.repo_id)}">{esc(r.repo_id)}</a></td><td class=n>{t["ai_lines_window"]:,}</td>'
            f'<td class=n>{t["open_lines"]:,}</td><td>{meter(share)}</td>'
            f"<td class=n>{_hours(t.get('signoff_median_hours'))}</td><td class=n>{t['exceptions_active']} / {t['exceptions_expiring']}</td>"
            f"<td class=n>{t['prompt_blocks']}</td><td>{esc(', '.join(t['unapproved_tools'])) or '–'}</td></tr>"
        )
    by_zone: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    level: dict[str, str] = {}
    for r in data.repos:
        for z in r.zones:
            by_zone[z.zone][0] += z.open_lines
            by_zone[z.zone][1] += sum(z.in_window.values())
            level.setdefault(z.zone, z.level)
    bars = hbar(
        [(zid, v[0], LEVEL_COLORS.get(level[zid], "#78909c"), f"{v[0]:.0f} open / {v[1]:.0f} in window")
         for zid, v in sorted(by_zone.items(), key=lambda kv: -kv[1][0])],
        label="open AI lines per zone across repositories", label_width=160,
    )  # fmt: skip
    return ('<section id="overview"><h2>All repositories</h2><div class="card"><table><tr><th>Repository</th>'
            '<th class="n">AI lines (window)</th><th class="n">Open now</th><th>Signed off</th>'
            '<th class="n">Median sign-off</th><th class="n">Exceptions active / expiring</th>'
            '<th class="n">Prompt blocks</th><th>Unapproved tools</th></tr>' + "".join(rows) + "</table></div>"
            '<h3>Zones across repositories</h3><div class="card">' + (bars or '<p class="muted">No zones.</p>')
            + "</div></section>")  # fmt: skip


def render_html(data: ReportData) -> str:
    """The whole page (UTF-8 text)."""
    single = len(data.repos) == 1 and not data.org
    title = (f"AI code evidence: {data.repos[0].repo_id}" if single
             else f"AI code evidence: {len(data.repos)} repositories")  # fmt: skip
    nav = []
    if not single:
        nav.append('<a href="#overview">Overview</a>')
        nav += [f'<a href="#r-{slug(r.repo_id)}">{esc(r.repo_id)}</a>' for r in data.repos]
    else:
        base = f"r-{slug(data.repos[0].repo_id)}"
        nav += [f'<a href="#{base}-{k}">{label}</a>' for k, label in
                (("risk", "Risk"), ("weekly", "Per week"), ("zones", "Zones"), ("delay", "Delay"),
                 ("prompts", "Prompts"), ("tools", "Tools"))]  # fmt: skip
    body = [] if single else [_overview(data)]
    body += [_repo_section(r, heading=not single) for r in data.repos]
    if not data.repos:
        body.append('<p class="muted">No repository has published to this store yet.</p>')
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{esc(title)}</h1><p>Window {esc(data.since)} to {esc(data.until)} · generated "
        f"{esc(data.generated_at)}{' · store ' + esc(data.source) if data.source else ''}</p></header>"
        f"<nav>{''.join(nav)}</nav><main>{''.join(body)}</main>"
        f"<footer>pavedroad {esc(__version__)} · where AI-written code went, what is unreviewed, what the "
        "guardrails cost in waiting time, and which tools are in use. No code or prompt text is included.</footer>"
        "</body></html>\n"
    )
