"""The verdict's direction and wording (a fall in a negative share is an improvement)."""

from __future__ import annotations

from manyi.workflow.plan_effect import MetricSpec
from manyi.workflow.plan_verdict import verdict


def _spec(kind: str) -> MetricSpec:
    return MetricSpec(
        metric_kind=kind, survey_id=1, question="q", item="", aspect="a", threshold=4,
        segment_key=None, treated=(), control=(), change_at=None, before_days=28, after_days=28,
    )  # fmt: skip


def test_direction_significance_and_units() -> None:
    word, en, zh = verdict(0.5, (0.2, 0.8), 0.001, _spec("mean"), compared=True)
    assert word == "improved" and "+0.50 points" in en and "p = 0.001" in en and "已改善" in zh
    word, en, _ = verdict(-0.08, (-0.12, -0.04), 0.0001, _spec("negative_share"), compared=False)
    assert word == "improved" and "-8.00 percentage points" in en and "p < 0.001" in en
    word, en, zh = verdict(-6.0, (-9.0, -3.0), 0.01, _spec("nps"), compared=True)
    assert word == "worsened" and "NPS points" in en and "变差" in zh
    word, en, zh = verdict(0.1, (-0.2, 0.4), 0.4, _spec("mean"), compared=True)
    assert word == "no_change" and "No significant change" in en and "尚无显著变化" in zh
