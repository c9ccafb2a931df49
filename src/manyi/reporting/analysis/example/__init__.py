"""The bundled sample for ``manyi analyze --example``: a survey export and its spec.

``survey.csv`` is written by :mod:`manyi_tools.analysis_example` (fixed
seed) and committed; ``spec.yaml`` tells the report which columns are which.
"""

from __future__ import annotations

from pathlib import Path

EXAMPLE_DIR = Path(__file__).parent
EXAMPLE_DATA = EXAMPLE_DIR / "survey.csv"
EXAMPLE_SPEC = EXAMPLE_DIR / "spec.yaml"

__all__ = ["EXAMPLE_DATA", "EXAMPLE_DIR", "EXAMPLE_SPEC"]
