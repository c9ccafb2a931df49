"""Exports: XLSX and SAV read back equal the stored data with their labels; CSV cells a
spreadsheet would run as formulas are neutralised; filters, roles, pages and limits."""

from __future__ import annotations

import csv
import io
import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pyreadstat
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update

from factories import good_answers, make_reference_data, make_survey, survey_definition
from manyi.errors import InvalidInput, NotFound
from manyi.ingestion.pipeline import ResponseBatch, record
from manyi.ingestion.responses import ResponseIn
from manyi.reporting.exports import (
    ExportFilters,
    ExportFormat,
    ExportRequest,
    plan_export,
    stream_csv,
    write_export,
)
from manyi.reporting.exports.csv_file import FORMULA_STARTS, CsvExport, neutralise
from manyi.reporting.exports.variables import Variable, spss_name
from manyi.storage.database import Database
from manyi.storage.tables import AnswerRow, ResponseRow
from manyi.surveys.service import revise_survey

PHONE_COMMENT = "师傅很好，有事打我电话13812345678。"
BASE = datetime(2026, 3, 2, 8, 30, 15, 123456)


def _store(db: Database) -> tuple[int, list[int]]:
    """A survey with every question kind and five responses that differ in every field."""
    make_reference_data(db)
    survey = make_survey(db)
    items = [
        ResponseIn(
            answers=good_answers(comment=PHONE_COMMENT),
            customer="C-001",
            channel="web",
            touchpoint="repair",
            language="zh-CN",
            submitted_at=BASE,
        ),
        ResponseIn(
            answers=good_answers(
                nps=3,
                type="install",
                good=["clean"],
                rank=["price"],
                k1={"functional": "dislike", "dysfunctional": "like"},
                comment='=HYPERLINK("http://evil")',
            ),
            customer="C-002",
            channel="sms",
            language="en",
            submitted_at=BASE + timedelta(days=1),
        ),
        ResponseIn(
            answers={"nps": 10, "comment": "-5 分也不为过"},
            channel="web",
            language="zh-CN",
            submitted_at=BASE + timedelta(days=2),
        ),
        ResponseIn(
            answers=good_answers(nps=0, good=[], comment="@管理员 +1"),
            customer="C-003",
            channel="web",
            touchpoint="repair",
            language="zh-CN",
            submitted_at=BASE + timedelta(days=3),
        ),
        ResponseIn(
            answers={"nps": 7},
            language="en",
            submitted_at=BASE + timedelta(days=4),
        ),
    ]
    stored = record(db, ResponseBatch(survey.id, items))
    return survey.id, [s.id for s in stored.stored]


def _stored_cells(db: Database, survey_id: int) -> dict[int, dict[tuple[str, str], Any]]:
    """response id → {(question, item): value or text} as the narrow answers table holds it."""
    cells: dict[int, dict[tuple[str, str], Any]] = {}
    with db.session() as s:
        for rid, question, item, value, text in s.execute(
            select(
                AnswerRow.response_id,
                AnswerRow.question,
                AnswerRow.item,
                AnswerRow.value,
                AnswerRow.text,
            ).where(AnswerRow.survey_id == survey_id)
        ):
            cells.setdefault(rid, {})[(question, item)] = text if value is None else value
    return cells


def _stored_responses(db: Database, survey_id: int) -> dict[int, ResponseRow]:
    with db.session() as s:
        rows = s.scalars(select(ResponseRow).where(ResponseRow.survey_id == survey_id)).all()
        return {r.id: r for r in rows}


def _expected(variable: Variable, response: ResponseRow, cells: dict[tuple[str, str], Any]) -> Any:
    """What a column must hold for a response, from the stored rows alone."""
    if variable.question is None:
        return {
            "response_id": response.id,
            "submitted_at": response.submitted_at,
            "survey_version": response.survey_version,
            "language": response.language,
            "quality": response.quality,
            "quality_flags": ";".join(response.quality_flags) or None,
        }.get(variable.name, "<not compared>")
    value = cells.get((variable.question, variable.item))
    if value is None and variable.question == "good" and "good" in response.answers:
        return 0  # multiple choice: an option the respondent did not choose
    return value


