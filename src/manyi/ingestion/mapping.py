"""Mapping file columns to survey questions and response fields.

A column is matched, in this order, by: an explicit mapping file ({header: target}),
the question code (``nps``, ``sq1.E``, ``sq1.expectation``, ``m1.row2``, ``k1.functional``),
or the question text in Chinese or English. Meta columns (response id, customer,
channel, touchpoint, times, language, consent) are recognised by common names.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from manyi.domain.questions import kano, kind_spec, servqual
from manyi.domain.questions.choice import SPLIT_CHOICES
from manyi.domain.questions.spec import loose_key
from manyi.domain.survey import SurveyDefinition
from manyi.errors import FieldError, InvalidInput

__all__ = [
    "META_ALIASES",
    "PART_ALIASES",
    "SPLIT_CHOICES",
    "ColumnMap",
    "Target",
    "build_answers",
    "load_mapping_file",
    "map_columns",
    "option_lookup",
]

META_ALIASES: dict[str, tuple[str, ...]] = {
    "external_key": (
        "response_id",
        "responseid",
        "id",
        "respondent_id",
        "答卷编号",
        "问卷编号",
        "编号",
        "序号",
        "响应id",
    ),
    "customer": ("customer", "customer_id", "客户", "客户编号", "客户id", "会员号"),
    "channel": ("channel", "渠道"),
    "touchpoint": ("touchpoint", "触点", "接触点"),
    "started_at": ("started_at", "start_time", "开始时间", "开始答题时间"),
    "submitted_at": (
        "submitted_at",
        "submit_time",
        "end_time",
        "提交时间",
        "提交答卷时间",
        "结束时间",
    ),
    "language": ("language", "语言"),
    "consent": ("consent", "同意"),
}
# Every column suffix some kind accepts (each kind's spec decides which apply to it).
PART_ALIASES: dict[str, str] = {**servqual.PART_ALIASES, **kano.PART_ALIASES}

_key = loose_key


@dataclass(frozen=True)
class Target:
    """Where one column goes: a meta field, or a question (and part of it)."""

    meta: str | None = None
    question: str | None = None
    part: str | None = None


@dataclass
class ColumnMap:
    targets: dict[str, Target] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)


def load_mapping_file(path: str | Path) -> dict[str, str]:
    path = Path(path)
    try:
        data = (
            yaml.safe_load(path.read_text(encoding="utf-8"))
            if path.suffix in (".yaml", ".yml")
            else json.loads(path.read_text(encoding="utf-8"))
        )
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise InvalidInput(f"cannot read the mapping file {path.name}: {exc}") from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise InvalidInput(
            'the mapping file must map column headers to question codes, e.g. {"推荐意愿": "nps"}'
        )
    return data


def _parse_target(text: str, definition: SurveyDefinition) -> Target | None:
    text = text.strip()
    for meta, aliases in META_ALIASES.items():
        if _key(text) in {_key(a) for a in aliases} or text == meta:
            return Target(meta=meta)
    by_code = definition.by_code
    if text in by_code:
        return Target(question=text)
    match = re.match(r"^(.+?)[.:\[](.+?)\]?$", text)
    if match and match.group(1) in by_code:
        q = by_code[match.group(1)]
        part = kind_spec(q.kind).import_part(q, match.group(2))
        return Target(question=q.code, part=part) if part else None
    return None


def map_columns(
    headers: list[str], definition: SurveyDefinition, mapping: dict[str, str] | None = None
) -> ColumnMap:
    mapping = mapping or {}
    texts: dict[str, str] = {}
    for q in definition.questions:
        for value in (q.text.zh, q.text.en):
            if value:
                texts[_key(value)] = q.code
    result = ColumnMap()
    for header in headers:
        target = None
        if header in mapping:
            target = _parse_target(mapping[header], definition)
            if target is None:
                raise InvalidInput(
                    f"the mapping sends column {header!r} to {mapping[header]!r}, which is not a question or field"
                )
        else:
            target = _parse_target(header, definition)
            if target is None and _key(header) in texts:
                target = Target(question=texts[_key(header)])
        if target is None:
            result.unmapped.append(header)
        else:
            result.targets[header] = target
    if not any(t.question for t in result.targets.values()):
        raise InvalidInput(
            "no column matches a question of this survey; name columns by question code (e.g. nps, sq1.E) "
            "or question text, or give --mapping FILE"
        )
    return result


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def option_lookup(definition: SurveyDefinition) -> dict[str, dict[str, str]]:
    """For each question, {text a file cell may hold: the value it stands for}.

    Choice questions map option codes and option texts (zh/en, also loosely keyed) to the
    option code; scored questions map their scale-point labels (非常满意 → "5"); the
    other kinds map nothing. Build it once per file and pass it to :func:`build_answers`.
    """
    return {q.code: kind_spec(q.kind).import_lookup(q) for q in definition.questions}


def build_answers(
    row: dict[str, Any],
    columns: ColumnMap,
    definition: SurveyDefinition,
    options: dict[str, dict[str, str]] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Turn one file row into (answers in the API's format, meta fields).

    Each question's kind turns its cells into an answer (see
    :meth:`~manyi.domain.questions.QuestionKindSpec.coerce_cell`); ``validate_answers``
    judges the result. Raises :class:`InvalidInput` when ``columns`` does not fit
    ``definition`` or a row gives a whole answer and a part of it that cannot be joined.
    """
    answers: dict[str, Any] = {}
    meta: dict[str, Any] = {}
    by_code = definition.by_code
    options = options if options is not None else option_lookup(definition)
    for header, target in columns.targets.items():
        value = row.get(header)
        if _is_blank(value):
            continue
        if target.meta:
            meta[target.meta] = value
            continue
        if target.question is None:
            raise InvalidInput(f"column {header!r} is mapped to neither a field nor a question")
        q = by_code.get(target.question)
        if q is None:
            raise InvalidInput(
                f"column {header!r} is mapped to question {target.question!r}, "
                "which this survey does not have; map the columns with this survey's definition"
            )
        spec = kind_spec(q.kind)
        lookup = options.get(q.code)
        if lookup is None:
            lookup = spec.import_lookup(q)
        if target.part:
            parts = answers.setdefault(q.code, {})
            if not isinstance(parts, dict):
                raise InvalidInput(
                    f"column {header!r} gives the {target.part} of {q.code}, but another column "
                    f"gives the whole answer {parts!r}",
                    [
                        FieldError(
                            ("answers", q.code, target.part),
                            "another column gives the whole answer to this question",
                        )
                    ],
                )
            parts[target.part] = spec.coerce_part(q, target.part, value, lookup)
        else:
            answers[q.code] = spec.coerce_cell(q, value, lookup)
    return answers, meta
