"""ACSI/ECSI structures (checked against the published figures) and prefix blocks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from manyi.errors import InvalidInput
from manyi.stats.index_models import ACSI_MODEL, ECSI_MODEL, blocks_from_prefixes, index_scores


def test_acsi_paths_follow_fornell_1996_figure_1() -> None:
    # Fornell et al. (1996), Figure 1: expectations -> quality, value, satisfaction;
    # quality -> value, satisfaction; value -> satisfaction; satisfaction -> complaints,
    # loyalty; complaints -> loyalty.
    expected = {
        ("EXPE", "QUAL"), ("EXPE", "VAL"), ("EXPE", "SAT"), ("QUAL", "VAL"), ("QUAL", "SAT"),
        ("VAL", "SAT"), ("SAT", "COMP"), ("SAT", "LOY"), ("COMP", "LOY"),
    }  # fmt: skip
    assert set(ACSI_MODEL.paths) == expected
    assert len(ACSI_MODEL.paths) == len(expected)


def test_ecsi_without_complaints_is_the_r_plspm_satisfaction_model() -> None:
    # R plspm's satisfaction example (../shared/data/README.md) = ECSI minus complaints.
    expected = {
        ("IMAG", "EXPE"), ("IMAG", "SAT"), ("IMAG", "LOY"), ("EXPE", "QUAL"), ("EXPE", "VAL"),
        ("EXPE", "SAT"), ("QUAL", "VAL"), ("QUAL", "SAT"), ("VAL", "SAT"), ("SAT", "LOY"),
    }  # fmt: skip
    model = ECSI_MODEL.without("COMP")
    assert set(model.paths) == expected
    assert model.latents == ("IMAG", "EXPE", "QUAL", "VAL", "SAT", "LOY")
    assert ECSI_MODEL.labels["SAT"] == ("customer satisfaction", "顾客满意度")
    with pytest.raises(InvalidInput, match="no latent"):
        ECSI_MODEL.without("XYZ")


def test_blocks_from_prefixes() -> None:
    columns = ["imag1", "imag2", "sat1", "sat2", "sat3", "gender"]
    assert blocks_from_prefixes(columns, {"IMAG": "imag", "SAT": "sat"}) == {
        "IMAG": ["imag1", "imag2"],
        "SAT": ["sat1", "sat2", "sat3"],
    }
    with pytest.raises(InvalidInput, match="no column starts with 'loy'"):
        blocks_from_prefixes(columns, {"LOY": "loy"})
    with pytest.raises(InvalidInput, match="matches the prefixes of both"):
        blocks_from_prefixes(columns, {"S": "s", "SAT": "sat"})
    with pytest.raises(InvalidInput, match="empty"):
        blocks_from_prefixes(columns, {"S": ""})


def test_index_scores_by_hand() -> None:
    # Two items on a 1-10 scale, weights 0.3 and 0.1 -> rescaled 0.75 / 0.25.
    raw = np.array([[10.0, 10.0], [1.0, 1.0], [8.0, 4.0]])
    got = index_scores(raw, np.array([0.3, 0.1]), 1, 10)
    expected = [100.0, 0.0, (0.75 * 8 + 0.25 * 4 - 1) / 9 * 100]
    np.testing.assert_allclose(got, expected, atol=1e-12)
    with pytest.raises(InvalidInput, match="sum to zero"):
        index_scores(raw, np.array([0.1, -0.1]), 1, 10)
    assert isinstance(pd.Series(got).mean(), float)
