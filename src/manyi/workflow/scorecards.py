"""Scorecards per department and staff member, and the incentive points ledger.

For a period (cases opened in it): cases, resolved, first-response and resolution SLA
met (a case counts once it has the time and a due time), post-resolution CSAT (share
of follow-up answers 4–5 on the 1–5 scale, and the mean), repeat complaints (cases
flagged as a repeat of an earlier one), attributed satisfaction (departments: the share
of CSAT answers 4–5 in survey responses at the department's touchpoints, from the
rollups; staff: their cases' post-resolution CSAT) and points. Every share carries a
95 % Wilson interval (:func:`manyi.stats.wilson_interval`); with fewer than
:data:`MIN_N` cases in the denominator it is "not enough data" (``share`` None), so that
a performance review never ranks people on two cases.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import fmean

from manyi.accounts.scope import department_scope
from manyi.accounts.service import User
from manyi.errors import InvalidInput, NotFound
from manyi.stats import wilson_interval
from manyi.storage.audit import add_audit_entry
from manyi.storage.database import Database
from manyi.storage.rollups import RollupFilters, daily_score_counts
from manyi.storage.scorecards import (
    CaseFacts,
    add_points,
    cases_opened_between,
    department_labels,
    holder_exists,
    points_balances,
    points_entries,
    user_labels,
)
from manyi.storage.surveys import current_surveys
from manyi.storage.types import utcnow

#: Fewest cases (or answers) behind a share that a scorecard shows.
MIN_N = 10
HOLDER_KINDS = ("customer", "department", "user")


@dataclass(frozen=True)
class Rate:
    """``hits`` of ``n`` with its Wilson interval; ``share`` None below :data:`MIN_N`."""

    hits: int
    n: int
    share: float | None
    low: float | None
    high: float | None

    @classmethod
    def of(cls, hits: int, n: int, min_n: int = MIN_N) -> Rate:
        if n < min_n or n == 0:
            return cls(hits, n, None, None, None)
        low, high = wilson_interval(hits, n)
        return cls(hits, n, hits / n, low, high)


@dataclass(frozen=True)
class Scorecard:
    kind: str  # "department" or "user"
    id: int
    label_zh: str
    label_en: str
    cases: int
    resolved: int
    first_response_sla: Rate
    resolution_sla: Rate
    post_csat: Rate
    post_csat_mean: float | None
    repeat: Rate
    attributed: Rate
    points: int


@dataclass(frozen=True)
class Scorecards:
    since: datetime
    until: datetime
    min_n: int
    departments: list[Scorecard]
    staff: list[Scorecard]


def sla_rate(cases: Iterable[CaseFacts], done: str, due: str) -> Rate:
    """Of ``cases`` with both the ``done`` time and its ``due`` time: those done in time
    (the scorecards' and the reports' SLA met)."""
    pairs = [(getattr(c, done), getattr(c, due)) for c in cases]
    timed = [(d, u) for d, u in pairs if d is not None and u is not None]
    return Rate.of(sum(1 for d, u in timed if d <= u), len(timed))


def _card(
    kind: str,
    key: int,
    labels: tuple[str, str],
    cases: list[CaseFacts],
    attributed: Rate,
    points: int,
) -> Scorecard:
    answered = [c.post_csat for c in cases if c.post_csat is not None]
    return Scorecard(
        kind=kind, id=key, label_zh=labels[0], label_en=labels[1], cases=len(cases),
        resolved=sum(1 for c in cases if c.resolved_at is not None),
        first_response_sla=sla_rate(cases, "first_responded_at", "first_response_due_at"),
        resolution_sla=sla_rate(cases, "resolved_at", "resolution_due_at"),
        post_csat=Rate.of(sum(1 for v in answered if v >= 4), len(answered)),
        post_csat_mean=fmean(answered) if len(answered) >= MIN_N else None,
        repeat=Rate.of(sum(1 for c in cases if c.repeat_of_id is not None), len(cases)),
        attributed=attributed, points=points,
    )  # fmt: skip


def _csat_questions(db: Database) -> list[tuple[int, str]]:
    with db.session() as s:
        return [
            (survey.id, str(q["code"]))
            for survey in current_surveys(s)
            for q in survey.definition.get("questions", [])
            if q.get("kind") == "csat"
        ]


def attributed_satisfaction(
    db: Database, department_id: int, since: datetime, until: datetime
) -> Rate:
    """Share of CSAT answers 4–5 in responses at the department's touchpoints."""
    satisfied = total = 0
    with db.session() as s:
        for survey_id, question in _csat_questions(db):
            for _day, value, count in daily_score_counts(
                s, survey_id=survey_id, question=question, since=since.date(),
                until=until.date(), filters=RollupFilters(department_ids=frozenset({department_id})),
            ):  # fmt: skip
                total += count
                satisfied += count if value >= 4 else 0
    return Rate.of(satisfied, total)


