"""Did the plan work? The measured effect of an improvement plan on its target metric.

The plan names a metric (a survey question as mean, NPS or top-box share; or the
negative share of an aspect's mentions in feedback), the day its change took effect
(``change_at``), a window before and after it, and a segment it applied to (the
``treated`` values of a segment key: touchpoint, channel, region, tier or product)
against a comparison segment (``control``; empty: every other value). The answers come
from the rollups (:mod:`manyi.storage.rollups`, daily counts per value), aspect mentions
from the enriched feedback; :func:`manyi.stats.effect_of_change` gives the before/after
difference in the treated segment and the difference-in-differences against the
comparison segment (robust HC1 standard errors), and :func:`verdict` says it in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from manyi.errors import InvalidInput
from manyi.stats.change_effect import ChangeEffect, effect_of_change
from manyi.storage.database import Database
from manyi.storage.plans import aspect_mention_rows, channel_ids_by_code, touchpoint_ids_by_code
from manyi.storage.rollups import RollupFilters, daily_score_counts, filter_values
from manyi.storage.types import utcnow
from manyi.workflow.plan_verdict import verdict

METRIC_KINDS = ("mean", "nps", "top_box", "negative_share")
SEGMENT_KEYS = ("touchpoint", "channel", "region", "tier", "product")
#: Below this many answers in a cell (segment × phase) no effect is reported.
MIN_CELL_N = 10


@dataclass(frozen=True)
class MetricSpec:
    """What a plan measures (the plan's columns, checked by :func:`check_metric`)."""

    metric_kind: str
    survey_id: int | None
    question: str | None
    item: str
    aspect: str | None
    threshold: float | None
    segment_key: str | None
    treated: tuple[str, ...]
    control: tuple[str, ...]
    change_at: date | None
    before_days: int
    after_days: int
    target_value: float | None = None

    @property
    def higher_is_better(self) -> bool:
        return self.metric_kind != "negative_share"


@dataclass(frozen=True)
class WeekPoint:
    week: date
    treated: float | None
    control: float | None
    n_treated: int
    n_control: int


@dataclass(frozen=True)
class PlanEffect:
    """The measured effect. ``did_*`` are None without a comparison segment."""

    kind: str
    change_at: date
    before_start: date
    after_end: date
    n_before: int
    n_after: int
    before: float
    before_ci: tuple[float, float]
    after: float
    after_ci: tuple[float, float]
    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    test: str
    did_estimate: float | None
    did_ci_low: float | None
    did_ci_high: float | None
    did_p_value: float | None
    pretrend_p_value: float | None
    control_before: float | None
    control_after: float | None
    verdict: str  # "improved", "worsened", "no_change"
    verdict_en: str
    verdict_zh: str
    target_value: float | None
    target_reached: bool | None
    series: list[WeekPoint]

    @property
    def effect(self) -> float:
        return self.did_estimate if self.did_estimate is not None else self.difference

    @property
    def effect_ci(self) -> tuple[float, float]:
        if self.did_ci_low is not None and self.did_ci_high is not None:
            return self.did_ci_low, self.did_ci_high
        return self.ci_low, self.ci_high

    @property
    def effect_p(self) -> float:
        return self.did_p_value if self.did_p_value is not None else self.p_value


def check_metric(spec: MetricSpec) -> None:
    """Refuse a metric that cannot be measured, with the reason."""
    if spec.metric_kind not in METRIC_KINDS:
        raise InvalidInput(f"metric kind must be one of {', '.join(METRIC_KINDS)}")
    if spec.metric_kind == "negative_share":
        if not spec.aspect:
            raise InvalidInput("an aspect's negative share needs the aspect")
    elif spec.survey_id is None or not spec.question:
        raise InvalidInput("a survey metric needs the survey and the question")
    if spec.metric_kind == "top_box" and spec.threshold is None:
        raise InvalidInput("a top-box share needs the threshold (answers at or above it count)")
    if spec.segment_key is not None and spec.segment_key not in SEGMENT_KEYS:
        raise InvalidInput(f"the segment must be one of {', '.join(SEGMENT_KEYS)}")
    if spec.segment_key is None and (spec.treated or spec.control):
        raise InvalidInput("segment values need the segment key (touchpoint, region …)")
    if spec.segment_key is not None and not spec.treated:
        raise InvalidInput("name the segment value(s) the plan applies to")
    if set(spec.treated) & set(spec.control):
        raise InvalidInput("a segment value cannot be both treated and comparison")
    if not (7 <= spec.before_days <= 365 and 7 <= spec.after_days <= 365):
        raise InvalidInput("the windows before and after the change are 7 to 365 days")


def _stats_kind(spec: MetricSpec) -> tuple[str, float | None]:
    if spec.metric_kind == "top_box":
        return "proportion", spec.threshold
    if spec.metric_kind == "negative_share":
        return "proportion", None
    return spec.metric_kind, None


def _expand(counts: list[tuple[date, float, int]], group: str) -> pd.DataFrame:
    if not counts:
        return pd.DataFrame({"day": [], "value": [], "group": []})
    days, values, n = zip(*counts, strict=True)
    reps = np.asarray(n, dtype=int)
    return pd.DataFrame(
        {
            "day": pd.to_datetime(np.repeat(np.asarray(days, dtype="datetime64[D]"), reps)),
            "value": np.repeat(np.asarray(values, dtype=float), reps),
            "group": group,
        }
    )


def _rollup_filter(
    key: str, values: tuple[str, ...], tp: dict[str, int], ch: dict[str, int]
) -> RollupFilters:
    if key == "touchpoint":
        return RollupFilters(touchpoint_ids=frozenset(tp[v] for v in values if v in tp))
    if key == "channel":
        return RollupFilters(channel_ids=frozenset(ch[v] for v in values if v in ch))
    chosen = frozenset(values)
    if key == "region":
        return RollupFilters(regions=chosen)
    if key == "tier":
        return RollupFilters(tiers=chosen)
    return RollupFilters(products=chosen)


def _all_values(db: Database, spec: MetricSpec) -> tuple[str, ...]:
    """Every value of the segment key present in the survey's rollups."""
    with db.session() as s:
        present = filter_values(s, survey_id=spec.survey_id)
        tp, ch = touchpoint_ids_by_code(s), channel_ids_by_code(s)
    key = spec.segment_key
    if key == "touchpoint":
        by_id = {i: c for c, i in tp.items()}
        return tuple(by_id[i] for i in present.touchpoint_ids if i in by_id)
    if key == "channel":
        by_id = {i: c for c, i in ch.items()}
        return tuple(by_id[i] for i in present.channel_ids if i in by_id)
    return tuple(getattr(present, f"{key}s"))


def _survey_frame(db: Database, spec: MetricSpec, since: date, until: date) -> pd.DataFrame:
    if spec.survey_id is None or spec.question is None:  # refused by check_metric
        raise InvalidInput("a survey metric needs the survey and the question")
    frames = []
    with db.session() as s:
        tp, ch = touchpoint_ids_by_code(s), channel_ids_by_code(s)
    control = spec.control
    if spec.segment_key is not None and not control:
        control = tuple(v for v in _all_values(db, spec) if v not in spec.treated)
    groups: list[tuple[str, RollupFilters]] = [("treated", RollupFilters())]
    if spec.segment_key is not None:
        groups = [
            ("treated", _rollup_filter(spec.segment_key, spec.treated, tp, ch)),
            ("control", _rollup_filter(spec.segment_key, control, tp, ch)),
        ]
    with db.session() as s:
        for name, filters in groups:
            counts = daily_score_counts(
                s,
                survey_id=spec.survey_id,
                question=spec.question,
                item=spec.item,
                since=since,
                until=until,
                filters=filters,
            )
            frames.append(_expand(counts, name))
    return pd.concat(frames, ignore_index=True)


def _segment_of(key: str, touchpoint: str | None, segments: dict[str, Any] | None) -> str | None:
    if key == "touchpoint":
        return touchpoint
    value = (segments or {}).get(key)
    return None if value is None else str(value)


def _aspect_frame(db: Database, spec: MetricSpec, since: date, until: date) -> pd.DataFrame:
    if spec.aspect is None:  # refused by check_metric
        raise InvalidInput("an aspect's negative share needs the aspect")
    if spec.segment_key == "channel":
        raise InvalidInput(
            "an aspect's negative share is segmented by touchpoint, region, tier or product"
        )
    start = datetime(since.year, since.month, since.day)
    end = datetime(until.year, until.month, until.day)
    with db.session() as s:
        rows = aspect_mention_rows(s, spec.aspect, start, end)
    records = []
    for at, label, touchpoint, segments, _channel in rows:
        group = "treated"
        if spec.segment_key is not None:
            value = _segment_of(spec.segment_key, touchpoint, segments)
            if value in spec.treated:
                group = "treated"
            elif value is not None and (not spec.control or value in spec.control):
                group = "control"
            else:
                continue
        records.append((pd.Timestamp(at.date()), float(label == "negative"), group))
    return pd.DataFrame(records, columns=["day", "value", "group"])


def _metric(values: np.ndarray, kind: str, threshold: float | None) -> float | None:
    if values.size == 0:
        return None
    if kind == "nps":
        return float(100 * (np.mean(values >= 9) - np.mean(values <= 6)))
    if kind == "top_box" and threshold is not None:
        return float(np.mean(values >= threshold))
    return float(values.mean())


def _weekly(frame: pd.DataFrame, spec: MetricSpec) -> list[WeekPoint]:
    if frame.empty:
        return []
    week = frame["day"] - pd.to_timedelta(frame["day"].dt.day_of_week, unit="D")
    points = []
    for start, chunk in frame.groupby(week):
        t = chunk.loc[chunk["group"] == "treated", "value"].to_numpy()
        c = chunk.loc[chunk["group"] == "control", "value"].to_numpy()
        points.append(
            WeekPoint(
                week=pd.Timestamp(start).date(),
                treated=_metric(t, spec.metric_kind, spec.threshold),
                control=_metric(c, spec.metric_kind, spec.threshold),
                n_treated=int(t.size),
                n_control=int(c.size),
            )
        )
    return points


def measure_effect(db: Database, spec: MetricSpec, *, today: date | None = None) -> PlanEffect:
    """The plan's effect on its metric; InvalidInput says why it cannot be measured yet."""
    check_metric(spec)
    if spec.change_at is None:
        raise InvalidInput("the plan has no date when its change took effect")
    today = today or utcnow().date()
    since = spec.change_at - timedelta(days=spec.before_days)
    until = min(spec.change_at + timedelta(days=spec.after_days), today + timedelta(days=1))
    if until <= spec.change_at:
        raise InvalidInput("the change has not taken effect yet: no data after it")
    loader = _aspect_frame if spec.metric_kind == "negative_share" else _survey_frame
    frame = loader(db, spec, since, until)
    frame["day"] = pd.to_datetime(frame["day"])  # an empty frame has no dtype yet
    change = pd.Timestamp(spec.change_at)
    post = frame["day"] >= change
    cells = {
        (g, p): int(((frame["group"] == g) & (post == p)).sum())
        for g in frame["group"].unique()
        for p in (False, True)
    }
    groups = ("treated", "control") if spec.segment_key is not None else ("treated",)
    thin = [f"{g} {'after' if p else 'before'}: n={cells.get((g, p), 0)}" for g in groups
            for p in (False, True) if cells.get((g, p), 0) < MIN_CELL_N]  # fmt: skip
    if thin:
        raise InvalidInput(
            f"not enough data to measure the effect (at least {MIN_CELL_N} per cell): "
            + "; ".join(thin)
        )
    kind, threshold = _stats_kind(spec)
    segmented = spec.segment_key is not None
    result = effect_of_change(
        frame,
        "value",
        "day",
        change,
        group="group" if segmented else None,
        treated="treated" if segmented else None,
        kind=kind,
        threshold=threshold,
    )
    return _effect(spec, result, since, until, _weekly(frame, spec))


def _effect(
    spec: MetricSpec, r: ChangeEffect, since: date, until: date, series: list[WeekPoint]
) -> PlanEffect:
    # Rows before, after; columns n, estimate, ci_low, ci_high (ChangeEffect.summary).
    table = r.summary.loc[["before", "after"], ["n", "estimate", "ci_low", "ci_high"]]
    (nb, eb, lb, hb), (na, ea, la, ha) = table.to_numpy(dtype=float).tolist()
    before = {"n": nb, "estimate": eb, "ci_low": lb, "ci_high": hb}
    after = {"n": na, "estimate": ea, "ci_low": la, "ci_high": ha}
    did = r.did
    scale = 100.0 if spec.metric_kind in ("top_box", "negative_share") else 1.0
    target_reached = None
    if spec.target_value is not None:  # the target is in the shown unit (points, %)
        a = ea * scale
        target_reached = a >= spec.target_value if spec.higher_is_better else a <= spec.target_value
    control_before = control_after = None
    if did is not None:
        cells = did.cell_means.loc[["control"], ["before", "after"]].to_numpy(dtype=float)
        control_before, control_after = float(cells[0, 0]), float(cells[0, 1])
    estimate = did.estimate if did is not None else r.difference
    p_value = did.p_value if did is not None else r.p_value
    ci = (did.ci_low, did.ci_high) if did is not None else (r.ci_low, r.ci_high)
    word, en, zh = verdict(estimate, ci, p_value, spec, compared=did is not None)
    # Proportions are shown in percentage points; DiD of a 0/1 outcome is in shares too.
    return PlanEffect(
        kind=spec.metric_kind, change_at=spec.change_at or since, before_start=since,
        after_end=until - timedelta(days=1), n_before=int(before["n"]), n_after=int(after["n"]),
        before=float(before["estimate"]) * scale,
        before_ci=(float(before["ci_low"]) * scale, float(before["ci_high"]) * scale),
        after=float(after["estimate"]) * scale,
        after_ci=(float(after["ci_low"]) * scale, float(after["ci_high"]) * scale),
        difference=r.difference * scale, ci_low=r.ci_low * scale, ci_high=r.ci_high * scale,
        p_value=r.p_value, test=r.test,
        did_estimate=None if did is None else did.estimate * scale,
        did_ci_low=None if did is None else did.ci_low * scale,
        did_ci_high=None if did is None else did.ci_high * scale,
        did_p_value=None if did is None else did.p_value,
        pretrend_p_value=None if did is None or np.isnan(did.pretrend_p_value)
        else did.pretrend_p_value,
        control_before=None if control_before is None else control_before * scale,
        control_after=None if control_after is None else control_after * scale,
        verdict=word, verdict_en=en, verdict_zh=zh, target_value=spec.target_value,
        target_reached=target_reached,
        series=[WeekPoint(p.week, None if p.treated is None else p.treated * scale,
                          None if p.control is None else p.control * scale,
                          p.n_treated, p.n_control) for p in series],
    )  # fmt: skip
