"""A survey's stored responses as the DataFrame that ``manyi analyze`` takes from a file.

The columns are the export's (:mod:`manyi.reporting.exports.variables`): one per numeric
question item, named as in a CSV export (``nps``, ``sq_t1_E``, ``k1_functional``), and the
response fields ``channel``, ``touchpoint`` and ``language``; the groups an export does
not carry follow under names no question code can take (``seg:region``, ``seg:tier``,
``seg:product``, ``seg:department``, ``seg:rater``). Because the cells come from the same
``Layout.row`` as an export's, an analysis of the stored data and one of its export give
the same numbers (tested).

Memory: responses are read in keyset pages (:mod:`manyi.storage.analysis`) and each
page's numbers are appended to one packed ``array('d')`` per column (8 bytes a cell; group
labels as small integer codes), so 100 000 responses of a 70-item survey take about 56 MB
at the peak, and no page of records outlives its turn. Open answers are not kept: the text
explorer reads the stored enrichment instead.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from manyi.domain.survey import Question, SurveyDefinition
from manyi.reporting.exports.variables import Layout, Variable, build_layout, merged_questions
from manyi.storage.analysis import (
    SEGMENT_KEYS,
    AnalysisRecord,
    AnalysisSelection,
    analysis_ceiling,
    analysis_records,
    count_analysis_rows,
)
from manyi.storage.database import Database
from manyi.storage.exports import survey_definitions
from manyi.storage.surveys import current_survey

#: Responses read at a time.
PAGE_SIZE = 2000
#: Response fields kept as group columns (named as in an export).
FIELD_GROUPS: tuple[str, ...] = ("channel", "touchpoint", "language")
DEPARTMENT = "seg:department"
RATER = "seg:rater"
SEGMENT_COLUMNS: dict[str, str] = {key: f"seg:{key}" for key in SEGMENT_KEYS}
GROUP_COLUMNS: tuple[str, ...] = (
    *FIELD_GROUPS,
    *SEGMENT_COLUMNS.values(),
    DEPARTMENT,
    RATER,
)


@dataclass(frozen=True)
class StoredFrame:
    """The selected responses of one survey, one row each.

    Attributes
    ----------
    frame : pandas.DataFrame
        Numeric item columns (float, NaN where not answered), the group columns
        (:data:`GROUP_COLUMNS`, text or None) and ``submitted_at``.
    definition : SurveyDefinition
        The survey's current definition.
    questions : list of Question
        Every question any version asked (the export's columns come from these).
    variables : list of Variable
        The numeric item columns with their question, item and labels (language of the
        layout: zh-CN).
    labels_en : dict
        Column name → English label.
    survey_id : int
    code : str or None
    """

    frame: pd.DataFrame
    definition: SurveyDefinition
    questions: list[Question]
    variables: list[Variable]
    labels_en: dict[str, str]
    survey_id: int
    code: str | None

    def column(self, question: str, item: str = "") -> str | None:
        """The column of one question item, or None when no column holds it."""
        for v in self.variables:
            if v.question == question and v.item == item:
                return v.name
        return None


class _Columns:
    """Packed column builders: numbers in ``array('d')``, labels as codes in ``array('i')``."""

    def __init__(self, numeric: list[str], groups: list[str]) -> None:
        self.numeric = {name: array("d") for name in numeric}
        self.codes = {name: array("i") for name in groups}
        self.vocab: dict[str, dict[str, int]] = {name: {} for name in groups}
        self.times = array("q")

    def add_label(self, column: str, value: object) -> None:
        if value is None or value == "":
            self.codes[column].append(-1)
            return
        vocab = self.vocab[column]
        text = str(value)
        code = vocab.get(text)
        if code is None:
            code = vocab[text] = len(vocab)
        self.codes[column].append(code)

    def frame(self) -> pd.DataFrame:
        data: dict[str, object] = {
            name: np.frombuffer(values, dtype=np.float64) if len(values) else np.empty(0)
            for name, values in self.numeric.items()
        }
        for name, codes in self.codes.items():
            labels = np.array([None, *self.vocab[name]], dtype=object)
            data[name] = labels[np.frombuffer(codes, dtype=np.int32) + 1] if len(codes) else []
        data["submitted_at"] = pd.to_datetime(np.frombuffer(self.times, dtype=np.int64))
        return pd.DataFrame(data)


def _numeric_variables(layout: Layout) -> list[int]:
    return [
        i for i, v in enumerate(layout.variables) if v.question is not None and v.type == "number"
    ]


def _append(
    columns: _Columns, layout: Layout, picks: list[tuple[int, str]], rec: AnalysisRecord
) -> None:
    row = layout.row(rec.record)
    for index, name in picks:
        value = row[index]
        columns.numeric[name].append(float(value) if isinstance(value, int | float) else np.nan)
    columns.add_label("channel", rec.record.channel)
    columns.add_label("touchpoint", rec.record.touchpoint)
    columns.add_label("language", rec.record.language)
    for key, column in SEGMENT_COLUMNS.items():
        columns.add_label(column, rec.segments.get(key))
    columns.add_label(DEPARTMENT, rec.department)
    columns.add_label(RATER, rec.rater)
    when: datetime = rec.record.submitted_at
    columns.times.append(int(pd.Timestamp(when).value))


def load_frame(
    db: Database, selection: AnalysisSelection, *, page_size: int = PAGE_SIZE
) -> StoredFrame:
    """Read the selected responses into a :class:`StoredFrame` (NotFound for no survey)."""
    with db.session() as s:
        survey = current_survey(s, selection.survey_id)
        versions = survey_definitions(s, selection.survey_id)
        ceiling = analysis_ceiling(s, selection.survey_id)
        code = survey.survey.code
    definitions = [SurveyDefinition.model_validate(d) for _, d in versions]
    layout = build_layout(definitions, "zh-CN", personal_data=False)
    english = build_layout(definitions, "en", personal_data=False)
    indices = _numeric_variables(layout)
    picks = [(i, layout.variables[i].name) for i in indices]
    columns = _Columns([name for _, name in picks], list(GROUP_COLUMNS))
    for page in analysis_records(db.session, selection, ceiling=ceiling, page_size=page_size):
        for rec in page:
            _append(columns, layout, picks, rec)
    return StoredFrame(
        frame=columns.frame(),
        definition=SurveyDefinition.model_validate(survey.definition),
        questions=merged_questions(definitions),
        variables=[layout.variables[i] for i in indices],
        labels_en={english.variables[i].name: english.variables[i].label for i in indices},
        survey_id=selection.survey_id,
        code=code,
    )


def count_selected(db: Database, selection: AnalysisSelection) -> int:
    """How many responses the selection holds now."""
    with db.session() as s:
        return count_analysis_rows(s, selection, analysis_ceiling(s, selection.survey_id))


__all__ = [
    "DEPARTMENT",
    "FIELD_GROUPS",
    "GROUP_COLUMNS",
    "PAGE_SIZE",
    "RATER",
    "SEGMENT_COLUMNS",
    "StoredFrame",
    "count_selected",
    "load_frame",
]
