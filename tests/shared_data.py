"""Locating the reference data in ../shared/data (or $MANYI_SHARED_DATA).

Tests that pin numbers against published results need it. Where it is missing they are
skipped with a message, except when MANYI_REQUIRE_SHARED_DATA=1 (set by .ci/run), where a
missing file fails the run instead of hiding a skipped check.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: R plspm's bank-satisfaction data (stats/satisfaction.csv): each latent's indicator prefix.
SATISFACTION_PREFIXES = {
    "IMAG": "imag",
    "EXPE": "expe",
    "QUAL": "qual",
    "VAL": "val",
    "SAT": "sat",
    "LOY": "loy",
}

ROOT = Path(
    os.environ.get("MANYI_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


def shared_file(relative: str) -> Path:
    path = ROOT / relative
    if not path.exists():
        message = f"reference data {path} is missing (set MANYI_SHARED_DATA to ../shared/data)"
        if os.environ.get("MANYI_REQUIRE_SHARED_DATA") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path
