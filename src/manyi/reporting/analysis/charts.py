"""Plotly figures of the report, drawn from the report's JSON form (so charts and tables agree).

Every function takes a part's JSON dict (``values`` and ``tables``, see
:func:`manyi.reporting.analysis.report.part_to_dict`), the language and a function that turns
a column or indicator key into its display name, and returns a :class:`Chart`: the figure and
a one-sentence text alternative for screen readers. Colours are the Okabe–Ito palette, which
stays distinguishable with the common colour-vision deficiencies.

References
----------
Okabe, M. & Ito, K. (2008). Color Universal Design (CUD): how to make figures and
presentations that are friendly to colorblind people.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from manyi.reporting.analysis.labels import text

Namer = Callable[[str], str]
Records = Sequence[Mapping[str, Any]]

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
FONT = "system-ui, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif"


@dataclass(frozen=True)
class Chart:
    """A figure with its text alternative.

    Attributes
    ----------
    key : str
        Stable identifier, also the HTML element id (``chart-<key>``).
    figure : plotly.graph_objects.Figure
        The figure (call ``.show()`` in a notebook).
    description : str
        What the chart shows, in words, for ``aria-label`` and readers without JavaScript.
    """

    key: str
    figure: Any
    description: str


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": title, "x": 0.0, "xanchor": "left"},
        "template": "simple_white",
        "font": {"family": FONT, "size": 13},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
        "height": 380,
        "legend": {"orientation": "h", "y": -0.2},
    }
    layout.update(extra)
    return layout


def _num(value: Any) -> float:
    return float("nan") if value is None else float(value)


def nps_mix(part: Mapping[str, Any], lang: str, name: Namer) -> Chart:
    """Stacked bar of promoters, passives and detractors (in %)."""
    v = part["values"]
    column = str(v["column"])
    keys = ("detractors", "passives", "promoters")
    colours = (OKABE_ITO[3], "#BBBBBB", OKABE_ITO[2])
    fig = go.Figure(
        [
            go.Bar(
                x=[100 * _num(v[k])],
                y=[name(column)],
                name=text(k, lang),
                orientation="h",
                marker_color=c,
                text=[f"{100 * _num(v[k]):.1f}%"],
                textposition="inside",
            )
            for k, c in zip(keys, colours, strict=True)
        ],
        layout=_layout(
            f"NPS {_num(v['score']):.1f}",
            barmode="stack",
            height=230,
            legend={"orientation": "h", "x": 1.0, "xanchor": "right", "y": 1.25},
        ),
    )
    fig.update_xaxes(range=[0, 100], title_text="%")
    desc = f"NPS {_num(v['score']):.1f}: " + ", ".join(
        f"{text(k, lang)} {100 * _num(v[k]):.1f}%" for k in reversed(keys)
    )
    return Chart(f"nps-{column}", fig, desc)


def scree(part: Mapping[str, Any], lang: str) -> Chart:
    """Eigenvalues against the parallel-analysis threshold, with the Kaiser line at 1."""
    rows = part["tables"]["scree"]
    x = [r["component"] for r in rows]
    fig = go.Figure(
        [
            go.Scatter(
                x=x,
                y=[r["eigenvalue"] for r in rows],
                name=text("eigenvalue", lang),
                mode="lines+markers",
                line_color=OKABE_ITO[0],
            ),
            go.Scatter(
                x=x,
                y=[r["random_quantile"] for r in rows],
                name=text("random_quantile", lang),
                mode="lines",
                line={"color": OKABE_ITO[1], "dash": "dash"},
            ),
        ],
        layout=_layout(text("scree", lang)),
    )
    fig.add_hline(y=1.0, line_dash="dot", line_color="#777777")
    k = part["values"]["n_factors"]
    counts = {"eigenvalues": len(rows), "factors": k}
    desc = f"{text('scree', lang)}: {text('scree_description', lang) % counts}"
    return Chart("scree", fig, desc)


def servqual_gaps(part: Mapping[str, Any], lang: str, name: Namer) -> Chart:
    """Expectation and perception means per dimension, with the gap written on each pair."""
    rows = part["tables"]["dimensions"]
    dims = [name(str(r["dimension"])) for r in rows]
    fig = go.Figure(
        [
            go.Bar(
                x=dims,
                y=[r["expectation"] for r in rows],
                name=text("expectation", lang),
                marker_color=OKABE_ITO[5],
            ),
            go.Bar(
                x=dims,
                y=[r["perception"] for r in rows],
                name=text("perception", lang),
                marker_color=OKABE_ITO[0],
                text=[f"{_num(r['gap']):+.2f}" for r in rows],
                textposition="outside",
            ),
        ],
        layout=_layout(text("servqual", lang), barmode="group"),
    )
    low, high = part["values"]["scale"]
    fig.update_yaxes(range=[low, high + 0.5])
    desc = "; ".join(
        f"{d}: {text('gap', lang)} {_num(r['gap']):+.2f}" for d, r in zip(dims, rows, strict=True)
    )
    return Chart("servqual", fig, desc)


def csi_scores(part: Mapping[str, Any], lang: str, name: Namer) -> Chart:
    """0–100 scores of the index's nodes (dimensions and indicators), root first."""
    rows = list(part["tables"]["nodes"])
    labels = [name(str(r["node"])) for r in rows]
    colours = [OKABE_ITO[r["level"] % len(OKABE_ITO)] for r in rows]
    fig = go.Figure(
        go.Bar(
            x=[r["score"] for r in rows],
            y=labels,
            orientation="h",
            marker_color=colours,
            text=[f"{_num(r['score']):.1f}" for r in rows],
            textposition="outside",
        ),
        layout=_layout(text("csi", lang), height=max(260, 40 * len(rows))),
    )
    fig.update_xaxes(range=[0, 105])
    fig.update_yaxes(autorange="reversed")
    desc = ", ".join(f"{lab} {_num(r['score']):.1f}" for lab, r in zip(labels, rows, strict=True))
    return Chart("csi", fig, desc)


