"""The four demo surveys of 安心家居服务 as survey-definition documents.

Each survey is a plain dict in the JSON shape that
:class:`manyi.domain.survey.SurveyDefinition` validates, under a stable key:

* ``"nps"`` — relationship NPS: likelihood to recommend (0–10), seven driver ratings
  (1–5) each tied to an indicator and a touchpoint, and the open question 主要原因是什么？
* ``"csat"`` — transactional survey after a service episode: service type, CSAT (1–5),
  CES (1–7, CES 2.0 wording: higher = easier), four attribute ratings, what went well
  (multiple choice) and an open comment.
* ``"servqual"`` — the 22 SERVQUAL items (expectation, perception and importance, 1–7),
  overall satisfaction (1–10), repurchase intention (1–5) and a suggestion box.
* ``"kano"`` — six service features asked as Kano functional/dysfunctional pairs.
"""

from __future__ import annotations

import copy
from typing import Any

from manyi.demo.servqual_items import SERVQUAL_ITEMS
from manyi.demo.survey_items import (
    CSAT_ATTRIBUTES,
    CSAT_SERVICE_TYPES,
    CSAT_WENT_WELL,
    KANO_FEATURES,
    NPS_DRIVERS,
)
from manyi.errors import InvalidInput

SURVEY_KEYS: tuple[str, ...] = ("nps", "csat", "servqual", "kano")


_AGREE_7 = {
    "1": {"zh-CN": "非常不同意", "en": "Strongly disagree"},
    "7": {"zh-CN": "非常同意", "en": "Strongly agree"},
}
_SATISFIED_5 = {
    "1": {"zh-CN": "非常不满意", "en": "Very dissatisfied"},
    "5": {"zh-CN": "非常满意", "en": "Very satisfied"},
}


