"""Survey definitions: a versioned JSON document validated by these models.

A survey definition is what a manager designs and what the respondent page renders. It is
stored as JSON (one row per version); responses point at the version they answered so a
later edit never changes the meaning of earlier answers.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from manyi.domain.enums import QuestionKind, ServqualDimension
from manyi.domain.questions import KINDS, kind_spec

CODE_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$"
Code = Annotated[str, Field(pattern=CODE_PATTERN)]


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
        return self

    def item_codes(self) -> list[str]:
        """The sub-items stored in the narrow answers table for this question (``""`` = the question itself)."""
        return kind_spec(self.kind).item_codes(self)


class Page(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: LocalText | None = None
    questions: list[Code]


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
        return self

    def question(self, code: str) -> Question | None:
        return next((q for q in self.questions if q.code == code), None)

    @property
    def by_code(self) -> dict[str, Question]:
        return {q.code: q for q in self.questions}
