"""Rollups: daily score histograms and response counts kept at intake, so that a dashboard
request reads a few thousand rollup rows whatever the number of stored answers.

What is rolled up (docs/rollups.md):

- ``score_rollups``: for every counted numeric answer (``value`` not NULL, quality 0 or
  1), one count per (survey, question, item, UTC day, quality, value) and dimensions
  (touchpoint, channel, language, the customer's region/tier/product segments);
- ``response_rollups``: one count per (survey, UTC day, quality) and the same dimensions.

Each is kept at several **grains** (:data:`GRAINS`): the full grain holds every
dimension; the total grain none; one grain per dimension holds only that one. A request
reads the smallest grain that holds all the dimensions it filters on, so the usual
requests (no filter, one filter) read at most days × values × dimension values rows.
Dimensions a grain does not hold are stored as -1 / ``*``; absent ones (no touchpoint,
no region) as 0 / ``""``, never NULL, because the primary key is the upsert's conflict
target and NULLs never conflict.

Exactness: intake adds its new responses with ``INSERT … ON CONFLICT DO UPDATE SET
count = count + excluded.count`` in the transaction that stores them
(:func:`add_responses`); every other change to answers, their quality or a customer's
segments recomputes the affected (survey, day) buckets from the raw rows in its own
transaction (:func:`refresh_responses`, :func:`refresh_customers`). On PostgreSQL an
advisory lock per survey keeps a recompute from interleaving with intake (shared for
intake, exclusive for a recompute); SQLite has one writer at a time anyway. The
dimensions are computed by the same SQL expressions (:func:`_dimensions`) for intake,
recompute and the naive scan, so both sides agree on what a region is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from manyi.storage.tables import TouchpointRow

__all__ = [
    "DIMENSIONS",
    "GRAINS",
    "RollupFilterValues",
    "RollupFilters",
    "add_responses",
    "daily_response_counts",
    "daily_score_counts",
    "filter_values",
    "naive_daily_response_counts",
    "naive_daily_score_counts",
    "rebuild",
    "refresh_buckets",
    "refresh_customers",
    "refresh_responses",
    "response_buckets",
]

#: The dimension columns, in key order.
DIMENSIONS = ("touchpoint_id", "channel_id", "language", "region", "tier", "product")
_INT_DIMS = frozenset({"touchpoint_id", "channel_id"})
SEGMENTS = ("region", "tier", "product")

FULL = 0
TOTAL = 1
#: grain number -> the dimensions its rows hold. Single-dimension grains make the one
#: filter a page usually has (department/touchpoint, channel, region …) as cheap as none.
GRAINS: dict[int, frozenset[str]] = {
    FULL: frozenset(DIMENSIONS),
    TOTAL: frozenset(),
    **{2 + i: frozenset({dim}) for i, dim in enumerate(DIMENSIONS)},
}
#: Primary-key order: the touchpoint before the day (see ScoreRollupRow).
_SCORE_KEY = (
    "survey_id",
    "question",
    "item",
    "grain",
    "touchpoint_id",
    "day",
    "quality",
    "value",
    *DIMENSIONS[1:],
)
_RESPONSE_KEY = ("survey_id", "grain", "touchpoint_id", "day", "quality", *DIMENSIONS[1:])
#: Excluded answers (quality 2) are never counted, so never rolled up.
_MAX_QUALITY = 1
#: SQLite allows about 999 bound parameters in one statement.
_CHUNK = 500


@dataclass(frozen=True)
class RollupFilters:
    """What a dashboard request keeps; None keeps everything, an empty set nothing.

    ``department_ids`` keeps responses whose touchpoint belongs to one of the departments
    (scoping and the department filter); responses without a touchpoint have none.
    ``regions``/``tiers``/``products`` are the customer's segments; ``""`` is "not given".
    Quality: counted (0) always, flagged (1) when ``include_flagged``, excluded (2) never.
    """

    department_ids: frozenset[int] | None = None
    touchpoint_ids: frozenset[int] | None = None
    channel_ids: frozenset[int] | None = None
    languages: frozenset[str] | None = None
    regions: frozenset[str] | None = None
    tiers: frozenset[str] | None = None
    products: frozenset[str] | None = None
    include_flagged: bool = False


@dataclass(frozen=True)
class RollupFilterValues:
    """The values present in the rollups, for the filter drop-downs (absent ones left out)."""

    department_ids: tuple[int, ...]
    touchpoint_ids: tuple[int, ...]
    channel_ids: tuple[int, ...]
    languages: tuple[str, ...]
    regions: tuple[str, ...]
    tiers: tuple[str, ...]
    products: tuple[str, ...]


# --------------------------------------------------------------------------- SQL pieces


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _day_sql(dialect: str, column: str) -> str:
    return f"date({column})" if dialect == "sqlite" else f"CAST({column} AS DATE)"


def _segment_sql(dialect: str, key: str) -> str:
    """The customer's segment ``key`` as text ('' when absent), cut to the column width."""
    if dialect == "sqlite":
        raw = f"json_extract(c.segments, '$.{key}')"
    else:
        raw = f"(c.segments ->> '{key}')"
    return f"COALESCE(substr(CAST({raw} AS TEXT), 1, 64), '')"