def pls_indices(part: Mapping[str, Any], lang: str) -> Chart:
    """Mean 0–100 index of every latent variable of the PLS model."""
    v = part["values"]
    labels = v.get("labels", {})
    keys = list(v["indices"])
    shown = [(labels[k][0] if lang == "en" else labels[k][1]) if k in labels else k for k in keys]
    values = [_num(v["indices"][k]) for k in keys]
    fig = go.Figure(
        go.Bar(
            x=shown,
            y=values,
            marker_color=OKABE_ITO[0],
            text=[f"{x:.1f}" for x in values],
            textposition="outside",
        ),
        layout=_layout(f"{text('index', lang)} (0–100), GoF {_num(v['gof']):.3f}"),
    )
    fig.update_yaxes(range=[0, 105])
    desc = ", ".join(f"{s} {x:.1f}" for s, x in zip(shown, values, strict=True))
    return Chart("pls", fig, desc)


def driver_importance(part: Mapping[str, Any], lang: str, name: Namer) -> Chart:
    """Share of R² per driver (%), with the bootstrap interval as error bars."""
    v = part["values"]
    rows = sorted(part["tables"]["predictors"], key=lambda r: -_num(r["raw"]))
    r2 = _num(v["r2"])
    scale = 100.0 / r2 if r2 > 0 else float("nan")
    pct = [_num(r["raw"]) * scale for r in rows]
    plus = [(_num(r["ci_high"]) - _num(r["raw"])) * scale for r in rows]
    minus = [(_num(r["raw"]) - _num(r["ci_low"])) * scale for r in rows]
    labels = [name(str(r["name"])) for r in rows]
    fig = go.Figure(
        go.Bar(
            x=pct,
            y=labels,
            orientation="h",
            marker_color=OKABE_ITO[0],
            error_x={"type": "data", "array": plus, "arrayminus": minus, "color": "#444444"},
        ),
        layout=_layout(
            f"{text(str(v['method']), lang)}: R² = {r2:.3f}", height=max(260, 45 * len(rows))
        ),
    )
    fig.update_xaxes(title_text=text("rescaled", lang))
    fig.update_yaxes(autorange="reversed")
    desc = ", ".join(f"{lab} {p:.1f}%" for lab, p in zip(labels, pct, strict=True))
    return Chart(str(v["method"]), fig, desc)


