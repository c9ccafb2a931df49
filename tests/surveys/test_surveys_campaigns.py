"""Invitation campaigns: reproducible (stratified) samples, contact fatigue, consent and
opt-out, never twice (Idempotency-Key, concurrent campaigns), a queue that refuses."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from factories import make_reference_data, make_survey
from manyi.errors import ChannelError, Conflict, InvalidInput, NotFound
from manyi.ingestion.contacts import import_contacts
from manyi.storage.database import Database
from manyi.storage.tables import CustomerRow, InvitationRequestRow, InvitationRow, SurveyRow
from manyi.surveys.campaigns import (
    CampaignResult,
    CampaignSpec,
    InvitationJob,
    Sample,
    allocate,
    run_campaign,
)
from manyi.surveys.service import get_survey, revise_survey

NOW = datetime(2026, 6, 1, 9, 0)


class Recorder:
    """The enqueue callback: keeps the jobs; refuses after ``fail_after`` when set."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.jobs: list[InvitationJob] = []
        self.fail_after = fail_after
        self.lock = threading.Lock()

    def __call__(self, job: InvitationJob) -> None:
        with self.lock:
            if self.fail_after is not None and len(self.jobs) >= self.fail_after:
                raise ChannelError("the queue is down")
            self.jobs.append(job)

    @property
    def customers(self) -> list[str]:
        return sorted(job.customer for job in self.jobs)


