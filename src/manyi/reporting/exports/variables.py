"""The columns of an export: one per response field and one per question item, with
names valid in SPSS, labels in the chosen language, and value labels for coded answers.

Answers are written as the narrow answers table stores them (each kind's
:meth:`~manyi.domain.questions.QuestionKindSpec.cells`): scores as numbers, a single
choice as its option's position, a ranking as each option's rank, a Kano answer as its
code 1–5; multiple choice as 1 (chosen) or 0 (not chosen, when the question was answered).
Value labels are an export's concern, so they are worked out here from the definition.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from manyi.domain.enums import KanoAnswer, QuestionKind
from manyi.domain.questions import kind_spec
from manyi.domain.questions.kano import KANO_CODES
from manyi.domain.survey import LocalText, Option, Question, SurveyDefinition
from manyi.storage.exports import ExportRecord

VariableType = Literal["number", "text", "datetime"]
Measure = Literal["nominal", "ordinal", "scale"]

#: SPSS allows variable names of at most 64 bytes; these words may not be names at all.
MAX_NAME_BYTES = 64
SPSS_RESERVED = frozenset(
    {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}
)

_KANO_LABELS: dict[KanoAnswer, LocalText] = {
    KanoAnswer.LIKE: LocalText(zh="喜欢", en="I like it"),
    KanoAnswer.MUST_BE: LocalText(zh="理所当然", en="I expect it"),
    KanoAnswer.NEUTRAL: LocalText(zh="无所谓", en="I am neutral"),
    KanoAnswer.LIVE_WITH: LocalText(zh="能忍受", en="I can live with it"),
    KanoAnswer.DISLIKE: LocalText(zh="不喜欢", en="I dislike it"),
}
_PART_LABELS: dict[str, LocalText] = {
    "E": LocalText(zh="期望", en="expectation"),
    "P": LocalText(zh="感知", en="perception"),
    "I": LocalText(zh="重要性", en="importance"),
    "functional": LocalText(zh="正向（具备时）", en="functional (if present)"),
    "dysfunctional": LocalText(zh="反向（不具备时）", en="dysfunctional (if absent)"),
}
_QUALITY = {
    0: LocalText(zh="计入", en="counted"),
    1: LocalText(zh="已标记，未审核", en="flagged, not reviewed"),
    2: LocalText(zh="已排除", en="excluded"),
}
_CHOSEN = {0: LocalText(zh="未选", en="not chosen"), 1: LocalText(zh="已选", en="chosen")}
_FIELD_LABELS: dict[str, LocalText] = {
    "response_id": LocalText(zh="答卷编号", en="Response id"),
    "submitted_at": LocalText(zh="提交时间（UTC）", en="Submitted at (UTC)"),
    "survey_version": LocalText(zh="问卷版本", en="Survey version"),
    "channel": LocalText(zh="渠道", en="Channel"),
    "touchpoint": LocalText(zh="触点", en="Touchpoint"),
    "language": LocalText(zh="答卷语言", en="Response language"),
    "quality": LocalText(zh="质量类别", en="Quality"),
    "quality_flags": LocalText(zh="质量标记", en="Quality flags"),
    "customer": LocalText(zh="客户编号", en="Customer id"),
}


@dataclass(frozen=True)
class Variable:
    """One column of an export."""

    name: str
    label: str
    type: VariableType
    measure: Measure
    #: The question code and item ("" = the question itself); None for a response field.
    question: str | None = None
    item: str = ""
    value_labels: dict[int, str] = field(default_factory=dict)


def spss_name(base: str, taken: set[str]) -> str:
    """A variable name SPSS accepts (letters, digits and _, a letter first, at most 64
    bytes, not a reserved word) that no name in ``taken`` equals ignoring case; it is
    added to ``taken``. ``base`` is a question or item code, so mostly it stays as it is."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", base)
    if not name or not name[0].isalpha():
        name = f"v{name}"
    name = name[:MAX_NAME_BYTES]
    if name.upper() in SPSS_RESERVED:
        name = f"{name}_"
    unique, n = name, 1
    while unique.upper() in taken:
        n += 1
        suffix = f"_{n}"
        unique = name[: MAX_NAME_BYTES - len(suffix)] + suffix
    taken.add(unique.upper())
    return unique


def _merged_options(old: list[Option], new: list[Option]) -> list[Option]:
    """The newest options in their order, then options only older versions had, so that
    an answer given to an older version keeps a code and a label."""
    codes = {o.code for o in new}
    return [*new, *(o for o in old if o.code not in codes)]


def merged_questions(definitions: list[SurveyDefinition]) -> list[Question]:
    """Every question any version asked, in the newest version's order, then questions
    only older versions had; a question takes its newest definition, with the options
    and matrix rows of older versions added (oldest definition first in ``definitions``)."""
    merged: dict[str, Question] = {}
    order: list[str] = []
    for definition in reversed(definitions):
        for question in definition.questions:
            newer = merged.get(question.code)
            if newer is None:
                merged[question.code] = question
                order.append(question.code)
            elif newer.kind == question.kind:
                merged[question.code] = newer.model_copy(
                    update={
                        "options": _merged_options(question.options, newer.options),
                        "rows": _merged_options(question.rows, newer.rows),
                    }
                )
    return [merged[code] for code in order]


def _scale_labels(question: Question, language: str) -> dict[int, str]:
    if question.scale is None:
        return {}
    labels: dict[int, str] = {}
    for key, text in question.scale.labels.items():
        try:
            labels[int(key.strip())] = text.get(language)
        except ValueError:
            continue
    return labels


