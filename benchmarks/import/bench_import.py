"""Import benchmark: a 100k-row survey CSV through `manyi import` vs a naive pandas load.

Usage:  .venv/bin/python benchmarks/import/bench_import.py [--rows 100000]

manyi validates every answer against the survey definition, normalises text, flags
quality problems, deduplicates, writes the narrow answers table and an error file.
The peer, ``pandas.read_csv(...).to_sql(...)``, does none of that: it is the floor a
"just load it" script reaches, measured in the same run on the same file. Each side
runs in its own process so peak memory (max RSS) is measured per side.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

QUESTIONS = [
    {
        "code": "nps",
        "kind": "nps",
        "text": {"zh-CN": "推荐意愿", "en": "Recommend"},
        "required": True,
    },
    {"code": "csat", "kind": "csat", "text": {"zh-CN": "总体满意度", "en": "Overall satisfaction"}},
    {"code": "ces", "kind": "ces", "text": {"zh-CN": "办理难易", "en": "Effort"}},
    *[{"code": f"d{i}", "kind": "rating", "text": f"驱动因素{i}"} for i in range(1, 7)],
    {
        "code": "type",
        "kind": "single",
        "text": "服务类型",
        "options": [{"code": "install", "text": "安装"}, {"code": "repair", "text": "维修"}],
    },
    {"code": "comment", "kind": "open", "text": "意见"},
]
COMMENTS = [
    "师傅很专业，准时上门",
    "送货太慢了，等了三天",
    "客服电话一直打不通",
    "价格透明，没有乱收费",
    "App 下单很方便",
    "",
    "安装后现场很干净",
]


def make_csv(path: Path, rows: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "response_id",
                "customer",
                "nps",
                "csat",
                "ces",
                "d1",
                "d2",
                "d3",
                "d4",
                "d5",
                "d6",
                "服务类型",
                "comment",
                "开始时间",
                "提交时间",
            ]
        )
        for i in range(rows):
            minute = i % 50
            w.writerow(
                [
                    f"R{i}",
                    f"C{i % 20000}",
                    rng.randint(0, 10),
                    rng.randint(1, 5),
                    rng.randint(1, 7),
                    *[rng.randint(1, 5) for _ in range(6)],
                    rng.choice(["安装", "维修"]),
                    rng.choice(COMMENTS),
                    f"2026-06-{1 + i % 28:02d} 09:{minute:02d}:00",
                    f"2026-06-{1 + i % 28:02d} 09:{minute + 3:02d}:30",
                ]
            )


MANYI_SIDE = """
import json, sys, time
from manyi.storage.database import Database
from manyi.storage.migrate import upgrade
from manyi.surveys.service import create_survey
from manyi.ingestion.importer import import_responses
db = Database(sys.argv[1]); upgrade(db)
sid = create_survey(db, json.loads(sys.argv[3]), status="active").id
t = time.perf_counter()
r = import_responses(db, sys.argv[2], sid, error_dir=sys.argv[4])
print(json.dumps({"seconds": time.perf_counter() - t, "imported": r.imported, "errors": r.errors}))
"""

PANDAS_SIDE = """
import json, sys, time, sqlite3
import pandas as pd
t = time.perf_counter()
df = pd.read_csv(sys.argv[2])
with sqlite3.connect(sys.argv[1]) as conn:
    df.to_sql("responses", conn, index=False, chunksize=10000)
print(json.dumps({"seconds": time.perf_counter() - t, "imported": len(df), "errors": 0}))
"""


def run_side(code: str, args: list[str]) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result["peak_mib"] = max(after, before) / 1024  # ru_maxrss is in KiB on Linux
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        data = tmpdir / "responses.csv"
        make_csv(data, args.rows)
        size_mib = data.stat().st_size / 2**20
        definition = json.dumps(
            {"title": {"zh-CN": "导入基准", "en": "Import benchmark"}, "questions": QUESTIONS}
        )
        # pandas first: children's max RSS is a running maximum, so the smaller side goes first.
        peer = run_side(PANDAS_SIDE, [str(tmpdir / "pandas.db"), str(data)])
        manyi = run_side(
            MANYI_SIDE, [f"sqlite:///{tmpdir / 'manyi.db'}", str(data), definition, str(tmpdir)]
        )
        answers = args.rows * 12
        print(
            f"file: {args.rows:,} rows, {size_mib:.1f} MiB, ~{answers:,} answer cells; machine: {os.cpu_count()} cores"
        )
        print(f"{'side':<34}{'seconds':>9}{'rows/s':>10}{'peak MiB':>10}")
        for name, r in (
            ("manyi import (validate+flag+store)", manyi),
            ("pandas read_csv+to_sql (no checks)", peer),
        ):
            print(
                f"{name:<34}{r['seconds']:>9.1f}{r['imported'] / r['seconds']:>10,.0f}{r['peak_mib']:>10.0f}"
            )
        print(
            f"ratio manyi/pandas time: {manyi['seconds'] / peer['seconds']:.1f}x; imported {manyi['imported']:,.0f}, rejected {manyi['errors']:,.0f}"
        )
        ok = manyi["seconds"] < 60 and manyi["peak_mib"] < 1024
        print(f"target (< 60 s, < 1 GiB): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
