"""Low-quality survey answers injected on purpose, so that cleaning has something to find.

* speeder — clicks through in seconds: random scores, no open answer;
* straight-liner — the same score on every rating of the survey;
* gibberish — normal scores but an open answer like "asdfgh", "。。。。" or "111".

Kano has no open question, so a Kano respondent drawn as gibberish straight-lines instead.
"""

from __future__ import annotations

import random
from typing import Any

from manyi.demo.servqual_items import SERVQUAL_ITEMS
from manyi.demo.survey_items import CSAT_SERVICE_TYPES, KANO_FEATURES, NPS_DRIVERS
from manyi.domain.enums import KanoAnswer, QualityFlag

SPEEDER_SECONDS: dict[str, tuple[float, float]] = {"servqual": (15.0, 40.0)}
SPEEDER_SECONDS_DEFAULT = (3.0, 10.0)
_KANO_VALUES = tuple(a.value for a in KanoAnswer)
# A straight-liner's score on the five-point scale and what it means on the other scales.
_STRAIGHT_5 = (5, 5, 5, 5, 5, 4, 4, 3, 3, 1)
_ON_0_10 = {5: 10, 4: 8, 3: 5, 1: 0}
_ON_1_7 = {5: 7, 4: 6, 3: 4, 1: 1}
_ON_1_10 = {5: 10, 4: 8, 3: 5, 1: 1}


def _attribute_codes(service: str) -> list[str]:
    codes = ["attr_ontime", "attr_skill", "attr_attitude"]
    return codes if service == "hotline" else [*codes, "attr_tidy"]


def speeder_answers(rnd: random.Random, survey: str) -> dict[str, Any]:
    """Random answers to every scored question, nothing typed."""
    if survey == "nps":
        return {"nps": rnd.randint(0, 10), **{d.code: rnd.randint(1, 5) for d in NPS_DRIVERS}}
    if survey == "csat":
        service = rnd.choice(CSAT_SERVICE_TYPES)[0]
        answers: dict[str, Any] = {
            "service_type": service,
            "csat": rnd.randint(1, 5),
            "ces": rnd.randint(1, 7),
        }
        answers.update({code: rnd.randint(1, 5) for code in _attribute_codes(service)})
        return answers
    if survey == "servqual":
        answers = {
            item.code: {
                part: rnd.randint(1, 7) for part in ("expectation", "perception", "importance")
            }
            for item in SERVQUAL_ITEMS
        }
        answers.update({"overall": rnd.randint(1, 10), "loyalty": rnd.randint(1, 5)})
        return answers
    return {
        feature[0]: {
            "functional": rnd.choice(_KANO_VALUES),
            "dysfunctional": rnd.choice(_KANO_VALUES),
        }
        for feature in KANO_FEATURES
    }


def straight_line_answers(rnd: random.Random, survey: str, service: str) -> dict[str, Any]:
    """The same score on every rating (mapped onto each question's scale)."""
    v = rnd.choice(_STRAIGHT_5)
    if survey == "nps":
        return {"nps": _ON_0_10[v], **{d.code: v for d in NPS_DRIVERS}}
    if survey == "csat":
        answers: dict[str, Any] = {"service_type": service, "csat": v, "ces": _ON_1_7[v]}
        answers.update(dict.fromkeys(_attribute_codes(service), v))
        return answers
    if survey == "servqual":
        v7 = _ON_1_7[v]
        answers = {
            item.code: {"expectation": v7, "perception": v7, "importance": v7}
            for item in SERVQUAL_ITEMS
        }
        answers.update({"overall": _ON_1_10[v], "loyalty": v})
        return answers
    pair = rnd.choice(
        ((KanoAnswer.NEUTRAL, KanoAnswer.NEUTRAL), (KanoAnswer.LIKE, KanoAnswer.LIKE))
    )
    return {
        f[0]: {"functional": pair[0].value, "dysfunctional": pair[1].value} for f in KANO_FEATURES
    }


def draw_flag(u: float, survey: str, share: float) -> QualityFlag | None:
    """Which low-quality pattern (if any) a uniform draw ``u`` selects; each gets share/3."""
    if u >= share:
        return None
    if u < share / 3:
        return QualityFlag.SPEEDER
    if u < 2 * share / 3 or survey == "kano":
        return QualityFlag.STRAIGHT_LINER
    return QualityFlag.GIBBERISH
