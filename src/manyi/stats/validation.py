"""Input checks shared by the statistics functions.

Every public function in ``manyi.stats`` validates its input with these helpers so that
a user sees the same clear message for the same mistake (unknown column, constant
column, too few respondents, out-of-scale answers) whichever statistic they ran.
All raise :class:`manyi.errors.InvalidInput`, which is also a ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from manyi.errors import InvalidInput


def require_columns(data: pd.DataFrame, columns: Iterable[str]) -> None:
    """Raise when any of ``columns`` is not in ``data``, naming the missing ones."""
    missing = [c for c in columns if c not in data.columns]
    if missing:
        known = ", ".join(map(str, list(data.columns)[:20]))
        raise InvalidInput(
            f"unknown column(s): {', '.join(map(str, missing))}; the data has: {known}"
        )


def numeric_frame(
    data: pd.DataFrame | np.ndarray | Sequence[Sequence[float]],
    columns: Sequence[str] | None = None,
    *,
    what: str = "data",
) -> pd.DataFrame:
    """Return ``data`` (or its ``columns``) as a float DataFrame, refusing non-numbers."""
    frame = (
        data.copy()
        if isinstance(data, pd.DataFrame)
        else pd.DataFrame(np.asarray(data, dtype=float))
    )
    if columns is not None:
        require_columns(frame, columns)
        frame = frame[list(columns)]
    bad = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if bad:
        raise InvalidInput(f"{what}: column(s) {', '.join(map(str, bad))} are not numeric")
    return frame.astype(float)


def require_rows(n: int, minimum: int, *, what: str = "data") -> None:
    """Raise when fewer than ``minimum`` usable rows (respondents) are present."""
    if n < minimum:
        raise InvalidInput(f"{what}: too few respondents ({n}); at least {minimum} are needed")


def require_not_constant(frame: pd.DataFrame, *, what: str = "data") -> None:
    """Raise when a column has zero variance (no information, and it breaks correlations)."""
    constant = [c for c in frame.columns if frame[c].nunique(dropna=True) <= 1]
    if constant:
        raise InvalidInput(
            f"{what}: column(s) {', '.join(map(str, constant))} are constant; "
            "a constant column carries no information and must be removed"
        )


def require_in_scale(
    values: pd.DataFrame | pd.Series, low: float, high: float, *, what: str = "answers"
) -> None:
    """Raise when any non-missing value lies outside ``[low, high]``."""
    frame = values.to_frame() if isinstance(values, pd.Series) else values
    arr = frame.to_numpy(dtype=float)
    outside = (arr < low) | (arr > high)
    if np.any(outside):
        rows, cols = np.nonzero(outside)
        examples = ", ".join(
            f"{frame.columns[c]}={arr[r, c]:g} (row {frame.index[r]})"
            for r, c in zip(rows[:5], cols[:5], strict=True)
        )
        raise InvalidInput(f"{what} outside the scale {low:g}–{high:g}: {examples}")


__all__ = [
    "numeric_frame",
    "require_columns",
    "require_in_scale",
    "require_not_constant",
    "require_rows",
]
