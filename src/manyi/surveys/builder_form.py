"""The survey builder's question form: a question as form fields and back.

The builder page posts plain HTML forms (it works without JavaScript), so a question is
a flat set of named fields: ``text_zh``, ``scale_min``, ``option-0-code``, ``cond-1-op``…
:func:`question_values` turns a :class:`~manyi.domain.survey.Question` into those fields
(to fill the form), :func:`parse_question` turns posted fields into the question's JSON
document, reporting what it cannot read as :class:`Problem` s next to their fields. The
domain model then judges the document (:mod:`manyi.surveys.builder`).

Which fields a kind shows comes from its spec in :mod:`manyi.domain.questions`
(``QuestionKindSpec.fields``): a new kind with the fields known here needs no change in
the builder, and ``tests/surveys/test_surveys_builder.py`` fails for a field this module
does not know.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from manyi.domain.enums import QuestionKind, ServqualDimension
from manyi.domain.questions import kind_spec
from manyi.domain.survey import (
    AllOf,
    AnyOf,
    Comparison,
    LocalText,
    Question,
)
from manyi.errors import InvalidInput

#: What a form posts: each field name with every value it was given.
FormData = Mapping[str, Sequence[str]]

#: Kind-specific question fields the builder has inputs for, in the order it shows them.
#: ``randomize`` is offered to kinds with options or rows.
KIND_FIELDS: tuple[str, ...] = (
    "scale",
    "rows",
    "options",
    "min_choices",
    "max_choices",
    "max_length",
    "importance",
    "expectation_text",
    "perception_text",
    "functional_text",
    "dysfunctional_text",
)
#: Tests a display condition can make (``manyi.domain.survey.Operator``).
OPERATORS: tuple[str, ...] = (
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "in",
    "not_in",
    "answered",
    "not_answered",
)
#: Repeated rows of the form: prefix → the parts of one row.
ROW_PARTS: dict[str, tuple[str, ...]] = {
    "option": ("code", "zh", "en", "anchor"),
    "row": ("code", "zh", "en"),
    "label": ("point", "zh", "en"),
    "cond": ("question", "op", "value"),
}
#: Blank rows the form offers after the filled ones (more after saving; JS adds rows too).
BLANK_ROWS = {"option": 2, "row": 2, "label": 1, "cond": 1}
_MAX_ROWS = 200
_ROW_FIELD = re.compile(r"^(option|row|label|cond)-(\d{1,3})-([a-z]+)$")
_WHOLE = re.compile(r"^[+-]?\d{1,9}$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")
#: Text fields pairs: form prefix → Question field holding a LocalText.
_TEXTS = {
    "text": "text",
    "help": "help",
    "expectation": "expectation_text",
    "perception": "perception_text",
    "functional": "functional_text",
    "dysfunctional": "dysfunctional_text",
}


@dataclass(frozen=True)
class Problem:
    """What is wrong with one form field (``field`` "" = the form as a whole): ``code``
    is a key the page turns into words in its language; ``detail`` the domain's own
    words (English), shown after them."""

    field: str
    code: str
    detail: str = ""


@dataclass
class FormRefused(InvalidInput):
    """The form cannot be saved; ``problems`` say why, field by field."""

    problems: list[Problem] = field(default_factory=list)


def kind_fields(kind: QuestionKind | str) -> list[str]:
    """The kind-specific fields the form shows for ``kind`` (from its spec)."""
    spec = kind_spec(kind)
    shown = [name for name in KIND_FIELDS if name in spec.fields]
    if "options" in spec.fields or "rows" in spec.fields:
        shown.append("randomize")
    return shown


def unknown_kind_fields(kind: QuestionKind | str) -> set[str]:
    """Fields a kind's spec lists that the builder has no input for (a test keeps it empty)."""
    return set(kind_spec(kind).fields) - set(KIND_FIELDS)


def first_values(form: FormData) -> dict[str, str]:
    """Each posted field's first value: what the form shows again after a problem."""
    return {name: values[0] for name, values in form.items() if values}


