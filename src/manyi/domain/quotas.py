"""Quotas: which segment a response falls in, and whether a definition's quotas make sense.

A quota (:class:`manyi.domain.survey.Quota`) names a segment by answers to earlier
questions (``{"region": ["north"]}``) and/or by attributes of the invited customer
(``{"customer:tier": ["gold"]}``, from ``customers.segments``). The counts themselves are
stored and claimed by the intake pipeline (``manyi.storage.quotas``); everything here is
pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from manyi.domain.enums import QuestionKind
from manyi.domain.questions import kind_spec

if TYPE_CHECKING:  # survey.py validates its quotas with this module: no import at run time
    from manyi.domain.survey import Question, Quota, SurveyDefinition

__all__ = ["CUSTOMER_KEY", "check_quotas", "in_segment", "quotas_met"]

#: A segment key naming a customer attribute rather than a question: ``customer:tier``.
CUSTOMER_KEY = re.compile(r"^customer:([A-Za-z][A-Za-z0-9_.-]{0,63})$")


def check_quotas(definition: SurveyDefinition) -> None:
    """Raise ``ValueError`` for a quota whose code repeats, whose segment names an unknown
    question (or one whose answer is not a single choice, a list of choices or one score),
    or whose values the question cannot take."""
    codes = [q.code for q in definition.quotas]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise ValueError(f"duplicate quota codes: {', '.join(twice)}")
    for quota in definition.quotas:
        for key, values in quota.segment.items():
            where = f"quota {quota.code}: segment {key!r}"
            if not values:
                raise ValueError(f"{where} needs at least one value")
            if CUSTOMER_KEY.match(key):
                continue
            question = definition.question(key)
            if question is None:
                raise ValueError(
                    f"{where} is neither a question of the survey nor customer:<attribute>"
                )
            allowed, expected = _segment_values(question)
            bad = [v for v in values if v not in allowed]
            if bad:
                raise ValueError(f"{where}: {bad[0]!r} is not among the {expected} of {key}")


def _segment_values(question: Question) -> tuple[set[Any], str]:
    """The values a segment on ``question`` may name, and how to call them."""
    spec = kind_spec(question.kind)
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return {o.code for o in question.options}, "option codes"
    if spec.default_scale is not None and spec.item_codes(question) == [""]:
        scale = question.scale
        low, high = (scale.min, scale.max) if scale is not None else spec.default_scale
        return set(range(low, high + 1)), f"scores {low}–{high}"
    raise ValueError(
        f"a quota segment can name a single or multiple choice or a one-score question, "
        f"and {question.code} is a {question.kind}"
    )


def _matches(answer: Any, values: Iterable[Any]) -> bool:
    accepted = list(values)
    if answer is None or isinstance(answer, bool):
        return False
    if isinstance(answer, list):  # a multiple choice: in the segment with any listed option
        return any(_matches(a, accepted) for a in answer)
    if isinstance(answer, int | float):
        return any(
            isinstance(v, int | float) and not isinstance(v, bool) and v == answer for v in accepted
        )
    return str(answer) in {str(v) for v in accepted}


def in_segment(
    quota: Quota, answers: Mapping[str, Any], customer: Mapping[str, Any] | None = None
) -> bool:
    """Whether a response with ``answers`` (and, for ``customer:`` keys, the customer's
    segments) is in the quota's segment. A question not answered (yet), or a customer
    attribute not known, leaves the response outside it."""
    for key, values in quota.segment.items():
        attribute = CUSTOMER_KEY.match(key)
        if attribute is not None:
            value = (customer or {}).get(attribute.group(1))
            # Customer attributes are free-form JSON: compare them as text ("3" == 3).
            if value is None or str(value) not in {str(v) for v in values}:
                return False
        elif not _matches(answers.get(key), values):
            return False
    return True


def quotas_met(
    definition: SurveyDefinition,
    answers: Mapping[str, Any],
    customer: Mapping[str, Any] | None = None,
) -> list[Quota]:
    """The quotas whose segment a response falls in, in the definition's order."""
    return [q for q in definition.quotas if in_segment(q, answers, customer)]
