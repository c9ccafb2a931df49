"""Rollups equal the raw computation exactly: after intake (single responses and batches,
flagged ones), analysts' exclusions, erasure, retention purge and segment changes, for
random filters, on SQLite and PostgreSQL; concurrent intake keeps the counts exact.

The expected numbers are computed here in Python from the stored rows (the ORM objects),
independently of the SQL that builds the rollups."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from factories import make_reference_data, make_survey
from manyi.accounts.service import create_department
from manyi.ingestion.pipeline import IntakeOptions, ResponseBatch, record
from manyi.ingestion.responses import ResponseIn
from manyi.storage.contacts import ContactUpsert, upsert_customers
from manyi.storage.database import Database
from manyi.storage.exclusions import set_exclusion
from manyi.storage.migrate import downgrade, upgrade
from manyi.storage.privacy import erase_customer, purge_batch
from manyi.storage.rollups import (
    RollupFilters,
    daily_response_counts,
    daily_score_counts,
    filter_values,
    naive_daily_response_counts,
    naive_daily_score_counts,
    rebuild,
)
from manyi.storage.tables import (
    AnswerRow,
    ChannelRow,
    CustomerRow,
    ResponseRow,
    ScoreRollupRow,
    TouchpointRow,
)

QUESTIONS = [
    {"code": "nps", "kind": "nps", "text": "推荐可能性", "required": True},
    {"code": "csat", "kind": "csat", "text": "满意度"},
    {
        "code": "grid",
        "kind": "matrix",
        "text": "各项评价",
        "rows": [{"code": "a", "text": "准时"}, {"code": "b", "text": "专业"}],
    },
    {"code": "comment", "kind": "open", "text": "建议"},
]
#: (question, item) pairs checked.
CELLS = [("nps", ""), ("csat", ""), ("grid", "a"), ("grid", "b")]
START = datetime(2026, 3, 1)
SINCE, UNTIL = date(2026, 2, 1), date(2026, 5, 1)
SEGMENTS = {"region": ["华东", "华北", "west"], "tier": ["gold", "silver"], "product": ["fiber"]}
CUSTOMERS = [f"c{i}" for i in range(6)]
ALL = RollupFilters()


def _reference(db: Database) -> None:
    """Two channels, three touchpoints: two in two departments, one in none."""
    make_reference_data(db)  # care department, web and sms channels, repair touchpoint
    sales = create_department(db, "sales", "销售部", "Sales")
    with db.session() as s:
        s.add(TouchpointRow(code="shop", stage="purchase", name_zh="门店", department_id=sales))
        s.add(TouchpointRow(code="hotline", stage="support", name_zh="热线"))


@dataclass(frozen=True)
class Plan:
    """One generated response."""

    nps: int
    csat: int | None
    grid: tuple[int | None, int | None]
    channel: str | None
    touchpoint: str | None
    language: str | None
    customer: str | None
    minutes: int
    flagged: bool


plans = st.builds(
    Plan,
    nps=st.integers(0, 10),
    csat=st.none() | st.integers(1, 5),
    grid=st.tuples(st.none() | st.integers(1, 5), st.none() | st.integers(1, 5)),
    channel=st.sampled_from([None, "web", "sms"]),
    touchpoint=st.sampled_from([None, "repair", "shop", "hotline"]),
    language=st.sampled_from([None, "zh-CN", "en"]),
    customer=st.none() | st.sampled_from(CUSTOMERS),
    # four days, with answers on both sides of midnight UTC
    minutes=st.integers(0, 4 * 24 * 60 - 1),
    flagged=st.booleans(),
)
segment_values = st.fixed_dictionaries(
    {key: st.sampled_from(values) for key, values in SEGMENTS.items()}
)


def _response(plan: Plan, key: str) -> ResponseIn:
    answers: dict[str, Any] = {"nps": plan.nps}
    if plan.csat is not None:
        answers["csat"] = plan.csat
    grid = {code: v for code, v in zip(("a", "b"), plan.grid, strict=True) if v is not None}
    if grid:
        answers["grid"] = grid
    answers["comment"] = f"第{key}条意见"
    return ResponseIn(
        answers=answers,
        customer=plan.customer,
        channel=plan.channel,
        touchpoint=plan.touchpoint,
        language=plan.language,
        submitted_at=START + timedelta(minutes=plan.minutes),
        external_key=key,
        # A channel's own flag makes the response "flagged" (quality 1).
        quality_flags=("too_fast",) if plan.flagged else (),
    )


# --------------------------------------------------------------------------- the oracle


@dataclass(frozen=True)
class RawResponse:
    day: date
    quality: int
    dims: dict[str, Any]
    cells: dict[tuple[str, str], list[tuple[float, int]]]


def _raw(db: Database, survey_id: int | None) -> list[RawResponse]:
    """Every response (of one survey, or all) with its dimensions and answers, from the ORM."""
    with db.session() as s:
        departments = {t.id: t.department_id for t in s.scalars(select(TouchpointRow))}
        customers = {c.id: dict(c.segments or {}) for c in s.scalars(select(CustomerRow))}
        query = select(ResponseRow)
        if survey_id is not None:
            query = query.where(ResponseRow.survey_id == survey_id)
        out = []
        for r in s.scalars(query):
            cells: dict[tuple[str, str], list[tuple[float, int]]] = {}
            for a in s.scalars(select(AnswerRow).where(AnswerRow.response_id == r.id)):
                assert a.submitted_at == r.submitted_at and a.quality == r.quality
                if a.value is not None:
                    cells.setdefault((a.question, a.item), []).append((a.value, a.quality))
            segments = customers.get(r.customer_id, {}) if r.customer_id else {}
            dims = {
                "department": departments.get(r.touchpoint_id) if r.touchpoint_id else None,
                # 0 stands for "none" in the filters (RollupFilters)
                "touchpoint": r.touchpoint_id or 0,
                "channel": r.channel_id or 0,
                "language": r.language or "",
                **{key: str(segments.get(key, "")) for key in SEGMENTS},
            }
            out.append(RawResponse(r.submitted_at.date(), r.quality, dims, cells))
        return out


def _keeps(f: RollupFilters, r: RawResponse) -> bool:
    checks: list[tuple[frozenset[Any] | None, Any]] = [
        (f.department_ids, r.dims["department"]),
        (f.touchpoint_ids, r.dims["touchpoint"]),
        (f.channel_ids, r.dims["channel"]),
        (f.languages, r.dims["language"]),
        (f.regions, r.dims["region"]),
        (f.tiers, r.dims["tier"]),
        (f.products, r.dims["product"]),
    ]
    if any(allowed is not None and value not in allowed for allowed, value in checks):
        return False
    return r.quality == 0 or (r.quality == 1 and f.include_flagged)


def expected_scores(
    raw: list[RawResponse], cell: tuple[str, str], f: RollupFilters
) -> list[tuple[date, float, int]]:
    counts: Counter[tuple[date, float]] = Counter()
    for r in raw:
        if SINCE <= r.day < UNTIL and _keeps(f, r):
            for value, _ in r.cells.get(cell, []):
                counts[(r.day, value)] += 1
    return [(d, v, n) for (d, v), n in sorted(counts.items())]


def expected_responses(raw: list[RawResponse], f: RollupFilters) -> list[tuple[date, int]]:
    counts = Counter(r.day for r in raw if SINCE <= r.day < UNTIL and _keeps(f, r))
    return sorted(counts.items())


def _ids(db: Database) -> dict[str, dict[str, int]]:
    with db.session() as s:
        return {
            "channels": {c.code: c.id for c in s.scalars(select(ChannelRow))},
            "touchpoints": {t.code: t.id for t in s.scalars(select(TouchpointRow))},
            "departments": {
                code: int(i)
                for code, i in s.execute(text("SELECT code, id FROM departments")).all()
            },
        }


@st.composite
def filters(draw: st.DrawFn, ids: dict[str, dict[str, int]]) -> RollupFilters:
    """Random filters: each dimension unfiltered or a random subset of known values
    (plus, sometimes, an unknown one)."""

    def subset(values: list[Any]) -> frozenset[Any] | None:
        if draw(st.booleans()):
            return None
        return frozenset(draw(st.lists(st.sampled_from(values), min_size=1, max_size=3)))

    return RollupFilters(
        department_ids=subset([*ids["departments"].values(), 999]),
        touchpoint_ids=subset([*ids["touchpoints"].values(), 0]),
        channel_ids=subset([*ids["channels"].values(), 0]),
        languages=subset(["zh-CN", "en", ""]),
        regions=subset([*SEGMENTS["region"], ""]),
        tiers=subset([*SEGMENTS["tier"], ""]),
        products=subset([*SEGMENTS["product"], ""]),
        include_flagged=draw(st.booleans()),
    )


def assert_exact(db: Database, survey_id: int, f: RollupFilters) -> None:
    raw = _raw(db, survey_id)
    with db.session() as s:
        for question, item in CELLS:
            args: dict[str, Any] = {
                "survey_id": survey_id,
                "question": question,
                "item": item,
                "since": SINCE,
                "until": UNTIL,
                "filters": f,
            }
            want = expected_scores(raw, (question, item), f)
            assert daily_score_counts(s, **args) == want, (question, item, f)
            assert naive_daily_score_counts(s, **args) == want, (question, item, f)
        want_r = expected_responses(raw, f)
        args = {"survey_id": survey_id, "since": SINCE, "until": UNTIL, "filters": f}
        assert daily_response_counts(s, **args) == want_r, f
        assert naive_daily_response_counts(s, **args) == want_r, f


# --------------------------------------------------------------------------- tests


@settings(
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_rollups_equal_the_raw_rows_through_every_change(db: Database, data: st.DataObject) -> None:
    if not _ids(db)["touchpoints"]:
        _reference(db)
    ids = _ids(db)
    survey_id = make_survey(db, questions=QUESTIONS).id
    # Customers with segments (some changed later), known before the responses name them.
    with db.session() as s:
        upsert_customers(
            s,
            [
                ContactUpsert(external_id=c, segments=data.draw(segment_values))
                for c in CUSTOMERS[:-1]  # the last one is made at intake, without segments
            ],
        )
    responses = data.draw(st.lists(plans, min_size=1, max_size=25), label="responses")
    batches = data.draw(st.integers(1, 3), label="batches")
    key = f"s{survey_id}-"
    for b in range(batches):
        part = responses[b::batches]
        if part:
            items = [_response(p, f"{key}{b}-{i}") for i, p in enumerate(part)]
            record(db, ResponseBatch(survey_id, items), IntakeOptions(require_active=False))
    # A response sent twice is stored once and counted once.
    record(
        db,
        ResponseBatch(survey_id, [_response(responses[0], f"{key}0-0")]),
        IntakeOptions(require_active=False),
    )
    assert_exact(db, survey_id, data.draw(filters(ids), label="after intake"))

    with db.session() as s:
        stored = list(s.scalars(select(ResponseRow.id).where(ResponseRow.survey_id == survey_id)))
    for response_id in data.draw(st.lists(st.sampled_from(stored), max_size=6), label="reviewed"):
        decision = data.draw(st.sampled_from([True, False, None]))
        with db.session() as s:
            set_exclusion(s, response_id, excluded=decision, reason="test", user_id=None, now=START)
    assert_exact(db, survey_id, data.draw(filters(ids), label="after review"))

    changed = data.draw(st.lists(st.sampled_from(CUSTOMERS[:-1]), max_size=2, unique=True))
    with db.session() as s:
        upsert_customers(
            s, [ContactUpsert(external_id=c, segments=data.draw(segment_values)) for c in changed]
        )
    assert_exact(db, survey_id, data.draw(filters(ids), label="after segment change"))

    for customer in data.draw(st.lists(st.sampled_from(CUSTOMERS), max_size=2, unique=True)):
        with db.session() as s:
            erase_customer(s, customer, erased_text=lambda _: "[已删除]")
    assert_exact(db, survey_id, data.draw(filters(ids), label="after erasure"))

    cutoff = START + timedelta(minutes=data.draw(st.integers(0, 4 * 24 * 60)))
    with db.session() as s:
        purge_batch(s, survey_id, cutoff, limit=data.draw(st.integers(1, 30)))
    assert_exact(db, survey_id, data.draw(filters(ids), label="after purge"))
    assert_exact(db, survey_id, ALL)


def _seed(db: Database, count: int = 30) -> int:
    _reference(db)
    survey_id = make_survey(db, questions=QUESTIONS).id
    items = [
        _response(
            Plan(
                nps=i % 11,
                csat=1 + i % 5,
                grid=(1 + i % 5, None),
                channel=[None, "web", "sms"][i % 3],
                touchpoint=[None, "repair", "shop", "hotline"][i % 4],
                language=["zh-CN", "en", None][i % 3],
                customer=CUSTOMERS[i % len(CUSTOMERS)],
                minutes=i * 97,
                flagged=i % 7 == 0,
            ),
            f"k{i}",
        )
        for i in range(count)
    ]
    record(db, ResponseBatch(survey_id, items), IntakeOptions(require_active=False))
    return int(survey_id)


def test_filters_pick_grains_and_agree_with_the_scan(db: Database) -> None:
    survey_id = _seed(db, 60)
    ids = _ids(db)
    cases = [
        ALL,
        RollupFilters(include_flagged=True),
        RollupFilters(department_ids=frozenset({ids["departments"]["care"]})),
        RollupFilters(touchpoint_ids=frozenset({0})),  # no touchpoint
        RollupFilters(
            channel_ids=frozenset({ids["channels"]["web"]}),
            languages=frozenset({"zh-CN"}),
            touchpoint_ids=frozenset(ids["touchpoints"].values()),
        ),
        RollupFilters(regions=frozenset({""})),
        RollupFilters(languages=frozenset()),  # an empty set keeps nothing
    ]
    for f in cases:
        assert_exact(db, survey_id, f)
    with db.session() as s:
        assert (
            daily_score_counts(
                s, survey_id=survey_id, question="nps", since=SINCE, until=SINCE, filters=ALL
            )
            == []
        )
        total = sum(
            n
            for _, _, n in daily_score_counts(
                s,
                survey_id=survey_id,
                question="nps",
                since=SINCE,
                until=UNTIL,
                filters=RollupFilters(include_flagged=True),
            )
        )
    # every response answered nps; none was excluded
    assert total == 60


def test_filter_values_list_what_is_present(db: Database) -> None:
    survey_id = _seed(db, 12)
    ids = _ids(db)
    with db.session() as s:
        upsert_customers(s, [ContactUpsert(external_id="c1", segments={"region": "华东"})])
        found = filter_values(s, survey_id=survey_id)
        everywhere = filter_values(s)
    assert found == everywhere
    assert found.touchpoint_ids == tuple(sorted(ids["touchpoints"].values()))
    # the hotline belongs to no department
    assert found.department_ids == tuple(sorted(ids["departments"].values()))
    assert found.channel_ids == tuple(sorted(ids["channels"].values()))
    assert found.languages == ("en", "zh-CN")
    assert found.regions == ("华东",)
    assert found.tiers == () and found.products == ()


def test_rebuild_reproduces_what_intake_maintained(db: Database) -> None:
    survey_id = _seed(db, 40)
    columns = [c.name for c in ScoreRollupRow.__table__.columns]

    def snapshot() -> list[tuple[Any, ...]]:
        with db.session() as s:
            return sorted(
                tuple(row)
                for row in s.execute(text(f"SELECT {', '.join(columns)} FROM score_rollups"))
            )

    kept = snapshot()
    assert kept
    with db.session() as s:
        score_rows, response_rows = rebuild(s)
    assert snapshot() == kept
    assert score_rows == len(kept) and response_rows > 0
    with db.session() as s:
        rebuild(s, survey_id)
    assert snapshot() == kept


def test_an_upgrade_through_0010_fills_the_rollups_of_stored_answers(db: Database) -> None:
    survey_id = _seed(db, 25)
    downgrade(db, "0009")
    upgrade(db)
    assert_exact(db, survey_id, ALL)
    assert_exact(db, survey_id, RollupFilters(include_flagged=True, languages=frozenset({"en"})))


def test_concurrent_intake_keeps_counts_exact(db: Database) -> None:
    """Eight writers add single responses and batches to the same buckets (same day, same
    dimensions) while a ninth keeps excluding and re-admitting one response, which
    recomputes those buckets: no increment may be lost or counted twice."""
    survey_id = _seed(db, 5)
    with db.session() as s:
        reviewed = int(
            s.scalars(select(ResponseRow.id).where(ResponseRow.survey_id == survey_id)).first() or 0
        )
    errors: list[BaseException] = []
    done = threading.Event()

    def writer(n: int) -> None:
        try:
            for i in range(6):
                plan = Plan(9, 5, (4, 4), "web", "repair", "zh-CN", "c1", 30, False)
                size = 1 + (i % 3)
                items = [_response(plan, f"w{n}-{i}-{j}") for j in range(size)]
                record(db, ResponseBatch(survey_id, items), IntakeOptions(require_active=False))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def reviewer() -> None:
        try:
            flip = True
            while not done.is_set():
                with db.session() as s:
                    set_exclusion(s, reviewed, excluded=flip, reason=None, user_id=None, now=START)
                flip = not flip
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    review = threading.Thread(target=reviewer)
    review.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    review.join()
    assert not errors, errors
    assert_exact(db, survey_id, ALL)
    assert_exact(db, survey_id, RollupFilters(channel_ids=frozenset({_ids(db)["channels"]["web"]})))
    with db.session() as s:
        total = sum(
            n
            for _, n in daily_response_counts(
                s,
                survey_id=survey_id,
                since=SINCE,
                until=UNTIL,
                filters=RollupFilters(include_flagged=True),
            )
        )
        excluded = s.scalar(select(ResponseRow.quality).where(ResponseRow.id == reviewed))
    assert total == 5 + 8 * (1 + 2 + 3 + 1 + 2 + 3) - (1 if excluded == 2 else 0)
