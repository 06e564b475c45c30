"""Inline SVG charts for the report page, generated as text (no JavaScript, no network).

Each chart is a complete ``<svg>`` element with a fixed ``viewBox`` (so it scales with the page
and prints crisply), ``role="img"`` with an ``aria-label``, and a ``<title>`` on every mark (a
tooltip in browsers). Values are printed next to the marks, so a chart reads at a glance without
hovering. Every text that reaches the markup goes through `esc`.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"
AXIS = "#5f6b7a"
GRID = "#e3e7ec"


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _fmt(value: float) -> str:
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    if value >= 1000:
        return f"{value / 1000:.1f}k"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def nice_max(value: float) -> tuple[float, float]:
    """A round axis maximum >= value, and its tick step (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0, 1.0
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return step * math.ceil(value / step), step


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else "…" + label[-(limit - 1) :]


def hbar(
    items: Sequence[tuple[str, float, str, str]],
    *,
    label: str,
    width: int = 640,
    bar: int = 20,
    gap: int = 8,
    label_width: int = 190,
) -> str:
    """Horizontal bars: (label, value, color, value text) per row, largest scale on the right."""
    if not items:
        return ""
    top = max(v for _, v, _, _ in items) or 1
    plot = width - label_width - 220
    height = len(items) * (bar + gap) + gap
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'role="img" aria-label="{esc(label)}" style="{FONT}">']  # fmt: skip
    for i, (name, value, color, text) in enumerate(items):
        y = gap + i * (bar + gap)
        w = 0 if value <= 0 else max(2.0, plot * value / top)
        out.append(
            f'<text x="{label_width - 8}" y="{y + bar * 0.7:.1f}" text-anchor="end" font-size="12" '
            f'fill="#1f2933">{esc(_short(name, 30))}<title>{esc(name)}</title></text>'
            f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar}" rx="3" fill="{color}">'
            f"<title>{esc(name)}: {esc(text)}</title></rect>"
            f'<text x="{label_width + w + 6:.1f}" y="{y + bar * 0.7:.1f}" font-size="12" '
            f'fill="#1f2933">{esc(text)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def columns(
    categories: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float]]],
    *,
    label: str,
    width: int = 760,
    height: int = 240,
    unit: str = "lines",
    tick_labels: Sequence[str] | None = None,
) -> str:
    """Stacked columns: one column per category, one stacked segment per series
    (name, color, values). A legend sits above the plot; totals sit on top of each column."""
    n = len(categories)
    if n == 0:
        return ""
    totals = [sum(s[2][i] for s in series) for i in range(n)]
    top, step = nice_max(max(totals) if totals else 0)
    left, right, legend_h, bottom = 48, 12, 26, 34
    plot_w, plot_h = width - left - right, height - legend_h - bottom
    slot = plot_w / n
    col = max(4.0, min(48.0, slot * 0.7))
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'role="img" aria-label="{esc(label)}" style="{FONT}">']  # fmt: skip
    # legend
    x = left
    for name, color, _ in series:
        out.append(f'<rect x="{x}" y="6" width="12" height="12" rx="2" fill="{color}"/>'
                   f'<text x="{x + 16}" y="16" font-size="12" fill="#1f2933">{esc(name)}</text>')  # fmt: skip
        x += 28 + 7 * len(name)
    # grid and axis
    base = legend_h + plot_h
    v = 0.0
    while v <= top + 1e-9:
        y = base - plot_h * v / top
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
                   f'fill="{AXIS}">{_fmt(v)}</text>')  # fmt: skip
        v += step
    labels = tick_labels or categories
    every = max(1, math.ceil(n / 14))
    for i in range(n):
        cx = left + slot * i + (slot - col) / 2
        y = base
        for name, color, values in series:
            value = values[i]
            if value <= 0:
                continue
            h = plot_h * value / top
            y -= h
            out.append(f'<rect x="{cx:.1f}" y="{y:.1f}" width="{col:.1f}" height="{h:.1f}" fill="{color}">'
                       f"<title>{esc(categories[i])}: {esc(name)} {_fmt(value)} {esc(unit)}</title></rect>")  # fmt: skip
        if totals[i] > 0:
            out.append(f'<text x="{cx + col / 2:.1f}" y="{y - 4:.1f}" font-size="10" text-anchor="middle" '
                       f'fill="#1f2933">{_fmt(totals[i])}</text>')  # fmt: skip
        if i % every == 0:
            out.append(f'<text x="{cx + col / 2:.1f}" y="{base + 16}" font-size="11" text-anchor="middle" '
                       f'fill="{AXIS}">{esc(labels[i])}</text>')  # fmt: skip
    out.append(f'<line x1="{left}" x2="{width - right}" y1="{base}" y2="{base}" stroke="{AXIS}"/>')
    out.append("</svg>")
    return "".join(out)


def sparkline(values: Sequence[float], *, width: int = 120, height: int = 26, color: str = "#3b6ea8") -> str:
    """A tiny line of weekly totals with the last value dotted."""
    if not values:
        return ""
    top = max(values) or 1
    n = len(values)
    pts = [(2 + (width - 4) * (i / max(1, n - 1)), height - 3 - (height - 6) * v / top)
           for i, v in enumerate(values)]  # fmt: skip
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
    lx, ly = pts[-1]
    return (f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-label="weekly AI lines: {esc(", ".join(_fmt(v) for v in values))}">'
            f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="1.6"/>'
            f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="2.4" fill="{color}"/></svg>')  # fmt: skip


def meter(share: float | None, *, width: int = 120, height: int = 14) -> str:
    """A share (0..1) as a filled bar with its percentage; "n/a" when None."""
    if share is None:
        return '<span class="muted">n/a</span>'
    color = "#2e7d32" if share >= 0.9 else "#f9a825" if share >= 0.5 else "#c62828"
    w = max(0.0, min(1.0, share)) * (width - 2)
    return (f'<span style="white-space:nowrap"><svg class="meter" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-label="{share:.0%} reviewed">'
            f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" rx="3" fill="#fff" stroke="#b8c2cc"/>'
            f'<rect x="1" y="1" width="{w:.1f}" height="{height - 2}" rx="2" fill="{color}"/></svg>'
            f' <span>{share:.0%}</span></span>')  # fmt: skip
