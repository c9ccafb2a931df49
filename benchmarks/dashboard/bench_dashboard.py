"""Dashboard read time with the rollups beside the naive scan of the raw answers.

Usage::

    .venv/bin/python benchmarks/dashboard/bench_dashboard.py \\
        --scales 10k 1M 10M --backends sqlite postgresql \\
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres] \\
        [--workdir /tmp/manyi-bench-dashboard] [--repeat 30] [--naive-repeat 7] [--reuse]

For each scale (answers: 10 per response, so 10k answers = 1,000 responses) and back-end
it builds a data set directly in SQL (not through intake: 10 M answers through the HTTP
API would take hours on two cores), then rebuilds the rollups once (``rebuild``, timed):

- 4 surveys, the measured one holding 40 % of the responses, spread evenly over
  2025-01-01 … 2026-12-31 (UTC); 10 answers per response (nps 0–10, csat 1–5, ces 1–7
  and a 7-item matrix 1–5), values from a fixed integer hash of the ids;
- 12 touchpoints in 4 departments, 5 channels, 2 languages; customers (one per 20
  responses, at least 50) with region (6), tier (3) and product (5) segments; 3 % of
  responses flagged, 1 % excluded;
- the answers' two indexes are dropped during the load and created after it (the usual
  bulk-load order), then ANALYZE (and VACUUM on PostgreSQL).

Then, on the warm database, the dashboard-shaped request: a year (2026) of daily NPS
histograms of the measured survey, with 0 filters, 1 filter (one department: the
scoping of a department head) and 3 filters (department, region, tier), each read through
``daily_score_counts`` (the rollups) and ``naive_daily_score_counts`` (GROUP BY over the
raw answers, joined to responses and customers when filtered) in the same run, after
checking that both give the same rows. p50/p95 over ``--repeat`` (rollups) and
``--naive-repeat`` (scan) timed runs after one warm-up each. Figures go to
docs/performance.md.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text

from manyi.storage.database import Database
from manyi.storage.migrate import upgrade
from manyi.storage.rollups import RollupFilters, daily_score_counts, naive_daily_score_counts
from manyi.storage.rollups import rebuild as rebuild_rollups
from manyi.storage.tables import AnswerRow, DepartmentRow

SCALES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}
ANSWERS_PER_RESPONSE = 10
DEPARTMENTS, TOUCHPOINTS, CHANNELS = 4, 12, 5
REGIONS = ["华东", "华北", "华南", "西南", "西北", "东北"]
TIERS = ["gold", "silver", "bronze"]
PRODUCTS = ["fiber", "mobile", "tv", "cloud", "iot"]
SPAN_SECONDS = 730 * 86400  # 2025-01-01 … 2026-12-31
SINCE, UNTIL = date(2026, 1, 1), date(2027, 1, 1)
#: (question, item, lowest value, highest value)
CELLS = [("nps", "", 0, 10), ("csat", "", 1, 5), ("ces", "", 1, 7)] + [
    ("sq", f"i{k}", 1, 5) for k in range(1, 8)
]
HASH = 2654435761  # Knuth's multiplicative hash: a fixed, well-spread pseudo-random value


@dataclass
class Built:
    responses: int
    answers: int
    load_s: float
    rebuild_s: float
    score_rows: int
    response_rows: int


#: One multiplier per salt: x * a mod a prime, for different a, are independent enough that
#: region, tier, touchpoint … of one row are not functions of each other.
MULTIPLIERS = [
    HASH,
    2246822519,
    3266489917,
    668265263,
    374761393,
    2654435789,
    1181783497,
    1812433253,
    1103515245,
]


def _hash(expr: str, salt: int, modulo: int) -> str:
    return f"((CAST({expr} AS BIGINT) * {MULTIPLIERS[salt]}) % 1000003) % {modulo}"


def _series(dialect: str, n: int) -> str:
    """A relation ``g(i)`` of 1..n."""
    if dialect == "postgresql":
        return f"generate_series(1, {n}) AS g(i)"
    return (
        f"(WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {n}) "
        "SELECT i FROM c) AS g"
    )


def _pick(dialect: str, values: list[str], expr: str) -> str:
    cases = " ".join(f"WHEN {i} THEN '{v}'" for i, v in enumerate(values))
    return f"CASE {expr} {cases} END"


def build(db: Database, answers: int) -> Built:
    """Fill an empty, migrated database with ``answers`` answers and rebuild its rollups."""
    dialect = db.engine.dialect.name
    n = max(1, answers // ANSWERS_PER_RESPONSE)
    customers = max(50, n // 20)
    started = time.perf_counter()
    with db.engine.begin() as conn:
        for d in range(1, DEPARTMENTS + 1):
            conn.execute(
                text(
                    "INSERT INTO departments (id, code, name_zh, name_en, created_at) "
                    "VALUES (:i, :c, :c, :c, :t)"
                ),
                {"i": d, "c": f"dep{d}", "t": "2025-01-01 00:00:00.000000"},
            )
        for t in range(1, TOUCHPOINTS + 1):
            conn.execute(
                text(
                    "INSERT INTO touchpoints (id, code, stage, name_zh, name_en, department_id) "
                    "VALUES (:i, :c, 'service', :c, :c, :d)"
                ),
                {"i": t, "c": f"tp{t}", "d": 1 + (t - 1) % DEPARTMENTS},
            )
        for c in range(1, CHANNELS + 1):
            conn.execute(
                text(
                    "INSERT INTO channels (id, code, kind, name_zh, name_en) "
                    "VALUES (:i, :c, 'web', :c, :c)"
                ),
                {"i": c, "c": f"ch{c}"},
            )
        for survey_id in range(1, 5):
            conn.execute(
                text(
                    "INSERT INTO surveys (id, title, status, current_version, created_at, "
                    "updated_at) VALUES (:i, :t, 'active', 1, :c, :c)"
                ),
                {"i": survey_id, "t": f"bench {survey_id}", "c": "2025-01-01 00:00:00.000000"},
            )
        json_obj = "jsonb_build_object" if dialect == "postgresql" else "json_object"
        conn.execute(
            text(
                "INSERT INTO customers (id, external_id, segments, consent_contact, "
                "consent_research, created_at) "
                f"SELECT i, 'b' || i, {json_obj}("
                f"'region', {_pick(dialect, REGIONS, _hash('i', 1, len(REGIONS)))}, "
                f"'tier', {_pick(dialect, TIERS, _hash('i', 2, len(TIERS)))}, "
                f"'product', {_pick(dialect, PRODUCTS, _hash('i', 3, len(PRODUCTS)))}), "
                f"false, false, '2025-01-01 00:00:00' FROM {_series(dialect, customers)}"
            )
        )
        if dialect == "postgresql":
            at = f"timestamp '2025-01-01' + make_interval(secs => (i::bigint * {SPAN_SECONDS}) / {n})"
        else:
            at = (
                f"strftime('%Y-%m-%d %H:%M:%S', 1735689600 + (i * {SPAN_SECONDS}) / {n}, "
                "'unixepoch') || '.000000'"
            )
        quality = f"CASE WHEN {_hash('i', 4, 100)} < 1 THEN 2 WHEN {_hash('i', 4, 100)} < 4 THEN 1 ELSE 0 END"
        flags = f"CASE WHEN {quality} > 0 THEN '[\"too_fast\"]' ELSE '[]' END"
        if dialect == "postgresql":
            flags = f"CAST({flags} AS jsonb)"
        survey = "CASE WHEN i % 10 < 4 THEN 1 ELSE 2 + i % 3 END"
        conn.execute(
            text(
                "INSERT INTO responses (id, survey_id, survey_version, customer_id, channel_id, "
                "touchpoint_id, submitted_at, received_at, language, answers, metadata, "
                "quality_flags, consent, source, content_hash, quality, incentivised) "
                f"SELECT i, {survey}, 1, 1 + {_hash('i', 5, customers)}, "
                f"1 + {_hash('i', 6, CHANNELS)}, 1 + {_hash('i', 7, TOUCHPOINTS)}, "
                f"{at}, {at}, CASE WHEN {_hash('i', 8, 4)} = 0 THEN 'en' ELSE 'zh-CN' END, "
                "'{}', '{}', "
                f"{flags}, false, 'bench', "
                f"'h' || i, {quality}, false FROM {_series(dialect, n)}"
            )
        )
        indexes = list(AnswerRow.__table__.indexes)  # type: ignore[attr-defined]
        for index in indexes:
            index.drop(conn)
        cells = " UNION ALL ".join(
            f"SELECT '{q}' AS question, '{item}' AS item, {k} AS k, {lo} AS lo, {hi} AS hi"
            for k, (q, item, lo, hi) in enumerate(CELLS)
        )
        conn.execute(
            text(
                "INSERT INTO answers (response_id, survey_id, question, item, value, text, "
                "submitted_at, quality) "
                f"SELECT r.id, r.survey_id, c.question, c.item, "
                f"c.lo + (((r.id * {HASH} + c.k * 40503) % 1000003) % (c.hi - c.lo + 1)), "
                "NULL, r.submitted_at, r.quality "
                f"FROM responses r CROSS JOIN ({cells}) c"
            )
        )
        for index in indexes:
            index.create(conn)
    load_s = time.perf_counter() - started
    _analyze(db)
    started = time.perf_counter()
    with db.session() as s:
        score_rows, response_rows = rebuild_rollups(s)
    rebuild_s = time.perf_counter() - started
    _analyze(db)
    return Built(n, n * ANSWERS_PER_RESPONSE, load_s, rebuild_s, score_rows, response_rows)


def _analyze(db: Database) -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def _database(backend: str, scale: str, workdir: Path, pg_url: str, fresh: bool) -> Database:
    name = f"bench_dashboard_{scale.lower()}"
    if backend == "sqlite":
        path = workdir / f"{name}.db"
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return Database(f"sqlite:///{path}")
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if fresh:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return Database(pg_url.rsplit("/", 1)[0] + f"/{name}")


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def _time(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    result = fn()  # warm-up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    p50, p95 = _percentiles(samples)
    return p50, p95, result


def measure(db: Database, repeat: int, naive_repeat: int) -> list[dict[str, Any]]:
    with db.session() as s:
        department = s.scalar(select(DepartmentRow.id).order_by(DepartmentRow.id))
    assert department is not None
    shapes = {
        "0 filters": RollupFilters(),
        "1 filter": RollupFilters(department_ids=frozenset({department})),
        "3 filters": RollupFilters(
            department_ids=frozenset({department}),
            regions=frozenset({REGIONS[0]}),
            tiers=frozenset({TIERS[0]}),
        ),
    }
    rows = []
    for label, filters in shapes.items():
        args: dict[str, Any] = {
            "survey_id": 1,
            "question": "nps",
            "since": SINCE,
            "until": UNTIL,
            "filters": filters,
        }

        def rollup(args: dict[str, Any] = args) -> Any:
            with db.session() as s:
                return daily_score_counts(s, **args)

        def naive(args: dict[str, Any] = args) -> Any:
            with db.session() as s:
                return naive_daily_score_counts(s, **args)

        r50, r95, from_rollups = _time(rollup, repeat)
        n50, n95, from_scan = _time(naive, naive_repeat)
        if from_rollups != from_scan:
            raise SystemExit(f"{label}: the rollups and the scan disagree")
        rows.append(
            {
                "shape": label,
                "rollup_p50": r50,
                "rollup_p95": r95,
                "naive_p50": n50,
                "naive_p95": n95,
                "answers_counted": sum(n for *_, n in from_rollups),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", nargs="+", default=["10k", "1M"], choices=list(SCALES))
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/manyi-bench-dashboard"))
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--naive-repeat", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="measure data sets already built")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(
        "| answers | back-end | filters | rollups p50 / p95 ms | naive scan p50 / p95 ms "
        "| p95 ratio | answers counted |"
    )
    print("|---|---|---|---|---|---|---|")
    for scale in args.scales:
        for backend in args.backends:
            db = _database(backend, scale, args.workdir, args.pg_url, fresh=not args.reuse)
            if not args.reuse:
                upgrade(db)
                built = build(db, SCALES[scale])
                print(
                    f"<!-- {scale} {backend}: {built.responses:,} responses, "
                    f"{built.answers:,} answers loaded in {built.load_s:.0f} s; rollups rebuilt "
                    f"in {built.rebuild_s:.0f} s: {built.score_rows:,} score rows, "
                    f"{built.response_rows:,} response rows -->",
                    flush=True,
                )
            for row in measure(db, args.repeat, args.naive_repeat):
                ratio = row["naive_p95"] / row["rollup_p95"] if row["rollup_p95"] else 0
                print(
                    f"| {scale} | {backend} | {row['shape']} "
                    f"| {row['rollup_p50']:.1f} / {row['rollup_p95']:.1f} "
                    f"| {row['naive_p50']:.1f} / {row['naive_p95']:.1f} "
                    f"| {ratio:,.1f}× | {row['answers_counted']:,} |",
                    flush=True,
                )
            db.dispose()


if __name__ == "__main__":
    main()
