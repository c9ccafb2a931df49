"""Exports at scale: time and peak memory of manyi's exports beside a naive pandas export.

Usage:  .venv/bin/python benchmarks/exports/bench_export.py [--rows 200000] [--formats csv xlsx sav]
        [--naive csv xlsx] [--database-url postgresql+psycopg://…/db]

A fresh SQLite file (or the PostgreSQL database given, whose ``responses`` of the bench
survey are replaced) gets one survey of 16 question items (NPS, CSAT, four ratings, a
two-row matrix, a single choice, a three-option multiple choice, a Kano pair, an open
comment in Chinese) and ``--rows`` responses, inserted in bulk SQL (the export reads
``responses`` only, so the narrow answers table is left empty). Each export then runs in
a process of its own, so that its peak RSS (VmHWM) is its own:

- ``manyi <format>``: :func:`manyi.reporting.exports.write_export` (keyset pages of 1,000
  responses; CSV and XLSX written row by row, SAV packed in memory then written by
  pyreadstat);
- ``naive <format>``: the whole table read into a pandas DataFrame (answers JSON expanded
  with ``json_normalize``), then ``to_csv`` / ``to_excel`` (xlsxwriter engine).

``baseline`` is the RSS of the same process after its imports, before it reads anything.
Figures go to docs/performance.md ("Exports").
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()

DEFINITION: dict[str, Any] = {
    "title": {"zh-CN": "导出基准问卷", "en": "Export benchmark survey"},
    "questions": [
        {"code": "nps", "kind": "nps", "text": {"zh-CN": "推荐可能性", "en": "Recommend?"}},
        {"code": "csat", "kind": "csat", "text": {"zh-CN": "满意度", "en": "Satisfied?"}},
        *(
            {"code": f"r{i}", "kind": "rating", "text": {"zh-CN": f"评价{i}", "en": f"Rating {i}"}}
            for i in range(1, 5)
        ),
        {
            "code": "grid",
            "kind": "matrix",
            "text": "各项评价",
            "rows": [{"code": "a", "text": "准时"}, {"code": "b", "text": "专业"}],
        },
        {
            "code": "type",
            "kind": "single",
            "text": "服务类型",
            "options": [{"code": "install", "text": "安装"}, {"code": "repair", "text": "维修"}],
        },
        {
            "code": "good",
            "kind": "multiple",
            "text": "做得好的方面",
            "options": [
                {"code": "fast", "text": "快"},
                {"code": "clean", "text": "干净"},
                {"code": "polite", "text": "礼貌"},
            ],
        },
        {"code": "k1", "kind": "kano", "text": "上门前短信提醒"},
        {"code": "comment", "kind": "open", "text": {"zh-CN": "建议", "en": "Comments"}},
    ],
}
COMMENTS = [
    "师傅很专业，就是来晚了半小时。",
    "服务态度很好，价格也透明。",
    "=SUM(A1:A9) 这个不应该被执行",
    "Quick and friendly, thank you!",
    "",
]


def _rss_mib() -> float:
    """This process's peak RSS so far, in MiB. VmHWM, not ``ru_maxrss``: Linux keeps
    ru_maxrss across exec, so a child would report the parent's peak (the data load)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _answers(rng: random.Random) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "nps": rng.randint(0, 10),
        "csat": rng.randint(1, 5),
        **{f"r{i}": rng.randint(1, 5) for i in range(1, 5)},
        "grid": {"a": rng.randint(1, 5), "b": rng.randint(1, 5)},
        "type": rng.choice(["install", "repair"]),
        "good": rng.sample(["fast", "clean", "polite"], rng.randint(0, 3)),
        "k1": {"functional": "like", "dysfunctional": rng.choice(["dislike", "live-with"])},
    }
    comment = rng.choice(COMMENTS)
    if comment:
        answers["comment"] = comment
    return answers


