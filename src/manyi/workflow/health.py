"""Mechanism health: is the feedback loop itself working? (the periodic review)

For a period, against the period of the same length before it: response rates by channel
(invitations answered / made), time to first response (median and 90th percentile hours
from opening to the first response), closure rate (cases opened in the period that are
resolved or closed), reopen rate (of those resolved, reopened at least once), repeat
complaints (cases flagged as repeats), and backlog ageing (open cases now, by age).
Shares carry 95 % Wilson intervals and follow the scorecards' minimum n.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from manyi.accounts.scope import department_scope
from manyi.accounts.service import User
from manyi.errors import InvalidInput
from manyi.storage.database import Database
from manyi.storage.scorecards import (
    CaseFacts,
    cases_opened_between,
    invitations_by_channel,
    open_cases,
)
from manyi.storage.types import utcnow
from manyi.workflow.scorecards import Rate

#: Backlog age buckets (days): [0, 1), [1, 3), [3, 7), [7, 30), 30 and more.
AGE_EDGES = (1, 3, 7, 30)


@dataclass(frozen=True)
class ChannelRate:
    code: str
    name_zh: str
    name_en: str
    rate: Rate


@dataclass(frozen=True)
class PeriodHealth:
    since: datetime
    until: datetime
    cases: int
    first_response_median_h: float | None
    first_response_p90_h: float | None
    closure: Rate
    reopen: Rate
    repeat: Rate
    channels: list[ChannelRate]


@dataclass(frozen=True)
class Health:
    current: PeriodHealth
    previous: PeriodHealth
    backlog: list[tuple[str, int]]  # (bucket label, open cases)
    backlog_total: int


def period_health(
    db: Database, since: datetime, until: datetime, scope_ids: frozenset[int] | None
) -> PeriodHealth:
    """The review of the cases opened in [since, until) in the departments ``scope_ids``
    (None: every case); the reports ask it for their department and period."""
    with db.session() as s:
        cases = [c for c in cases_opened_between(s, since, until) if _in(c, scope_ids)]
        channels = invitations_by_channel(s, since, until)
    hours = [
        (c.first_responded_at - c.opened_at).total_seconds() / 3600
        for c in cases
        if c.first_responded_at is not None
    ]
    enough = len(hours) >= 10
    resolved = [c for c in cases if c.resolved_at is not None]
    return PeriodHealth(
        since=since,
        until=until,
        cases=len(cases),
        first_response_median_h=float(np.median(hours)) if enough else None,
        first_response_p90_h=float(np.percentile(hours, 90)) if enough else None,
        closure=Rate.of(len(resolved), len(cases)),
        reopen=Rate.of(sum(1 for c in resolved if c.reopen_count > 0), len(resolved)),
        repeat=Rate.of(sum(1 for c in cases if c.repeat_of_id is not None), len(cases)),
        # Invitations carry no department: the channel rates are the company's.
        channels=[ChannelRate(c, zh, en, Rate.of(a, n)) for c, zh, en, n, a in channels],
    )


def _in(case: CaseFacts, scope_ids: frozenset[int] | None) -> bool:
    return scope_ids is None or (case.department_id is not None and case.department_id in scope_ids)


def _bucket(age_days: float) -> str:
    for edge, label in zip(AGE_EDGES, ("<1d", "1-3d", "3-7d", "7-30d"), strict=True):
        if age_days < edge:
            return label
    return "30d+"


def mechanism_health(
    db: Database, user: User, *, days: int = 30, now: datetime | None = None
) -> Health:
    """The review of the last ``days`` days against the ``days`` before them."""
    if not 7 <= days <= 366:
        raise InvalidInput("the review period is 7 to 366 days")
    now = now or utcnow()
    scope_ids = department_scope(db, user).department_ids
    span = timedelta(days=days)
    current = period_health(db, now - span, now, scope_ids)
    previous = period_health(db, now - 2 * span, now - span, scope_ids)
    with db.session() as s:
        backlog_cases = [c for c in open_cases(s) if _in(c, scope_ids)]
    return Health(current, previous, backlog_ageing(backlog_cases, now), len(backlog_cases))


def backlog_ageing(cases: list[CaseFacts], now: datetime) -> list[tuple[str, int]]:
    """(bucket label, cases) of open ``cases`` by age at ``now``, every bucket listed."""
    counts = dict.fromkeys(("<1d", "1-3d", "3-7d", "7-30d", "30d+"), 0)
    for case in cases:
        counts[_bucket((now - case.opened_at).total_seconds() / 86400)] += 1
    return list(counts.items())