def _dimensions(dialect: str) -> dict[str, str]:
    """SQL for each dimension of a response ``r`` with its customer ``c`` (LEFT JOIN)."""
    return {
        "touchpoint_id": "COALESCE(r.touchpoint_id, 0)",
        "channel_id": "COALESCE(r.channel_id, 0)",
        "language": "COALESCE(substr(r.language, 1, 8), '')",
        **{key: _segment_sql(dialect, key) for key in SEGMENTS},
    }


def _unheld(dim: str) -> str:
    return "-1" if dim in _INT_DIMS else "'*'"


def _insert_full_sql(dialect: str, kind: str, where: str) -> str:
    """INSERT … SELECT of the full grain from the raw rows matching ``where``."""
    exprs = {
        **_dimensions(dialect),
        "day": _day_sql(dialect, "r.submitted_at"),
        "grain": str(FULL),
        "survey_id": "r.survey_id",
    }
    key: tuple[str, ...]
    if kind == "score":
        exprs.update(question="a.question", item="a.item", quality="a.quality", value="a.value")
        key, table = _SCORE_KEY, "score_rollups"
        source = (
            "responses r JOIN answers a ON a.response_id = r.id "
            "LEFT JOIN customers c ON c.id = r.customer_id "
            f"WHERE a.value IS NOT NULL AND a.quality <= {_MAX_QUALITY}"
        )
    else:
        exprs["quality"] = "r.quality"
        key, table = _RESPONSE_KEY, "response_rollups"
        source = (
            "responses r LEFT JOIN customers c ON c.id = r.customer_id "
            f"WHERE r.quality <= {_MAX_QUALITY}"
        )
    group = ", ".join(exprs[c] for c in key if c != "grain")
    return (
        f"INSERT INTO {table} ({', '.join(key)}, count) "
        f"SELECT {', '.join(exprs[c] for c in key)}, count(*) "
        f"FROM {source} AND ({where}) GROUP BY {group}"
    )


def _derive_grains_sql(kind: str, where: str) -> list[str]:
    """INSERT … SELECT of every other grain from the full grain rows matching ``where``."""
    table = "score_rollups" if kind == "score" else "response_rollups"
    key = _SCORE_KEY if kind == "score" else _RESPONSE_KEY
    out = []
    for grain, held in GRAINS.items():
        if grain == FULL:
            continue
        select_cols = []
        for column in key:
            if column == "grain":
                select_cols.append(str(grain))
            elif column in DIMENSIONS and column not in held:
                select_cols.append(_unheld(column))
            else:
                select_cols.append(column)
        group = [d for d in key if d != "grain" and (d not in DIMENSIONS or d in held)]
        out.append(
            f"INSERT INTO {table} ({', '.join(key)}, count) "
            f"SELECT {', '.join(select_cols)}, sum(count) FROM {table} "
            f"WHERE grain = {FULL} AND ({where}) GROUP BY {', '.join(group)}"
        )
    return out


