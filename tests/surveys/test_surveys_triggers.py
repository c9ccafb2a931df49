"""Event-triggered invitations: a posted event invites its customer by e-mail, received by
a real SMTP server (aiosmtpd); the answer carries the trigger's touchpoint; the same event
posted twice invites once; delays, conditions, consent, fatigue and a refusing queue."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from huey import MemoryHuey
from sqlalchemy import select, update
from test_surveys_email import (  # the aiosmtpd fixture and helpers of the e-mail tests
    Inbox,
    csrf_of,
    links_in,
    one_question_survey,
    received,
    settings_for,
    smtp,  # noqa: F401 - a fixture
)

from factories import make_reference_data
from manyi.app import create_app
from manyi.errors import ChannelError, Conflict, InvalidInput, NotFound
from manyi.jobs.queue import JobQueue, build_queue
from manyi.storage.database import Database
from manyi.storage.tables import (
    CustomerEventRow,
    InvitationRequestRow,
    InvitationRow,
    ResponseRow,
    SurveyRow,
    TouchpointRow,
)
from manyi.surveys.campaigns import InvitationJob
from manyi.surveys.service import get_survey, revise_survey
from manyi.surveys.triggers import (
    EventCustomer,
    EventIn,
    EventRecord,
    TriggerSpec,
    create_trigger,
    get_event,
    record_event,
    set_active,
)

LI = EventCustomer("C-1", name="Li Lei", email="lilei@example.com", consent_contact=True)


class Recorder:
    def __init__(self) -> None:
        self.jobs: list[InvitationJob] = []
        self.refuse = False

    def __call__(self, job: InvitationJob) -> None:
        if self.refuse:
            raise ChannelError("the queue is down")
        self.jobs.append(job)


def post(
    db: Database, queue: JobQueue | Recorder, external_id: str, **fields: object
) -> EventRecord:
    """Post an event of ``case.closed`` for Li Lei unless ``fields`` say otherwise."""
    enqueue = queue.enqueue_invitation if isinstance(queue, JobQueue) else queue
    given: dict[str, Any] = {"type": "case.closed", "customer": LI, **fields}
    return record_event(
        db, EventIn(external_id=external_id, **given), enqueue=enqueue, default_fatigue_days=30
    )


def test_event_to_invitation_to_received_email_to_answer(
    db: Database,
    tmp_path: Path,
    smtp: tuple[Inbox, int],  # noqa: F811 - the imported fixture
) -> None:
    inbox, port = smtp
    settings = settings_for(tmp_path, port)
    make_reference_data(db)
    survey_id = one_question_survey(db)
    trigger = create_trigger(
        db,
        TriggerSpec(
            event_type="case.closed",
            survey_id=survey_id,
            channel="email",
            touchpoint="repair",
            channel_code="web",
            language="en",
        ),
    )
    # An immediate queue runs each job as it is queued, through the real SMTP server.
    queue = build_queue(settings, db, huey=MemoryHuey("events", immediate=True))
    event = post(db, queue, "CASE-1", attributes={"agent": "wang"})

    assert event.created
    (outcome,) = event.outcomes
    assert outcome["trigger_id"] == trigger.id and outcome["status"] == "invited"
    assert (outcome["state"], outcome["result"]) == ("queued", "sent")
    assert len(inbox.messages) == 1
    message = received(inbox)
    assert message["To"] == "lilei@example.com"
    assert str(message["Subject"]).startswith("Your opinion on")
    with db.session() as s:
        invitation = s.get(InvitationRow, outcome["invitation_id"])
        repair = s.scalar(select(TouchpointRow.id).where(TouchpointRow.code == "repair"))
        assert invitation is not None and invitation.touchpoint_id == repair
        stored = s.scalar(select(CustomerEventRow))
        assert stored is not None and stored.attributes == {"agent": "wang"}

    # The customer answers through the link; the response is the repair touchpoint's.
    link, _ = links_in(message)
    client = TestClient(create_app(settings, db, queue=queue))
    form = client.get(link + "&lang=en")
    assert form.status_code == 200
    done = client.post(link, data={"csrf": csrf_of(form.text), "q.nps": "3"})
    assert done.status_code == 200 and "Thank you" in done.text
    with db.session() as s:
        response = s.scalars(select(ResponseRow)).one()
        assert response.touchpoint_id == repair and response.answers == {"nps": 3}

    # The same event again: answered from the first post, nobody invited twice.
    again = post(db, queue, "CASE-1")
    assert not again.created and again.id == event.id
    assert again.outcomes == get_event(db, event.id).outcomes
    # Another case of the same customer: this survey already asked them (the senders
    # never send one survey twice to a customer).
    later = post(db, queue, "CASE-2")
    assert later.outcomes[0]["reason"] == "already_invited"
    assert len(inbox.messages) == 1


def test_the_delay_holds_the_send_until_it_is_due(
    sqlite_db: Database,
    tmp_path: Path,
    smtp: tuple[Inbox, int],  # noqa: F811 - the imported fixture
) -> None:
    inbox, port = smtp
    settings = settings_for(tmp_path, port)
    create_trigger(
        sqlite_db,
        TriggerSpec(
            event_type="order.delivered",
            survey_id=one_question_survey(sqlite_db),
            channel="email",
            delay_minutes=120,
        ),
    )
    huey = MemoryHuey("delayed", immediate=True)
    queue = build_queue(settings, sqlite_db, huey=huey)
    occurred = datetime.now(UTC).replace(microsecond=0)
    event = post(sqlite_db, queue, "ORDER-9", type="order.delivered", occurred_at=occurred)
    (outcome,) = event.outcomes
    due = occurred.replace(tzinfo=None) + timedelta(minutes=120)
    assert outcome["send_at"] == due.isoformat()
    assert inbox.messages == []  # held by the queue
    assert huey.read_schedule(due - timedelta(seconds=1)) == []
    (job,) = huey.read_schedule(due + timedelta(seconds=1))
    huey.execute(job, timestamp=due + timedelta(seconds=1))
    assert len(inbox.messages) == 1
    assert get_event(sqlite_db, event.id).outcomes[0]["result"] == "sent"
    # An event that arrives after its delay has passed is sent at once.
    old = post(
        sqlite_db,
        queue,
        "ORDER-10",
        type="order.delivered",
        occurred_at=occurred - timedelta(days=1),
        customer=EventCustomer("C-2", email="c2@example.com", consent_contact=True),
    )
    assert old.outcomes[0]["result"] == "sent" and len(inbox.messages) == 2


def test_conditions_consent_survey_state_and_fatigue_between_triggers(db: Database) -> None:
    first, second, paused = (one_question_survey(db) for _ in range(3))
    create_trigger(
        db,
        TriggerSpec("case.closed", first, "email", conditions={"resolution": "solved"}),
    )
    create_trigger(db, TriggerSpec("case.closed", second, "email"))
    create_trigger(db, TriggerSpec("case.closed", paused, "sms"))
    with db.session() as s:
        s.execute(update(SurveyRow).where(SurveyRow.id == paused).values(status="paused"))
    queue = Recorder()

    solved = post(db, queue, "CASE-1", attributes={"resolution": "solved"})
    reasons = [(o["survey_id"], o["status"], o.get("reason")) for o in solved.outcomes]
    # The first trigger invites; the second finds the customer just invited (fatigue);
    # the third's survey is paused.
    assert reasons == [
        (first, "invited", None),
        (second, "skipped", "fatigue"),
        (paused, "skipped", "survey_paused"),
    ]
    assert [(j.survey_id, j.customer, j.channel) for j in queue.jobs] == [(first, "C-1", "email")]

    open_case = post(
        db, queue, "CASE-2", attributes={"resolution": "open"}, customer=EventCustomer("C-2")
    )
    # The condition leaves the first trigger out; C-2 gave no consent and has no address.
    assert [(o["survey_id"], o.get("reason")) for o in open_case.outcomes] == [
        (second, "no_address"),
        (paused, "survey_paused"),
    ]
    nobody = post(db, queue, "CASE-3", customer=None)
    assert [o["reason"] for o in nobody.outcomes][:1] == ["no_customer"]
    silent = post(
        db,
        queue,
        "CASE-4",
        customer=EventCustomer("C-3", email="c3@example.com", consent_contact=False),
    )
    assert silent.outcomes[0]["reason"] == "no_consent"
    # A trigger switched off invites nobody; its events keep their outcomes.
    for trigger_id in (2, 3):
        set_active(db, trigger_id, False)
    none = post(db, queue, "CASE-5", attributes={"resolution": "x"})
    assert none.outcomes == []
    assert len(queue.jobs) == 1


def test_the_same_event_posted_twice_at_once_invites_once(db: Database) -> None:
    create_trigger(db, TriggerSpec("order.delivered", one_question_survey(db), "email"))
    queue = Recorder()
    results: list[EventRecord] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            results.append(post(db, queue, "ORDER-1", type="order.delivered"))
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(r.created for r in results) == [False, False, False, True]
    assert len(queue.jobs) == 1
    with db.session() as s:
        assert len(s.scalars(select(InvitationRequestRow)).all()) == 1


def test_a_refused_send_is_retried_when_the_event_comes_again(db: Database) -> None:
    create_trigger(db, TriggerSpec("case.closed", one_question_survey(db), "email"))
    queue = Recorder()
    queue.refuse = True
    with pytest.raises(ChannelError, match="post the event again"):
        post(db, queue, "CASE-1")
    with db.session() as s:
        assert s.scalars(select(InvitationRequestRow.state)).all() == ["failed"]
    queue.refuse = False
    again = post(db, queue, "CASE-1")
    assert not again.created and again.outcomes[0]["state"] == "queued"
    assert len(queue.jobs) == 1
    post(db, queue, "CASE-1")
    assert len(queue.jobs) == 1


def test_bad_triggers_and_events_are_refused(db: Database) -> None:
    make_reference_data(db)
    survey_id = one_question_survey(db)
    with pytest.raises(NotFound):
        create_trigger(db, TriggerSpec("case.closed", 999, "email"))
    with pytest.raises(InvalidInput, match="does not exist"):
        create_trigger(db, TriggerSpec("case.closed", survey_id, "email", touchpoint="nowhere"))
    with pytest.raises(InvalidInput, match="email or sms"):
        create_trigger(db, TriggerSpec("case.closed", survey_id, "pigeon"))
    with pytest.raises(InvalidInput, match="delay_minutes"):
        create_trigger(db, TriggerSpec("case.closed", survey_id, "email", delay_minutes=-1))
    queue = Recorder()
    with pytest.raises(InvalidInput, match="phone number"):
        post(db, queue, "E-1", customer=EventCustomer("C-9", phone="12345"))
    with pytest.raises(InvalidInput, match="external_id"):
        post(db, queue, " ")
    with db.session() as s:
        assert s.scalars(select(CustomerEventRow)).all() == []


def _make_anonymous(db: Database, survey_id: int) -> None:
    definition = get_survey(db, survey_id).definition.model_dump(mode="json", exclude_none=True)
    revise_survey(db, survey_id, {**definition, "anonymous": True})


def test_an_anonymous_survey_takes_no_trigger_and_no_event_invites(db: Database) -> None:
    """A personal invitation would name the customer of an anonymous survey's answers."""
    make_reference_data(db)
    survey_id = one_question_survey(db)
    create_trigger(db, TriggerSpec("case.closed", survey_id, "email"))
    _make_anonymous(db, survey_id)
    with pytest.raises(Conflict, match="anonymous"):
        create_trigger(db, TriggerSpec("case.closed", survey_id, "email"))
    queue = Recorder()
    event = post(db, queue, "E-anon")
    assert [(o["status"], o["reason"]) for o in event.outcomes] == [("skipped", "survey_anonymous")]
    assert queue.jobs == []