# --------------------------------------------------------------------------- question → form


def _text_values(prefix: str, text: LocalText | None) -> dict[str, str]:
    if text is None:
        return {}
    return {f"{prefix}_zh": text.zh or "", f"{prefix}_en": text.en or ""}


def _value_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_value_text(v) for v in value)
    return str(value)


def _flat_conditions(question: Question) -> tuple[str, list[Comparison]] | None:
    """The condition as a join (``all``/``any``) of simple comparisons, the rows the
    form shows; None when it nests deeper (the form shows it as JSON instead)."""
    condition = question.show_if
    if condition is None:
        return "all", []
    if isinstance(condition, Comparison):
        return "all", [condition]
    parts = condition.all_of if isinstance(condition, AllOf) else condition.any_of
    if all(isinstance(part, Comparison) for part in parts):
        join = "all" if isinstance(condition, AllOf) else "any"
        return join, [p for p in parts if isinstance(p, Comparison)]
    return None


def question_values(question: Question) -> dict[str, str]:
    """The form fields that show ``question`` (the inverse of :func:`parse_question`)."""
    values: dict[str, str] = {"code": question.code, "kind": question.kind.value}
    for prefix, name in _TEXTS.items():
        values.update(_text_values(prefix, getattr(question, name)))
    for flag in ("required", "page_break", "randomize", "importance"):
        if getattr(question, flag):
            values[flag] = "1"
    for name in ("indicator", "touchpoint"):
        values[name] = getattr(question, name) or ""
    values["dimension"] = question.dimension.value if question.dimension else ""
    shown = kind_fields(question.kind)
    if "scale" in shown and question.scale is not None:
        values["scale_min"] = str(question.scale.min)
        values["scale_max"] = str(question.scale.max)
        labels = sorted(question.scale.labels.items(), key=lambda item: _sort_point(item[0]))
        for i, (point, text) in enumerate(labels):
            values[f"label-{i}-point"] = point
            values[f"label-{i}-zh"] = text.zh or ""
            values[f"label-{i}-en"] = text.en or ""
    for prefix, options in (("option", question.options), ("row", question.rows)):
        for i, option in enumerate(options):
            values[f"{prefix}-{i}-code"] = option.code
            values[f"{prefix}-{i}-zh"] = option.text.zh or ""
            values[f"{prefix}-{i}-en"] = option.text.en or ""
            if option.anchor:
                values[f"{prefix}-{i}-anchor"] = "1"
    for name in ("min_choices", "max_choices", "max_length"):
        if name in shown:
            number = getattr(question, name)
            values[name] = "" if number is None else str(number)
    flat = _flat_conditions(question)
    if flat is None:
        condition = question.model_dump(mode="json", by_alias=True, exclude_none=True)
        values["show_if_json"] = json.dumps(condition["show_if"], ensure_ascii=False)
    else:
        join, comparisons = flat
        values["cond_join"] = join
        for i, comparison in enumerate(comparisons):
            values[f"cond-{i}-question"] = comparison.question
            values[f"cond-{i}-op"] = comparison.op
            values[f"cond-{i}-value"] = _value_text(comparison.value)
    return values


def _sort_point(point: str) -> tuple[int, str]:
    return (int(point), "") if _WHOLE.match(point) else (0, point)


def form_rows(values: Mapping[str, str], prefix: str) -> list[dict[str, str]]:
    """The rows of a repeated group (``option``, ``row``, ``label``, ``cond``) as the
    form shows them: the filled rows in order, then blank ones to add more."""
    parts = ROW_PARTS[prefix]
    rows = _rows(values, prefix)
    filled = [row for row in rows if any(row.get(p, "").strip() for p in parts)]
    return [*filled, *(dict.fromkeys(parts, "") for _ in range(BLANK_ROWS[prefix]))]