# --------------------------------------------------------------------------- maintenance


def _lock_surveys(session: Session, survey_ids: Iterable[int], *, exclusive: bool) -> None:
    """PostgreSQL: a transaction-scoped advisory lock per survey (sorted: no deadlock
    between two recomputes). Intake takes it shared, so intakes run side by side; a
    recompute takes it exclusive, so no intake adds to a bucket it is rebuilding."""
    if _dialect(session) != "postgresql":
        return
    fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    for survey_id in sorted(set(survey_ids)):
        # 7710 namespaces manyi's rollup locks (two-key form: class, object).
        session.execute(text(f"SELECT {fn}(7710, :s)"), {"s": int(survey_id)})


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _bind(dialect: str, value: date | datetime) -> Any:
    """A date or time as a parameter: SQLite stores them as text (SQLAlchemy's format),
    and Python's default sqlite3 adapters are deprecated."""
    if dialect != "sqlite":
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value.isoformat()


def _ids_sql(ids: Sequence[int]) -> str:
    # Integers only (typed by the caller), so inlining them is safe and keeps one plan.
    return ", ".join(str(int(i)) for i in ids)


def add_responses(session: Session, response_ids: Sequence[int]) -> None:
    """Add new responses (and their answers) to the rollups: intake, same transaction.

    The increments are computed by SQL from the stored rows (same expressions as a
    rebuild) and upserted in key order, so two intakes lock rollup rows in one order."""
    if not response_ids:
        return
    dialect = _dialect(session)
    dims = _dimensions(dialect)
    dim_sql = ", ".join(dims[d] for d in DIMENSIONS)
    day = _day_sql(dialect, "r.submitted_at")
    counted: dict[str, list[tuple[dict[str, Any], int]]] = {"score": [], "response": []}
    for start in range(0, len(response_ids), _CHUNK):
        ids = _ids_sql(response_ids[start : start + _CHUNK])
        for survey_id, d, quality, *values, n in session.execute(
            text(
                f"SELECT r.survey_id, {day}, r.quality, {dim_sql}, count(*) "
                "FROM responses r LEFT JOIN customers c ON c.id = r.customer_id "
                f"WHERE r.id IN ({ids}) AND r.quality <= {_MAX_QUALITY} "
                f"GROUP BY r.survey_id, {day}, r.quality, {dim_sql}"
            )
        ).all():
            row = {"survey_id": int(survey_id), "day": _as_date(d), "quality": int(quality)}
            counted["response"].append(
                ({**row, **dict(zip(DIMENSIONS, values, strict=True))}, int(n))
            )
        for survey_id, question, item, d, quality, value, *values, n in session.execute(
            text(
                f"SELECT a.survey_id, a.question, a.item, {day}, a.quality, a.value, "
                f"{dim_sql}, count(*) "
                "FROM responses r JOIN answers a ON a.response_id = r.id "
                "LEFT JOIN customers c ON c.id = r.customer_id "
                f"WHERE r.id IN ({ids}) AND a.value IS NOT NULL "
                f"AND a.quality <= {_MAX_QUALITY} "
                f"GROUP BY a.survey_id, a.question, a.item, {day}, a.quality, a.value, {dim_sql}"
            )
        ).all():
            row = {
                "survey_id": int(survey_id),
                "question": question,
                "item": item,
                "day": _as_date(d),
                "quality": int(quality),
                "value": float(value),
            }
            counted["score"].append(({**row, **dict(zip(DIMENSIONS, values, strict=True))}, int(n)))
    surveys = {row["survey_id"] for rows in counted.values() for row, _ in rows}
    _lock_surveys(session, surveys, exclusive=False)
    _upsert(session, "score_rollups", _SCORE_KEY, _spread(_SCORE_KEY, counted["score"]))
    _upsert(session, "response_rollups", _RESPONSE_KEY, _spread(_RESPONSE_KEY, counted["response"]))


