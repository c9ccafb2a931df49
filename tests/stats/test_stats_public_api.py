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

# Issue #9 point 6: agreement statistics and p-value corrections moved here from manyi.text.
MOVED_FROM_TEXT = {
    "cohen_kappa", "KappaResult", "krippendorff_alpha", "KrippendorffResult", "holm",
    "benjamini_hochberg", "adjust_p_values",
}  # fmt: skip


def test_every_named_statistic_is_public() -> None:
    assert set(ms.__all__) >= ISSUE_NAMES | MOVED_FROM_TEXT


def test_moved_statistics_keep_their_old_text_names() -> None:
    # Add, don't rename: the manyi.text names are the very same objects.
    import manyi.text as mt
    import manyi.text.agreement as old_agreement
    from manyi.stats import agreement
    from manyi.text.topics import benjamini_hochberg

    assert benjamini_hochberg is ms.benjamini_hochberg
    assert old_agreement.AlphaResult is mt.KrippendorffResult is ms.KrippendorffResult
    assert set(old_agreement.__all__) == {
        "AlphaResult", "KappaResult", "cohen_kappa", "disagreements", "krippendorff_alpha",
    }  # fmt: skip
    for name in ("KappaResult", "cohen_kappa", "disagreements", "krippendorff_alpha"):
        assert getattr(old_agreement, name) is getattr(agreement, name) is getattr(mt, name)


def test_all_names_resolve() -> None:
    for name in ms.__all__:
        assert getattr(ms, name) is not None