def _same(got: Any, want: Any) -> bool:
    if want == "<not compared>":
        return True
    if want is None or want == "":
        return got is None or got == "" or (isinstance(got, float) and math.isnan(got))
    if isinstance(want, datetime):
        return abs((got - want).total_seconds()) < 0.001
    if isinstance(want, float):
        return float(got) == want
    return bool(got == want)


def test_xlsx_reads_back_equal_to_the_stored_data_with_labels(db: Database, tmp_path: Path) -> None:
    survey_id, ids = _store(db)
    plan = plan_export(
        db,
        ExportRequest(survey_id, ExportFormat.XLSX, "en", ExportFilters(include_flagged=True)),
    )
    path = tmp_path / "out.xlsx"
    assert write_export(db, plan, path) == 5

    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["data", "codebook"]
    rows = list(book["data"].iter_rows(values_only=True))
    labels, names, data = rows[0], rows[1], rows[2:]
    assert list(names) == [v.name for v in plan.variables]
    by_name = dict(zip(names, labels, strict=True))
    assert by_name["nps"] == "How likely are you to recommend us?"
    assert by_name["grid_a"] == "各项评价 - 准时"  # no English text: the Chinese one
    assert by_name["sq1_E"] == "设备现代化 - expectation"
    assert by_name["submitted_at"] == "Submitted at (UTC)"
    assert "customer" not in names  # the export was asked without personal data

    cells, responses = _stored_cells(db, survey_id), _stored_responses(db, survey_id)
    assert [row[0] for row in data] == ids
    for row in data:
        response = responses[int(row[0])]  # type: ignore[arg-type]
        for variable, got in zip(plan.variables, row, strict=True):
            want = _expected(variable, response, cells.get(response.id, {}))
            assert _same(got, want), (variable.name, got, want)
    # open answers are the redacted text, as stored
    comments = [row[names.index("comment")] for row in data]
    assert PHONE_COMMENT not in comments and "13812345678" not in str(comments)
    assert comments[1] == '=HYPERLINK("http://evil")'  # a text cell, never a formula

    codebook = list(book["codebook"].iter_rows(values_only=True))
    assert codebook[0] == ("variable", "label", "type", "question", "item", "value", "value label")
    assert ("type", "服务类型", "number", "type", "", 1, "Installation") in codebook
    assert ("type", "服务类型", "number", "type", "", 2, "Repair") in codebook
    assert ("k1_dysfunctional", "上门前短信提醒 - dysfunctional (if absent)", "number",
            "k1", "dysfunctional", 4, "I can live with it") in codebook  # fmt: skip
    assert ("good_fast", "做得好的方面 - 快", "number", "good", "fast", 0, "not chosen") in codebook
    assert ("comment", "Anything else?", "text", "comment", "", None, None) in codebook


def test_sav_reads_back_equal_to_the_stored_data_with_variable_and_value_labels(
    db: Database, tmp_path: Path
) -> None:
    survey_id, ids = _store(db)
    plan = plan_export(db, ExportRequest(survey_id, ExportFormat.SAV, "zh-CN"))
    path = tmp_path / "out.sav"
    assert write_export(db, plan, path) == 5

    frame, meta = pyreadstat.read_sav(str(path))
    assert list(frame.columns) == [v.name for v in plan.variables]
    assert meta.column_names_to_labels["nps"] == "您向朋友推荐我们的可能性有多大？"
    assert meta.column_names_to_labels["submitted_at"] == "提交时间（UTC）"
    assert meta.file_label == "服务满意度调查"
    assert meta.variable_value_labels["type"] == {1.0: "安装", 2.0: "维修"}
    assert meta.variable_value_labels["k1_functional"][1.0] == "喜欢"
    assert meta.variable_value_labels["good_clean"] == {0.0: "未选", 1.0: "已选"}
    assert meta.variable_value_labels["quality"] == {
        0.0: "计入",
        1.0: "已标记，未审核",
        2.0: "已排除",
    }
    assert meta.variable_measure["type"] == "nominal"
    assert meta.variable_measure["nps"] == "ordinal"

    cells, responses = _stored_cells(db, survey_id), _stored_responses(db, survey_id)
    assert [int(i) for i in frame["response_id"]] == ids
    for record_ in frame.to_dict("records"):
        response = responses[int(record_["response_id"])]
        for variable in plan.variables:
            got = record_[variable.name]
            want = _expected(variable, response, cells.get(response.id, {}))
            assert _same(got, want), (variable.name, got, want)
    assert "-5 分也不为过" in set(frame["comment"])  # Chinese text intact, nothing prefixed


