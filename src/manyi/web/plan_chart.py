"""The effect chart of a plan page: an inline SVG (no script, no network) with the weekly
metric of the treated and comparison segments, the change date, and the effect's
estimate with its 95 % confidence interval against zero."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from manyi.workflow.plan_effect import PlanEffect

W, H, PAD = 640, 260, 44
TREATED, CONTROL = "#1f6feb", "#8b949e"


def _scale(values: list[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    margin = (high - low) * 0.1
    return low - margin, high + margin


def effect_chart(effect: PlanEffect, labels: dict[str, str]) -> Markup:
    """``labels``: translated ``treated``, ``control``, ``change``, ``effect``, ``title``."""
    points = effect.series
    values = [v for p in points for v in (p.treated, p.control) if v is not None]
    if len(points) < 2 or not values:
        return Markup("")
    low, high = _scale(values)
    first, last = points[0].week.toordinal(), points[-1].week.toordinal()
    span = max(last - first, 1)
    plot_w = W - 2 * PAD - 150  # the right part holds the effect bar

    def x(day: int) -> float:
        return PAD + (day - first) / span * plot_w

    def y(v: float) -> float:
        return H - PAD - (v - low) / (high - low) * (H - 2 * PAD)

    parts = [
        f'<svg class="effect-chart" viewBox="0 0 {W} {H}" role="img" '
        f'aria-label="{escape(labels["title"])}" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{PAD}" y1="{H - PAD}" x2="{PAD + plot_w}" y2="{H - PAD}" stroke="#ccc"/>',
    ]
    for tick in (low + (high - low) * i / 4 for i in range(5)):
        parts.append(
            f'<text x="{PAD - 6}" y="{y(tick) + 4:.1f}" font-size="11" text-anchor="end">'
            f"{tick:.1f}</text>"
        )
    for name, colour in (("treated", TREATED), ("control", CONTROL)):
        coords = [
            f"{x(p.week.toordinal()):.1f},{y(v):.1f}"
            for p in points
            if (v := getattr(p, name)) is not None
        ]
        if coords:
            dash = ' stroke-dasharray="5 4"' if name == "control" else ""
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} '
                f'points="{" ".join(coords)}"/>'
            )
    cx = x(effect.change_at.toordinal())
    parts += [
        f'<line x1="{cx:.1f}" y1="{PAD - 10}" x2="{cx:.1f}" y2="{H - PAD}" stroke="#d29922" '
        'stroke-width="2"/>',
        f'<text x="{cx + 4:.1f}" y="{PAD - 14}" font-size="11">{escape(labels["change"])} '
        f"{effect.change_at:%Y-%m-%d}</text>",
        f'<text x="{PAD}" y="{H - 12}" font-size="11" fill="{TREATED}">— {escape(labels["treated"])}</text>',
        f'<text x="{PAD + 170}" y="{H - 12}" font-size="11" fill="{CONTROL}">- - '
        f"{escape(labels['control'])}</text>",
    ]
    # The effect with its interval, on its own scale through zero.
    lo, hi = effect.effect_ci
    bound = max(abs(lo), abs(hi), abs(effect.effect)) * 1.2 or 1.0
    bx = W - PAD - 60

    def by(v: float) -> float:
        return H / 2 - v / bound * (H / 2 - PAD)

    colour = {"improved": "#1a7f37", "worsened": "#cf222e"}.get(effect.verdict, "#57606a")
    parts += [
        f'<line x1="{bx - 30}" y1="{by(0):.1f}" x2="{bx + 30}" y2="{by(0):.1f}" stroke="#999"/>',
        f'<text x="{bx + 34}" y="{by(0) + 4:.1f}" font-size="11">0</text>',
        f'<line x1="{bx}" y1="{by(hi):.1f}" x2="{bx}" y2="{by(lo):.1f}" stroke="{colour}" '
        'stroke-width="3"/>',
        f'<circle cx="{bx}" cy="{by(effect.effect):.1f}" r="6" fill="{colour}"/>',
        f'<text x="{bx}" y="{PAD - 14}" font-size="11" text-anchor="middle">'
        f"{escape(labels['effect'])}</text>",
        f'<text x="{bx + 10}" y="{by(effect.effect) + 4:.1f}" font-size="11">'
        f"{effect.effect:+.2f}</text>",
        "</svg>",
    ]
    return Markup("".join(parts))
