"""Survey definitions: a versioned JSON document validated by these models.

A survey definition is what a manager designs and what the respondent page renders. It is
stored as JSON (one row per version); responses point at the version they answered so a
later edit never changes the meaning of earlier answers.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from manyi.domain.enums import QuestionKind, ServqualDimension
from manyi.domain.questions import KINDS, kind_spec
from manyi.domain.quotas import check_quotas

CODE_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$"
Code = Annotated[str, Field(pattern=CODE_PATTERN)]
#: A piped value in a text: ``{answer:nps}``, ``{customer:city}`` (manyi.domain.logic fills
#: them in); any other ``{…}`` is ordinary text.
PLACEHOLDER = re.compile(r"\{(answer|customer):([A-Za-z][A-Za-z0-9_.-]{0,63})\}")


class LocalText(BaseModel):
    """A text in Simplified Chinese and English; at least one must be given."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    zh: str | None = Field(default=None, alias="zh-CN")
    en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _accept_plain_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"zh-CN": value} if re.search(r"[\u4e00-\u9fff]", value) else {"en": value}
        return value

    @model_validator(mode="after")
    def _one_language_at_least(self) -> LocalText:
        if not (self.zh or self.en):
            raise ValueError("give the text in zh-CN or en")
        return self

    def get(self, language: str) -> str:
        if language.startswith("en"):
            return self.en or self.zh or ""
        return self.zh or self.en or ""


