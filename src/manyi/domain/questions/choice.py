"""Questions answered with option codes: single choice, multiple choice and ranking."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from manyi.domain.enums import QuestionKind
from manyi.domain.questions.spec import (
    AnswerCell,
    AnswerProblems,
    QuestionKindSpec,
    lookup_text,
    loose_key,
)

if TYPE_CHECKING:
    from manyi.domain.survey import Question

# How people separate several choices in one spreadsheet cell: "fast;clean", "快、干净".
SPLIT_CHOICES = re.compile(r"\s*[;,|、，；]\s*")


def option_texts(question: Question) -> dict[str, str]:
    """{option code or text (zh/en, as typed and loosely keyed): option code}."""
    options: dict[str, str] = {}
    for o in question.options:
        options[o.code] = o.code
        for text in (o.text.zh, o.text.en):
            if text:
                options[text] = o.code
                options[loose_key(text)] = o.code
    return options


def option_code(raw: Any, lookup: dict[str, str]) -> str:
    """The option code a file cell names by code or label; unknown text is kept for
    validation to refuse with the list of options."""
    text = str(raw).strip()
    code = lookup_text(text, lookup)
    return code if code is not None else text


class _ChoiceKind(QuestionKindSpec):
    def check_definition(self, question: Question) -> None:
        if len(question.options) < 2:
            raise ValueError(f"a {self.kind} question needs at least two options")

    def import_lookup(self, question: Question) -> dict[str, str]:
        return option_texts(question)


class SingleChoiceKind(_ChoiceKind):
    """Answer ``"repair"`` (an option code); stored with value = the option's position."""

    kind = QuestionKind.SINGLE
    form_macro = "single"
    fields = frozenset({"options"})

    def check_answer(self, question: Question, value: Any, problems: AnswerProblems) -> Any:
        codes = [o.code for o in question.options]
        if not isinstance(value, str) or value not in codes:
            problems.add((question.code,), f"expected one of {', '.join(codes)}", "choice")
            return None
        return value

    def cells(self, question: Question, answer: Any) -> list[AnswerCell]:
        codes = [o.code for o in question.options]
        return [AnswerCell(question.code, "", float(codes.index(answer) + 1), answer)]

    def coerce_cell(self, question: Question, raw: Any, lookup: dict[str, str]) -> Any:
        return option_code(raw, lookup)


class _ListChoiceKind(_ChoiceKind):
    """Answer ``["fast", "clean"]``: distinct option codes, as many as the bounds allow."""

    fields = frozenset({"options", "min_choices", "max_choices"})

    def check_answer(self, question: Question, value: Any, problems: AnswerProblems) -> Any:
        loc = (question.code,)
        codes = [o.code for o in question.options]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.add(loc, "expected a list of option codes", "type")
            return None
        unknown = [v for v in value if v not in codes]
        if unknown:
            problems.add(
                loc,
                f"unknown option(s) {', '.join(unknown)}; options are {', '.join(codes)}",
                "choice",
            )
            return None
        if len(set(value)) != len(value):
            problems.add(loc, "an option is given twice", "choice")
            return None
        if question.min_choices is not None and len(value) < question.min_choices:
            problems.add(loc, f"choose at least {question.min_choices}", "range")
            return None
        if question.max_choices is not None and len(value) > question.max_choices:
            problems.add(loc, f"choose at most {question.max_choices}", "range")
            return None
        return list(value)

    def item_codes(self, question: Question) -> list[str]:
        return [o.code for o in question.options]

    def coerce_cell(self, question: Question, raw: Any, lookup: dict[str, str]) -> Any:
        parts = SPLIT_CHOICES.split(str(raw).strip())
        return [option_code(part, lookup) for part in parts if part]


class MultipleChoiceKind(_ListChoiceKind):
    """Stored as one cell per chosen option, value 1."""

    kind = QuestionKind.MULTIPLE
    form_macro = "multiple"

    def cells(self, question: Question, answer: Any) -> list[AnswerCell]:
        return [AnswerCell(question.code, code, 1.0, None) for code in answer]


class RankingKind(_ListChoiceKind):
    """The first code is ranked first; stored as one cell per option, value = its rank."""

    kind = QuestionKind.RANKING
    form_macro = "ranking"

    def cells(self, question: Question, answer: Any) -> list[AnswerCell]:
        return [
            AnswerCell(question.code, code, float(rank), None)
            for rank, code in enumerate(answer, start=1)
        ]


SINGLE = SingleChoiceKind()
MULTIPLE = MultipleChoiceKind()
RANKING = RankingKind()
