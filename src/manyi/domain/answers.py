"""Checking a respondent's answers against a survey definition.

``validate_answers`` returns the answers in canonical form plus the narrow cells
(question, item, number, text) that the answers table stores; every problem is
reported at once with its field path, so an API client or an import error file can
show all bad fields, not only the first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from manyi.domain.enums import KanoAnswer, QuestionKind
from manyi.domain.survey import Question, SurveyDefinition
from manyi.errors import FieldError, InvalidInput

# Chinese labels and the usual 1–5 coding (Berger et al. 1993 order) map onto the enum.
KANO_ALIASES: dict[str, KanoAnswer] = {
    "like": KanoAnswer.LIKE,
    "喜欢": KanoAnswer.LIKE,
    "1": KanoAnswer.LIKE,
    "must-be": KanoAnswer.MUST_BE,
    "must be": KanoAnswer.MUST_BE,
    "expect": KanoAnswer.MUST_BE,
    "理所当然": KanoAnswer.MUST_BE,
    "2": KanoAnswer.MUST_BE,
    "neutral": KanoAnswer.NEUTRAL,
    "无所谓": KanoAnswer.NEUTRAL,
    "3": KanoAnswer.NEUTRAL,
    "live-with": KanoAnswer.LIVE_WITH,
    "live with": KanoAnswer.LIVE_WITH,
    "能忍受": KanoAnswer.LIVE_WITH,
    "4": KanoAnswer.LIVE_WITH,
    "dislike": KanoAnswer.DISLIKE,
    "不喜欢": KanoAnswer.DISLIKE,
    "5": KanoAnswer.DISLIKE,
}
KANO_CODES: dict[KanoAnswer, int] = {a: i for i, a in enumerate(KanoAnswer, start=1)}


@dataclass(frozen=True)
class AnswerCell:
    """One stored cell of the narrow answers table."""

    question: str
    item: str
    value: float | None
    text: str | None


@dataclass(frozen=True)
class CheckedAnswers:
    answers: dict[str, Any]
    cells: list[AnswerCell]


class _Problems:
    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, loc: tuple[str | int, ...], msg: str, kind: str = "invalid") -> None:
        self.errors.append(FieldError(("answers", *loc), msg, kind))


def _number(value: Any) -> float | None:
    """A finite number from an int/float or numeric string; None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _scaled(
    q: Question, value: Any, loc: tuple[str | int, ...], problems: _Problems
) -> float | None:
    assert q.scale is not None  # set for every scaled kind by Question's validator
    number = _number(value)
    if number is None:
        problems.add(loc, f"expected a number on the scale {q.scale.min}–{q.scale.max}", "type")
        return None
    if not number.is_integer():
        problems.add(
            loc,
            f"expected a whole number on the scale {q.scale.min}–{q.scale.max}, got {value}",
            "type",
        )
        return None
    if not q.scale.min <= number <= q.scale.max:
        problems.add(loc, f"{number:g} is outside the scale {q.scale.min}–{q.scale.max}", "range")
        return None
    return number


