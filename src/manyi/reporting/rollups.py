"""Rollup upkeep for operators: rebuild the dashboards' daily histograms from the stored
answers (``manyi rollups rebuild``). Intake and every change to answers keep them exact on
their own (storage/rollups.py, docs/rollups.md); a rebuild is for data loaded around
intake (a restore, a bulk SQL load) and to check."""

from __future__ import annotations

from dataclasses import dataclass

from manyi.errors import NotFound
from manyi.storage.database import Database
from manyi.storage.privacy import survey_exists
from manyi.storage.rollups import rebuild


@dataclass(frozen=True)
class RebuiltRollups:
    """Rows the rollups hold after the rebuild (of the survey rebuilt, or all)."""

    score_rows: int
    response_rows: int


def rebuild_rollups(db: Database, survey_id: int | None = None) -> RebuiltRollups:
    """Recompute the rollups of one survey (or all) in one transaction.

    Raises
    ------
    NotFound
        For an unknown survey.
    """
    with db.session() as s:
        if survey_id is not None and not survey_exists(s, survey_id):
            raise NotFound(f"survey {survey_id} does not exist")
        scores, responses = rebuild(s, survey_id)
    return RebuiltRollups(scores, responses)