def test_csv_is_utf8_with_bom_and_neutralises_formula_cells(db: Database, tmp_path: Path) -> None:
    survey_id, ids = _store(db)
    plan = plan_export(db, ExportRequest(survey_id, ExportFormat.CSV))
    path = tmp_path / "out.csv"
    write_export(db, plan, path)

    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"".join(stream_csv(db, plan, page_size=2)) == raw  # streamed the same
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    header, data = rows[0], rows[1:]
    column = {name: [row[i] for row in data] for i, name in enumerate(header)}
    assert column["response_id"] == [str(i) for i in ids]
    assert column["nps"] == ["9", "3", "10", "0", "7"]  # numbers stay numbers
    assert column["comment"][1] == '\'=HYPERLINK("http://evil")'
    assert column["comment"][2] == "'-5 分也不为过"
    assert column["comment"][3] == "'@管理员 +1"
    assert "师傅很好" in column["comment"][0]  # Chinese text intact
    assert column["submitted_at"][0] == "2026-03-02 08:30:15.123456"
    assert column["type"][:2] == ["2", "1"]
    # chosen 1, answered but not chosen 0, not answered (an empty choice is no answer) blank
    assert column["good_fast"] == ["1", "0", "", "", ""]
    for cells in data:
        assert not any(cell.startswith(FORMULA_STARTS) for cell in cells)


@given(st.text())
def test_no_neutralised_text_starts_like_a_formula(text: str) -> None:
    safe = neutralise(text)
    assert not safe.startswith(FORMULA_STARTS)
    assert safe == text or safe == f"'{text}"
    assert (safe != text) == text.startswith(("=", "+", "-", "@", "\t", "\r"))


@given(st.lists(st.text(), min_size=1, max_size=5), st.integers(-100, 100))
def test_csv_cells_read_back_neutralised_and_numbers_unchanged(texts: list[str], n: int) -> None:
    variables = [Variable(f"t{i}", "", "text", "nominal") for i in range(len(texts))]
    stream = io.StringIO(newline="")
    writer = CsvExport(stream, [Variable("n", "", "number", "scale"), *variables])
    writer.write_rows([[n, *texts]])
    (_header, row) = list(csv.reader(io.StringIO(stream.getvalue(), newline="")))
    assert row == [str(n), *(neutralise(t) for t in texts)]


