"""The analysis spec of a stored survey, derived from its questions (no YAML to write).

The question kinds say which columns are which:

* NPS, CSAT and CES questions are the **metrics** (with their own scales);
* SERVQUAL questions give the **servqual** items (expectation ``_E``, perception ``_P``)
  by their dimension; asked importance (``_I``) becomes one importance column per
  dimension (the respondent's mean over its items), weighted per respondent;
  the dimensions' perception items are the **reliability** constructs;
* the **drivers** target is the first NPS, CSAT, CES or other scored question that is not
  a SERVQUAL item; the predictors are the other single-score questions (ratings, Likert),
  or, in a SERVQUAL survey, each dimension's mean perception;
* the **PLS** index model needs multi-item constructs: the SERVQUAL dimensions (their
  perception items) → satisfaction (the drivers target) → loyalty (the next scored
  question, when there is one);
* Kano questions give the **kano** pairs;
* the **value curve** compares the drivers' predictors as rated by the rater groups in
  the response metadata (``rater``: customer, staff, management) when at least two
  groups rated;
* **segments** compares the metrics (or the drivers target) across channel, touchpoint,
  language, region, tier, product and department, where the data hold two groups or more.

What the questions do not allow is named in :attr:`StoredPlan.missing` with a stable
reason code (the pages say it in words).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from manyi.domain.enums import QuestionKind
from manyi.domain.survey import Question
from manyi.i18n.terms import term
from manyi.reporting.analysis.spec import AnalysisSpec, parse_spec
from manyi.reporting.stored.frame import (
    DEPARTMENT,
    FIELD_GROUPS,
    RATER,
    SEGMENT_COLUMNS,
    StoredFrame,
)

#: Groups compared in the segments section, in this order.
SEGMENT_GROUPS: tuple[str, ...] = (*FIELD_GROUPS, *SEGMENT_COLUMNS.values(), DEPARTMENT)
#: Groups need at least this many responses each to be compared.
MIN_GROUP = 5
#: Bootstrap resamples of the drivers' and the PLS model's intervals by default.
DEFAULT_BOOTSTRAP = 200
#: Fewest bootstrap resamples a row budget leaves (the PLS spec needs at least 10).
MIN_RESAMPLES = 20
#: Scored kinds with one number per answer (drivers and segment measures).
SINGLE_SCORE = frozenset(
    {
        QuestionKind.RATING,
        QuestionKind.NPS,
        QuestionKind.CSAT,
        QuestionKind.CES,
        QuestionKind.LIKERT,
    }
)
_METRIC_KINDS = (QuestionKind.NPS, QuestionKind.CSAT, QuestionKind.CES)
#: Which scored question is the drivers target: the first of these kinds (question order
#: breaks ties).
_TARGET_ORDER = (*_METRIC_KINDS, QuestionKind.RATING, QuestionKind.LIKERT)
_GROUP_LABELS = {
    "channel": ("渠道", "Channel"),
    "touchpoint": ("触点", "Touchpoint"),
    "language": ("答卷语言", "Response language"),
    "seg:region": ("地区", "Region"),
    "seg:tier": ("会员等级", "Tier"),
    "seg:product": ("产品", "Product"),
    "seg:department": ("部门", "Department"),
    "seg:rater": ("评价者", "Rater"),
    "customer": ("客户", "Customers"),
    "staff": ("员工", "Staff"),
    "management": ("管理层", "Management"),
}


@dataclass(frozen=True)
class StoredPlan:
    """What to compute on a stored survey.

    Attributes
    ----------
    spec : AnalysisSpec or None
        The spec for :func:`manyi.reporting.analysis.analyze`; None when the survey has no
        question any section can use.
    derived : dict
        New column → the columns whose row mean it is (computed by :func:`add_derived`
        before the analysis, on stored data and exports alike).
    missing : dict
        Section → reason code for sections the questions do not allow (``no_servqual``,
        ``no_kano``, ``no_metrics``, ``no_target``, ``few_predictors``, ``no_constructs``,
        ``no_raters``, ``no_segments``).
    target : str or None
        The drivers target column.
    scales : dict
        Column → (low, high) answer scale of every scored column.
    """

    spec: AnalysisSpec | None
    derived: dict[str, list[str]] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    target: str | None = None
    scales: dict[str, tuple[float, float]] = field(default_factory=dict)


def _scale(question: Question) -> tuple[float, float] | None:
    if question.scale is None:
        return None
    return (float(question.scale.min), float(question.scale.max))


def _label(zh: str | None, en: str | None) -> dict[str, str]:
    return {"zh": zh or en or "", "en": en or zh or ""}


def add_derived(frame: pd.DataFrame, plan: StoredPlan) -> pd.DataFrame:
    """``frame`` with the plan's derived columns (row means; NaN where every source is)."""
    if not plan.derived:
        return frame
    extra = {
        name: frame[sources].apply(pd.to_numeric, errors="coerce").mean(axis=1, skipna=True)
        for name, sources in plan.derived.items()
    }
    return frame.assign(**extra)