def ipa_scatter(part: Mapping[str, Any], lang: str, name: Namer) -> Chart:
    """Importance (x) against performance (y) with the cross-hairs and quadrant names."""
    v = part["values"]
    rows = part["tables"]["attributes"]
    labels = [name(str(r["name"])) for r in rows]
    quadrant = "quadrant" if lang == "en" else "quadrant_zh"
    fig = go.Figure(
        go.Scatter(
            x=[r["importance"] for r in rows],
            y=[r["performance"] for r in rows],
            mode="markers+text",
            text=labels,
            textposition="top center",
            marker={"size": 11, "color": OKABE_ITO[0]},
            customdata=[r[quadrant] for r in rows],
            hovertemplate="%{text}<br>%{customdata}<extra></extra>",
        ),
        layout=_layout(text("ipa", lang), height=460),
    )
    fig.add_vline(x=_num(v["importance_cross"]), line_dash="dash", line_color="#777777")
    fig.add_hline(y=_num(v["performance_cross"]), line_dash="dash", line_color="#777777")
    fig.update_xaxes(title_text=text("importance", lang))
    fig.update_yaxes(title_text=text("performance", lang))
    desc = "; ".join(f"{lab}: {r[quadrant]}" for lab, r in zip(labels, rows, strict=True))
    return Chart("ipa", fig, desc)


def kano_scatter(part: Mapping[str, Any], lang: str, name: Namer) -> Chart:
    """Better against |Worse| per attribute (Berger et al. 1993), lines at 0.5."""
    rows = part["tables"]["attributes"]
    labels = [name(str(r["name"])) for r in rows]
    category = "category_en" if lang == "en" else "category_zh"
    fig = go.Figure(
        go.Scatter(
            x=[abs(_num(r["worse"])) for r in rows],
            y=[r["better"] for r in rows],
            mode="markers+text",
            text=labels,
            textposition="top center",
            marker={"size": 11, "color": OKABE_ITO[2]},
            customdata=[r[category] for r in rows],
            hovertemplate="%{text}<br>%{customdata}<extra></extra>",
        ),
        layout=_layout(text("kano", lang), height=460),
    )
    fig.add_vline(x=0.5, line_dash="dash", line_color="#777777")
    fig.add_hline(y=0.5, line_dash="dash", line_color="#777777")
    fig.update_xaxes(range=[0, 1.05], title_text=f"|{text('worse', lang)}|")
    fig.update_yaxes(range=[0, 1.05], title_text=text("better", lang))
    desc = "; ".join(
        f"{lab}: {r[category]} (Better {_num(r['better']):.2f}, Worse {_num(r['worse']):.2f})"
        for lab, r in zip(labels, rows, strict=True)
    )
    return Chart("kano", fig, desc)


def value_curves(part: Mapping[str, Any], lang: str, name: Namer) -> Chart:
    """One line per rater group across the service elements."""
    rows = part["tables"]["means"]
    groups = [str(g) for g in part["values"]["groups"]]
    elements = [name(str(r["name"])) for r in rows]
    fig = go.Figure(
        [
            go.Scatter(
                x=elements,
                y=[r[g] for r in rows],
                name=name(g),
                mode="lines+markers",
                line_color=OKABE_ITO[i % len(OKABE_ITO)],
            )
            for i, g in enumerate(groups)
        ],
        layout=_layout(text("value_curve", lang)),
    )
    fig.update_yaxes(title_text=text("mean", lang))
    desc = "; ".join(
        f"{name(g)}: "
        + ", ".join(f"{e} {_num(r[g]):.2f}" for e, r in zip(elements, rows, strict=True))
        for g in groups
    )
    return Chart("value-curve", fig, desc)


__all__ = [
    "Chart",
    "csi_scores",
    "driver_importance",
    "ipa_scatter",
    "kano_scatter",
    "nps_mix",
    "pls_indices",
    "scree",
    "servqual_gaps",
    "value_curves",
]
