"""One score on a numeric scale: rating, NPS, CSAT, CES and Likert questions.

The helpers here (:func:`check_score`, :func:`scale_label_lookup`, :func:`coerce_score`)
are also what the matrix and SERVQUAL kinds use for each of their scored items.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from manyi.domain.enums import QuestionKind
from manyi.domain.questions.spec import (
    AnswerCell,
    AnswerProblems,
    Loc,
    QuestionKindSpec,
    lookup_text,
    loose_key,
    parse_number,
)
from manyi.errors import InvalidInput

if TYPE_CHECKING:
    from manyi.domain.survey import Question, Scale


def scale_of(question: Question) -> Scale:
    """The question's scale; every scored kind has one once ``Question`` has validated it."""
    if question.scale is None:
        raise InvalidInput(
            f"question {question.code!r} ({question.kind}) has no scale; build questions with "
            "Question.model_validate so that the default scale of the kind is set"
        )
    return question.scale


def check_score(question: Question, value: Any, loc: Loc, problems: AnswerProblems) -> float | None:
    """``value`` as a whole number on the question's scale, or None after adding a problem."""
    scale = scale_of(question)
    number = parse_number(value)
    if number is None:
        problems.add(loc, f"expected a number on the scale {scale.min}–{scale.max}", "type")
        return None
    if not number.is_integer():
        problems.add(
            loc,
            f"expected a whole number on the scale {scale.min}–{scale.max}, got {value}",
            "type",
        )
        return None
    if not scale.min <= number <= scale.max:
        problems.add(loc, f"{number:g} is outside the scale {scale.min}–{scale.max}", "range")
        return None
    return number


def scale_label_lookup(question: Question) -> dict[str, str]:
    """{scale-point label (zh/en, as typed and loosely keyed): point}, e.g. 非常满意 → "5".

    Only labels keyed by a whole number count. A text that labels two points is left out:
    an ambiguous cell is better refused by validation than read as either point.
    """
    points: dict[str, set[str]] = {}
    for key, label in scale_of(question).labels.items():
        try:
            point = str(int(key.strip()))
        except ValueError:
            continue
        for text in (label.zh, label.en):
            if text:
                for variant in (text.strip(), loose_key(text)):
                    points.setdefault(variant, set()).add(point)
    return {text: next(iter(found)) for text, found in points.items() if len(found) == 1}


def coerce_score(raw: Any, lookup: dict[str, str]) -> Any:
    """A file cell for one score: a number stays as it is, a scale label becomes its point."""
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if parse_number(text) is not None:
        return text
    point = lookup_text(text, lookup)
    return int(point) if point is not None else text


class ScaleKind(QuestionKindSpec):
    """A single whole-number score; the answer is ``9``, stored as one cell (code, "")."""

    fields = frozenset({"scale"})
    form_macro = "scale"

    def __init__(
        self,
        kind: QuestionKind,
        default_scale: tuple[int, int],
        *,
        straight_lining: bool,
        fixed_scale: bool = False,
    ) -> None:
        self.kind = kind
        self.default_scale = default_scale
        self.straight_lining = straight_lining
        # The one scale this kind allows (NPS is defined on 0–10), or None: any scale.
        self.required_scale = default_scale if fixed_scale else None

    def check_definition(self, question: Question) -> None:
        scale = scale_of(question)
        required = self.required_scale
        if required is not None and (scale.min, scale.max) != required:
            raise ValueError(f"an {self.kind} question uses the {required[0]}–{required[1]} scale")

    def check_answer(self, question: Question, value: Any, problems: AnswerProblems) -> Any:
        number = check_score(question, value, (question.code,), problems)
        return None if number is None else int(number)

    def cells(self, question: Question, answer: Any) -> list[AnswerCell]:
        scores = self.scores(question, answer)
        return [AnswerCell(question.code, item, v, None) for item, v in scores.items()]

    def scores(self, question: Question, answer: Any) -> dict[str, float]:
        number = parse_number(answer)
        return {} if number is None else {"": number}

    def straight_line_scores(self, question: Question, answer: Any) -> list[float]:
        return list(self.scores(question, answer).values()) if self.straight_lining else []

    def import_lookup(self, question: Question) -> dict[str, str]:
        return scale_label_lookup(question)

    def coerce_cell(self, question: Question, raw: Any, lookup: dict[str, str]) -> Any:
        return coerce_score(raw, lookup)


# The straight-lining rule of docs/surveys.md counts rating items: ratings, Likert and CSAT
# among these kinds; the NPS and CES questions stay out of it.
RATING = ScaleKind(QuestionKind.RATING, (1, 5), straight_lining=True)
NPS = ScaleKind(QuestionKind.NPS, (0, 10), straight_lining=False, fixed_scale=True)
CSAT = ScaleKind(QuestionKind.CSAT, (1, 5), straight_lining=True)
CES = ScaleKind(QuestionKind.CES, (1, 7), straight_lining=False)
LIKERT = ScaleKind(QuestionKind.LIKERT, (1, 5), straight_lining=True)