def _groups_present(frame: pd.DataFrame, column: str) -> list[str]:
    if column not in frame.columns:
        return []
    counts = frame[column].dropna().astype(str).value_counts()
    return [str(g) for g, n in counts.items() if n >= MIN_GROUP]


@dataclass
class _Builder:
    stored: StoredFrame
    bootstrap: int
    spec: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    derived: dict[str, list[str]] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    scales: dict[str, tuple[float, float]] = field(default_factory=dict)

    def col(self, question: Question, item: str = "") -> str | None:
        return self.stored.column(question.code, item)

    def label_columns(self) -> None:
        for v in self.stored.variables:
            self.labels[v.name] = _label(v.label, self.stored.labels_en.get(v.name))
        for key, (zh, en) in _GROUP_LABELS.items():
            self.labels.setdefault(key, _label(zh, en))


def _metrics(b: _Builder, questions: Sequence[Question]) -> list[str]:
    metrics: dict[str, list[dict[str, Any]]] = {"nps": [], "csat": [], "ces": []}
    columns: list[str] = []
    for q in questions:
        column, scale = b.col(q), _scale(q)
        if q.kind not in _METRIC_KINDS or column is None or scale is None:
            continue
        b.scales[column] = scale
        columns.append(column)
        if q.kind == QuestionKind.NPS:
            metrics["nps"].append({"column": column})
        elif q.kind == QuestionKind.CSAT:
            metrics["csat"].append({"column": column, "scale": list(scale), "top_k": 2})
        else:
            metrics["ces"].append({"column": column, "scale": list(scale)})
    if columns:
        b.spec["metrics"] = {k: v for k, v in metrics.items() if v}
    else:
        b.missing["metrics"] = "no_metrics"
    return columns


def _servqual(b: _Builder, questions: Sequence[Question]) -> dict[str, list[str]]:
    """SERVQUAL items and importance; returns dimension → perception columns."""
    items: dict[str, dict[str, str]] = {}
    perceptions: dict[str, list[str]] = {}
    importance: dict[str, list[str]] = {}
    scale: tuple[float, float] | None = None
    for q in questions:
        if q.kind != QuestionKind.SERVQUAL or q.dimension is None:
            continue
        e, p, i = b.col(q, "E"), b.col(q, "P"), b.col(q, "I")
        if e is None or p is None:
            continue
        scale = scale or _scale(q)
        dimension = q.dimension.value
        items[q.code] = {"expectation": e, "perception": p, "dimension": dimension}
        b.labels.setdefault(q.code, _label(q.text.zh, q.text.en))
        perceptions.setdefault(dimension, []).append(p)
        if i is not None:
            importance.setdefault(dimension, []).append(i)
    if not items:
        b.missing["servqual"] = "no_servqual"
        return {}
    section: dict[str, Any] = {"items": items, "scale": list(scale or (1, 7))}
    if importance and set(importance) == set(perceptions):
        columns = {d: f"importance:{d}" for d in importance}
        b.derived.update({columns[d]: cols for d, cols in importance.items()})
        section["importance"] = columns
        section["weighting"] = "respondent"
    b.spec["servqual"] = section
    for cols in perceptions.values():
        b.scales.update(dict.fromkeys(cols, scale or (1, 7)))
    constructs = {d: cols for d, cols in perceptions.items() if len(cols) >= 2}
    if constructs:
        b.spec["reliability"] = {"constructs": constructs, "efa": {"rotation": "promax"}}
    return perceptions


