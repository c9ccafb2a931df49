"""Bad input to the PLS path model raises InvalidInput with a message a user understands."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from manyi.errors import InvalidInput
from manyi.stats.pls import pls_path_model


def make_data(n: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    b = 0.6 * a + rng.normal(scale=0.8, size=n)
    c = 0.5 * b + rng.normal(scale=0.8, size=n)
    columns = {}
    for name, latent in [("a", a), ("b", b), ("c", c)]:
        for i in range(1, 4):
            columns[f"{name}{i}"] = np.round(5 + 1.5 * latent + rng.normal(scale=1.0, size=n))
    return pd.DataFrame(columns)


BLOCKS = {"A": ["a1", "a2", "a3"], "B": ["b1", "b2", "b3"], "C": ["c1", "c2", "c3"]}
PATHS = [("A", "B"), ("B", "C")]


def test_valid_model_runs() -> None:
    result = pls_path_model(make_data(), BLOCKS, PATHS)
    assert result.path_coefficients.loc["B", "A"] > 0.3


@pytest.mark.parametrize(
    ("blocks", "paths", "message"),
    [
        ({**BLOCKS, "C": ["c1", "zz"]}, PATHS, "unknown column"),
        ({**BLOCKS, "C": []}, PATHS, "has no indicators"),
        (BLOCKS, [("A", "B"), ("B", "D")], "unknown latent 'D'"),
        (BLOCKS, [("A", "B"), ("B", "C"), ("C", "A")], "cyclic"),
        (BLOCKS, [("A", "B"), ("A", "A"), ("B", "C")], "cyclic"),
        (BLOCKS, [("A", "B")], "C have no inner path"),
        (BLOCKS, [], "no paths"),
        (BLOCKS, [("A", "B"), ("A", "B"), ("B", "C")], "given twice"),
        ({**BLOCKS, "C": ["c1", "a1"]}, PATHS, "in both block"),
        ({"A": BLOCKS["A"]}, [], "at least two latent"),
        ({**BLOCKS, "C": "c1"}, PATHS, "not the single string"),
    ],
)
def test_bad_model_description(
    blocks: dict[str, list[str]], paths: list[tuple[str, str]], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        pls_path_model(make_data(), blocks, paths)


def test_constant_indicator() -> None:
    data = make_data()
    data["b2"] = 4.0
    with pytest.raises(InvalidInput, match="b2 are constant"):
        pls_path_model(data, BLOCKS, PATHS)


def test_non_numeric_indicator() -> None:
    data = make_data()
    data["a1"] = data["a1"].astype(str)
    with pytest.raises(InvalidInput, match="not numeric"):
        pls_path_model(data, BLOCKS, PATHS)


def test_too_few_respondents() -> None:
    with pytest.raises(InvalidInput, match="too few respondents"):
        pls_path_model(make_data().head(6), BLOCKS, PATHS)


def test_non_convergence() -> None:
    with pytest.raises(InvalidInput, match="did not converge in 1 iterations"):
        pls_path_model(make_data(), BLOCKS, PATHS, max_iter=1, tol=1e-14)


def test_collinear_formative_block() -> None:
    data = make_data()
    data["a3"] = data["a1"] + data["a2"]
    with pytest.raises(InvalidInput, match="collinear"):
        pls_path_model(data, BLOCKS, PATHS, modes={"A": "B"})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scheme": "magic"}, "unknown scheme"),
        ({"modes": {"A": "C"}}, "unknown mode"),
        ({"modes": {"Z": "A"}}, "unknown latent"),
        ({"modes": ["A", "B"]}, "one mode per latent"),
        ({"bootstrap": 3}, "at least 10 resamples"),
        ({"bootstrap": -1}, "bootstrap must be"),
        ({"max_iter": 0}, "max_iter"),
        ({"tol": 0.0}, "tol must be positive"),
        ({"confidence": 1.5}, "confidence"),
        ({"scale": (5, 1)}, "low < high"),
        ({"scale": (1, 5)}, "outside the scale 1–5"),
    ],
)
def test_bad_options(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        pls_path_model(make_data(), BLOCKS, PATHS, **kwargs)  # type: ignore[arg-type]


def test_data_must_be_a_frame() -> None:
    with pytest.raises(InvalidInput, match="DataFrame"):
        pls_path_model(make_data().to_numpy(), BLOCKS, PATHS)  # type: ignore[arg-type]


def test_invalid_input_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown scheme"):
        pls_path_model(make_data(), BLOCKS, PATHS, scheme="x")


def test_negative_majority_block_is_reoriented() -> None:
    # A block whose items are all reverse-keyed would come out with negative loadings;
    # the score is turned so that most loadings are positive (sign is arbitrary in PLS).
    data = make_data()
    data[BLOCKS["B"]] = 10 - data[BLOCKS["B"]]
    result = pls_path_model(data, BLOCKS, PATHS)
    assert (result.loadings[BLOCKS["B"]] > 0).all()
    assert result.path_coefficients.loc["B", "A"] < 0  # the relation itself turns negative
