"""The public surface of manyi.stats is a contract (add, don't rename): pin it."""

from __future__ import annotations

import manyi.stats as ms

ISSUE_NAMES = {
    "nps", "csat", "ces", "servqual", "cronbach_alpha", "item_analysis", "composite_reliability",
    "average_variance_extracted", "kmo", "bartlett_sphericity", "efa", "screen_indicators", "ahp",
    "entropy_weights", "fuzzy_evaluation", "csi", "pls_path_model", "kano", "correlations",
    "standardized_betas", "relative_weights", "shapley_r2", "ipa", "compare_groups", "control_chart",
    "effect_of_change", "value_curve",
}  # fmt: skip


def test_every_named_statistic_is_public() -> None:
    assert set(ms.__all__) >= ISSUE_NAMES


def test_all_names_resolve() -> None:
    for name in ms.__all__:
        assert getattr(ms, name) is not None
