"""Inline SVG charts for the HTML report: grouped metric bars and a latency histogram."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

PALETTE = ("#1f3a5f", "#2a9d8f", "#e9a23b", "#c8553d", "#6c5b7b", "#8a9a5b")


def grouped_bars(
    groups: Sequence[tuple[str, Mapping[str, float | None]]], series: Sequence[str],
    *, width: int = 760,
) -> str:
    """Horizontal bars (0..1): one group per metric, one bar per series (e.g. persona)."""
    bar_h, gap, label_w, top = 14, 12, 250, 34
    plot_w = width - label_w - 60
    height = top + len(groups) * (len(series) * bar_h + gap) + 24
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" aria-label="Mått per persona" '
           'xmlns="http://www.w3.org/2000/svg">']
    x = label_w
    for i, name in enumerate(series):  # legend
        color = PALETTE[i % len(PALETTE)]
        out.append(f'<rect x="{x}" y="8" width="12" height="12" rx="2" fill="{color}"/>')
        out.append(f'<text x="{x + 17}" y="18" class="legend">{escape(name)}</text>')
        x += 30 + 8 * len(name)
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        tx = label_w + plot_w * tick
        out.append(f'<line x1="{tx:.1f}" y1="{top - 4}" x2="{tx:.1f}" y2="{height - 20}" '
                   'class="grid"/>')
        out.append(f'<text x="{tx:.1f}" y="{height - 6}" class="tick" text-anchor="middle">'
                   f'{tick:.0%}</text>')
    y = top
    for label, values in groups:
        block_h = len(series) * bar_h
        out.append(f'<text x="{label_w - 10}" y="{y + block_h / 2 + 4:.1f}" class="label" '
                   f'text-anchor="end">{escape(label)}</text>')
        for i, name in enumerate(series):
            value = values.get(name)
            color = PALETTE[i % len(PALETTE)]
            by = y + i * bar_h
            if value is None:
                out.append(f'<text x="{label_w + 4}" y="{by + 11}" class="na">saknas</text>')
                continue
            w = max(plot_w * max(0.0, min(1.0, value)), 1.0)
            out.append(f'<rect x="{label_w}" y="{by + 1}" width="{w:.1f}" height="{bar_h - 3}" '
                       f'fill="{color}"><title>{escape(name)}: {value:.1%}</title></rect>')
            out.append(f'<text x="{label_w + w + 5:.1f}" y="{by + 11}" class="value">'
                       f'{value:.0%}</text>')
        y += block_h + gap
    out.append("</svg>")
    return "\n".join(out)


def histogram(values: Sequence[float], markers: Mapping[str, float | None], *,
              width: int = 760, bins: int = 16, unit: str = "ms") -> str:
    """A histogram of ``values`` with labelled vertical markers (e.g. p50, p95)."""
    height, left, bottom, top = 230, 50, 40, 20
    plot_w, plot_h = width - left - 20, height - top - bottom
    if not values:
        return '<p class="muted">Inga svarstider uppmätta.</p>'
    low, high = min(values), max(values)
    if math.isclose(low, high):
        low, high = low * 0.9, high * 1.1 + 1e-9
    step = (high - low) / bins
    counts = [0] * bins
    for v in values:
        counts[min(int((v - low) / step), bins - 1)] += 1
    step_y = max(1, math.ceil(max(counts) / 4))
    peak = step_y * math.ceil(max(counts) / step_y)
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" aria-label="Fördelning av svarstider" '
           'xmlns="http://www.w3.org/2000/svg">']
    for tick in range(0, peak + 1, step_y):
        gy = top + plot_h * (1 - tick / peak)
        out.append(f'<line x1="{left}" y1="{gy:.1f}" x2="{left + plot_w}" y2="{gy:.1f}" '
                   'class="grid"/>')
        out.append(f'<text x="{left - 6}" y="{gy + 4:.1f}" class="tick" text-anchor="end">'
                   f'{tick}</text>')
    bw = plot_w / bins
    for i, count in enumerate(counts):
        h = plot_h * count / peak
        lo, hi = low + i * step, low + (i + 1) * step
        out.append(f'<rect x="{left + i * bw + 1:.1f}" y="{top + plot_h - h:.1f}" '
                   f'width="{bw - 2:.1f}" height="{h:.1f}" fill="{PALETTE[0]}">'
                   f'<title>{lo:.0f}–{hi:.0f} {unit}: {count} fall</title></rect>')
    for i in range(0, bins + 1, 4):
        tx = left + i * bw
        out.append(f'<text x="{tx:.1f}" y="{top + plot_h + 16}" class="tick" '
                   f'text-anchor="middle">{low + i * step:.0f}</text>')
    out.append(f'<text x="{left + plot_w / 2}" y="{height - 4}" class="tick" '
               f'text-anchor="middle">svarstid ({unit}), antal fall per intervall</text>')
    for i, (name, value) in enumerate(markers.items()):
        if value is None:
            continue
        mx = left + plot_w * (value - low) / (high - low)
        color = PALETTE[2 + i % 2]
        # Labels near the right edge go on the left of their line so they stay visible.
        anchor, tx = ("end", mx - 4) if mx > left + plot_w * 0.8 else ("start", mx + 4)
        out.append(f'<line x1="{mx:.1f}" y1="{top}" x2="{mx:.1f}" y2="{top + plot_h}" '
                   f'stroke="{color}" stroke-width="2" stroke-dasharray="5 3"/>')
        out.append(f'<text x="{tx:.1f}" y="{top + 12 + 14 * i}" class="marker" '
                   f'text-anchor="{anchor}" fill="{color}">{escape(name)} {value:.0f} {unit}'
                   "</text>")
    out.append("</svg>")
    return "\n".join(out)