def scorecards(
    db: Database, user: User, *, since: datetime | None = None, until: datetime | None = None
) -> Scorecards:
    """Scorecards of the departments (and their staff) in the user's scope."""
    until = until or utcnow()
    since = since or until - timedelta(days=90)
    if since >= until:
        raise InvalidInput("the period must start before it ends")
    scope = department_scope(db, user)
    with db.session() as s:
        cases = cases_opened_between(s, since, until)
        departments = department_labels(s)
        users = user_labels(s)
        team_points, staff_points = points_balances(s, "department"), points_balances(s, "user")
    by_dep: dict[int, list[CaseFacts]] = {}
    by_user: dict[int, list[CaseFacts]] = {}
    for case in cases:
        if case.department_id is not None:
            by_dep.setdefault(case.department_id, []).append(case)
        if case.assignee_id is not None:
            by_user.setdefault(case.assignee_id, []).append(case)
    dep_cards = [
        _card("department", dep, (zh, en), by_dep.get(dep, []),
              attributed_satisfaction(db, dep, since, until), team_points.get(dep, 0))
        for dep, (_code, zh, en) in sorted(departments.items(), key=lambda d: d[1][0])
        if scope.allows(dep)
    ]  # fmt: skip
    staff_cards = []
    for user_id, handled in sorted(by_user.items()):
        name, home = users.get(user_id, (f"#{user_id}", None))
        if not scope.allows(home) and not any(scope.allows(c.department_id) for c in handled):
            continue
        answered = [c.post_csat for c in handled if c.post_csat is not None]
        # A staff member's attributed satisfaction is their own cases' follow-up CSAT.
        attributed = Rate.of(sum(1 for v in answered if v >= 4), len(answered))
        staff_cards.append(
            _card("user", user_id, (name, name), handled, attributed, staff_points.get(user_id, 0))
        )
    return Scorecards(since, until, MIN_N, dep_cards, staff_cards)


@dataclass(frozen=True)
class PointsEntry:
    id: int
    holder_kind: str
    holder_id: int
    points: int
    reason: str
    subject_kind: str | None
    subject_id: int | None
    created_at: datetime


def award_points(
    db: Database,
    *,
    holder_kind: str,
    holder_id: int,
    points: int,
    reason: str,
    subject_kind: str | None = None,
    subject_id: int | None = None,
    actor: User | None = None,
    at: datetime | None = None,
) -> PointsEntry:
    """Record points for a customer (feedback given), a team or a staff member (handled
    well); negative points correct an earlier entry (the ledger is never edited)."""
    if holder_kind not in HOLDER_KINDS:
        raise InvalidInput(f"points go to one of {', '.join(HOLDER_KINDS)}")
    if points == 0 or abs(points) > 100_000:
        raise InvalidInput("points must be a non-zero whole number up to 100,000")
    if not reason.strip():
        raise InvalidInput("say why the points are given")
    with db.session() as s:
        if not holder_exists(s, holder_kind, holder_id):
            raise NotFound(f"no {holder_kind} with id {holder_id}")
        row = add_points(
            s,
            {
                "holder_kind": holder_kind, "holder_id": holder_id, "points": points,
                "reason": reason.strip()[:300], "subject_kind": subject_kind,
                "subject_id": subject_id, "created_by": actor.id if actor else None,
                "created_at": at or utcnow(),
            },
        )  # fmt: skip
        add_audit_entry(
            s, action="points.award", subject_kind=holder_kind, subject_id=holder_id,
            detail={"points": points, "reason": row.reason},
            actor=actor.email if actor else "system", actor_user_id=actor.id if actor else None,
        )  # fmt: skip
        return PointsEntry(row.id, row.holder_kind, row.holder_id, row.points, row.reason,
                           row.subject_kind, row.subject_id, row.created_at)  # fmt: skip


def points_ledger(
    db: Database, *, holder_kind: str | None = None, holder_id: int | None = None, limit: int = 100
) -> list[PointsEntry]:
    with db.session() as s:
        return [
            PointsEntry(
                r.id,
                r.holder_kind,
                r.holder_id,
                r.points,
                r.reason,
                r.subject_kind,
                r.subject_id,
                r.created_at,
            )
            for r in points_entries(s, holder_kind=holder_kind, holder_id=holder_id, limit=limit)
        ]