def _rows(values: Mapping[str, str], prefix: str) -> list[dict[str, str]]:
    found: dict[int, dict[str, str]] = {}
    for name, value in values.items():
        match = _ROW_FIELD.match(name)
        if match and match.group(1) == prefix and match.group(3) in ROW_PARTS[prefix]:
            index = int(match.group(2))
            if index < _MAX_ROWS:
                found.setdefault(index, {})[match.group(3)] = value
    return [found[i] for i in sorted(found)]


# --------------------------------------------------------------------------- form → question


class _Reader:
    """Reads one posted question form, collecting every problem before giving up."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = values
        self.problems: list[Problem] = []

    def text(self, name: str) -> str:
        return self.values.get(name, "").strip()

    def flag(self, name: str) -> bool:
        return self.text(name) in ("1", "on", "true")

    def local(self, prefix: str) -> dict[str, str] | None:
        zh, en = self.text(f"{prefix}_zh"), self.text(f"{prefix}_en")
        found = {key: value for key, value in (("zh-CN", zh), ("en", en)) if value}
        return found or None

    def whole(self, name: str, field_name: str | None = None) -> int | None:
        raw = self.text(name)
        if not raw:
            return None
        if not _WHOLE.match(raw):
            self.problems.append(Problem(field_name or name, "whole_number", raw))
            return None
        return int(raw)


def parse_question(
    kind: QuestionKind | str, values: Mapping[str, str], *, taken: Sequence[str] = ()
) -> dict[str, Any]:
    """The question document the posted form ``values`` describe, for a question of
    ``kind``. ``taken``: the codes of the survey's other questions (a new question's
    blank code becomes the first free ``<kind>``, ``<kind>_2``…). Raises
    :class:`FormRefused` listing every field it cannot read; what it reads the domain
    model checks next."""
    kind = QuestionKind(kind)
    read = _Reader(values)
    code = read.text("code") or suggest_code(kind, taken)
    document: dict[str, Any] = {"code": code, "kind": kind.value}
    text = read.local("text")
    if text is None:
        read.problems.append(Problem("text_zh", "text_missing"))
    else:
        document["text"] = text
    help_text = read.local("help")
    if help_text is not None:
        document["help"] = help_text
    for flag in ("required", "page_break"):
        if read.flag(flag):
            document[flag] = True
    dimension = read.text("dimension")
    if dimension:
        if dimension in {d.value for d in ServqualDimension}:
            document["dimension"] = dimension
        else:
            read.problems.append(Problem("dimension", "invalid", dimension))
    for name in ("indicator", "touchpoint"):
        if read.text(name):
            document[name] = read.text(name)
    shown = kind_fields(kind)
    if "scale" in shown:
        _read_scale(read, document)
    if "rows" in shown:
        _read_options(read, document, "row", "rows", "r")
    if "options" in shown:
        _read_options(read, document, "option", "options", "o")
    for name in ("min_choices", "max_choices", "max_length"):
        if name in shown:
            number = read.whole(name)
            if number is not None:
                document[name] = number
    for flag in ("importance", "randomize"):
        if flag in shown and read.flag(flag):
            document[flag] = True
    for prefix, name in _TEXTS.items():
        if name in shown:
            text = read.local(prefix)
            if text is not None:
                document[name] = text
    condition = _read_condition(read)
    if condition is not None:
        document["show_if"] = condition
    if read.problems:
        raise FormRefused("the question form has problems", problems=read.problems)
    return document


def suggest_code(kind: QuestionKind | str, taken: Sequence[str]) -> str:
    """The first free code of the form ``nps``, ``nps_2``, ``nps_3``…"""
    base = QuestionKind(kind).value
    used = set(taken)
    if base not in used:
        return base
    n = 2
    while f"{base}_{n}" in used:
        n += 1
    return f"{base}_{n}"


def _read_scale(read: _Reader, document: dict[str, Any]) -> None:
    low, high = read.whole("scale_min"), read.whole("scale_max")
    scale: dict[str, Any] = {}
    if low is not None:
        scale["min"] = low
    if high is not None:
        scale["max"] = high
    labels: dict[str, dict[str, str]] = {}
    for row in _rows(read.values, "label"):
        point = row.get("point", "").strip()
        text = _row_text(row)
        if not point and not text:
            continue
        if not _WHOLE.match(point):
            read.problems.append(Problem("labels", "label_point", point))
        elif not text:
            read.problems.append(Problem("labels", "label_text", point))
        else:
            labels[str(int(point))] = text
    if labels:
        scale["labels"] = labels
    if scale:
        document["scale"] = scale


def _row_text(row: Mapping[str, str]) -> dict[str, str]:
    pairs = (("zh-CN", row.get("zh", "")), ("en", row.get("en", "")))
    return {language: text.strip() for language, text in pairs if text.strip()}


def _read_options(
    read: _Reader, document: dict[str, Any], prefix: str, name: str, code_prefix: str
) -> None:
    group = "rows" if prefix == "row" else "options"
    entries: list[dict[str, Any]] = []
    rows = _rows(read.values, prefix)
    codes = {row.get("code", "").strip() for row in rows}
    counter = 0
    for row in rows:
        code = row.get("code", "").strip()
        text = _row_text(row)
        if not code and not text:
            continue
        if not text:
            read.problems.append(Problem(group, "option_text", code))
            continue
        if not code:
            # A blank code is made up (o1, o2…): people think in option texts.
            counter += 1
            while f"{code_prefix}{counter}" in codes:
                counter += 1
            code = f"{code_prefix}{counter}"
            codes.add(code)
        entry: dict[str, Any] = {"code": code, "text": text}
        if prefix == "option" and row.get("anchor", "").strip() in ("1", "on", "true"):
            entry["anchor"] = True
        entries.append(entry)
    if entries:
        document[name] = entries


def _scalar(raw: str) -> Any:
    """A condition value as typed: a whole or decimal number, else the text (an option
    code never starts with a digit)."""
    text = raw.strip()
    if _WHOLE.match(text):
        return int(text)
    if _NUMBER.match(text):
        return float(text)
    return text


def _read_condition(read: _Reader) -> Any:
    raw_json = read.text("show_if_json")
    if raw_json:
        try:
            return json.loads(raw_json)
        except ValueError as exc:
            read.problems.append(Problem("show_if", "condition_json", str(exc)))
            return None
    comparisons: list[dict[str, Any]] = []
    for row in _rows(read.values, "cond"):
        question = row.get("question", "").strip()
        op = row.get("op", "").strip()
        value = row.get("value", "").strip()
        if not (question or value):
            continue
        if not question or op not in OPERATORS:
            read.problems.append(Problem("show_if", "condition_incomplete"))
            continue
        comparison: dict[str, Any] = {"question": question, "op": op}
        if op in ("in", "not_in"):
            comparison["value"] = [_scalar(v) for v in re.split(r"[,，、;；]", value) if v.strip()]
        elif op not in ("answered", "not_answered"):
            if not value:
                read.problems.append(Problem("show_if", "condition_incomplete"))
                continue
            comparison["value"] = _scalar(value)
        comparisons.append(comparison)
    if not comparisons:
        return None
    if len(comparisons) == 1:
        return comparisons[0]
    join = "any" if read.text("cond_join") == "any" else "all"
    return {join: comparisons}


def describe_condition(condition: Any) -> str:
    """A display condition in one line for the builder's question list:
    ``nps <= 6``, ``(nps >= 7 and nps <= 8)``, ``reason in [late, rude]``."""
    if isinstance(condition, Comparison):
        if condition.op in ("answered", "not_answered"):
            return f"{condition.question} {condition.op}"
        value = condition.value
        shown = "[" + ", ".join(map(str, value)) + "]" if isinstance(value, list) else str(value)
        return f"{condition.question} {condition.op} {shown}"
    if isinstance(condition, AllOf | AnyOf):
        parts = condition.all_of if isinstance(condition, AllOf) else condition.any_of
        join = " and " if isinstance(condition, AllOf) else " or "
        return "(" + join.join(describe_condition(p) for p in parts) + ")"
    return ""
