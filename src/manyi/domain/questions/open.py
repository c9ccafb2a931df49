"""An open question: free text up to ``max_length`` characters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from manyi.domain.enums import QuestionKind
from manyi.domain.questions.spec import AnswerCell, AnswerProblems, QuestionKindSpec

if TYPE_CHECKING:
    from manyi.domain.survey import Question


class OpenKind(QuestionKindSpec):
    """Answer ``"text"``; stored as one text cell unless it is only whitespace."""

    kind = QuestionKind.OPEN
    form_macro = "open"
    fields = frozenset({"max_length"})
    is_open_text = True

    def check_answer(self, question: Question, value: Any, problems: AnswerProblems) -> Any:
        if not isinstance(value, str):
            problems.add((question.code,), "expected text", "type")
            return None
        if len(value) > question.max_length:
            problems.add(
                (question.code,), f"text is longer than {question.max_length} characters", "range"
            )
            return None
        return value

    def cells(self, question: Question, answer: Any) -> list[AnswerCell]:
        return [AnswerCell(question.code, "", None, answer)] if answer.strip() else []

    def coerce_cell(self, question: Question, raw: Any, lookup: dict[str, str]) -> Any:
        # A spreadsheet turns a comment such as "5" into a number; it is still text.
        return str(raw)


OPEN = OpenKind()