def _check_question(q: Question, value: Any, problems: _Problems) -> tuple[Any, list[AnswerCell]]:
    loc: tuple[str | int, ...] = (q.code,)
    cells: list[AnswerCell] = []
    kind = q.kind
    if kind in (
        QuestionKind.RATING,
        QuestionKind.NPS,
        QuestionKind.CSAT,
        QuestionKind.CES,
        QuestionKind.LIKERT,
    ):
        number = _scaled(q, value, loc, problems)
        if number is None:
            return None, []
        return int(number), [AnswerCell(q.code, "", number, None)]
    if kind == QuestionKind.MATRIX:
        if not isinstance(value, dict):
            problems.add(loc, "expected an object {row code: score}", "type")
            return None, []
        rows = {r.code for r in q.rows}
        clean: dict[str, int] = {}
        for row, score in value.items():
            if row not in rows:
                problems.add(
                    (*loc, str(row)), f"unknown row; rows are {', '.join(sorted(rows))}", "unknown"
                )
                continue
            number = _scaled(q, score, (*loc, row), problems)
            if number is not None:
                clean[row] = int(number)
                cells.append(AnswerCell(q.code, row, number, None))
        return clean, cells
    if kind == QuestionKind.SINGLE:
        codes = [o.code for o in q.options]
        if not isinstance(value, str) or value not in codes:
            problems.add(loc, f"expected one of {', '.join(codes)}", "choice")
            return None, []
        return value, [AnswerCell(q.code, "", float(codes.index(value) + 1), value)]
    if kind in (QuestionKind.MULTIPLE, QuestionKind.RANKING):
        codes = [o.code for o in q.options]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.add(loc, "expected a list of option codes", "type")
            return None, []
        unknown = [v for v in value if v not in codes]
        if unknown:
            problems.add(
                loc,
                f"unknown option(s) {', '.join(unknown)}; options are {', '.join(codes)}",
                "choice",
            )
            return None, []
        if len(set(value)) != len(value):
            problems.add(loc, "an option is given twice", "choice")
            return None, []
        if q.min_choices is not None and len(value) < q.min_choices:
            problems.add(loc, f"choose at least {q.min_choices}", "range")
            return None, []
        if q.max_choices is not None and len(value) > q.max_choices:
            problems.add(loc, f"choose at most {q.max_choices}", "range")
            return None, []
        if kind == QuestionKind.MULTIPLE:
            cells = [AnswerCell(q.code, v, 1.0, None) for v in value]
        else:  # ranking: value = rank position, 1 = first
            cells = [AnswerCell(q.code, v, float(i), None) for i, v in enumerate(value, start=1)]
        return list(value), cells
    if kind == QuestionKind.OPEN:
        if not isinstance(value, str):
            problems.add(loc, "expected text", "type")
            return None, []
        if len(value) > q.max_length:
            problems.add(loc, f"text is longer than {q.max_length} characters", "range")
            return None, []
        return value, [AnswerCell(q.code, "", None, value)] if value.strip() else []
    if kind == QuestionKind.SERVQUAL:
        if not isinstance(value, dict):
            problems.add(loc, 'expected an object {"expectation": n, "perception": n}', "type")
            return None, []
        allowed = {
            "expectation": "E",
            "perception": "P",
            **({"importance": "I"} if q.importance else {}),
        }
        extra = [k for k in value if k not in allowed]
        for key in extra:
            problems.add(
                (*loc, str(key)), f"unknown part; parts are {', '.join(allowed)}", "unknown"
            )
        clean_sq: dict[str, int] = {}
        for key, item in allowed.items():
            if key not in value or value[key] is None:
                if key != "importance" and q.required:
                    problems.add((*loc, key), "required", "missing")
                continue
            number = _scaled(q, value[key], (*loc, key), problems)
            if number is not None:
                clean_sq[key] = int(number)
                cells.append(AnswerCell(q.code, item, number, None))
        return clean_sq, cells
    if kind == QuestionKind.KANO:
        if not isinstance(value, dict):
            problems.add(
                loc, 'expected an object {"functional": answer, "dysfunctional": answer}', "type"
            )
            return None, []
        clean_k: dict[str, str] = {}
        for part in ("functional", "dysfunctional"):
            raw = value.get(part)
            answer = KANO_ALIASES.get(str(raw).strip().lower()) if raw is not None else None
            if answer is None:
                problems.add(
                    (*loc, part),
                    "expected like, must-be, neutral, live-with or dislike (喜欢/理所当然/无所谓/能忍受/不喜欢)",
                    "choice",
                )
                continue
            clean_k[part] = answer.value
            cells.append(AnswerCell(q.code, part, float(KANO_CODES[answer]), answer.value))
        return clean_k, cells
    raise InvalidInput(
        f"question kind {kind} is not supported"
    )  # pragma: no cover - enum is closed


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def validate_answers(definition: SurveyDefinition, answers: Any) -> CheckedAnswers:
    """Check ``answers`` ({question code: answer}) and return them in canonical form.

    Raises :class:`InvalidInput` listing every bad field: unknown question, wrong type,
    out-of-range score, unknown option, missing required answer.
    """
    problems = _Problems()
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
        canonical, new_cells = _check_question(q, value, problems)
        if canonical is not None and not _is_empty(canonical):
            clean[q.code] = canonical
            cells.extend(new_cells)
    for q in definition.questions:
        if q.required and _is_empty(answers.get(q.code)):
            problems.add((q.code,), "this question requires an answer", "missing")
    if problems.errors:
        count = len(problems.errors)
        raise InvalidInput(
            f"{count} answer{'s' if count > 1 else ''} could not be accepted", problems.errors
        )
    return CheckedAnswers(clean, cells)
