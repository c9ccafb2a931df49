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

from manyi.domain.enums import QuestionKind
from manyi.domain.survey import SurveyDefinition
from manyi.errors import InvalidInput

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
PART_ALIASES = {
    "e": "expectation",
    "expectation": "expectation",
    "期望": "expectation",
    "p": "perception",
    "perception": "perception",
    "感知": "perception",
    "i": "importance",
    "importance": "importance",
    "重要性": "importance",
    "f": "functional",
    "functional": "functional",
    "正向": "functional",
    "d": "dysfunctional",
    "dysfunctional": "dysfunctional",
    "反向": "dysfunctional",
}
SPLIT_CHOICES = re.compile(r"\s*[;,|、，；]\s*")


def _key(text: str) -> str:
    return re.sub(r"[\s_\-:：?？。.]+", "", text).lower()


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
        part = match.group(2)
        if q.kind in (QuestionKind.SERVQUAL, QuestionKind.KANO):
            canonical = PART_ALIASES.get(part.lower())
            return Target(question=q.code, part=canonical) if canonical else None
        if q.kind == QuestionKind.MATRIX and part in {r.code for r in q.rows}:
            return Target(question=q.code, part=part)
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


def _option_code(value: Any, options: dict[str, str]) -> Any:
    text = str(value).strip()
    return options.get(text, options.get(_key(text), text))


def option_lookup(definition: SurveyDefinition) -> dict[str, dict[str, str]]:
    """For each choice question, {option code or text (zh/en, also loosely keyed): code}."""
    lookup: dict[str, dict[str, str]] = {}
    for q in definition.questions:
        options: dict[str, str] = {}
        for o in q.options:
            options[o.code] = o.code
            for t in (o.text.zh, o.text.en):
                if t:
                    options[t] = o.code
                    options[_key(t)] = o.code
        lookup[q.code] = options
    return lookup


def build_answers(
    row: dict[str, Any],
    columns: ColumnMap,
    definition: SurveyDefinition,
    options: dict[str, dict[str, str]] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Turn one file row into (answers in the API's format, meta fields)."""
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
        assert target.question is not None
        q = by_code[target.question]
        if target.part:
            answers.setdefault(q.code, {})[target.part] = value
        elif q.kind == QuestionKind.SINGLE:
            answers[q.code] = _option_code(value, options[q.code])
        elif q.kind in (QuestionKind.MULTIPLE, QuestionKind.RANKING):
            answers[q.code] = [
                _option_code(v, options[q.code])
                for v in SPLIT_CHOICES.split(str(value).strip())
                if v
            ]
        elif q.kind in (
            QuestionKind.MATRIX,
            QuestionKind.SERVQUAL,
            QuestionKind.KANO,
        ) and isinstance(value, str):
            try:
                answers[q.code] = json.loads(value)
            except ValueError:
                answers[q.code] = value
        elif q.kind == QuestionKind.OPEN:
            answers[q.code] = str(value)
        else:
            answers[q.code] = value.strip() if isinstance(value, str) else value
    return answers, meta
