"""Analysis of stored data (issue #11 item 2): the numbers equal manyi.stats on the raw
answers, flagged and excluded responses are left out, filters and department scope
select the right responses, and the stored analysis equals the analysis of the export
file of the same data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from analysis_data import KANO, SQ_ITEMS, Study, store_study
from manyi.enrichment.service import enrich_pending
from manyi.errors import InvalidInput, NotFound
from manyi.ingestion.files import read_frame
from manyi.reporting.analysis import analyze, report_to_dict
from manyi.reporting.exports import ExportFormat, ExportRequest, plan_export, write_export
from manyi.reporting.stored import (
    AnalysisQuery,
    add_derived,
    analysis_to_dict,
    analyze_survey,
    clear_cache,
    derive_plan,
    parse_period,
)
from manyi.reporting.stored.frame import load_frame
from manyi.reporting.stored.service import segment_p_holm, selection_of
from manyi.stats.drivers import relative_weights
from manyi.stats.kano import kano
from manyi.stats.metrics import csat, nps
from manyi.stats.multiple_testing import holm
from manyi.stats.servqual import servqual
from manyi.storage.database import Database
from manyi.storage.tables import AnswerRow, AspectMentionRow, ResponseRow


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    clear_cache()


def raw_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The counted raw answers as a frame, built here without manyi's loader."""
    out = []
    for r in rows:
        a = r["answers"]
        row: dict[str, Any] = {k: a.get(k) for k in ("nps", "drv_a", "drv_b", "drv_c")}
        for code in SQ_ITEMS:
            row[f"{code}_E"] = a[code]["expectation"]
            row[f"{code}_P"] = a[code]["perception"]
        for k in KANO:
            row[f"{k}_f"] = a[k]["functional"]
            row[f"{k}_d"] = a[k]["dysfunctional"]
        out.append(row)
    return pd.DataFrame(out).astype({"drv_b": float})


def test_numbers_equal_stats_on_the_raw_answers(db: Database) -> None:
    study = store_study(db)
    result = analyze_survey(db, AnalysisQuery("study"), bootstrap=20)
    raw = raw_frame(study.counted)
    assert result.n_responses == len(study.counted) == 118  # one flagged, one excluded left out
    report = result.report
    assert report is not None

    expected_nps = nps(raw["nps"])
    assert report.section("metrics").part("nps.nps").values["score"] == pytest.approx(
        expected_nps.score, abs=1e-12
    )

    items = {code: (f"{code}_E", f"{code}_P", dim) for code, dim in SQ_ITEMS.items()}
    expected_sq = servqual(raw, items).dimensions
    gaps = report.section("servqual").part("gaps").tables["dimensions"]
    for dim in ("tangibles", "reliability"):
        assert gaps.loc[dim, "gap"] == pytest.approx(expected_sq.loc[dim, "gap"], abs=1e-12)
        assert gaps.loc[dim, "perception"] == pytest.approx(
            expected_sq.loc[dim, "perception"], abs=1e-12
        )

    # drivers: NPS on each SERVQUAL dimension's mean perception per respondent
    drivers = raw[["nps"]].assign(
        t=raw[["sq_t1_P", "sq_t2_P"]].mean(axis=1), r=raw[["sq_r1_P", "sq_r2_P"]].mean(axis=1)
    )
    expected_rw = relative_weights(drivers, "nps", ["t", "r"])
    got = report.section("drivers").part("relative_weights").values["raw"]
    assert got["perception:tangibles"] == pytest.approx(expected_rw.table.loc["t", "raw"])
    assert got["perception:reliability"] == pytest.approx(expected_rw.table.loc["r", "raw"])

    functional = raw[[f"{k}_f" for k in KANO]].set_axis(list(KANO), axis=1)
    dysfunctional = raw[[f"{k}_d" for k in KANO]].set_axis(list(KANO), axis=1)
    expected_kano = kano(functional, dysfunctional).summary
    got_kano = report.section("kano").part("kano").tables["attributes"]
    assert got_kano["category"].to_dict() == expected_kano["category"].to_dict()
    assert got_kano["better"].to_numpy() == pytest.approx(expected_kano["better"].to_numpy())

    # the journey: mean of each touchpoint's question on 0–100, the lowest marked
    points = {p.touchpoint: p for p in result.journey.points}
    assert [p.touchpoint for p in result.journey.points] == ["install", "repair"]  # stage order
    for code, column in (("repair", "drv_a"), ("install", "drv_b")):
        expected = csat(raw[column].dropna(), scale=(1, 5), top_k=1)
        assert points[code].mean == pytest.approx(expected.mean)
        assert points[code].score == pytest.approx((expected.mean - 1) / 4 * 100)
        assert points[code].ci_low == pytest.approx(expected.ci_low)
    weakest = min(points.values(), key=lambda p: p.score)
    assert weakest.weakest and sum(p.weakest for p in points.values()) == 1

    # segment comparisons: the omnibus p values are Holm-adjusted across all comparisons
    adjusted = segment_p_holm(report)
    parts = [p for p in report.section("segments").parts.values() if p.status == "ok"]
    assert len(adjusted) == len(parts) > 1
    expected_holm = holm([float(p.values["p_value"]) for p in parts])
    assert list(adjusted.values()) == pytest.approx(list(expected_holm))


