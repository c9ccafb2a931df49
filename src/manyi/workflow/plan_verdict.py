"""The plain verdict of a plan's measured effect, in Chinese and English."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from manyi.workflow.plan_effect import MetricSpec

#: Two-sided significance level of the verdict.
ALPHA = 0.05


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def verdict(
    estimate: float, ci: tuple[float, float], p: float, spec: MetricSpec, *, compared: bool
) -> tuple[str, str, str]:
    """("improved" | "worsened" | "no_change", English sentence, Chinese sentence).

    Significant at 5 % (two-sided) in the better direction is "improved", in the worse
    direction "worsened"; otherwise "no_change" (which is not proof of no effect)."""
    scale = 100.0 if spec.metric_kind in ("top_box", "negative_share") else 1.0
    unit_en = {"nps": " NPS points", "mean": " points"}.get(spec.metric_kind, " percentage points")
    unit_zh = {"nps": " 个 NPS 点", "mean": " 分"}.get(spec.metric_kind, " 个百分点")
    e, lo, hi = estimate * scale, ci[0] * scale, ci[1] * scale
    better = e > 0 if spec.higher_is_better else e < 0
    word = "no_change" if p >= ALPHA else ("improved" if better else "worsened")
    against_en = " relative to the comparison segment" if compared else ""
    against_zh = "（相对于对照组）" if compared else ""
    numbers_en = f"{e:+.2f}{unit_en} (95% CI {lo:+.2f} to {hi:+.2f}), {_p_text(p)}"
    numbers_zh = f"{e:+.2f}{unit_zh}（95% 置信区间 {lo:+.2f} 至 {hi:+.2f}），{_p_text(p)}"
    if word == "improved":
        return (
            word,
            f"Improved: the metric changed by {numbers_en}{against_en}; significant at the 5% level.",
            f"已改善：指标变化 {numbers_zh}{against_zh}，在 5% 水平上显著。",
        )
    if word == "worsened":
        return (
            word,
            f"Worse: the metric changed by {numbers_en}{against_en}; significant at the 5% level.",
            f"变差：指标变化 {numbers_zh}{against_zh}，在 5% 水平上显著。",
        )
    return (
        word,
        f"No significant change yet: {numbers_en}{against_en}. More data may still show an effect.",
        f"尚无显著变化：{numbers_zh}{against_zh}。数据更多时仍可能显示效果。",
    )
