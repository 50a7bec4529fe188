"""Server-side SVG charts: scaled to a round top, every text escaped, bars that add up."""

import re

import pytest

from donations.charts import Series, bar_chart, nice_top, ranked_chart


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (7, 10), (12, 20), (30, 50), (5001, 10000), (200, 200)]
)
def test_the_axis_ends_at_a_round_value_above_the_highest_bar(value, top):
    assert nice_top(value) == top


def heights(svg, css):
    """The bars' heights (the legend's squares have no tooltip)."""
    return [
        float(h) for h in re.findall(rf'<rect class="{css}" [^>]*height="([\d.]+)"><title>', svg)
    ]


def test_stacked_bars_add_up_and_grouped_bars_stand_side_by_side():
    series = [Series("A", [100, 0], "s1"), Series("B", [100, 50], "s2")]
    stacked = str(bar_chart("c", "Chart", ["Jan 2026", "Feb 2026"], series, stacked=True))
    grouped = str(bar_chart("c", "Chart", ["Jan 2026", "Feb 2026"], series))
    assert heights(stacked, "s1")[0] + heights(stacked, "s2")[0] == pytest.approx(186.0)
    assert heights(grouped, "s1")[0] == heights(grouped, "s2")[0] == pytest.approx(186.0)
    assert "<title>Feb 2026, B: 50</title>" in grouped
    assert 'role="img" aria-labelledby="c-title"' in grouped


def test_every_text_is_escaped():
    svg = str(ranked_chart("s", "<b>Sources</b>", [("<script>alert(1)</script>", 5)]))
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