def test_filters_period_and_department_scope(db: Database) -> None:
    study = store_study(db)

    def n(**kwargs: Any) -> int:
        department_ids = kwargs.pop("department_ids", None)
        query = AnalysisQuery("study", **kwargs)
        return analyze_survey(db, query, department_ids=department_ids, bootstrap=0).n_responses

    rows = study.counted
    assert n(channel="web") == sum(r["channel"] == "web" for r in rows)
    assert n(touchpoint="install") == sum(r["touchpoint"] == "install" for r in rows)
    assert n(region="华东") == sum(r["region"] == "华东" for r in rows)
    assert n(department="care") == sum(r["touchpoint"] == "repair" for r in rows)
    start, end = date(2026, 2, 1), date(2026, 3, 31)
    assert n(start=start, end=end) == sum(start <= r["when"].date() <= end for r in rows)
    # a user scoped to the care department sees the repair responses only; nobody's
    # department: nothing
    assert n(department_ids=frozenset({study.care_id})) == n(touchpoint="repair")
    assert n(department_ids=frozenset()) == 0
    empty = analyze_survey(db, AnalysisQuery("study", channel="nowhere"), bootstrap=0)
    assert empty.n_responses == 0 and empty.report is None


def test_stored_analysis_equals_the_analysis_of_its_export(db: Database, tmp_path: Path) -> None:
    """The same numbers from the database as from the CSV export of the same responses."""
    study = store_study(db)
    stored = load_frame(db, selection_of(AnalysisQuery("study"), study.survey_id, None))
    plan = derive_plan(stored, bootstrap=30)
    assert plan.spec is not None and plan.spec.segments is not None
    # an export carries channel, touchpoint and language, not the customers' segments
    spec = plan.spec.model_copy(
        update={
            "segments": plan.spec.segments.model_copy(update={"columns": ["channel", "touchpoint"]})
        }
    )
    plan = replace(plan, spec=spec)
    export = plan_export(db, ExportRequest(study.survey_id, ExportFormat.CSV))
    path = tmp_path / "study.csv"
    assert write_export(db, export, path) == len(study.counted)
    from_file = report_to_dict(analyze(add_derived(read_frame(path), plan), spec))
    from_db = report_to_dict(analyze(add_derived(stored.frame, plan), spec))
    assert from_file["data"]["rows"] == from_db["data"]["rows"] == len(study.counted)
    assert from_file["sections"] == from_db["sections"]
    assert {k for k, v in from_db["sections"].items() if v["status"] == "ok"} >= {
        "metrics",
        "servqual",
        "pls",
        "drivers",
        "kano",
        "segments",
    }


