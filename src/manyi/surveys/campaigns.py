"""Invitation campaigns: a survey sent to a sample of a contact list, under contact rules.

:func:`run_campaign` decides, in one transaction with the list's customers locked, who is
invited: a member is skipped, with one reason each, when it has no address on the
channel (``no_address``), opted out through an invitation's link (``opted_out``), has
not agreed to be contacted (``no_consent``), was invited to this survey before
(``already_invited``) or was invited to any survey within the fatigue window
(``fatigue``). From the members left, the sample is drawn (``not_sampled`` for the
others): a simple random sample, or one stratified by a segment attribute with each
stratum's share kept (largest remainders), reproducible with the seed. Each chosen
customer gets an invitation request, then one sending job (``send-invitation-email`` or
``send-invitation-sms``) is queued per request.

The same campaign posted twice with the same Idempotency-Key is found, not run again:
nothing is queued twice (requests left ``claimed`` by a process that stopped are queued
then). A key reused with another body is a Conflict.
"""

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from manyi.errors import ChannelError, Conflict, FieldError, InvalidInput, NotFound
from manyi.storage.campaigns import (
    NewRequest,
    PendingRequest,
    add_campaign,
    add_requests,
    already_invited,
    campaign_by_key,
    claimed_requests,
    lock_customers,
    recently_invited,
    record_request_result,
    request_states,
    set_campaign_counts,
    set_request_state,
    take_requests,
)
from manyi.storage.contacts import Member, chunks, list_exists, list_members, opted_out_customers
from manyi.storage.database import Database
from manyi.storage.references import References
from manyi.surveys.links import refuse_invitations_unless_taken

CHANNELS = ("email", "sms")
LANGUAGES = ("zh-CN", "en")
#: Skip reasons, in the order they are checked (a member counts under the first only).
REASONS = ("no_address", "opted_out", "no_consent", "already_invited", "fatigue")
MAX_FATIGUE_DAYS = 3650


@dataclass(frozen=True)
class InvitationJob:
    """One invitation to send: what the channel's sending job is called with."""

    request_id: int
    channel: str
    survey_id: int
    customer: str
    language: str | None
    channel_code: str | None
    touchpoint: str | None
    #: When to send (naive UTC); the queue holds the job until then.
    send_at: datetime


#: Queues one sending job; raises ChannelError when the queue cannot take it.
Enqueue = Callable[[InvitationJob], None]


@dataclass(frozen=True)
class Sample:
    """How many to draw: ``size`` customers or a ``fraction`` of those who may be invited;
    ``seed`` makes the draw repeatable; ``stratify_by`` names a segment attribute."""

    size: int | None = None
    fraction: float | None = None
    seed: int | None = None
    stratify_by: str | None = None


@dataclass(frozen=True)
class CampaignSpec:
    list_id: int
    channel: str
    sample: Sample | None = None
    fatigue_days: int | None = None
    language: str | None = None
    channel_code: str | None = None
    touchpoint: str | None = None


@dataclass
class CampaignResult:
    """What a campaign did: ``invited`` customers (requests made), ``queued`` sending jobs,
    ``skipped`` by reason (``not_sampled`` included); ``strata`` per stratum value."""

    id: int
    survey_id: int
    list_id: int | None
    channel: str
    members: int
    invited: int
    queued: int
    skipped: dict[str, int]
    seed: int | None
    fatigue_days: int
    strata: dict[str, dict[str, int]] = field(default_factory=dict)
    repeated: bool = False
    failed: int = 0


