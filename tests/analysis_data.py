"""A small stored study for the analysis tests: every section has data, and the raw
answers are kept so tests can recompute the numbers with manyi.stats directly."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from manyi.accounts.service import create_department
from manyi.ingestion.pipeline import IntakeOptions, ResponseBatch, record
from manyi.ingestion.responses import ResponseIn
from manyi.storage.database import Database
from manyi.storage.tables import AnswerRow, ChannelRow, CustomerRow, ResponseRow, TouchpointRow
from manyi.surveys.service import create_survey

SQ_ITEMS = {
    "sq_t1": "tangibles",
    "sq_t2": "tangibles",
    "sq_r1": "reliability",
    "sq_r2": "reliability",
}
KANO = ("k_sms", "k_cleanup")
START = datetime(2026, 1, 5, 9, 0)


def study_definition() -> dict[str, Any]:
    def text(zh: str, en: str) -> dict[str, str]:
        return {"zh-CN": zh, "en": en}

    return {
        "title": text("分析测试调查", "Analysis test survey"),
        "questions": [
            {"code": "nps", "kind": "nps", "text": text("推荐", "Recommend"), "required": True},
            {
                "code": "drv_a",
                "kind": "rating",
                "text": text("维修", "Repair"),
                "touchpoint": "repair",
            },
            {
                "code": "drv_b",
                "kind": "rating",
                "text": text("安装", "Install"),
                "touchpoint": "install",
            },
            {"code": "drv_c", "kind": "rating", "text": text("价格", "Price")},
            *(
                {
                    "code": code,
                    "kind": "servqual",
                    "text": text(f"条目 {code}", f"Item {code}"),
                    "dimension": dim,
                    "importance": True,
                }
                for code, dim in SQ_ITEMS.items()
            ),
            *({"code": k, "kind": "kano", "text": text(k, k)} for k in KANO),
            {"code": "comment", "kind": "open", "text": text("建议", "Comment")},
        ],
    }


@dataclass(frozen=True)
class Study:
    survey_id: int
    #: raw answers of the counted responses, with their channel, touchpoint, region, time
    counted: list[dict[str, Any]]
    flagged_ids: list[int]
    care_id: int


_KANO_ANSWERS = ("like", "must-be", "neutral", "live-with", "dislike")
_COMMENTS = (
    "配送太慢了，等了一个星期",
    "师傅态度很好，安装很专业",
    "价格太贵，不透明",
    "客服电话打不通",
    "服务很好，下次还买",
)


def store_study(db: Database, n: int = 120, seed: int = 7) -> Study:
    """``n`` responses over Jan–Jun 2026 through two channels and two touchpoints (two
    departments), customers in two regions; then one response flagged, one excluded."""
    care = create_department(db, "care", "客服中心", "Customer care")
    sales = create_department(db, "sales", "销售部", "Sales")
    with db.session() as s:
        s.add(ChannelRow(code="web", kind="web", name_zh="网页", name_en="Web"))
        s.add(ChannelRow(code="sms", kind="sms", name_zh="短信", name_en="SMS"))
        s.add(
            TouchpointRow(
                code="repair",
                stage="after_sales",
                name_zh="报修",
                name_en="Repair",
                department_id=care,
            )
        )
        s.add(
            TouchpointRow(
                code="install",
                stage="usage",
                name_zh="安装",
                name_en="Installation",
                department_id=sales,
            )
        )
    survey = create_survey(db, study_definition(), code="study", status="active")
    rnd = random.Random(seed)
    items: list[ResponseIn] = []
    raw: list[dict[str, Any]] = []
    for i in range(n):
        quality = rnd.gauss(0, 1)
        answers: dict[str, Any] = {
            "nps": max(0, min(10, round(7 + 2 * quality + rnd.gauss(0, 1.2)))),
            "drv_a": max(1, min(5, round(3.2 + quality + rnd.gauss(0, 0.8)))),
            "drv_b": max(1, min(5, round(3.8 + 0.8 * quality + rnd.gauss(0, 0.8)))),
            "drv_c": max(1, min(5, round(3.5 + 0.5 * quality + rnd.gauss(0, 0.9)))),
        }
        if i % 7 == 3:
            del answers["drv_b"]  # skipped: the drivers use complete answers only
        for code, dim in SQ_ITEMS.items():
            shift = -1.0 if dim == "reliability" else -0.3
            answers[code] = {
                "expectation": max(1, min(7, round(6 + rnd.gauss(0, 0.7)))),
                "perception": max(1, min(7, round(6 + shift + quality + rnd.gauss(0, 0.7)))),
                "importance": max(1, min(7, round(5.5 + rnd.gauss(0, 1)))),
            }
        for k in KANO:
            answers[k] = {
                "functional": _KANO_ANSWERS[rnd.choice((0, 0, 1, 2))],
                "dysfunctional": _KANO_ANSWERS[rnd.choice((4, 4, 3, 2))],
            }
        if i % 3 == 0:
            answers["comment"] = _COMMENTS[i % len(_COMMENTS)]
        channel = "web" if i % 2 else "sms"
        touchpoint = "repair" if i % 3 else "install"
        region = "华东" if i % 4 < 2 else "华南"
        when = START + timedelta(days=int(i * 170 / n), hours=i % 5)
        items.append(
            ResponseIn(
                answers=answers,
                customer=f"C{i:04d}",
                channel=channel,
                touchpoint=touchpoint,
                submitted_at=when,
                language="zh-CN",
                external_key=f"study-{i}",
            )
        )
        raw.append(
            {
                "answers": answers,
                "channel": channel,
                "touchpoint": touchpoint,
                "region": region,
                "when": when,
            }
        )
    options = IntakeOptions(source="test", require_active=False, keep_raw_text=False)
    record(db, ResponseBatch(survey.id, items), options)
    with db.session() as s:
        # batch intake makes customers without segments; a CRM import would set them
        for i, r in enumerate(raw):
            segments = {"region": r["region"], "tier": "金卡" if i % 5 == 0 else "普通"}
            s.execute(
                update(CustomerRow)
                .where(CustomerRow.external_id == f"C{i:04d}")
                .values(segments=segments)
            )
        rows = s.execute(
            select(ResponseRow.id, ResponseRow.external_key, ResponseRow.quality).where(
                ResponseRow.survey_id == survey.id
            )
        ).all()
        by_key = {str(key): (int(rid), int(q)) for rid, key, q in rows}
        ids = [by_key[f"study-{i}"][0] for i in range(n)]
        already = {rid for rid, q in by_key.values() if q != 0}
        # one flagged and one excluded response (quality 1 and 2), kept out of every number
        flagged = [ids[5], ids[6]]
        for rid, q in zip(flagged, (1, 2), strict=True):
            s.execute(update(ResponseRow).where(ResponseRow.id == rid).values(quality=q))
            s.execute(update(AnswerRow).where(AnswerRow.response_id == rid).values(quality=q))
    out = [*flagged, *sorted(already - set(flagged))]
    counted = [r for rid, r in zip(ids, raw, strict=True) if rid not in out]
    return Study(survey.id, counted, out, care)
