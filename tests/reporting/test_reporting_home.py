"""The home page's NPS and CSAT leave out responses with a quality flag by default, say
how many, and include them when asked."""

from __future__ import annotations

from datetime import timedelta

import pytest

from factories import good_answers, make_reference_data, make_survey
from manyi.ingestion.pipeline import ResponseBatch, record
from manyi.ingestion.responses import ResponseIn
from manyi.reporting.home import survey_overview
from manyi.storage.database import Database
from manyi.storage.types import utcnow


def test_flagged_responses_are_left_out_of_nps_and_csat_unless_included(db: Database) -> None:
    make_reference_data(db)
    survey = make_survey(db)  # expected_seconds = 60: under 18 s is a speeder
    now = utcnow()
    items = [
        ResponseIn(
            answers=good_answers(nps=10, csat=5, comment=f"第{i}次"),
            customer=f"c{i}",
            started_at=now - timedelta(minutes=10, seconds=90),
            submitted_at=now - timedelta(minutes=10),
        )
        for i in range(2)
    ]
    speeder = ResponseIn(
        answers=good_answers(nps=0, csat=1, comment="快"),
        customer="c9",
        started_at=now - timedelta(minutes=5, seconds=3),
        submitted_at=now - timedelta(minutes=5),
    )
    result = record(db, ResponseBatch(survey.id, [*items, speeder]))
    assert result.stored[2].quality_flags == ("speeder",)

    (clean,) = survey_overview(db)
    assert (clean.responses_window, clean.flagged_window, clean.flagged_included) == (3, 1, False)
    assert clean.nps is not None and clean.nps.n == 2
    assert clean.nps.score == pytest.approx(100.0)
    assert clean.csat is not None and clean.csat.mean == pytest.approx(5.0)

    (everything,) = survey_overview(db, include_flagged=True)
    assert everything.nps is not None and everything.nps.n == 3
    assert everything.nps.score == pytest.approx(100 * (2 - 1) / 3)
    assert everything.flagged_included