def _text(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


def _nps_survey() -> dict[str, Any]:
    drivers = [
        {
            "code": d.code,
            "kind": "rating",
            "text": _text(d.zh, d.en),
            "scale": {"min": 1, "max": 5, "labels": _SATISFIED_5},
            "indicator": d.indicator,
            "touchpoint": d.touchpoint,
        }
        for d in NPS_DRIVERS
    ]
    return {
        "title": _text("安心家居服务客户推荐度调查", "Anxin Home Services customer survey"),
        "description": _text(
            "感谢您选择安心家居！请用一分钟告诉我们您的体验。",
            "Thank you for choosing Anxin! Please take a minute to tell us about your experience.",
        ),
        "questions": [
            {
                "code": "nps",
                "kind": "nps",
                "required": True,
                "text": _text(
                    "您有多大可能向亲友推荐安心家居服务？",
                    "How likely are you to recommend Anxin Home Services to a friend or relative?",
                ),
                "scale": {
                    "min": 0,
                    "max": 10,
                    "labels": {
                        "0": _text("完全不可能", "Not at all likely"),
                        "10": _text("非常可能", "Extremely likely"),
                    },
                },
                "indicator": "NPS",
            },
            *drivers,
            {
                "code": "reason",
                "kind": "open",
                "text": _text("主要原因是什么？", "What is the main reason for your score?"),
                "max_length": 1000,
            },
        ],
        "pages": [
            {"questions": ["nps"]},
            {
                "title": _text(
                    "请为最近一次体验打分（没有经历过的可跳过）",
                    "Rate your recent experience (skip what you have not used)",
                ),
                "questions": [d.code for d in NPS_DRIVERS],
            },
            {"questions": ["reason"]},
        ],
        "thank_you": _text("谢谢您的反馈！", "Thank you for your feedback!"),
        "expected_seconds": 60,
    }


def _csat_survey() -> dict[str, Any]:
    attributes = [
        {
            "code": a.code,
            "kind": "rating",
            "text": _text(a.zh, a.en),
            "scale": {"min": 1, "max": 5, "labels": _SATISFIED_5},
            "indicator": a.indicator,
        }
        for a in CSAT_ATTRIBUTES
    ]
    return {
        "title": _text("服务满意度回访", "How did we do?"),
        "description": _text(
            "您刚刚体验了我们的服务，请给我们打个分。",
            "You have just used one of our services; please rate it.",
        ),
        "questions": [
            {
                "code": "service_type",
                "kind": "single",
                "required": True,
                "text": _text("本次您体验的是哪项服务？", "Which service did you use?"),
                "options": [{"code": c, "text": _text(zh, en)} for c, zh, en in CSAT_SERVICE_TYPES],
            },
            {
                "code": "csat",
                "kind": "csat",
                "required": True,
                "text": _text(
                    "您对本次服务的整体满意度如何？",
                    "Overall, how satisfied are you with this service?",
                ),
                "scale": {"min": 1, "max": 5, "labels": _SATISFIED_5},
                "indicator": "CSAT",
            },
            {
                "code": "ces",
                "kind": "ces",
                "text": _text(
                    "安心家居让我很轻松地解决了问题。",
                    "Anxin made it easy for me to handle my issue.",
                ),
                "help": _text(
                    "1 = 非常不同意，7 = 非常同意", "1 = strongly disagree, 7 = strongly agree"
                ),
                "scale": {"min": 1, "max": 7, "labels": _AGREE_7},
                "indicator": "CES",
            },
            *attributes,
            {
                "code": "went_well",
                "kind": "multiple",
                "text": _text("哪些方面做得好？（可多选）", "What went well? (choose any)"),
                "options": [{"code": c, "text": _text(zh, en)} for c, zh, en in CSAT_WENT_WELL],
            },
            {
                "code": "comment",
                "kind": "open",
                "text": _text(
                    "还有什么想告诉我们的吗？", "Anything else you would like to tell us?"
                ),
                "max_length": 2000,
            },
        ],
        "thank_you": _text("感谢您的评价！", "Thanks for your rating!"),
        "expected_seconds": 75,
    }


def _servqual_survey() -> dict[str, Any]:
    items = [
        {
            "code": item.code,
            "kind": "servqual",
            "text": _text(item.label_zh, item.label_en),
            "scale": {"min": 1, "max": 7, "labels": _AGREE_7},
            "dimension": item.dimension.value,
            "indicator": item.indicator,
            "importance": True,
            "expectation_text": _text(item.expectation_zh, item.expectation_en),
            "perception_text": _text(item.perception_zh, item.perception_en),
        }
        for item in SERVQUAL_ITEMS
    ]
    return {
        "title": _text(
            "安心家居服务质量调查（SERVQUAL）", "Anxin service quality survey (SERVQUAL)"
        ),
        "description": _text(
            "每一项请分别回答：您对优秀家电服务企业的期望、您对安心家居的实际感受，以及这一项对您有多重要"
            "（1 = 非常不同意 / 非常不重要，7 = 非常同意 / 非常重要）。大约需要7分钟。",
            "For each statement give your expectation of excellent home-appliance service companies, "
            "your perception of Anxin, and how important it is to you (1 = strongly disagree / not "
            "important, 7 = strongly agree / very important). About 7 minutes.",
        ),
        "questions": [
            *items,
            {
                "code": "overall",
                "kind": "rating",
                "required": True,
                "text": _text(
                    "总体而言，您对安心家居的服务满意程度如何？",
                    "Overall, how satisfied are you with Anxin's service?",
                ),
                "scale": {
                    "min": 1,
                    "max": 10,
                    "labels": {
                        "1": _text("非常不满意", "Very dissatisfied"),
                        "10": _text("非常满意", "Very satisfied"),
                    },
                },
                "indicator": "SAT_OVERALL",
            },
            {
                "code": "loyalty",
                "kind": "likert",
                "text": _text(
                    "下次购买家电或需要家电服务时，我还会选择安心家居。",
                    "Next time I buy an appliance or need appliance service, I will choose Anxin again.",
                ),
                "scale": {
                    "min": 1,
                    "max": 5,
                    "labels": {
                        "1": _text("非常不同意", "Strongly disagree"),
                        "5": _text("非常同意", "Strongly agree"),
                    },
                },
                "indicator": "LOY_REPURCHASE",
            },
            {
                "code": "suggestion",
                "kind": "open",
                "text": _text("您对我们改进服务有什么建议？", "How could we improve our service?"),
                "max_length": 2000,
            },
        ],
        "pages": [
            {
                "title": _text("有形性", "Tangibles"),
                "questions": [i.code for i in SERVQUAL_ITEMS[:4]],
            },
            {
                "title": _text("可靠性", "Reliability"),
                "questions": [i.code for i in SERVQUAL_ITEMS[4:9]],
            },
            {
                "title": _text("响应性", "Responsiveness"),
                "questions": [i.code for i in SERVQUAL_ITEMS[9:13]],
            },
            {
                "title": _text("保证性", "Assurance"),
                "questions": [i.code for i in SERVQUAL_ITEMS[13:17]],
            },
            {
                "title": _text("关怀性", "Empathy"),
                "questions": [i.code for i in SERVQUAL_ITEMS[17:]],
            },
            {"questions": ["overall", "loyalty", "suggestion"]},
        ],
        "thank_you": _text("非常感谢您的宝贵时间！", "Thank you very much for your time!"),
        "expected_seconds": 420,
    }


def _kano_survey() -> dict[str, Any]:
    return {
        "title": _text("新服务功能调查", "New service features"),
        "description": _text(
            "我们正在考虑几项新服务。每一项请回答两次：有这项服务时、没有这项服务时，您的感受。",
            "We are considering some new services. For each, tell us how you would feel if we offered it "
            "and how you would feel if we did not.",
        ),
        "questions": [
            {
                "code": code,
                "kind": "kano",
                "required": True,
                "text": _text(zh, en),
                "help": _text(
                    "我喜欢 / 理所当然 / 无所谓 / 能忍受 / 不喜欢",
                    "I like it / I expect it / I am neutral / I can live with it / I dislike it",
                ),
                "functional_text": _text(f_zh, f_en),
                "dysfunctional_text": _text(d_zh, d_en),
            }
            for code, zh, en, f_zh, f_en, d_zh, d_en in KANO_FEATURES
        ],
        "thank_you": _text(
            "谢谢！您的回答会帮助我们决定先做哪些改进。",
            "Thank you! Your answers help us decide what to build first.",
        ),
        "expected_seconds": 120,
    }


_BUILDERS = {
    "nps": _nps_survey,
    "csat": _csat_survey,
    "servqual": _servqual_survey,
    "kano": _kano_survey,
}


def survey_definition(key: str) -> dict[str, Any]:
    """One demo survey definition (a fresh dict the caller may change).

    Parameters
    ----------
    key : str
        One of :data:`SURVEY_KEYS`: ``"nps"``, ``"csat"``, ``"servqual"``, ``"kano"``.

    Returns
    -------
    dict
        A document that ``SurveyDefinition.model_validate`` accepts.

    Examples
    --------
    >>> from manyi.domain.survey import SurveyDefinition
    >>> len(SurveyDefinition.model_validate(survey_definition("servqual")).questions)
    25
    """
    builder = _BUILDERS.get(key)
    if builder is None:
        raise InvalidInput(f"unknown demo survey {key!r}; choose one of {', '.join(SURVEY_KEYS)}")
    return copy.deepcopy(builder())


def survey_definitions() -> dict[str, dict[str, Any]]:
    """All four demo survey definitions by key (fresh dicts).

    Examples
    --------
    >>> list(survey_definitions())
    ['nps', 'csat', 'servqual', 'kano']
    """
    return {key: survey_definition(key) for key in SURVEY_KEYS}