def test_personal_fields_only_when_asked(db: Database, tmp_path: Path) -> None:
    survey_id, _ = _store(db)
    personal = plan_export(db, ExportRequest(survey_id, ExportFormat.CSV, personal_data=True))
    path = tmp_path / "p.csv"
    write_export(db, personal, path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert [r["customer"] for r in rows] == ["C-001", "C-002", "", "C-003", ""]
    assert rows[0]["comment"] == PHONE_COMMENT  # the original, not the redacted text

    redacted = plan_export(db, ExportRequest(survey_id, ExportFormat.CSV))
    assert "customer" not in [v.name for v in redacted.variables]
    path = tmp_path / "r.csv"
    write_export(db, redacted, path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert "13812345678" not in rows[0]["comment"]


def test_filters_select_responses(db: Database) -> None:
    survey_id, ids = _store(db)

    def selected(**filters: Any) -> int:
        return plan_export(
            db, ExportRequest(survey_id, ExportFormat.CSV, filters=ExportFilters(**filters))
        ).total

    assert selected() == 5
    assert selected(since=BASE + timedelta(days=1), until=BASE + timedelta(days=3)) == 2
    assert selected(channel="web") == 3
    assert selected(touchpoint="repair") == 2
    assert selected(language="en") == 2
    assert selected(channel="nope") == 0
    with db.session() as s:  # one response flagged, one excluded by an analyst
        s.execute(update(ResponseRow).where(ResponseRow.id == ids[0]).values(quality=1))
        s.execute(update(ResponseRow).where(ResponseRow.id == ids[1]).values(quality=2))
    assert selected() == 3
    assert selected(include_flagged=True) == 4
    assert selected(include_flagged=True, include_excluded=True) == 5
    with pytest.raises(InvalidInput, match="period is empty"):
        selected(since=BASE, until=BASE)
    with pytest.raises(InvalidInput, match="language"):
        plan_export(db, ExportRequest(survey_id, ExportFormat.CSV, language="fr"))
    with pytest.raises(NotFound):
        plan_export(db, ExportRequest(999_999, ExportFormat.CSV))


def test_pages_are_read_in_id_order_with_progress(db: Database, tmp_path: Path) -> None:
    survey_id, ids = _store(db)
    plan = plan_export(db, ExportRequest(survey_id, ExportFormat.CSV))
    seen: list[tuple[int, int]] = []
    # a response stored after the export began is not in it (the count stays true)
    record(db, ResponseBatch(survey_id, [ResponseIn(answers={"nps": 1})]))
    write_export(
        db, plan, tmp_path / "x.csv", page_size=2, progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "x.csv").read_text("utf-8-sig"))))
    assert [int(r["response_id"]) for r in rows] == ids


def test_format_limits_are_clear(db: Database, tmp_path: Path) -> None:
    survey_id, _ = _store(db)
    plan = plan_export(db, ExportRequest(survey_id, ExportFormat.SAV))
    with pytest.raises(InvalidInput, match="MANYI_EXPORT_SAV_MAX_ROWS"):
        write_export(db, plan, tmp_path / "x.sav", sav_max_rows=4)
    assert not (tmp_path / "x.sav").exists()


def test_a_question_of_an_older_version_keeps_its_column_and_labels(
    db: Database, tmp_path: Path
) -> None:
    survey_id, _ = _store(db)
    definition = survey_definition()
    definition["questions"] = [q for q in definition["questions"] if q["code"] != "csat"]
    for q in definition["questions"]:
        if q["code"] == "type":
            q["options"] = [
                {"code": "visit", "text": {"zh-CN": "上门", "en": "Visit"}},
                *q["options"][1:],
            ]
    revise_survey(db, survey_id, definition)
    record(db, ResponseBatch(survey_id, [ResponseIn(answers={"nps": 5, "type": "visit"})]))
    plan = plan_export(db, ExportRequest(survey_id, ExportFormat.SAV, "en"))
    names = [v.name for v in plan.variables]
    assert "csat" in names  # asked only by version 1, placed after the current questions
    assert names.index("csat") > names.index("comment")
    path = tmp_path / "v.sav"
    write_export(db, plan, path)
    frame, meta = pyreadstat.read_sav(str(path))
    assert meta.variable_value_labels["type"] == {1.0: "Visit", 2.0: "Repair", 3.0: "Installation"}
    assert list(frame["type"].fillna(0)) == [2.0, 3.0, 0.0, 2.0, 0.0, 1.0]
    assert list(frame["csat"].fillna(0))[-1] == 0.0


def test_spss_names_are_valid_and_unique() -> None:
    taken: set[str] = set()
    assert spss_name("language", taken) == "language"
    assert spss_name("LANGUAGE", taken) == "LANGUAGE_2"  # SPSS names ignore case
    assert spss_name("with", taken) == "with_"
    assert spss_name("q.1-a", taken) == "q_1_a"
    long = spss_name("x" * 80, taken)
    assert long == "x" * 64
    assert spss_name("x" * 80, taken) == "x" * 62 + "_2"
    assert spss_name("9lives", taken) == "v9lives"
