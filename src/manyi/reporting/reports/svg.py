"""Inline SVG charts of the report: drawn here as text, so the PDF needs no browser, no
JavaScript and no network (Plotly's static export needs kaleido, which is not offline).

Every string that goes into the SVG is escaped; colours are from the Okabe–Ito palette
(distinguishable with the common colour-vision deficiencies), and every chart has a
``<title>`` and an ``aria-label`` saying what it shows; its numbers are in a table beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

BLUE = "#0072B2"
ORANGE = "#D55E00"
GREY = "#6b6b6b"


@dataclass(frozen=True)
class TrendPoint:
    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    #: A significant change against the point before (drawn as a ring and a mark).
    marked: bool = False


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1, 2 or 5 times a power of ten apart)."""
    span = high - low or 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step / 2:
        ticks.append(round(value, 10))
        value += step
    return ticks


def trend_chart(
    points: Sequence[TrendPoint],
    *,
    title: str,
    value_format: str = "{:.0f}",
    width: int = 640,
    height: int = 220,
) -> Markup:
    """A line of the values with their confidence band; marked points ringed in orange.

    Points without a value (too few answers) leave a gap in the line.
    """
    known = [p for p in points if p.value is not None]
    if not known:
        return Markup("")
    lows = [p.low if p.low is not None else p.value for p in known]
    highs = [p.high if p.high is not None else p.value for p in known]
    ticks = _ticks(min(v for v in lows if v is not None), max(v for v in highs if v is not None))
    y_min, y_max = ticks[0], ticks[-1]
    if y_max == y_min:
        y_max = y_min + 1
    left, right, top, bottom = 44, 12, 12, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(points)

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - y_min) / (y_max - y_min))

    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in ticks:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            'stroke="#e3e3e3" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{GREY}">{escape(value_format.format(tick))}</text>'
        )
    # The band and the line run over consecutive points that have a value.
    for run in _runs(points):
        upper = [f"{x(i):.1f},{y(_or(p.high, p.value)):.1f}" for i, p in run]
        lower = [f"{x(i):.1f},{y(_or(p.low, p.value)):.1f}" for i, p in reversed(run)]
        parts.append(
            f'<polygon points="{" ".join(upper + lower)}" fill="{BLUE}" fill-opacity="0.15"/>'
        )
        line = " ".join(f"{x(i):.1f},{y(_or(p.value)):.1f}" for i, p in run)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{BLUE}" stroke-width="2"/>')
    step = max(1, math.ceil(n / 8))  # at most ~8 labels under the axis
    for i, p in enumerate(points):
        if p.value is not None:
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(p.value):.1f}" r="3" fill="{BLUE}"/>')
            if p.marked:
                parts.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(p.value):.1f}" r="7" fill="none" '
                    f'stroke="{ORANGE}" stroke-width="2"/>'
                )
        if (n - 1 - i) % step == 0:  # counted back from the last, which is always named
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - 10}" text-anchor="middle" font-size="11" '
                f'fill="{GREY}">{escape(p.label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _or(*values: float | None) -> float:
    return next(v for v in values if v is not None)


def _runs(points: Sequence[TrendPoint]) -> list[list[tuple[int, TrendPoint]]]:
    runs: list[list[tuple[int, TrendPoint]]] = []
    current: list[tuple[int, TrendPoint]] = []
    for i, p in enumerate(points):
        if p.value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((i, p))
    if current:
        runs.append(current)
    return runs
