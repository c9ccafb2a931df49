"""Offline charts of the analysis pages: bar widths for CSS bars and inline SVG scatters.

Bars are HTML (a ``<span>`` whose width is a percentage), so their labels are page text
that wraps and stays legible on a 390 px phone; only the quadrant charts (IPA, Kano) are
SVG, with numbered points keyed to the table under them instead of labels that would
overlap. Nothing is fetched: no script, no font, no external link.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


def share(value: float | None, low: float, high: float) -> float:
    """``value`` as a percentage of [low, high], clipped to 0–100 (0 for no value).

    Examples
    --------
    >>> share(5.5, 1, 10), share(12, 1, 10), share(None, 0, 1)
    (50.0, 100.0, 0.0)
    """
    if value is None or not math.isfinite(value) or high <= low:
        return 0.0
    return max(0.0, min(100.0, (value - low) / (high - low) * 100.0))


@dataclass(frozen=True)
class Point:
    """One numbered point of a scatter; ``tone`` is a CSS class (e.g. the quadrant)."""

    number: int
    x: float
    y: float
    tone: str = ""


SIZE = 320
PAD = 36


def scatter(
    points: Sequence[Point],
    *,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    x_cross: float | None,
    y_cross: float | None,
    x_label: str,
    y_label: str,
    description: str,
    corners: tuple[str, str, str, str] = ("", "", "", ""),
) -> Markup:
    """A square SVG scatter with optional cross lines and corner captions (top-left,
    top-right, bottom-left, bottom-right), ``role="img"`` with ``description``."""
    (x0, x1), (y0, y1) = x_range, y_range
    inner = SIZE - 2 * PAD

    def px(x: float) -> float:
        return PAD + share(x, x0, x1) / 100 * inner

    def py(y: float) -> float:
        return SIZE - PAD - share(y, y0, y1) / 100 * inner

    parts = [
        f'<svg class="scatter" viewBox="0 0 {SIZE} {SIZE}" role="img" '
        f'aria-label="{escape(description)}" xmlns="http://www.w3.org/2000/svg">',
        f'<rect x="{PAD}" y="{PAD}" width="{inner}" height="{inner}" class="frame"/>',
    ]
    if x_cross is not None:
        parts.append(
            f'<line x1="{px(x_cross):.1f}" y1="{PAD}" x2="{px(x_cross):.1f}" '
            f'y2="{SIZE - PAD}" class="cross"/>'
        )
    if y_cross is not None:
        parts.append(
            f'<line x1="{PAD}" y1="{py(y_cross):.1f}" x2="{SIZE - PAD}" '
            f'y2="{py(y_cross):.1f}" class="cross"/>'
        )
    spots = (
        (PAD + 4, PAD + 14, "start"),
        (SIZE - PAD - 4, PAD + 14, "end"),
        (PAD + 4, SIZE - PAD - 6, "start"),
        (SIZE - PAD - 4, SIZE - PAD - 6, "end"),
    )
    for caption, (cx, cy, anchor) in zip(corners, spots, strict=True):
        if caption:
            parts.append(
                f'<text x="{cx}" y="{cy}" text-anchor="{anchor}" class="corner">'
                f"{escape(caption)}</text>"
            )
    for p in points:
        if not (math.isfinite(p.x) and math.isfinite(p.y)):
            continue
        parts.append(
            f'<g class="pt {escape(p.tone)}"><circle cx="{px(p.x):.1f}" cy="{py(p.y):.1f}" '
            f'r="10"/><text x="{px(p.x):.1f}" y="{py(p.y) + 4:.1f}" text-anchor="middle">'
            f"{p.number}</text></g>"
        )
    parts.append(
        f'<text x="{SIZE / 2}" y="{SIZE - 8}" text-anchor="middle" class="axis">'
        f"{escape(x_label)}</text>"
        f'<text x="12" y="{SIZE / 2}" text-anchor="middle" class="axis" '
        f'transform="rotate(-90 12 {SIZE / 2})">{escape(y_label)}</text></svg>'
    )
    return Markup("".join(parts))


def padded(values: Sequence[float], *, floor: float | None = None) -> tuple[float, float]:
    """A range around ``values`` with 10 % room on each side (never narrower than 1e-9).

    Examples
    --------
    >>> padded([1.0, 3.0])
    (0.8, 3.2)
    """
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return (0.0, 1.0)
    low, high = min(finite), max(finite)
    room = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    low, high = low - room, high + room
    if floor is not None:
        low = max(low, floor)
    return (round(low, 12), round(high, 12))


__all__ = ["Point", "padded", "scatter", "share"]
