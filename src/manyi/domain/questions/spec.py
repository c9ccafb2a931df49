"""The interface every question kind implements, and the small values it trades in.

A :class:`QuestionKindSpec` is everything manyi knows about one :class:`QuestionKind`:
which fields of a :class:`~manyi.domain.survey.Question` apply, the default scale, the
definition checks, how an answer is checked and put in canonical form, the narrow cells
it is stored as, its scores, how a CSV/XLSX cell becomes an answer, and what the quality
checks look at. The rest of manyi asks the registry (:func:`manyi.domain.questions.kind_spec`)
instead of testing ``question.kind`` itself, so a new kind is one new module.
"""

from __future__ import annotations

import json
import math
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from manyi.domain.enums import QuestionKind
from manyi.errors import FieldError

if TYPE_CHECKING:
    from manyi.domain.survey import Question

Loc = tuple[str | int, ...]

# Fields every question has whatever its kind; ``QuestionKindSpec.fields`` lists the others.
COMMON_FIELDS = frozenset(
    {"code", "kind", "text", "help", "required", "dimension", "indicator", "touchpoint"}
)


@dataclass(frozen=True)
class AnswerCell:
    """One stored cell of the narrow answers table."""

    question: str
    item: str
    value: float | None
    text: str | None


class AnswerProblems:
    """Collects every problem of one set of answers, each under ``("answers", …)``."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, loc: Loc, msg: str, kind: str = "invalid") -> None:
        self.errors.append(FieldError(("answers", *loc), msg, kind))


def parse_number(value: Any) -> float | None:
    """A finite number from an int/float or numeric string; None if it is not one.

    ``True`` is not 1 here: a checkbox value in a score column is a mistake, not a score.
    """
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


def loose_key(text: str) -> str:
    """``text`` without spaces, ``_ - : ? .`` (ASCII and full-width) and case, for matching
    what people type in file headers and cells against question and option texts."""
    return re.sub(r"[\s_\-:：?？。.]+", "", text).lower()


def json_or_text(raw: Any) -> Any:
    """A JSON document in a file cell (``{"a": 4, "b": 5}``) as data; anything else unchanged."""
    if not isinstance(raw, str):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def lookup_text(raw: str, lookup: dict[str, str]) -> str | None:
    """The canonical value ``lookup`` gives for ``raw`` as typed or loosely keyed, else None."""
    text = raw.strip()
    found = lookup.get(text)
    return found if found is not None else lookup.get(loose_key(text))


class QuestionKindSpec(ABC):
    """What one question kind means, from definition to storage and import.

    Subclasses set :attr:`kind` and implement :meth:`check_answer` and :meth:`cells`; the
    other methods have the behaviour most kinds share and are overridden where a kind
    differs. Methods take the :class:`~manyi.domain.survey.Question` so that a spec object
    holds no per-survey state and one instance serves every question of its kind.

    Rendering: :attr:`form_macro` names the macro of
    ``manyi/web/templates/respond/macros.html`` that draws a question of this kind on the
    respondent form (issue #10), so the form template looks the macro up instead of
    testing kinds; the survey builder's question form shows the fields :attr:`fields`
    lists (``manyi.surveys.builder_form``).
    """

    kind: QuestionKind
    #: The macro in ``respond/macros.html`` that renders this kind on the respondent form
    #: (and whose field names :mod:`manyi.surveys.respond` reads back). Every kind sets it.
    form_macro: str
    #: Question fields that apply to this kind besides :data:`COMMON_FIELDS`
    #: (what the survey builder will offer for it).
    fields: frozenset[str] = frozenset()
    #: (min, max) given to a question of this kind that sets no ``scale``; None: no scale.
    default_scale: tuple[int, int] | None = None
    #: Answers are free text: checked at intake for gibberish and empty answers.
    is_open_text: bool = False

    def check_definition(self, question: Question) -> None:  # noqa: B027 - optional override
        """Raise ``ValueError`` (with a message for the survey designer) when the
        question's fields do not fit this kind. Most kinds have no rule of their own."""

    def item_codes(self, question: Question) -> list[str]:
        """The items stored in the narrow answers table (``""`` = the question itself)."""
        return [""]

    @abstractmethod
    def check_answer(self, question: Question, value: Any, problems: AnswerProblems) -> Any:
        """The canonical form of ``value`` (not empty), or None after adding its problems
        to ``problems`` under ``(question.code, …)``. A partly bad answer may return the
        good part; the problems still refuse the whole set of answers."""

    @abstractmethod
    def cells(self, question: Question, answer: Any) -> list[AnswerCell]:
        """The narrow-table cells of a canonical answer."""

    def scores(self, question: Question, answer: Any) -> dict[str, float]:
        """{item code: number on the question's scale} of a canonical answer; empty for
        kinds without a scale."""
        return {}

    def straight_line_scores(self, question: Question, answer: Any) -> list[float]:
        """The scores of a canonical answer that count towards straight-lining."""
        return []

    def import_part(self, question: Question, part: str) -> str | None:
        """The answer key a column suffix names (``sq1.E`` → ``expectation``,
        ``m1.row2`` → ``row2``), or None when this question has no such part."""
        return None

    def import_lookup(self, question: Question) -> dict[str, str]:
        """{text a file cell may hold, as typed and loosely keyed: canonical value}, built
        once per import (option labels → codes, scale labels → points)."""
        return {}

    def coerce_cell(self, question: Question, raw: Any, lookup: dict[str, str]) -> Any:
        """The answer, in the API's format, that one non-blank file cell for the whole
        question holds; :func:`~manyi.domain.answers.validate_answers` judges it next."""
        return raw.strip() if isinstance(raw, str) else raw

    def coerce_part(self, question: Question, part: str, raw: Any, lookup: dict[str, str]) -> Any:
        """The value one non-blank file cell holds for ``part`` of the answer."""
        return raw
