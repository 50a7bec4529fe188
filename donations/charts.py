"""Bar charts drawn as SVG on the server: no script, no library from a CDN, readable
without colour (each bar has its value in a tooltip, each chart a data table beside
it in the page)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 76, 12, 34, 40


@dataclass
class Series:
    name: str
    values: list[int]
    css: str  # "s1" … "s4": the page's colours (and patterns) for it


def svg(template: str, *args: object) -> SafeString:
    """An SVG element; its coordinates to a tenth of a pixel, its texts escaped."""
    return format_html(template, *(f"{a:.1f}" if isinstance(a, float) else a for a in args))


def joined(parts: list[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def nice_top(value: float) -> float:
    """The axis' top: `value` rounded up to 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def bar_chart(
    chart_id: str,
    title: str,
    labels: list[str],
    series: list[Series],
    *,
    stacked: bool = False,
    shown: Callable[[int], str] = str,
) -> SafeString:
    """Bars per label, one per series side by side, or `stacked` into one."""
    heights = [sum(s.values[i] for s in series) for i in range(len(labels))] if stacked else [
        max((s.values[i] for s in series), default=0) for i in range(len(labels))
    ]  # fmt: skip
    top = nice_top(max(heights, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(labels), 1)
    bar_w = slot * 0.7 / (1 if stacked else len(series))

    def y(value: float) -> float:
        return TOP + plot_h - plot_h * value / top

    parts: list[SafeString] = []
    for tick in (0, top / 2, top):
        parts.append(svg(
            '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
            '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>',
            LEFT, WIDTH - RIGHT, y(tick), y(tick), LEFT - 6, y(tick) + 4, shown(round(tick)),
        ))  # fmt: skip
    every = max(1, math.ceil(len(labels) / 12))  # at most 12 labels under the axis
    for i, label in enumerate(labels):
        x0 = LEFT + slot * i + slot * 0.15
        base = 0
        for k, s in enumerate(series):
            value = s.values[i]
            x = x0 if stacked else x0 + k * bar_w
            bottom = base if stacked else 0
            parts.append(svg(
                '<rect class="{}" x="{}" y="{}" width="{}" height="{}">'
                "<title>{}, {}: {}</title></rect>",
                s.css, x, y(bottom + value), bar_w, y(bottom) - y(bottom + value),
                label, s.name, shown(value),
            ))  # fmt: skip
            base += value if stacked else 0
        if i % every == 0:  # "Jan" and, under it, "2026" where a year starts
            month, _, year = label.partition(" ")
            first = i == 0 or month == "Jan"
            parts.append(svg(
                '<text class="axis" x="{}" y="{}" text-anchor="middle">{}'
                '<tspan x="{}" dy="14">{}</tspan></text>',
                LEFT + slot * (i + 0.5), HEIGHT - BOTTOM + 16, month,
                LEFT + slot * (i + 0.5), year if first else "",
            ))  # fmt: skip
    legend = format_html_join(
        "", '<rect class="{}" x="{}" y="8" width="12" height="12"/>'
        '<text class="legend" x="{}" y="18">{}</text>',
        ((s.css, LEFT + k * 170, LEFT + k * 170 + 16, s.name) for k, s in enumerate(series)),
    )  # fmt: skip
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title>{}{}</svg>',
        WIDTH, HEIGHT, chart_id, chart_id, title, legend, joined(parts),
    )  # fmt: skip


def ranked_chart(
    chart_id: str, title: str, rows: list[tuple[str, int]], *, shown: Callable[[int], str] = str
) -> SafeString:
    """Horizontal bars, one per row (label, value), longest first, for labels too long
    to stand under an axis (sources)."""
    line, label_w = 26, 230
    top = max((value for _, value in rows), default=0) or 1
    parts = []
    for i, (label, value) in enumerate(rows):
        y, width = 8 + i * line, (WIDTH - label_w - 90) * value / top
        parts.append(svg(
            '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>'
            '<rect class="s1" x="{}" y="{}" width="{}" height="16"><title>{}: {}</title></rect>'
            '<text class="axis" x="{}" y="{}">{}</text>',
            label_w - 8, y + 13, label if len(label) <= 34 else label[:33] + "…",
            label_w, y, width, label, shown(value), label_w + width + 6, y + 13, shown(value),
        ))  # fmt: skip
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title>{}</svg>',
        WIDTH, 16 + len(rows) * line, chart_id, chart_id, title, joined(parts),
    )  # fmt: skip
