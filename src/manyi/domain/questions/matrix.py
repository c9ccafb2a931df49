"""A matrix question: several rows, each scored on the same scale."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from manyi.domain.enums import QuestionKind
from manyi.domain.questions.scale import check_score, coerce_score, scale_label_lookup
from manyi.domain.questions.spec import (
    AnswerCell,
    AnswerProblems,
    QuestionKindSpec,
    json_or_text,
    parse_number,
)

if TYPE_CHECKING:
    from manyi.domain.survey import Question


class MatrixKind(QuestionKindSpec):
    """Answer ``{"a": 4, "b": 5}`` (row code: score); one stored cell per answered row."""

    kind = QuestionKind.MATRIX
    form_macro = "matrix"
    fields = frozenset({"scale", "rows"})
    default_scale = (1, 5)

    def check_definition(self, question: Question) -> None:
        if not question.rows:
            raise ValueError("a matrix question needs rows")

    def item_codes(self, question: Question) -> list[str]:
        return [r.code for r in question.rows]

    def check_answer(self, question: Question, value: Any, problems: AnswerProblems) -> Any:
        loc = (question.code,)
        if not isinstance(value, dict):
            problems.add(loc, "expected an object {row code: score}", "type")
            return None
        rows = {r.code for r in question.rows}
        clean: dict[str, int] = {}
        for row, score in value.items():
            if row not in rows:
                problems.add(
                    (*loc, str(row)), f"unknown row; rows are {', '.join(sorted(rows))}", "unknown"
                )
                continue
            number = check_score(question, score, (*loc, row), problems)
            if number is not None:
                clean[row] = int(number)
        return clean

    def cells(self, question: Question, answer: Any) -> list[AnswerCell]:
        return [
            AnswerCell(question.code, row, score, None)
            for row, score in self.scores(question, answer).items()
        ]

    def scores(self, question: Question, answer: Any) -> dict[str, float]:
        if not isinstance(answer, dict):
            return {}
        numbers = {str(row): parse_number(score) for row, score in answer.items()}
        return {row: number for row, number in numbers.items() if number is not None}

    def straight_line_scores(self, question: Question, answer: Any) -> list[float]:
        return list(self.scores(question, answer).values())

    def import_part(self, question: Question, part: str) -> str | None:
        return part if part in {r.code for r in question.rows} else None

    def import_lookup(self, question: Question) -> dict[str, str]:
        return scale_label_lookup(question)

    def coerce_cell(self, question: Question, raw: Any, lookup: dict[str, str]) -> Any:
        return json_or_text(raw)

    def coerce_part(self, question: Question, part: str, raw: Any, lookup: dict[str, str]) -> Any:
        return coerce_score(raw, lookup)


MATRIX = MatrixKind()