def contact_list(db: Database, tmp_path: Path, rows: list[str], name: str = "list") -> int:
    path = tmp_path / f"{name}.csv"
    path.write_text("客户编号,邮箱,手机,同意联系,地区\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = import_contacts(db, path, name, error_dir=tmp_path)
    assert result.rejected == 0, result.rejections
    return result.list_id


def consenting(count: int, region: str = "东", start: int = 0) -> list[str]:
    return [
        f"C{start + i:04d},c{start + i}@example.com,1380000{start + i:04d},是,{region}"
        for i in range(count)
    ]


def campaign(
    db: Database,
    survey_id: int,
    list_id: int,
    enqueue: Recorder,
    *,
    sample: Sample | None = None,
    fatigue_days: int | None = None,
    key: str | None = None,
    now: datetime = NOW,
    channel: str = "email",
) -> CampaignResult:
    return run_campaign(
        db,
        survey_id,
        CampaignSpec(list_id=list_id, channel=channel, sample=sample, fatigue_days=fatigue_days),
        enqueue=enqueue,
        default_fatigue_days=30,
        idempotency_key=key,
        now=now,
    )


def test_the_same_seed_draws_the_same_sample(db: Database, tmp_path: Path) -> None:
    list_id = contact_list(db, tmp_path, consenting(100))
    surveys = [make_survey(db).id for _ in range(4)]
    drawn = []
    for survey_id, seed in zip(surveys, [7, 7, 8, None], strict=True):
        queue = Recorder()
        result = campaign(
            db, survey_id, list_id, queue, sample=Sample(size=20, seed=seed), fatigue_days=0
        )
        assert result.invited == result.queued == 20
        assert result.skipped["not_sampled"] == 80
        drawn.append((queue.customers, result.seed))
    assert drawn[0] == drawn[1]  # same seed, same customers
    assert drawn[0][0] != drawn[2][0]  # another seed, another sample
    unseeded, seed = drawn[3]
    assert isinstance(seed, int)  # a seed is always chosen and returned
    again = Recorder()
    campaign(
        db, make_survey(db).id, list_id, again, sample=Sample(size=20, seed=seed), fatigue_days=0
    )
    assert again.customers == unseeded
    # Every job names the survey, channel and send time of its campaign.
    assert {(j.channel, j.send_at) for j in again.jobs} == {("email", NOW)}


def test_stratified_sample_keeps_each_regions_share(db: Database, tmp_path: Path) -> None:
    rows = consenting(60, "华东") + consenting(30, "华北", 100) + consenting(10, "华南", 200)
    list_id = contact_list(db, tmp_path, rows)
    queue = Recorder()
    result = campaign(
        db,
        make_survey(db).id,
        list_id,
        queue,
        sample=Sample(size=10, seed=1, stratify_by="地区"),
    )
    assert result.strata == {
        "华东": {"eligible": 60, "invited": 6},
        "华北": {"eligible": 30, "invited": 3},
        "华南": {"eligible": 10, "invited": 1},
    }
    starts = sorted(int(c[1:]) // 100 for c in queue.customers)
    assert starts == [0] * 6 + [1] * 3 + [2]
    fraction = campaign(
        db,
        make_survey(db).id,
        list_id,
        Recorder(),
        sample=Sample(fraction=0.25, seed=2),
        fatigue_days=0,
    )
    assert fraction.invited == 25


def test_allocation_by_largest_remainders() -> None:
    assert allocate(10, {"a": 60, "b": 30, "c": 10}) == {"a": 6, "b": 3, "c": 1}
    assert allocate(7, {"a": 1, "b": 1, "c": 100}) == {"a": 0, "b": 0, "c": 7}
    assert allocate(5, {"a": 2, "b": 2}) == {"a": 2, "b": 2}  # never more than a stratum has
    assert sum(allocate(33, {"x": 17, "y": 23, "z": 41}).values()) == 33


def test_who_is_skipped_and_why(db: Database, tmp_path: Path) -> None:
    rows = [
        "A,a@example.com,,是,",  # invited
        "B,,13800000002,是,",  # no e-mail address
        "C,c@example.com,,否,",  # no consent
        "D,d@example.com,,是,",  # opted out (below)
        "E,e@example.com,,是,",  # invited to another survey 10 days ago: fatigue
        "F,f@example.com,,是,",  # invited to this survey 200 days ago: already invited
    ]
    list_id = contact_list(db, tmp_path, rows)
    survey_id, other = make_survey(db).id, make_survey(db).id
    with db.session() as s:
        ids = dict(s.execute(select(CustomerRow.external_id, CustomerRow.id)).all())
        s.execute(
            update(CustomerRow).where(CustomerRow.id == ids["D"]).values(consent_contact=False)
        )
        for n, (customer, survey, days) in enumerate(
            [("D", other, 400), ("E", other, 10), ("F", survey_id, 200)]
        ):
            s.add(
                InvitationRow(
                    survey_id=survey,
                    token_hash=f"{n:064d}",
                    customer_id=ids[customer],
                    created_at=NOW - timedelta(days=days),
                    meta={"opted_out_at": "2025-01-01T00:00:00"} if customer == "D" else {},
                )
            )
    queue = Recorder()
    result = campaign(db, survey_id, list_id, queue)
    assert queue.customers == ["A"]
    assert result.skipped == {
        "no_address": 1,
        "opted_out": 1,
        "no_consent": 1,
        "already_invited": 1,
        "fatigue": 1,
        "not_sampled": 0,
    }
    # By SMS, B has a number and A has none.
    sms = Recorder()
    sms_result = campaign(db, make_survey(db).id, list_id, sms, channel="sms", fatigue_days=0)
    assert sms.customers == ["B"] and sms_result.skipped["no_address"] == 5


def test_contact_fatigue_across_surveys(db: Database, tmp_path: Path) -> None:
    list_id = contact_list(db, tmp_path, consenting(5))
    first = Recorder()
    campaign(db, make_survey(db).id, list_id, first)
    assert len(first.jobs) == 5
    # Another survey the next day: everyone was invited within 30 days.
    second = Recorder()
    result = campaign(db, make_survey(db).id, list_id, second, now=NOW + timedelta(days=1))
    assert second.jobs == [] and result.skipped["fatigue"] == 5
    # The campaign's own window: 0 days switches the rule off.
    assert len(_run(db, list_id, fatigue_days=0, now=NOW + timedelta(days=1)).jobs) == 5
    # 31 days later they may be asked again (the last invitation was on day 1).
    assert len(_run(db, list_id, now=NOW + timedelta(days=32)).jobs) == 5


def _run(db: Database, list_id: int, **kwargs: object) -> Recorder:
    queue = Recorder()
    campaign(db, make_survey(db).id, list_id, queue, **kwargs)  # type: ignore[arg-type]
    return queue


def test_the_same_campaign_posted_twice_sends_nothing_twice(db: Database, tmp_path: Path) -> None:
    list_id = contact_list(db, tmp_path, consenting(10))
    survey_id = make_survey(db).id
    queue = Recorder()
    sample = Sample(size=4, seed=3)
    first = campaign(db, survey_id, list_id, queue, sample=sample, key="spring-1")
    again = campaign(db, survey_id, list_id, queue, sample=sample, key="spring-1")
    assert len(queue.jobs) == 4
    assert again.repeated and not first.repeated
    assert (again.id, again.invited, again.queued) == (first.id, 4, 4)
    with pytest.raises(Conflict, match="used for another campaign"):
        campaign(db, survey_id, list_id, queue, sample=Sample(size=5, seed=3), key="spring-1")
    # A process that stopped between recording and queueing left a request claimed: the
    # repeat queues it, once.
    with db.session() as s:
        one = s.scalar(select(InvitationRequestRow.id).order_by(InvitationRequestRow.id))
        s.execute(
            update(InvitationRequestRow)
            .where(InvitationRequestRow.id == one)
            .values(state="claimed")
        )
    campaign(db, survey_id, list_id, queue, sample=sample, key="spring-1")
    campaign(db, survey_id, list_id, queue, sample=sample, key="spring-1")
    assert len(queue.jobs) == 5 and queue.jobs[-1].request_id == one
    # Without a key it is a new campaign: the four already invited are left out and the
    # sample is drawn from the six others.
    others = Recorder()
    third = campaign(db, survey_id, list_id, others, sample=sample, fatigue_days=0)
    assert third.skipped["already_invited"] == 4 and third.invited == 4
    assert not set(others.customers) & {job.customer for job in queue.jobs}


def test_a_queue_that_refuses_leaves_the_rest_unsent_and_free(db: Database, tmp_path: Path) -> None:
    list_id = contact_list(db, tmp_path, consenting(6))
    survey_id = make_survey(db).id
    broken = Recorder(fail_after=2)
    with pytest.raises(ChannelError, match="2 of 6 invitations queued; 4 could not be"):
        campaign(db, survey_id, list_id, broken)
    with db.session() as s:
        states = sorted(s.scalars(select(InvitationRequestRow.state)))
    assert states == ["failed"] * 4 + ["queued"] * 2
    # The four were never sent: a later campaign may invite them (and only them).
    working = Recorder()
    later = campaign(db, survey_id, list_id, working)
    assert len(working.jobs) == 4 and later.skipped["already_invited"] == 2


def test_two_campaigns_at_once_invite_each_customer_once(db: Database, tmp_path: Path) -> None:
    list_id = contact_list(db, tmp_path, consenting(300))
    surveys = [make_survey(db).id, make_survey(db).id]
    queue = Recorder()
    errors: list[BaseException] = []

    def send(survey_id: int) -> None:
        try:
            campaign(db, survey_id, list_id, queue)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=send, args=(s,)) for s in surveys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # Fatigue holds across the two: the one that locked the customers second found them
    # invited by the first.
    assert len(queue.jobs) == 300 and len(set(queue.customers)) == 300


def test_bad_campaigns_are_refused(db: Database, tmp_path: Path) -> None:
    make_reference_data(db)
    list_id = contact_list(db, tmp_path, consenting(2))
    survey_id = make_survey(db).id
    queue = Recorder()
    with pytest.raises(NotFound, match="no contact list"):
        campaign(db, survey_id, 999, queue)
    with pytest.raises(NotFound, match="no survey"):
        campaign(db, 999, list_id, queue)
    with pytest.raises(InvalidInput, match="either size or fraction"):
        campaign(db, survey_id, list_id, queue, sample=Sample(size=2, fraction=0.5))
    with pytest.raises(InvalidInput, match="email or sms"):
        campaign(db, survey_id, list_id, queue, channel="fax")
    with pytest.raises(InvalidInput, match="does not exist"):
        run_campaign(
            db,
            survey_id,
            CampaignSpec(list_id=list_id, channel="email", touchpoint="nowhere"),
            enqueue=queue,
            default_fatigue_days=30,
        )
    with db.session() as s:
        s.execute(update(SurveyRow).where(SurveyRow.id == survey_id).values(status="closed"))
    with pytest.raises(Conflict, match="closed"):
        campaign(db, survey_id, list_id, queue)
    assert queue.jobs == []


def test_an_anonymous_survey_takes_no_campaign(db: Database, tmp_path: Path) -> None:
    """Refused before anything is queued: each invitation would name its customer."""
    list_id = contact_list(db, tmp_path, consenting(3))
    survey_id = make_survey(db).id
    definition = get_survey(db, survey_id).definition.model_dump(mode="json", exclude_none=True)
    revise_survey(db, survey_id, {**definition, "anonymous": True})
    queue = Recorder()
    with pytest.raises(Conflict, match="anonymous"):
        campaign(db, survey_id, list_id, queue)
    assert queue.jobs == []
