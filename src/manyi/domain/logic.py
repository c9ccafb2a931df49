"""What a respondent sees: display conditions, piped texts, option order and pages.

A question's ``show_if`` names earlier questions only (the definition checks it), so one
pass in definition order decides visibility, and an answer to a question that is itself
hidden counts as no answer for the questions after it. Every function here is pure: the
respondent pages call them with the answers given so far, ``validate_answers`` with the
submitted ones.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from typing import Any

from manyi.domain.questions.spec import parse_number
from manyi.domain.survey import (
    PLACEHOLDER,
    AllOf,
    AnyOf,
    Comparison,
    Condition,
    Option,
    Question,
    SurveyDefinition,
)

__all__ = [
    "drop_hidden",
    "is_visible",
    "ordered_choices",
    "pages",
    "pipe_text",
    "visible_questions",
]


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _as_comparable(value: Any) -> Any:
    """A score as a float (``"9"`` from a file and ``9`` compare equal), anything else as is."""
    number = parse_number(value)
    return value if number is None else number


def _holds(condition: Condition, answers: Mapping[str, Any]) -> bool:
    if isinstance(condition, AllOf):
        return all(_holds(part, answers) for part in condition.all_of)
    if isinstance(condition, AnyOf):
        return any(_holds(part, answers) for part in condition.any_of)
    return _compare(condition, answers.get(condition.question))


def _compare(condition: Comparison, answer: Any) -> bool:
    op = condition.op
    if op == "answered" or op == "not_answered":
        return _is_empty(answer) == (op == "not_answered")
    # Every other test is false for a question left unanswered, "!=" and "not_in" too:
    # a follow-up is asked about an answer that was given, never about a skipped question.
    if _is_empty(answer):
        return False
    if op in ("in", "not_in"):
        listed = {_as_comparable(v) for v in condition.value or []}
        given = answer if isinstance(answer, list) else [answer]
        chosen = {_as_comparable(v) for v in given if isinstance(v, str | int | float)}
        return bool(chosen & listed) == (op == "in")
    left, right = _as_comparable(answer), _as_comparable(condition.value)
    if op == "==":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    if not isinstance(left, float) or not isinstance(right, float):
        return False  # a non-numeric answer is neither above nor below a score
    if op == "<":
        return left < right
    if op == "<=":
        return left <= right
    if op == ">":
        return left > right
    return left >= right


def is_visible(question: Question, answers: Mapping[str, Any]) -> bool:
    """Whether ``question`` is asked, given ``answers`` ({question code: answer}).

    Only the question's own ``show_if`` is evaluated, on the answers as given; use
    :func:`visible_questions` to also hide what depends on a hidden question.
    """
    return question.show_if is None or _holds(question.show_if, answers)


def visible_questions(definition: SurveyDefinition, answers: Mapping[str, Any]) -> list[Question]:
    """The questions asked, in the order the pages ask them, given ``answers``; the answer
    to a hidden question does not count for the conditions after it."""
    shown: list[Question] = []
    counted: dict[str, Any] = {}
    for question in (q for page in definition.page_groups() for q in page):
        if is_visible(question, counted):
            shown.append(question)
            if question.code in answers:
                counted[question.code] = answers[question.code]
    return shown


def drop_hidden(definition: SurveyDefinition, answers: Mapping[str, Any]) -> dict[str, Any]:
    """``answers`` without the answers to questions their condition now hides.

    A respondent who answers NPS 3, writes what went wrong, then changes NPS to 9 has
    the follow-up answer dropped here before submitting. Codes the definition does not
    know stay, so that validation reports them.
    """
    shown = {q.code for q in visible_questions(definition, answers)}
    known = definition.by_code
    return {code: v for code, v in answers.items() if code in shown or code not in known}


def _answer_text(question: Question | None, answer: Any, language: str) -> str | None:
    """How an answer reads inside a text, or None when it cannot be shown as text."""
    if _is_empty(answer):
        return ""
    options = {o.code: o.text.get(language) for o in question.options} if question else {}
    if isinstance(answer, list):
        separator = ", " if language.startswith("en") else "、"
        return separator.join(options.get(str(v), str(v)) for v in answer)
    if isinstance(answer, dict):
        return None
    if isinstance(answer, str):
        return options.get(answer, answer)
    number = parse_number(answer)
    if number is not None and number.is_integer():
        return str(int(number))
    return str(answer)


def pipe_text(
    text: str,
    answers: Mapping[str, Any],
    customer: Mapping[str, Any] | None = None,
    *,
    definition: SurveyDefinition | None = None,
    language: str = "zh-CN",
) -> str:
    """``text`` with ``{answer:CODE}`` and ``{customer:FIELD}`` filled in, as plain text.

    An answer shows as its option text in ``language`` for choice questions (with
    ``definition`` given), a score as its number, a list of choices joined; an unanswered
    question and a missing customer field show as nothing. A placeholder for a question
    the definition does not have, an answer that is an object (matrix, SERVQUAL, Kano), or
    any other ``{…}`` stays as written. The result is not HTML: the template escapes it.
    """
    by_code = definition.by_code if definition is not None else None

    def fill(match: re.Match[str]) -> str:
        source, name = match.group(1), match.group(2)
        if source == "customer":
            value = (customer or {}).get(name)
            return "" if value is None else str(value)
        question = by_code.get(name) if by_code is not None else None
        if by_code is not None and question is None:
            return match.group(0)
        shown = _answer_text(question, answers.get(name), language)
        return match.group(0) if shown is None else shown

    return PLACEHOLDER.sub(fill, text)


def ordered_choices(question: Question, seed: int | str) -> list[Option]:
    """The question's options (or matrix rows) in the order one respondent sees them.

    In definition order unless ``randomize``; then shuffled by ``seed`` (the same seed,
    e.g. the respondent's draft, gives the same order on every page load) and the
    question code (so questions are not shuffled alike). Anchored options keep their
    place: an "other" or "none" listed last stays last.
    """
    choices = list(question.options or question.rows)
    if not question.randomize:
        return choices
    # A str seed is hashed with SHA-512 by random.Random: the same order in every process.
    shuffler = random.Random(f"{seed}\x1f{question.code}")
    free = [c for c in choices if not c.anchor]
    shuffler.shuffle(free)
    moving = iter(free)
    return [c if c.anchor else next(moving) for c in choices]


def pages(definition: SurveyDefinition) -> list[list[Question]]:
    """The questions page by page: the definition's ``pages`` when it lists them (with
    any question they leave out on a last page), else split before each ``page_break``."""
    return definition.page_groups()
