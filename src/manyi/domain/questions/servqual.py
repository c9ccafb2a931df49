"""A SERVQUAL item: expectation and perception (and optionally importance) on one scale.

Parasuraman, Zeithaml and Berry (1988) ask each item twice, what an excellent company
would do (E) and what this one does (P); the gap P − E is computed in ``manyi.stats``.
"""

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

# Answer key → stored item code.
ITEMS: dict[str, str] = {"expectation": "E", "perception": "P", "importance": "I"}
# Column suffixes an import file may use for each part: ``sq1.E``, ``sq1.期望``.
PART_ALIASES: dict[str, str] = {
    "e": "expectation",
    "expectation": "expectation",
    "期望": "expectation",
    "p": "perception",
    "perception": "perception",
    "感知": "perception",
    "i": "importance",
    "importance": "importance",
    "重要性": "importance",
}


def _parts(question: Question) -> dict[str, str]:
    """The answer keys this item asks for, with their item codes."""
    return {key: item for key, item in ITEMS.items() if key != "importance" or question.importance}


class ServqualKind(QuestionKindSpec):
    """Answer ``{"expectation": 6, "perception": 5, "importance": 7}``; items E, P, I."""

    kind = QuestionKind.SERVQUAL
    form_macro = "servqual"
    fields = frozenset({"scale", "importance", "expectation_text", "perception_text"})
    default_scale = (1, 7)

    def item_codes(self, question: Question) -> list[str]:
        return list(_parts(question).values())

    def check_answer(self, question: Question, value: Any, problems: AnswerProblems) -> Any:
        loc = (question.code,)
        if not isinstance(value, dict):
            problems.add(loc, 'expected an object {"expectation": n, "perception": n}', "type")
            return None
        allowed = _parts(question)
        for key in value:
            if key not in allowed:
                problems.add(
                    (*loc, str(key)), f"unknown part; parts are {', '.join(allowed)}", "unknown"
                )
        clean: dict[str, int] = {}
        for key in allowed:
            if key not in value or value[key] is None:
                if key != "importance" and question.required:
                    problems.add((*loc, key), "required", "missing")
                continue
            number = check_score(question, value[key], (*loc, key), problems)
            if number is not None:
                clean[key] = int(number)
        return clean

    def cells(self, question: Question, answer: Any) -> list[AnswerCell]:
        return [
            AnswerCell(question.code, item, score, None)
            for item, score in self.scores(question, answer).items()
        ]

    def scores(self, question: Question, answer: Any) -> dict[str, float]:
        if not isinstance(answer, dict):
            return {}
        numbers = {item: parse_number(answer.get(key)) for key, item in ITEMS.items()}
        return {item: number for item, number in numbers.items() if number is not None}

    def straight_line_scores(self, question: Question, answer: Any) -> list[float]:
        # Only the perception: expectations of excellence are high for every item by design.
        perception = self.scores(question, answer).get("P")
        return [] if perception is None else [perception]

    def import_part(self, question: Question, part: str) -> str | None:
        return PART_ALIASES.get(part.lower())

    def import_lookup(self, question: Question) -> dict[str, str]:
        return scale_label_lookup(question)

    def coerce_cell(self, question: Question, raw: Any, lookup: dict[str, str]) -> Any:
        return json_or_text(raw)

    def coerce_part(self, question: Question, part: str, raw: Any, lookup: dict[str, str]) -> Any:
        return coerce_score(raw, lookup)


SERVQUAL = ServqualKind()