def test_text_explorer_counts_the_stored_enrichment(db: Database) -> None:
    study = store_study(db)
    enrich_pending(db)
    result = analyze_survey(db, AnalysisQuery("study"), bootstrap=0)
    counted = select(ResponseRow.id).where(
        ResponseRow.survey_id == study.survey_id, ResponseRow.quality == 0
    )
    with db.session() as s:
        expected = dict(
            s.execute(
                select(AspectMentionRow.aspect, func.count())
                .join(AnswerRow, AnswerRow.id == AspectMentionRow.answer_id)
                .where(AnswerRow.response_id.in_(counted), AspectMentionRow.counted)
                .group_by(AspectMentionRow.aspect)
            ).all()
        )
        texts = s.scalar(
            select(func.count()).where(
                AnswerRow.question == "comment", AnswerRow.response_id.in_(counted)
            )
        )
    assert expected, "the enrichment found no aspect in the comments"
    assert len(expected) <= 12  # all listed (the explorer lists the 12 most mentioned)
    assert {a.code: a.mentions for a in result.text.aspects} == expected
    for a in result.text.aspects:
        assert a.negative + a.neutral + a.positive == a.mentions
    assert sum(sum(c.values()) for _, c in result.text.sentiment) == texts
    assert result.text.enriched == texts
    assert [m for m, _ in result.text.sentiment] == sorted(m for m, _ in result.text.sentiment)


def test_sections_the_questions_do_not_allow_say_why(db: Database) -> None:
    from manyi.surveys.service import create_survey

    survey = create_survey(
        db,
        {
            "title": {"zh-CN": "只有 Kano", "en": "Kano only"},
            "questions": [{"code": "k", "kind": "kano", "text": "短信提醒"}],
        },
        code="kano-only",
        status="active",
    )
    result = analyze_survey(db, AnalysisQuery(survey.id), bootstrap=0)
    assert result.n_responses == 0 and result.report is None
    assert result.plan.missing == {
        "metrics": "no_metrics",
        "servqual": "no_servqual",
        "drivers": "no_target",
        "pls": "no_constructs",
        "value_curve": "no_raters",
        "segments": "no_segments",  # no responses: no groups
    }
    payload = analysis_to_dict(result)
    assert payload["report"] is None and payload["journey"]["points"] == []


def test_results_are_cached_until_the_data_change(db: Database) -> None:
    store_study(db)
    first = analyze_survey(db, AnalysisQuery("study"), bootstrap=0)
    assert analyze_survey(db, AnalysisQuery("study"), bootstrap=0) is first
    with db.session() as s:
        rid = s.scalar(select(func.max(ResponseRow.id)))
        s.execute(ResponseRow.__table__.update().where(ResponseRow.id == rid).values(quality=2))
        # a review decision changes the data version
        s.execute(
            ResponseRow.__table__.update()
            .where(ResponseRow.id == rid)
            .values(reviewed_at=pd.Timestamp("2026-07-01").to_pydatetime())
        )
    again = analyze_survey(db, AnalysisQuery("study"), bootstrap=0)
    assert again is not first and again.n_responses == first.n_responses - 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-01-01", "START..END"),
        ("2026-02-30..2026-03-01", "impossible date"),
        ("2026-06-01..2026-01-01", "ends"),
    ],
)
def test_bad_periods_are_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_period(text)


def test_unknown_survey_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound, match="nope"):
        analyze_survey(db, AnalysisQuery("nope"))


def test_study_helper_is_sane(db: Database) -> None:
    study: Study = store_study(db, n=20)
    assert len(study.counted) == 18
    assert np.isfinite(raw_frame(study.counted)["nps"]).all()


def test_a_row_budget_bounds_the_bootstrap() -> None:
    from manyi.reporting.stored.plan import MIN_RESAMPLES, resamples

    assert resamples(100, 900, 2_000_000) == 100
    assert resamples(100, 100_000, 2_000_000) == MIN_RESAMPLES == 20
    assert resamples(100, 40_000, 2_000_000) == 50
    assert resamples(200, 100_000, None) == 200
    assert resamples(0, 100_000, 2_000_000) == 0


def test_the_page_budget_reaches_the_report(db: Database) -> None:
    store_study(db)
    result = analyze_survey(db, AnalysisQuery("study"), bootstrap=100, row_budget=118 * 30)
    assert result.report is not None
    assert result.report.section("drivers").part("relative_weights").values["n_boot"] == 30
    pls = result.report.section("pls").part("model").values
    assert pls["bootstrap"]["n_resamples"] == 30