def _drivers(
    b: _Builder, questions: Sequence[Question], perceptions: Mapping[str, list[str]]
) -> tuple[str | None, list[str]]:
    scored = [
        (q, c)
        for q in questions
        if q.kind in SINGLE_SCORE and (c := b.col(q)) is not None and _scale(q) is not None
    ]
    for q, c in scored:
        b.scales[c] = _scale(q) or (0.0, 0.0)
    if not scored:
        b.missing["drivers"] = "no_target"
        return None, []
    ranked = sorted(scored, key=lambda qc: _TARGET_ORDER.index(qc[0].kind))
    if perceptions:
        target = scored[0][1] if not any(q.kind in _METRIC_KINDS for q, _ in scored) else None
        target = target or ranked[0][1]
        predictors = []
        for dimension, cols in perceptions.items():
            name = f"perception:{dimension}"
            b.derived[name] = list(cols)
            # the dimension's name from the catalog (SERVQUAL dimensions are terms)
            b.labels.setdefault(name, _label(term(dimension, "zh-CN"), term(dimension, "en")))
            predictors.append(name)
            b.scales[name] = b.scales[cols[0]]
    else:
        target = ranked[0][1]
        predictors = [
            c
            for q, c in scored
            if c != target and q.kind in (QuestionKind.RATING, QuestionKind.LIKERT)
        ]
    if len(predictors) < 2:
        b.missing["drivers"] = "few_predictors"
        return target, predictors
    scales = {b.scales[p] for p in predictors}
    ipa: dict[str, Any] = {"centre": "data", "importance": "relative_weights"}
    if len(scales) == 1:
        ipa["scale"] = list(scales.pop())
    b.spec["drivers"] = {
        "target": target,
        "predictors": predictors,
        "method": "both",
        "bootstrap": b.bootstrap,
        "ipa": ipa,
    }
    return target, predictors


def _pls(
    b: _Builder,
    questions: Sequence[Question],
    perceptions: Mapping[str, list[str]],
    target: str | None,
) -> None:
    if not perceptions or target is None:
        b.missing["pls"] = "no_constructs"
        return
    blocks: dict[str, list[str]] = {d: list(cols) for d, cols in perceptions.items()}
    blocks["SAT"] = [target]
    paths = [[d, "SAT"] for d in perceptions]
    outcomes = [
        c
        for q in questions
        if q.kind in SINGLE_SCORE and (c := b.col(q)) is not None and c != target
    ]
    if outcomes:
        blocks["LOY"] = [outcomes[0]]
        paths.append(["SAT", "LOY"])
    used = {b.scales.get(c) for cols in blocks.values() for c in cols}
    section: dict[str, Any] = {
        "blocks": blocks,
        "paths": paths,
        "model": "custom",
        "scheme": "path",
        "bootstrap": b.bootstrap if b.bootstrap >= 10 else 0,
    }
    if len(used) == 1 and None not in used:
        section["scale"] = list(used.pop() or (1, 7))
    b.labels.setdefault("SAT", _label("满意度", "Satisfaction"))
    b.labels.setdefault("LOY", _label("忠诚度", "Loyalty"))
    b.spec["pls"] = section


def _kano(b: _Builder, questions: Sequence[Question]) -> None:
    attributes: dict[str, dict[str, str]] = {}
    for q in questions:
        f, d = b.col(q, "functional"), b.col(q, "dysfunctional")
        if q.kind == QuestionKind.KANO and f is not None and d is not None:
            attributes[q.code] = {"functional": f, "dysfunctional": d}
            b.labels.setdefault(q.code, _label(q.text.zh, q.text.en))
    if attributes:
        b.spec["kano"] = {"attributes": attributes}
    else:
        b.missing["kano"] = "no_kano"