def _spread(
    key: tuple[str, ...], counted: list[tuple[dict[str, Any], int]]
) -> dict[tuple[Any, ...], int]:
    """Key (in ``key``'s column order) -> count, every full-grain row added to every grain."""
    out: dict[tuple[Any, ...], int] = {}
    for full, n in counted:
        for grain, held in GRAINS.items():
            row = dict(full, grain=grain)
            for d in DIMENSIONS:
                if d not in held:
                    row[d] = -1 if d in _INT_DIMS else "*"
                else:
                    row[d] = int(full[d]) if d in _INT_DIMS else str(full[d])
            k = tuple(row[c] for c in key)
            out[k] = out.get(k, 0) + n
    return out


def _upsert(
    session: Session, table: str, key: tuple[str, ...], rows: dict[tuple[Any, ...], int]
) -> None:
    """Add the counts, in key order. SQLite gets the driver's executemany: a response
    upserts tens of rows and SQLAlchemy's per-row parameter handling cost more than
    SQLite's upserts (as for the answers, storage/answers.py)."""
    if not rows:
        return
    columns = ", ".join(key)
    conflict = f"ON CONFLICT ({columns}) DO UPDATE SET count = {table}.count + excluded.count"
    dialect = _dialect(session)
    day = key.index("day")
    ordered = [
        (*k[:day], _bind(dialect, k[day]), *k[day + 1 :], n) for k, n in sorted(rows.items())
    ]
    if dialect == "sqlite":
        marks = ", ".join("?" * (len(key) + 1))
        session.connection().exec_driver_sql(
            f"INSERT INTO {table} ({columns}, count) VALUES ({marks}) {conflict}", ordered
        )
        return
    placeholders = ", ".join(f":{c}" for c in key)
    session.execute(
        text(f"INSERT INTO {table} ({columns}, count) VALUES ({placeholders}, :count) {conflict}"),
        [dict(zip((*key, "count"), row, strict=True)) for row in ordered],
    )


Bucket = tuple[int, date]


def response_buckets(session: Session, response_ids: Sequence[int]) -> set[Bucket]:
    """The (survey, UTC day) buckets that hold these responses."""
    out: set[Bucket] = set()
    day = _day_sql(_dialect(session), "submitted_at")
    for start in range(0, len(response_ids), _CHUNK):
        ids = _ids_sql(response_ids[start : start + _CHUNK])
        for survey_id, d in session.execute(
            text(f"SELECT DISTINCT survey_id, {day} FROM responses WHERE id IN ({ids})")
        ).all():
            out.add((int(survey_id), _as_date(d)))
    return out


def refresh_buckets(session: Session, buckets: Iterable[Bucket]) -> None:
    """Recompute these (survey, day) buckets from the raw rows, every grain."""
    by_survey: dict[int, set[date]] = {}
    for survey_id, d in buckets:
        by_survey.setdefault(int(survey_id), set()).add(d)
    if not by_survey:
        return
    dialect = _dialect(session)
    _lock_surveys(session, by_survey, exclusive=True)
    for survey_id, days in sorted(by_survey.items()):
        for d in sorted(days):
            start = datetime(d.year, d.month, d.day)
            params = {
                "s": survey_id,
                "d": _bind(dialect, d),
                "t0": _bind(dialect, start),
                "t1": _bind(dialect, start + timedelta(days=1)),
            }
            stored = "survey_id = :s AND day = :d"
            raw = "r.survey_id = :s AND r.submitted_at >= :t0 AND r.submitted_at < :t1"
            for kind, table in (("score", "score_rollups"), ("response", "response_rollups")):
                session.execute(text(f"DELETE FROM {table} WHERE {stored}"), params)
                session.execute(text(_insert_full_sql(dialect, kind, raw)), params)
                for sql in _derive_grains_sql(kind, stored):
                    session.execute(text(sql), params)


def refresh_responses(session: Session, response_ids: Sequence[int]) -> None:
    """Recompute the buckets of responses whose answers or quality changed (call after
    the change, in its transaction). Deleted responses: take :func:`response_buckets`
    before deleting and pass them to :func:`refresh_buckets` after."""
    session.flush()
    refresh_buckets(session, response_buckets(session, response_ids))