def run_campaign(
    db: Database,
    survey_id: int,
    spec: CampaignSpec,
    *,
    enqueue: Enqueue,
    default_fatigue_days: int,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> CampaignResult:
    """Invite a sample of contact list ``spec.list_id`` to survey ``survey_id``.

    Raises NotFound (survey, list), Conflict (closed survey; an Idempotency-Key used for
    another campaign), InvalidInput (channel, language, sample, fatigue, unknown codes) and
    ChannelError when the queue refused some jobs (those requests are marked ``failed``
    and counted in ``failed``; the others stay queued).
    """
    params = _params(spec, default_fatigue_days)
    at = _utc_naive(now)
    _check_target(db, survey_id, spec)
    key = (idempotency_key or "").strip() or None
    if key is not None:
        repeated = _repeat(db, survey_id, key, params, enqueue)
        if repeated is not None:
            return repeated
    decided = _decide(db, survey_id, spec, params, key, at)
    if decided is None:
        # Another request with this key won the insert a moment ago; it does the work.
        repeated = _repeat(db, survey_id, key or "", params, enqueue)
        if repeated is not None:
            return repeated
        raise Conflict("the same campaign is being sent by another request; try again")
    campaign_id, request_ids, counts = decided
    skipped, strata = counts["skipped"], counts["strata"]
    queued, failed, error = dispatch(db, request_ids, enqueue)
    result = CampaignResult(
        id=campaign_id,
        survey_id=survey_id,
        list_id=spec.list_id,
        channel=spec.channel,
        members=counts["members"],
        invited=counts["invited"],
        queued=queued,
        skipped=skipped,
        seed=params["seed"],
        fatigue_days=params["fatigue_days"],
        strata=strata,
        failed=failed,
    )
    if error:
        raise ChannelError(
            f"campaign {campaign_id}: {queued} of {len(request_ids)} invitations queued; "
            f"{failed} could not be ({error}); they were not sent and the customers may be "
            "invited again"
        )
    return result


def _decide(
    db: Database,
    survey_id: int,
    spec: CampaignSpec,
    params: dict[str, Any],
    key: str | None,
    at: datetime,
) -> tuple[int, list[int], dict[str, Any]] | None:
    """Record the campaign and its requests in one transaction, the list's customers
    locked; (campaign id, request ids, counts), or None when the key is taken."""
    with db.session() as s:
        campaign_id = add_campaign(
            s,
            survey_id=survey_id,
            list_id=spec.list_id,
            channel=spec.channel,
            idempotency_key=key,
            params=params,
        )
        if campaign_id is None:
            return None
        members = list_members(s, spec.list_id)
        lock_customers(s, (m.customer_id for m in members))
        skipped, eligible = classify(
            s, survey_id, members, spec.channel, fatigue_days=params["fatigue_days"], now=at
        )
        chosen, strata = draw(eligible, _sample(params), params["seed"])
        skipped["not_sampled"] = len(eligible) - len(chosen)
        request_ids = add_requests(
            s,
            [
                NewRequest(
                    survey_id=survey_id,
                    customer_id=m.customer_id,
                    channel=spec.channel,
                    send_at=at,
                    language=spec.language,
                    channel_code=spec.channel_code,
                    touchpoint=spec.touchpoint,
                    campaign_id=campaign_id,
                )
                for m in chosen
            ],
        )
        counts: dict[str, Any] = {
            "members": len(members),
            "invited": len(chosen),
            "skipped": skipped,
            "strata": strata,
        }
        set_campaign_counts(s, campaign_id, counts)
    return campaign_id, request_ids, counts


def classify(
    session: Any,
    survey_id: int,
    members: list[Member],
    channel: str,
    *,
    fatigue_days: int,
    now: datetime,
) -> tuple[dict[str, int], list[Member]]:
    """(skipped count by reason, members who may be invited), the customers being locked."""
    ids = [m.customer_id for m in members]
    opted = opted_out_customers(session, ids)
    before = already_invited(session, survey_id, ids)
    recent = (
        recently_invited(session, ids, now - timedelta(days=fatigue_days))
        if fatigue_days > 0
        else set()
    )
    skipped = dict.fromkeys(REASONS, 0)
    eligible: list[Member] = []
    for m in members:
        reason = skip_reason(m, channel, opted, before, recent)
        if reason:
            skipped[reason] += 1
        else:
            eligible.append(m)
    return skipped, eligible


def skip_reason(
    member: Member, channel: str, opted: Iterable[int], before: set[int], recent: set[int]
) -> str | None:
    """Why ``member`` may not be invited now (one of REASONS), or None."""
    address = member.email if channel == "email" else member.phone
    if not address:
        return "no_address"
    if member.customer_id in opted:
        return "opted_out"
    if not member.consent_contact:
        return "no_consent"
    if member.customer_id in before:
        return "already_invited"
    if member.customer_id in recent:
        return "fatigue"
    return None


def draw(
    eligible: list[Member], sample: Sample | None, seed: int | None
) -> tuple[list[Member], dict[str, dict[str, int]]]:
    """The sample of ``eligible`` (in customer-id order) and, when stratified, per stratum
    how many could be invited and how many were drawn.

    The draw depends only on the seed and the eligible customers' ids and attributes, so
    the same seed over the same customers gives the same sample.
    """
    ordered = sorted(eligible, key=lambda m: m.customer_id)
    if sample is None:
        return ordered, {}
    target = _target(sample, len(ordered))
    if not sample.stratify_by:
        chosen = random.Random(seed).sample(ordered, target)
        return sorted(chosen, key=lambda m: m.customer_id), {}
    strata: dict[str, list[Member]] = {}
    for m in ordered:
        strata.setdefault(_stratum(m, sample.stratify_by), []).append(m)
    quotas = allocate(target, {name: len(group) for name, group in strata.items()})
    chosen = []
    for name in sorted(strata):
        # One generator per stratum, seeded by (seed, stratum): a stratum's draw does not
        # change when another stratum gains or loses members.
        chosen.extend(random.Random(f"{seed}:{name}").sample(strata[name], quotas[name]))
    summary = {
        name: {"eligible": len(strata[name]), "invited": quotas[name]} for name in sorted(strata)
    }
    return sorted(chosen, key=lambda m: m.customer_id), summary


def allocate(total: int, sizes: dict[str, int]) -> dict[str, int]:
    """Split ``total`` over strata in proportion to ``sizes`` (largest remainders).

    >>> allocate(10, {"east": 50, "north": 30, "south": 20})
    {'east': 5, 'north': 3, 'south': 2}
    >>> allocate(2, {"a": 1, "b": 1, "c": 1})
    {'a': 1, 'b': 1, 'c': 0}
    """
    population = sum(sizes.values())
    if population == 0 or total <= 0:
        return dict.fromkeys(sizes, 0)
    exact = {name: total * size / population for name, size in sizes.items()}
    quotas = {name: min(math.floor(share), sizes[name]) for name, share in exact.items()}
    left = total - sum(quotas.values())
    order = sorted(sizes, key=lambda name: (-(exact[name] - math.floor(exact[name])), name))
    while left > 0:
        progressed = False
        for name in order:
            if left and quotas[name] < sizes[name]:
                quotas[name] += 1
                left -= 1
                progressed = True
        if not progressed:
            break
    return quotas


def dispatch(db: Database, request_ids: list[int], enqueue: Enqueue) -> tuple[int, int, str]:
    """Queue the sending job of each request; (queued, failed, the queue's error).

    A request is taken (``claimed`` → ``queuing``) before its job is queued, so two
    dispatchers never queue it twice; when the queue refuses, that request and every
    later one are marked ``failed`` (they hold no customer) and dispatching stops.
    """
    queued = failed = 0
    error = ""
    for part in chunks(request_ids, 200):
        if error:
            with db.session() as s:
                taken = take_requests(s, part)
                set_request_state(s, [p.id for p in taken], "failed")
            failed += len(taken)
            continue
        with db.session() as s:
            pending = take_requests(s, part)
        done: list[int] = []
        lost: list[int] = []
        for request in pending:
            if error:
                lost.append(request.id)
                continue
            try:
                enqueue(_job(request))
                done.append(request.id)
            except ChannelError as refused:
                error = refused.message
                lost.append(request.id)
        with db.session() as s:
            set_request_state(s, done, "queued")
            set_request_state(s, lost, "failed")
        queued += len(done)
        failed += len(lost)
    return queued, failed, error


def record_send(
    db: Database, request_id: int, status: str, reason: str, invitation_id: int | None
) -> None:
    """Called by the sending job: keep its result on the request and give the invitation
    it made the request's channel and touchpoint codes."""
    with db.session() as s:
        record_request_result(
            s, request_id, f"{status}: {reason}" if reason else status, invitation_id
        )


def _job(request: PendingRequest) -> InvitationJob:
    return InvitationJob(
        request_id=request.id,
        channel=request.channel,
        survey_id=request.survey_id,
        customer=request.customer,
        language=request.language,
        channel_code=request.channel_code,
        touchpoint=request.touchpoint,
        send_at=request.send_at,
    )


def check_codes(db: Database, channel_code: str | None, touchpoint: str | None) -> None:
    """Refuse channel and touchpoint codes that do not exist (every answer through such
    an invitation would be refused at intake)."""
    errors: list[FieldError] = []
    with db.session() as s:
        refs = References(s)
        refs.channel(channel_code, errors)
        refs.touchpoint(touchpoint, errors)
    if errors:
        raise InvalidInput("a channel or touchpoint code does not exist", errors)


def _check_target(db: Database, survey_id: int, spec: CampaignSpec) -> None:
    with db.session() as s:
        # Refused up front, not in each queued send.
        refuse_invitations_unless_taken(s, survey_id)
        if not list_exists(s, spec.list_id):
            raise NotFound(f"no contact list with id {spec.list_id}")
    check_codes(db, spec.channel_code, spec.touchpoint)


def _params(spec: CampaignSpec, default_fatigue_days: int) -> dict[str, Any]:
    """The campaign's request as stored (and compared when its key comes again)."""
    if spec.channel not in CHANNELS:
        raise InvalidInput(f"a campaign's channel is email or sms, not {spec.channel!r}")
    if spec.language not in (None, *LANGUAGES):
        raise InvalidInput(f"the language is zh-CN or en, not {spec.language!r}")
    fatigue = default_fatigue_days if spec.fatigue_days is None else spec.fatigue_days
    if isinstance(fatigue, bool) or not isinstance(fatigue, int):
        raise InvalidInput(f"fatigue_days is a whole number of days, not {fatigue!r}")
    if not 0 <= fatigue <= MAX_FATIGUE_DAYS:
        raise InvalidInput(f"fatigue_days is 0 to {MAX_FATIGUE_DAYS}, not {fatigue}")
    sample = spec.sample
    params: dict[str, Any] = {
        "list_id": spec.list_id,
        "channel": spec.channel,
        "language": spec.language,
        "channel_code": spec.channel_code,
        "touchpoint": spec.touchpoint,
        "fatigue_days": fatigue,
        "sample": None,
        "seed": None,
        "seed_given": False,
    }
    if sample is not None:
        if (sample.size is None) == (sample.fraction is None):
            raise InvalidInput("a sample gives either size or fraction")
        if sample.size is not None and sample.size < 1:
            raise InvalidInput(f"a sample size is at least 1, not {sample.size}")
        if sample.fraction is not None and not 0 < sample.fraction <= 1:
            raise InvalidInput(f"a sample fraction is over 0 and at most 1, not {sample.fraction}")
        params["sample"] = {
            "size": sample.size,
            "fraction": sample.fraction,
            "stratify_by": sample.stratify_by or None,
        }
        # A seed is always used and returned, so that any draw can be made again.
        params["seed"] = sample.seed if sample.seed is not None else secrets.randbelow(2**31)
        params["seed_given"] = sample.seed is not None
    return params


def _sample(params: dict[str, Any]) -> Sample | None:
    given = params["sample"]
    if given is None:
        return None
    return Sample(
        size=given["size"],
        fraction=given["fraction"],
        seed=params["seed"],
        stratify_by=given["stratify_by"],
    )


def _target(sample: Sample, available: int) -> int:
    if sample.size is not None:
        return min(sample.size, available)
    return min(round((sample.fraction or 0) * available), available)


def _stratum(member: Member, attribute: str) -> str:
    value = member.segments.get(attribute)
    return "" if value is None else str(value)


def _repeat(
    db: Database, survey_id: int, key: str, params: dict[str, Any], enqueue: Enqueue
) -> CampaignResult | None:
    """The stored campaign with this key, its left-over requests queued; None if none."""
    with db.session() as s:
        stored = campaign_by_key(s, survey_id, key)
    if stored is None:
        return None
    # A body without a seed draws a random one each time: only chosen seeds are compared.
    given = {k: v for k, v in params.items() if k != "seed"}
    kept = {k: v for k, v in stored.params.items() if k != "seed"}
    if given != kept or (params["seed_given"] and params["seed"] != stored.params.get("seed")):
        raise Conflict(
            f"the Idempotency-Key {key!r} was used for another campaign of survey {survey_id} "
            f"(campaign {stored.id}); use a new key for a new campaign"
        )
    if not stored.counts:
        raise Conflict("the same campaign is being sent by another request; try again")
    with db.session() as s:
        left = claimed_requests(s, campaign_id=stored.id)
    dispatch(db, left, enqueue)
    with db.session() as s:
        states = request_states(s, stored.id)
    return CampaignResult(
        id=stored.id,
        survey_id=stored.survey_id,
        list_id=stored.list_id,
        channel=stored.channel,
        members=int(stored.counts.get("members", 0)),
        invited=int(stored.counts.get("invited", 0)),
        queued=states.get("queued", 0),
        skipped=dict(stored.counts.get("skipped", {})),
        seed=stored.params.get("seed"),
        fatigue_days=int(stored.params.get("fatigue_days", 0)),
        strata=dict(stored.counts.get("strata", {})),
        repeated=True,
        failed=states.get("failed", 0),
    )


def _utc_naive(value: datetime | None) -> datetime:
    if value is None:
        return datetime.now(UTC).replace(tzinfo=None)
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)