class Scale(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min: int = 1
    max: int = 5
    labels: dict[str, LocalText] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if self.max <= self.min:
            raise ValueError(f"scale max ({self.max}) must exceed min ({self.min})")
        if self.max - self.min > 100:
            raise ValueError("a scale may have at most 101 points")
        return self

    @property
    def points(self) -> int:
        return self.max - self.min + 1


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code
    text: LocalText
    anchor: bool = Field(
        default=False,
        description="keeps its place when the options are shuffled (an 'other' or 'none' option)",
    )


# Operators of a display condition (``show_if``); manyi.domain.logic evaluates them.
COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
Operator = Literal["==", "!=", "<", "<=", ">", ">=", "in", "not_in", "answered", "not_answered"]


class Comparison(BaseModel):
    """Show a question when an earlier answer compares so: ``{"question": "nps", "op":
    "<=", "value": 6}``. ``answered``/``not_answered`` take no value, ``in``/``not_in``
    a list."""

    model_config = ConfigDict(extra="forbid")

    question: Code
    op: Operator
    value: Any = None


class AllOf(BaseModel):
    """Show a question when every condition holds: ``{"all": [cond, ...]}``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    all_of: list[Condition] = Field(alias="all", min_length=1)


class AnyOf(BaseModel):
    """Show a question when at least one condition holds: ``{"any": [cond, ...]}``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    any_of: list[Condition] = Field(alias="any", min_length=1)


def _condition_form(value: Any) -> str:
    """Which of the three condition forms ``value`` is, by its keys, so that a bad
    condition is reported against that form only (not against all three)."""
    if isinstance(value, dict):
        return "all" if "all" in value else "any" if "any" in value else "comparison"
    return (
        "all" if isinstance(value, AllOf) else "any" if isinstance(value, AnyOf) else "comparison"
    )


Condition = Annotated[
    Annotated[Comparison, Tag("comparison")]
    | Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")],
    Discriminator(_condition_form),
]
AllOf.model_rebuild()
AnyOf.model_rebuild()


# Views of the registry in manyi.domain.questions, kept for code that reads them by name.
DEFAULT_SCALES: dict[QuestionKind, tuple[int, int]] = {
    kind: spec.default_scale for kind, spec in KINDS.items() if spec.default_scale is not None
}
SCALED_KINDS = frozenset(DEFAULT_SCALES)
CHOICE_KINDS = frozenset(kind for kind, spec in KINDS.items() if "options" in spec.fields)


class Question(BaseModel):
    """One question. Which fields apply depends on ``kind``: each kind's spec in
    :mod:`manyi.domain.questions` lists them and checks them."""

    model_config = ConfigDict(extra="forbid")

    code: Code
    kind: QuestionKind
    text: LocalText
    help: LocalText | None = None
    required: bool = False
    scale: Scale | None = None
    rows: list[Option] = Field(default_factory=list, description="matrix rows")
    options: list[Option] = Field(
        default_factory=list, description="choices for single/multiple/ranking"
    )
    min_choices: int | None = None
    max_choices: int | None = None
    max_length: int = Field(default=5000, ge=1, le=100_000, description="open answers")
    dimension: ServqualDimension | None = None
    indicator: str | None = Field(default=None, max_length=64)
    touchpoint: str | None = Field(default=None, max_length=64)
    importance: bool = Field(default=False, description="servqual: also ask importance")
    expectation_text: LocalText | None = None
    perception_text: LocalText | None = None
    functional_text: LocalText | None = Field(
        default=None, description="kano: 'if the service has …'"
    )
    dysfunctional_text: LocalText | None = Field(
        default=None, description="kano: 'if it does not have …'"
    )
    show_if: Condition | None = Field(
        default=None, description="ask only when this condition on earlier answers holds"
    )
    randomize: bool = Field(
        default=False, description="shuffle options (or matrix rows) per respondent"
    )
    page_break: bool = Field(default=False, description="starts a new page of the form")

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> Question:
        spec = kind_spec(self.kind)
        if spec.default_scale is not None and self.scale is None:
            low, high = spec.default_scale
            self.scale = Scale(min=low, max=high)
        spec.check_definition(self)
        for group, name in ((self.options, "option"), (self.rows, "row")):
            codes = [o.code for o in group]
            if len(codes) != len(set(codes)):
                raise ValueError(f"duplicate {name} codes in question {self.code}")
        if (
            self.min_choices is not None
            and self.max_choices is not None
            and self.min_choices > self.max_choices
        ):
            raise ValueError("min_choices exceeds max_choices")
        if self.randomize and not ("options" in spec.fields or "rows" in spec.fields):
            raise ValueError(
                f"question {self.code}: randomize shuffles options or matrix rows, "
                f"and a {self.kind} question has neither"
            )
        return self

    def item_codes(self) -> list[str]:
        """The sub-items stored in the narrow answers table for this question (``""`` = the question itself)."""
        return kind_spec(self.kind).item_codes(self)


class Page(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: LocalText | None = None
    questions: list[Code]


class Consent(BaseModel):
    """The consent statement a respondent agrees to on the first page (PIPL/GDPR).

    Each response stores ``version`` and the exact text shown (docs/privacy.md)."""

    model_config = ConfigDict(extra="forbid")

    version: str = Field(min_length=1, max_length=64, pattern=r"^\S(.*\S)?$")
    text: LocalText
    required: bool = True


class Quota(BaseModel):
    """A cap on the responses of one segment (docs/surveys.md, "Quotas and schedule").

    ``segment`` maps a question code (or ``customer:<attribute>``) to the accepted
    value(s); a response is in the segment when every key matches (an empty segment
    holds every response). When ``limit`` responses are in, a respondent of the segment
    is screened out (``screen_out``, with ``message``) or the survey closes (``close``).
    :mod:`manyi.domain.quotas` checks the keys against the questions and matches answers.
    """

    model_config = ConfigDict(extra="forbid")

    code: Code
    segment: dict[str, list[str | int | float]] = Field(default_factory=dict)
    limit: int = Field(ge=1, le=100_000_000)
    action: Literal["screen_out", "close"] = "screen_out"
    message: LocalText | None = Field(
        default=None, description="shown to a screened-out respondent (default: a stock text)"
    )

    @field_validator("segment", mode="before")
    @classmethod
    def _values_as_lists(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        lists = {k: v if isinstance(v, list) else [v] for k, v in value.items()}
        # Checked before validation: true would otherwise pass as the score 1.
        for key, values in lists.items():
            if any(isinstance(v, bool) for v in values):
                raise ValueError(f"segment {key!r}: a value may not be true or false")
        return lists


class Incentive(BaseModel):
    """A reward promised for answering (docs/respond.md, "Quality and abuse").

    Responses to a survey with an incentive are recorded as incentivised, so that the
    bias it brings can be measured. ``kind`` "code": the thank-you page shows a code
    unique to the response (``prefix`` first) with ``text``; "other": the reward is
    given outside manyi (points, a draw) and only recorded."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["code", "other"] = "code"
    prefix: str = Field(default="", max_length=8, pattern=r"^[A-Z0-9]*$")
    text: LocalText | None = Field(
        default=None, description="shown with the code, e.g. how to redeem it"
    )


class SurveyDefinition(BaseModel):
    """The whole survey document (one version)."""

    model_config = ConfigDict(extra="forbid")

    title: LocalText
    description: LocalText | None = None
    languages: list[str] = Field(default_factory=lambda: ["zh-CN", "en"])
    questions: list[Question] = Field(min_length=1, max_length=500)
    pages: list[Page] = Field(
        default_factory=list, description="optional grouping; default one page"
    )
    thank_you: LocalText | None = None
    expected_seconds: int | None = Field(
        default=None,
        ge=1,
        description="typical completion time; used to flag speeders before enough data",
    )
    consent: Consent | None = Field(
        default=None, description="consent statement shown on the first page (docs/privacy.md)"
    )
    anonymous: bool = Field(
        default=False,
        description="store no identifier with a response: no customer, invitation, IP, user agent",
    )
    quotas: list[Quota] = Field(
        default_factory=list,
        max_length=100,
        description="caps per segment: screen out or close when full (docs/surveys.md)",
    )
    incentive: Incentive | None = Field(
        default=None,
        description="a reward for answering; its responses are recorded as incentivised",
    )

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in ("zh-CN", "en")]
        if unknown:
            raise ValueError(f"unsupported language(s) {unknown}; use zh-CN and/or en")
        return value

    @model_validator(mode="after")
    def _unique_codes_and_pages(self) -> SurveyDefinition:
        codes = [q.code for q in self.questions]
        duplicated = sorted({c for c in codes if codes.count(c) > 1})
        if duplicated:
            raise ValueError(f"duplicate question codes: {', '.join(duplicated)}")
        known = set(codes)
        for page in self.pages:
            missing = [c for c in page.questions if c not in known]
            if missing:
                raise ValueError(f"page refers to unknown question(s): {', '.join(missing)}")
        listed = [c for page in self.pages for c in page.questions]
        twice = sorted({c for c in listed if listed.count(c) > 1})
        if twice:
            raise ValueError(f"question(s) on more than one page: {', '.join(twice)}")
        if self.pages and any(q.page_break for q in self.questions):
            raise ValueError("split the survey into pages either with pages or with page_break")
        # A condition may name only a question asked before it, in the order pages ask them.
        earlier: dict[str, Question] = {}
        for q in (q for page in self.page_groups() for q in page):
            if q.show_if is not None:
                _check_condition(q.code, q.show_if, earlier)
            _check_piped_answers(q, earlier)
            earlier[q.code] = q
        return self

    @model_validator(mode="after")
    def _quotas_fit_questions(self) -> SurveyDefinition:
        check_quotas(self)
        return self

    def page_groups(self) -> list[list[Question]]:
        """The questions page by page, in the order they are asked: the ``pages`` list
        when given (questions it leaves out on a last page), else split before each
        question with ``page_break``."""
        if self.pages:
            by_code = self.by_code
            grouped = [[by_code[c] for c in page.questions] for page in self.pages]
            listed = {q.code for page in grouped for q in page}
            rest = [q for q in self.questions if q.code not in listed]
            return [page for page in [*grouped, rest] if page]
        split: list[list[Question]] = []
        for question in self.questions:
            if question.page_break or not split:
                split.append([])
            split[-1].append(question)
        return split

    def question(self, code: str) -> Question | None:
        return next((q for q in self.questions if q.code == code), None)

    @property
    def by_code(self) -> dict[str, Question]:
        return {q.code: q for q in self.questions}


def _check_piped_answers(question: Question, earlier: dict[str, Question]) -> None:
    """Raise ``ValueError`` when the question's text or help pipes in the answer to a
    question not asked before it: the respondent would always see it empty."""
    for text in (question.text, question.help):
        for language_text in (text.zh, text.en) if text is not None else ():
            for source, name in PLACEHOLDER.findall(language_text or ""):
                if source == "answer" and name not in earlier:
                    raise ValueError(
                        f"question {question.code}: {{answer:{name}}} names a question "
                        "not asked before it"
                    )


def _check_condition(owner: str, condition: Condition, earlier: dict[str, Question]) -> None:
    """Raise ``ValueError`` when the show_if of question ``owner`` names a question that
    is not asked before it, or compares in a way the named question's kind cannot answer."""
    if isinstance(condition, AllOf | AnyOf):
        for part in condition.all_of if isinstance(condition, AllOf) else condition.any_of:
            _check_condition(owner, part, earlier)
        return
    where = f"question {owner}: show_if"
    target = earlier.get(condition.question)
    if target is None:
        if condition.question == owner:
            raise ValueError(f"{where} refers to the question itself")
        raise ValueError(
            f"{where} refers to {condition.question!r}, which is not a question asked before it"
        )
    op, value, spec = condition.op, condition.value, kind_spec(target.kind)
    if op in ("answered", "not_answered"):
        if value is not None:
            raise ValueError(f"{where}: {op} takes no value")
        return
    scored = spec.default_scale is not None and spec.item_codes(target) == [""]
    if scored:
        allowed, expected = _scored_values(target)
    elif target.kind == QuestionKind.SINGLE:
        allowed, expected = {o.code for o in target.options}, "option codes"
    elif "options" in spec.fields:  # multiple choice and ranking: "chose one of"
        if op not in ("in", "not_in"):
            raise ValueError(
                f"{where}: a {target.kind} answer is a list; use in or not_in "
                "(chose any / none of the listed options)"
            )
        allowed, expected = {o.code for o in target.options}, "option codes"
    else:
        raise ValueError(
            f"{where}: a {target.kind} answer can only be tested with answered or not_answered"
        )
    if op in COMPARISONS[2:] and not scored:
        raise ValueError(f"{where}: {op} compares numbers, and {target.code} is a {target.kind}")
    values = value if op in ("in", "not_in") else [value]
    if op in ("in", "not_in") and (not isinstance(value, list) or not value):
        raise ValueError(f"{where}: {op} needs a non-empty list of {expected}")
    bad = [v for v in values if isinstance(v, bool) or v not in allowed]
    if bad:
        raise ValueError(f"{where}: {bad[0]!r} is not among the {expected} of {target.code}")


def _scored_values(question: Question) -> tuple[set[Any], str]:
    """The scores a one-number question accepts (as int and float), and how to name them."""
    scale = question.scale
    low, high = (scale.min, scale.max) if scale is not None else (0, 0)
    points = set(range(low, high + 1))
    return points | {float(p) for p in points}, f"scores {low}–{high}"