def refresh_customers(session: Session, customer_ids: Sequence[int]) -> None:
    """Recompute the buckets of every response of these customers (their segments
    changed), in the transaction that changed them."""
    if not customer_ids:
        return
    session.flush()
    day = _day_sql(_dialect(session), "submitted_at")
    buckets: set[Bucket] = set()
    for start in range(0, len(customer_ids), _CHUNK):
        ids = _ids_sql(customer_ids[start : start + _CHUNK])
        for survey_id, d in session.execute(
            text(f"SELECT DISTINCT survey_id, {day} FROM responses WHERE customer_id IN ({ids})")
        ).all():
            buckets.add((int(survey_id), _as_date(d)))
    refresh_buckets(session, buckets)


def rebuild(session: Session, survey_id: int | None = None) -> tuple[int, int]:
    """Recompute the rollups (of one survey, or all) from the raw rows: after a restore,
    a bulk load that bypassed intake, or to check. Returns (score rows, response rows)."""
    dialect = _dialect(session)
    if survey_id is None:
        survey_ids = [int(s) for s in session.scalars(text("SELECT id FROM surveys"))]
        stored, raw, params = "1 = 1", "1 = 1", {}
    else:
        survey_ids = [survey_id]
        stored, raw, params = "survey_id = :s", "r.survey_id = :s", {"s": survey_id}
    _lock_surveys(session, survey_ids, exclusive=True)
    counts = []
    for kind, table in (("score", "score_rollups"), ("response", "response_rollups")):
        session.execute(text(f"DELETE FROM {table} WHERE {stored}"), params)
        session.execute(text(_insert_full_sql(dialect, kind, raw)), params)
        for sql in _derive_grains_sql(kind, stored):
            session.execute(text(sql), params)
        counts.append(
            int(session.scalar(text(f"SELECT count(*) FROM {table} WHERE {stored}"), params) or 0)
        )
    return counts[0], counts[1]


# --------------------------------------------------------------------------- queries


def _department_touchpoints(session: Session, department_ids: frozenset[int]) -> frozenset[int]:
    if not department_ids:
        return frozenset()
    return frozenset(
        int(i)
        for i in session.scalars(
            select(TouchpointRow.id).where(TouchpointRow.department_id.in_(department_ids))
        )
    )


def _wanted(session: Session, filters: RollupFilters) -> dict[str, frozenset[Any]] | None:
    """dimension -> values kept (only the filtered ones); None when nothing can match."""
    touchpoints = filters.touchpoint_ids
    if filters.department_ids is not None:
        in_departments = _department_touchpoints(session, filters.department_ids)
        touchpoints = in_departments if touchpoints is None else touchpoints & in_departments
    wanted: dict[str, frozenset[Any] | None] = {
        "touchpoint_id": touchpoints,
        "channel_id": filters.channel_ids,
        "language": filters.languages,
        "region": filters.regions,
        "tier": filters.tiers,
        "product": filters.products,
    }
    out = {dim: values for dim, values in wanted.items() if values is not None}
    if any(not values for values in out.values()):
        return None
    return out


def _grain_for(dims: Iterable[str]) -> int:
    needed = frozenset(dims)
    for grain in (TOTAL, *range(2, 2 + len(DIMENSIONS))):
        if needed <= GRAINS[grain]:
            return int(grain)
    return FULL


def _in_clause(dim: str, values: frozenset[Any], params: dict[str, Any]) -> str:
    names = []
    for i, value in enumerate(sorted(values)):
        name = f"{dim}_{i}"
        params[name] = int(value) if dim in _INT_DIMS else str(value)
        names.append(f":{name}")
    return f"{dim} IN ({', '.join(names)})"


def _qualities(filters: RollupFilters) -> str:
    """Quality classes counted, as a list: with one class the planner knows it is fixed,
    so (day, value) follow the key's order and GROUP BY needs no sort."""
    return "0, 1" if filters.include_flagged else "0"


