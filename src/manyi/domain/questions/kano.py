"""A Kano pair: the functional and dysfunctional question about one feature.

Berger et al. (1993) ask "if the service has this feature, how do you feel?" and "if it
does not have it?", each answered on the same five-point list; ``manyi.stats`` turns the
pair into a Kano category.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from manyi.domain.enums import KanoAnswer, QuestionKind
from manyi.domain.questions.spec import (
    AnswerCell,
    AnswerProblems,
    QuestionKindSpec,
    json_or_text,
)

if TYPE_CHECKING:
    from manyi.domain.survey import Question

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
PARTS = ("functional", "dysfunctional")
# Column suffixes an import file may use for each part: ``k1.functional``, ``k1.F``, ``k1.正向``.
PART_ALIASES: dict[str, str] = {
    "f": "functional",
    "functional": "functional",
    "正向": "functional",
    "d": "dysfunctional",
    "dysfunctional": "dysfunctional",
    "反向": "dysfunctional",
}


class KanoKind(QuestionKindSpec):
    """Answer ``{"functional": "like", "dysfunctional": "live-with"}``; items
    ``functional`` and ``dysfunctional``, value = the answer's code 1–5, text = the answer."""

    kind = QuestionKind.KANO
    form_macro = "kano"
    fields = frozenset({"functional_text", "dysfunctional_text"})

    def item_codes(self, question: Question) -> list[str]:
        return list(PARTS)

    def check_answer(self, question: Question, value: Any, problems: AnswerProblems) -> Any:
        loc = (question.code,)
        if not isinstance(value, dict):
            problems.add(
                loc, 'expected an object {"functional": answer, "dysfunctional": answer}', "type"
            )
            return None
        clean: dict[str, str] = {}
        for part in PARTS:
            raw = value.get(part)
            answer = KANO_ALIASES.get(str(raw).strip().lower()) if raw is not None else None
            if answer is None:
                problems.add(
                    (*loc, part),
                    "expected like, must-be, neutral, live-with or dislike (喜欢/理所当然/无所谓/能忍受/不喜欢)",
                    "choice",
                )
                continue
            clean[part] = answer.value
        return clean

    def cells(self, question: Question, answer: Any) -> list[AnswerCell]:
        cells: list[AnswerCell] = []
        for part in PARTS:
            if part in answer:
                kano = KanoAnswer(answer[part])
                cells.append(AnswerCell(question.code, part, float(KANO_CODES[kano]), kano.value))
        return cells

    def import_part(self, question: Question, part: str) -> str | None:
        return PART_ALIASES.get(part.lower())

    def coerce_cell(self, question: Question, raw: Any, lookup: dict[str, str]) -> Any:
        return json_or_text(raw)


KANO = KanoKind()