def prepare(url: str, rows: int) -> int:
    """Store the bench survey and ``rows`` responses; returns the survey id."""
    from sqlalchemy import delete, insert

    from manyi.storage.database import Database
    from manyi.storage.migrate import upgrade
    from manyi.storage.tables import ResponseRow, SurveyRow
    from manyi.surveys.service import create_survey

    db = Database(url)
    upgrade(db)
    with db.session() as s:
        s.execute(delete(SurveyRow).where(SurveyRow.code == "bench-export"))
    survey = create_survey(db, DEFINITION, code="bench-export", status="active")
    rng = random.Random(7)
    start = datetime(2026, 1, 1)
    batch: list[dict[str, Any]] = []
    for i in range(rows):
        answers = _answers(rng)
        batch.append(
            {
                "survey_id": survey.id,
                "survey_version": 1,
                "submitted_at": start + timedelta(seconds=30 * i),
                "received_at": start + timedelta(seconds=30 * i),
                "language": "zh-CN",
                "answers": answers,
                "meta": {},
                "quality_flags": [],
                "quality": 0,
                "source": "import",
                "content_hash": hashlib.sha256(f"{i}".encode()).hexdigest(),
            }
        )
        if len(batch) == 10_000:
            with db.session() as s:
                s.execute(insert(ResponseRow), batch)
            batch = []
    if batch:
        with db.session() as s:
            s.execute(insert(ResponseRow), batch)
    db.dispose()
    return survey.id


def run_manyi(url: str, survey_id: int, fmt: str, out: Path) -> dict[str, Any]:
    from manyi.reporting.exports import ExportFormat, ExportRequest, plan_export, write_export
    from manyi.storage.database import Database

    db = Database(url)
    baseline = _rss_mib()
    began = time.perf_counter()
    plan = plan_export(db, ExportRequest(survey_id, ExportFormat(fmt), "zh-CN"))
    rows = write_export(db, plan, out, sav_max_rows=10_000_000)
    return {"rows": rows, "seconds": time.perf_counter() - began, "baseline_mib": baseline}


def run_naive(url: str, survey_id: int, fmt: str, out: Path) -> dict[str, Any]:
    import pandas as pd
    from sqlalchemy import select

    from manyi.storage.database import Database
    from manyi.storage.tables import ResponseRow

    db = Database(url)
    baseline = _rss_mib()
    began = time.perf_counter()
    with db.session() as s:
        rows = s.execute(
            select(
                ResponseRow.id,
                ResponseRow.submitted_at,
                ResponseRow.language,
                ResponseRow.quality_flags,
                ResponseRow.answers,
            ).where(ResponseRow.survey_id == survey_id)
        ).all()
    frame = pd.DataFrame(rows, columns=["id", "submitted_at", "language", "flags", "answers"])
    answers = pd.json_normalize(frame.pop("answers").tolist())
    frame = pd.concat([frame, answers], axis=1)
    if fmt == "csv":
        frame.to_csv(out, index=False, encoding="utf-8-sig")
    else:
        frame.to_excel(out, index=False, engine="xlsxwriter")
    return {"rows": len(frame), "seconds": time.perf_counter() - began, "baseline_mib": baseline}


def child(args: argparse.Namespace) -> None:
    run = run_manyi if args.method == "manyi" else run_naive
    out = Path(args.out)
    result = run(args.url, args.survey, args.format, out)
    result.update(peak_mib=_rss_mib(), size_mib=out.stat().st_size / 2**20)
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--formats", nargs="*", default=["csv", "xlsx", "sav"])
    parser.add_argument("--naive", nargs="*", default=["csv", "xlsx"])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--method", help=argparse.SUPPRESS)
    parser.add_argument("--format", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--survey", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        began = time.perf_counter()
        survey_id = prepare(url, args.rows)
        print(
            f"{args.rows:,} responses stored in {time.perf_counter() - began:.1f} s ({url.split(':')[0]})"
        )
        print(
            f"{'export':<14}{'rows':>10}{'seconds':>10}{'rows/s':>10}{'peak RSS':>11}{'baseline':>10}{'file':>10}"
        )
        runs = [("manyi", f) for f in args.formats] + [("naive", f) for f in args.naive]
        for method, fmt in runs:
            out = Path(tmp) / f"{method}.{fmt}"
            done = subprocess.run(
                [sys.executable, str(HERE), "--child", "--method", method, "--format", fmt,
                 "--url", url, "--survey", str(survey_id), "--out", str(out)],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            if done.returncode != 0:
                print(f"{method} {fmt}: failed\n{done.stderr[-2000:]}")
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"{method + ' ' + fmt:<14}{r['rows']:>10,}{r['seconds']:>10.1f}"
                f"{r['rows'] / r['seconds']:>10,.0f}{r['peak_mib']:>8.0f} MiB"
                f"{r['baseline_mib']:>6.0f} MiB{r['size_mib']:>6.0f} MiB"
            )
            out.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