def _value_labels(question: Question, language: str) -> dict[int, str]:
    kind = question.kind
    if kind == QuestionKind.SINGLE:
        return {i: o.text.get(language) for i, o in enumerate(question.options, start=1)}
    if kind == QuestionKind.MULTIPLE:
        return {value: text.get(language) for value, text in _CHOSEN.items()}
    if kind == QuestionKind.KANO:
        return {KANO_CODES[a]: _KANO_LABELS[a].get(language) for a in KanoAnswer}
    if kind == QuestionKind.RANKING:
        return {}
    return _scale_labels(question, language)


def _item_label(question: Question, item: str, language: str) -> str:
    text = question.text.get(language)
    if not item:
        return text
    parts = {o.code: o.text for o in (*question.rows, *question.options)}
    part = parts.get(item) or _PART_LABELS.get(item)
    return f"{text} - {part.get(language) if part else item}"


def _question_variables(question: Question, language: str, taken: set[str]) -> list[Variable]:
    spec = kind_spec(question.kind)
    text_answer = spec.is_open_text
    labels = {} if text_answer else _value_labels(question, language)
    nominal = question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.KANO)
    measure: Measure = "nominal" if text_answer or nominal else "ordinal"
    return [
        Variable(
            name=spss_name(f"{question.code}_{item}" if item else question.code, taken),
            label=_item_label(question, item, language),
            type="text" if text_answer else "number",
            measure=measure,
            question=question.code,
            item=item,
            value_labels=labels,
        )
        for item in spec.item_codes(question)
    ]


Cell = int | float | str | datetime | None


@dataclass(frozen=True)
class _QuestionReader:
    question: Question
    items: tuple[str, ...]
    text_answer: bool
    #: multiple choice: an answered question's options not chosen are 0, not missing
    zero_unchosen: bool
    #: one score (rating, NPS, CSAT, CES, Likert): the stored answer is the number itself
    one_score: bool = False

    def cells(self, answer: Any) -> list[Cell]:
        if answer is None:
            return [None] * len(self.items)
        if self.one_score and type(answer) is int:
            return [answer]  # the common case, without building the stored cells (speed)
        try:
            stored = kind_spec(self.question.kind).cells(self.question, answer)
        except (ValueError, KeyError, TypeError, AttributeError):
            # An answer stored before a kind's rules changed: the row keeps its other columns.
            return [None] * len(self.items)
        by_item = {c.item: (c.text if self.text_answer else c.value) for c in stored}
        missing: Cell = 0 if self.zero_unchosen else None
        return [_compact(by_item.get(item, missing)) for item in self.items]


def _compact(value: Cell) -> Cell:
    """A whole number as int (scores and codes), so files show 9, not 9.0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass(frozen=True)
class Layout:
    """The columns of one export and how a stored response becomes a row of them."""

    variables: list[Variable]
    personal_data: bool
    _readers: list[_QuestionReader]
    _fields: list[Callable[[ExportRecord], Cell]]

    def row(self, record: ExportRecord) -> list[Cell]:
        # Open answers are stored redacted; the original replaces it only for roles
        # allowed to see personal data (their records carry raw_answers).
        answers = record.answers
        if self.personal_data and record.raw_answers:
            answers = {**answers, **record.raw_answers}
        row: list[Cell] = [read(record) for read in self._fields]
        for reader in self._readers:
            row.extend(reader.cells(answers.get(reader.question.code)))
        return row


_FIELDS: list[tuple[str, VariableType, Measure, Callable[[ExportRecord], Cell]]] = [
    ("response_id", "number", "nominal", lambda r: r.id),
    ("submitted_at", "datetime", "scale", lambda r: r.submitted_at),
    ("survey_version", "number", "nominal", lambda r: r.survey_version),
    ("channel", "text", "nominal", lambda r: r.channel),
    ("touchpoint", "text", "nominal", lambda r: r.touchpoint),
    ("language", "text", "nominal", lambda r: r.language),
    ("quality", "number", "nominal", lambda r: r.quality),
    ("quality_flags", "text", "nominal", lambda r: ";".join(str(f) for f in r.quality_flags)),
]
_CUSTOMER: tuple[str, VariableType, Measure, Callable[[ExportRecord], Cell]] = (
    "customer",
    "text",
    "nominal",
    lambda r: r.customer,
)


def build_layout(
    definitions: list[SurveyDefinition], language: str, *, personal_data: bool
) -> Layout:
    """The export's columns: the response fields (the customer's external id only with
    ``personal_data``), then every item of every question (``definitions``: oldest first)."""
    taken: set[str] = set()
    fields = [*_FIELDS, *([_CUSTOMER] if personal_data else [])]
    variables = [
        Variable(
            spss_name(name, taken),
            _FIELD_LABELS[name].get(language),
            kind,
            measure,
            value_labels=(
                {k: text.get(language) for k, text in _QUALITY.items()} if name == "quality" else {}
            ),
        )
        for name, kind, measure, _ in fields
    ]
    readers: list[_QuestionReader] = []
    for question in merged_questions(definitions):
        question_variables = _question_variables(question, language, taken)
        variables.extend(question_variables)
        readers.append(
            _QuestionReader(
                question,
                tuple(v.item for v in question_variables),
                kind_spec(question.kind).is_open_text,
                question.kind == QuestionKind.MULTIPLE,
                one_score=kind_spec(question.kind).default_scale is not None
                and [v.item for v in question_variables] == [""],
            )
        )
    return Layout(variables, personal_data, readers, [read for *_, read in fields])