class _Days(dict[Any, date]):
    """Parsed days by their stored form: a year of histograms repeats 365 days in
    thousands of rows, and parsing each one cost as much as the query."""

    def __missing__(self, key: Any) -> date:
        value = self[key] = _as_date(key)
        return value


def _rollup_conditions(wanted: dict[str, frozenset[Any]], params: dict[str, Any]) -> list[str]:
    """The filters as conditions on the grain's columns. A grain without the touchpoint
    holds -1 there: saying so lets the day range seek (the touchpoint precedes the day
    in the key)."""
    conditions = [_in_clause(dim, values, params) for dim, values in wanted.items()]
    if "touchpoint_id" not in GRAINS[params["g"]]:
        conditions.insert(0, "touchpoint_id = -1")
    return conditions


def daily_score_counts(
    session: Session,
    *,
    survey_id: int,
    question: str,
    item: str = "",
    since: date,
    until: date,
    filters: RollupFilters = RollupFilters(),
) -> list[tuple[date, float, int]]:
    """(day, value, count) for answers with since <= day < until, days in UTC, by day
    then value, read from the rollups."""
    wanted = _wanted(session, filters)
    if wanted is None or since >= until:
        return []
    params: dict[str, Any] = {
        "s": survey_id,
        "q": question,
        "i": item,
        "g": _grain_for(wanted),
        "d0": _bind(_dialect(session), since),
        "d1": _bind(_dialect(session), until),
    }
    conditions = _rollup_conditions(wanted, params)
    sql = (
        "SELECT day, value, sum(count) FROM score_rollups "
        "WHERE survey_id = :s AND question = :q AND item = :i AND grain = :g "
        f"AND day >= :d0 AND day < :d1 AND quality IN ({_qualities(filters)})"
        + "".join(f" AND {c}" for c in conditions)
        + " GROUP BY day, value ORDER BY day, value"
    )
    days = _Days()
    return [(days[d], float(v), int(n)) for d, v, n in session.execute(text(sql), params).all()]


def daily_response_counts(
    session: Session,
    *,
    survey_id: int | None,
    since: date,
    until: date,
    filters: RollupFilters = RollupFilters(),
) -> list[tuple[date, int]]:
    """(day, responses) with since <= day < until (UTC), of one survey or all, by day."""
    wanted = _wanted(session, filters)
    if wanted is None or since >= until:
        return []
    params: dict[str, Any] = {
        "g": _grain_for(wanted),
        "d0": _bind(_dialect(session), since),
        "d1": _bind(_dialect(session), until),
    }
    conditions = _rollup_conditions(wanted, params)
    if survey_id is not None:
        params["s"] = survey_id
        conditions.append("survey_id = :s")
    sql = (
        "SELECT day, sum(count) FROM response_rollups "
        f"WHERE grain = :g AND day >= :d0 AND day < :d1 AND quality IN ({_qualities(filters)})"
        + "".join(f" AND {c}" for c in conditions)
        + " GROUP BY day ORDER BY day"
    )
    days = _Days()
    return [(days[d], int(n)) for d, n in session.execute(text(sql), params).all()]


def filter_values(session: Session, *, survey_id: int | None = None) -> RollupFilterValues:
    """The touchpoints, channels, languages and segments present in the response rollups
    (of one survey, or all), with the departments of those touchpoints."""
    found: dict[str, list[Any]] = {}
    for i, dim in enumerate(DIMENSIONS):
        params: dict[str, Any] = {"g": 2 + i}
        where = "grain = :g"
        if survey_id is not None:
            params["s"] = survey_id
            where += " AND survey_id = :s"
        blank = "0" if dim in _INT_DIMS else "''"
        found[dim] = sorted(
            session.scalars(
                text(
                    f"SELECT DISTINCT {dim} FROM response_rollups WHERE {where} AND {dim} <> {blank}"
                ),
                params,
            )
        )
    touchpoints = tuple(int(t) for t in found["touchpoint_id"])
    departments = sorted(
        {
            int(d)
            for d in session.scalars(
                select(TouchpointRow.department_id).where(
                    TouchpointRow.id.in_(touchpoints), TouchpointRow.department_id.is_not(None)
                )
            )
            if d is not None
        }
    )
    return RollupFilterValues(
        department_ids=tuple(departments),
        touchpoint_ids=touchpoints,
        channel_ids=tuple(int(c) for c in found["channel_id"]),
        languages=tuple(str(v) for v in found["language"]),
        regions=tuple(str(v) for v in found["region"]),
        tiers=tuple(str(v) for v in found["tier"]),
        products=tuple(str(v) for v in found["product"]),
    )


