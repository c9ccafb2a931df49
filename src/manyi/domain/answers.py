"""Checking a respondent's answers against a survey definition.

``validate_answers`` returns the answers in canonical form plus the narrow cells
(question, item, number, text) that the answers table stores; every problem is
reported at once with its field path, so an API client or an import error file can
show all bad fields, not only the first. What each kind accepts and stores is decided by
its spec in :mod:`manyi.domain.questions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from manyi.domain.logic import visible_questions
from manyi.domain.questions import AnswerCell, AnswerProblems, kind_spec
from manyi.domain.questions.kano import KANO_ALIASES, KANO_CODES
from manyi.domain.survey import SurveyDefinition
from manyi.errors import FieldError, InvalidInput

# AnswerCell, KANO_ALIASES and KANO_CODES now live with their question kinds; these names
# stay importable from here for the code that already uses them.
__all__ = [
    "KANO_ALIASES",
    "KANO_CODES",
    "AnswerCell",
    "CheckedAnswers",
    "validate_answers",
]


@dataclass(frozen=True)
class CheckedAnswers:
    answers: dict[str, Any]
    cells: list[AnswerCell]


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def validate_answers(definition: SurveyDefinition, answers: Any) -> CheckedAnswers:
    """Check ``answers`` ({question code: answer}) and return them in canonical form.

    Raises :class:`InvalidInput` listing every bad field: unknown question, wrong type,
    out-of-range score, unknown option, missing required answer, an answer to a question
    its ``show_if`` hides. A hidden question is never required; visibility is decided on
    the canonical answers (a score ``"3"`` from a file counts as 3).
    """
    problems = AnswerProblems()
    if not isinstance(answers, dict):
        raise InvalidInput(
            "answers must be an object {question code: answer}",
            [FieldError(("answers",), "expected an object", "type")],
        )
    by_code = definition.by_code
    clean: dict[str, Any] = {}
    cells: list[AnswerCell] = []
    for code, value in answers.items():
        q = by_code.get(str(code))
        if q is None:
            problems.add((str(code),), "unknown question", "unknown")
            continue
        if _is_empty(value):
            continue
        spec = kind_spec(q.kind)
        canonical = spec.check_answer(q, value, problems)
        if canonical is not None and not _is_empty(canonical):
            clean[q.code] = canonical
            cells.extend(spec.cells(q, canonical))
    # Most surveys have no conditions; an import of many responses skips the walk then.
    conditional = any(q.show_if is not None for q in definition.questions)
    shown = (
        set(by_code) if not conditional else {q.code for q in visible_questions(definition, clean)}
    )
    for q in definition.questions:
        if q.code not in shown:
            if not _is_empty(answers.get(q.code)):
                problems.add((q.code,), "this question is hidden by its condition", "hidden")
                clean.pop(q.code, None)
        elif q.required and _is_empty(answers.get(q.code)):
            problems.add((q.code,), "this question requires an answer", "missing")
    if problems.errors:
        count = len(problems.errors)
        raise InvalidInput(
            f"{count} answer{'s' if count > 1 else ''} could not be accepted", problems.errors
        )
    return CheckedAnswers(clean, cells)