def _value_curve(b: _Builder, predictors: list[str]) -> None:
    groups = _groups_present(b.stored.frame, RATER)
    if len(groups) < 2 or len(predictors) < 1:
        b.missing["value_curve"] = "no_raters"
        return
    order: list[str] = [g for g in ("customer", "staff", "management") if g in groups]
    order += [g for g in groups if g not in order]
    b.spec["value_curve"] = {"group": RATER, "elements": predictors, "groups": order}
    b.spec["filter"] = {"column": RATER, "values": ["customer"]}


def _segments(b: _Builder, metric_columns: list[str], target: str | None) -> None:
    columns = [c for c in SEGMENT_GROUPS if len(_groups_present(b.stored.frame, c)) >= 2]
    if not columns:
        b.missing["segments"] = "no_segments"
        return
    # Pairwise Welch t tests with Holm's correction rather than Games-Howell: equally
    # family-wise, and SciPy's studentized-range quantiles take about a second per test.
    section: dict[str, Any] = {"columns": columns, "correction": "holm", "posthoc": "welch"}
    if not metric_columns:
        if target is None:
            b.missing["segments"] = "no_target"
            return
        scale = b.scales.get(target)
        section["measures"] = [
            {"column": target, "kind": "mean", **({"scale": list(scale)} if scale else {})}
        ]
    b.spec["segments"] = section


def resamples(bootstrap: int, n: int, row_budget: int | None) -> int:
    """Bootstrap resamples within a budget of resampled rows (None: no budget).

    Each resample refits the model on ``n`` rows, so the time grows with ``n × resamples``;
    a page keeps it bounded by spending at most ``row_budget`` rows, never going under
    :data:`MIN_RESAMPLES` (with 100,000 responses the intervals are narrow anyway).

    Examples
    --------
    >>> resamples(100, 900, 2_000_000), resamples(100, 100_000, 2_000_000), resamples(200, 10, None)
    (100, 20, 200)
    """
    if row_budget is None or bootstrap == 0 or n == 0:
        return bootstrap
    return max(min(bootstrap, MIN_RESAMPLES), min(bootstrap, row_budget // n))


def derive_plan(
    stored: StoredFrame, *, bootstrap: int = DEFAULT_BOOTSTRAP, row_budget: int | None = None
) -> StoredPlan:
    """The analysis plan of a stored survey: its spec, derived columns and what is missing.

    ``bootstrap`` sets the resamples of the drivers' intervals and the PLS model (0: none),
    reduced to fit ``row_budget`` resampled rows when one is given (see :func:`resamples`).
    """
    b = _Builder(stored, resamples(bootstrap, len(stored.frame), row_budget))
    b.label_columns()
    questions = stored.questions
    metric_columns = _metrics(b, questions)
    perceptions = _servqual(b, questions)
    target, predictors = _drivers(b, questions, perceptions)
    _pls(b, questions, perceptions, target)
    _kano(b, questions)
    _value_curve(b, predictors)
    _segments(b, metric_columns, target)
    sections = {k for k in b.spec if k != "filter"}
    if not sections:
        return StoredPlan(None, b.derived, b.missing, target, b.scales)
    definition = stored.definition
    b.spec["title"] = definition.title.zh or definition.title.en or ""
    b.spec["title_en"] = definition.title.en or definition.title.zh or ""
    b.spec["labels"] = b.labels
    return StoredPlan(parse_spec(b.spec), b.derived, b.missing, target, b.scales)


__all__ = [
    "DEFAULT_BOOTSTRAP",
    "MIN_GROUP",
    "MIN_RESAMPLES",
    "SEGMENT_GROUPS",
    "SINGLE_SCORE",
    "StoredPlan",
    "add_derived",
    "derive_plan",
    "resamples",
]