# --------------------------------------------------------------------------- naive scan


def _raw_conditions(
    session: Session, filters: RollupFilters, params: dict[str, Any]
) -> list[str] | None:
    wanted = _wanted(session, filters)
    if wanted is None:
        return None
    dims = _dimensions(_dialect(session))
    out = []
    for dim, values in wanted.items():
        clause = _in_clause(dim, values, params)
        out.append(dims[dim] + clause[len(dim) :])
    return out


def naive_daily_score_counts(
    session: Session,
    *,
    survey_id: int,
    question: str,
    item: str = "",
    since: date,
    until: date,
    filters: RollupFilters = RollupFilters(),
) -> list[tuple[date, float, int]]:
    """:func:`daily_score_counts` computed from the raw answers (the benchmark's
    baseline and a check): a scan of the survey's answers in the window."""
    params: dict[str, Any] = {
        "s": survey_id,
        "q": question,
        "i": item,
        "t0": _bind(_dialect(session), datetime(since.year, since.month, since.day)),
        "t1": _bind(_dialect(session), datetime(until.year, until.month, until.day)),
        "qmax": 1 if filters.include_flagged else 0,
    }
    conditions = _raw_conditions(session, filters, params)
    if conditions is None or since >= until:
        return []
    day = _day_sql(_dialect(session), "a.submitted_at")
    join = ""
    if conditions:
        join = (
            "JOIN responses r ON r.id = a.response_id "
            "LEFT JOIN customers c ON c.id = r.customer_id "
        )
    sql = (
        f"SELECT {day}, a.value, count(*) FROM answers a {join}"
        "WHERE a.survey_id = :s AND a.question = :q AND a.item = :i "
        "AND a.submitted_at >= :t0 AND a.submitted_at < :t1 "
        "AND a.value IS NOT NULL AND a.quality <= :qmax"
        + "".join(f" AND {c}" for c in conditions)
        + f" GROUP BY {day}, a.value ORDER BY {day}, a.value"
    )
    days = _Days()
    return [(days[d], float(v), int(n)) for d, v, n in session.execute(text(sql), params).all()]


def naive_daily_response_counts(
    session: Session,
    *,
    survey_id: int | None,
    since: date,
    until: date,
    filters: RollupFilters = RollupFilters(),
) -> list[tuple[date, int]]:
    """:func:`daily_response_counts` computed from the raw responses."""
    params: dict[str, Any] = {
        "t0": _bind(_dialect(session), datetime(since.year, since.month, since.day)),
        "t1": _bind(_dialect(session), datetime(until.year, until.month, until.day)),
        "qmax": 1 if filters.include_flagged else 0,
    }
    conditions = _raw_conditions(session, filters, params)
    if conditions is None or since >= until:
        return []
    if survey_id is not None:
        params["s"] = survey_id
        conditions.append("r.survey_id = :s")
    day = _day_sql(_dialect(session), "r.submitted_at")
    sql = (
        f"SELECT {day}, count(*) FROM responses r "
        "LEFT JOIN customers c ON c.id = r.customer_id "
        "WHERE r.submitted_at >= :t0 AND r.submitted_at < :t1 AND r.quality <= :qmax"
        + "".join(f" AND {c}" for c in conditions)
        + f" GROUP BY {day} ORDER BY {day}"
    )
    days = _Days()
    return [(days[d], int(n)) for d, n in session.execute(text(sql), params).all()]
