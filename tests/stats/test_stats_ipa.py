"""IPA quadrants (Martilla & James 1977) with data- and scale-centred cross-hairs (Bacon 2003).

Quadrant placement is a rule, so the cases are worked by hand; derived importance is checked to
be exactly the drivers statistic it names (those are pinned to R/statsmodels in
test_stats_drivers.py).
"""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pandas as pd
import pytest

from manyi.errors import InvalidInput
from manyi.stats.drivers import relative_weights, shapley_r2, standardized_betas
from manyi.stats.ipa import derived_importance, ipa, ipa_from_data

IMPORTANCE = {"speed": 4.6, "price": 3.1, "staff": 4.2, "decor": 2.4}
PERFORMANCE = {"speed": 3.0, "price": 4.1, "staff": 4.4, "decor": 3.2}


def test_data_centred_quadrants_by_hand() -> None:
    result = ipa(IMPORTANCE, PERFORMANCE)
    assert result.importance_cross == pytest.approx((4.6 + 3.1 + 4.2 + 2.4) / 4)  # 3.575
    assert result.performance_cross == pytest.approx((3.0 + 4.1 + 4.4 + 3.2) / 4)  # 3.675
    assert result.table["quadrant"].to_dict() == {
        "speed": "concentrate here",
        "price": "possible overkill",
        "staff": "keep up the good work",
        "decor": "low priority",
    }
    assert result.table["quadrant_zh"].to_dict() == {
        "speed": "重点改进",
        "price": "过度投入",
        "staff": "继续保持",
        "decor": "低优先",
    }


def test_scale_centred_quadrants_and_ties() -> None:
    result = ipa(IMPORTANCE, PERFORMANCE, centre="scale", scale=(1, 5))
    assert (result.importance_cross, result.performance_cross) == (3.0, 3.0)
    # On the cross-hair counts as high: speed's performance 3.0 is "high".
    assert result.table.loc["speed", "quadrant"] == "keep up the good work"
    assert result.table.loc["decor", "quadrant"] == "possible overkill"
    mixed = ipa(
        {"a": 0.5, "b": 0.1}, {"a": 2.0, "b": 6.0}, "scale", (0, 10), importance_scale=(0, 1)
    )
    assert mixed.importance_cross == 0.5
    assert mixed.table["quadrant"].tolist() == ["concentrate here", "possible overkill"]


def _survey() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    x = rng.integers(1, 6, size=(120, 3)).astype(float)
    overall = np.clip(np.rint(0.6 * x[:, 0] + 0.3 * x[:, 1] + rng.normal(0, 0.7, 120)), 1, 5)
    return pd.DataFrame({"speed": x[:, 0], "staff": x[:, 1], "decor": x[:, 2], "overall": overall})


def test_derived_importance_is_the_drivers_statistic() -> None:
    data = _survey()
    attrs = ["speed", "staff", "decor"]
    pd.testing.assert_series_equal(
        derived_importance(data, "overall", attrs, "relative_weights"),
        relative_weights(data, "overall", attrs).table["raw"].rename("importance"),
    )
    pd.testing.assert_series_equal(
        derived_importance(data, "overall", attrs, "shapley"),
        shapley_r2(data, "overall", attrs).table["raw"].rename("importance"),
    )
    pd.testing.assert_series_equal(
        derived_importance(data, "overall", attrs, "beta"),
        standardized_betas(data, "overall", attrs).table["beta"].rename("importance"),
    )
    r = derived_importance(data, "overall", attrs, "correlation")
    assert r["speed"] == pytest.approx(data["speed"].corr(data["overall"]))


def test_ipa_from_data() -> None:
    data = _survey()
    result = ipa_from_data(data, "overall", ["speed", "staff", "decor"], scale=(1, 5))
    assert result.table["performance"].to_dict() == pytest.approx(
        data[["speed", "staff", "decor"]].mean().to_dict()
    )
    assert result.table.loc["speed", "quadrant"] in {"keep up the good work", "concentrate here"}
    assert result.table.loc["decor", "quadrant"] in {"low priority", "possible overkill"}
    scaled = ipa_from_data(
        data, "overall", ["speed", "staff", "decor"], centre="scale", scale=(1, 5)
    )
    assert scaled.performance_cross == 3.0
    assert scaled.importance_cross == pytest.approx(result.importance_cross)


@pytest.mark.parametrize(
    ("args", "kwargs", "needle"),
    [
        (({"a": 1.0}, {"b": 2.0}), {}, "same attributes"),
        (({"a": np.nan}, {"a": 2.0}), {}, "finite"),
        (({"a": 1.0}, {"a": 2.0}), {"centre": "median"}, "centre"),
        (({"a": 1.0}, {"a": 2.0}), {"centre": "scale"}, "needs the performance scale"),
        (({}, {}), {}, "no importance"),
    ],
)
def test_bad_input(
    args: tuple[dict[str, float], dict[str, float]], kwargs: dict[str, object], needle: str
) -> None:
    with pytest.raises(InvalidInput, match=needle):
        ipa(*args, **kwargs)  # type: ignore[arg-type]


def test_bad_derived_input() -> None:
    data = _survey()
    with pytest.raises(InvalidInput, match="importance method"):
        derived_importance(data, "overall", ["speed"], "gini")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="unknown column"):
        ipa_from_data(data, "overall", ["speed", "wifi"])
    with pytest.raises(InvalidInput, match="outside the scale"):
        ipa_from_data(data, "overall", ["speed", "staff"], scale=(1, 4))


def test_docstring_examples_run() -> None:
    result = doctest.testmod(
        importlib.import_module("manyi.stats.ipa"), optionflags=doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted > 0
    assert result.failed == 0
