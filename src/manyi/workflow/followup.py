"""The 回访 (follow-up) after a case is resolved: the customer is e-mailed the follow-up
survey through the ordinary e-mail invitations, one invitation per case (keyed
``case:<id>``), and the answer lands on the case: ``post_csat`` from the survey's CSAT
question (``handling``), the response linked, a timeline event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from manyi.config import Settings
from manyi.domain.alert_rules import ItemFacts
from manyi.domain.enums import SurveyStatus
from manyi.storage.cases import add_case_event, case_row
from manyi.storage.database import Database
from manyi.storage.surveys import survey_id_by_code
from manyi.storage.tables import CaseRow, CustomerRow
from manyi.surveys.email import EmailSend, MailTransport, send_invitation_email
from manyi.surveys.templates import create_from_template

FOLLOWUP_TEMPLATE = "followup"
#: The follow-up template's satisfaction question (CSAT 1–5).
CSAT_QUESTION = "handling"


def followup_survey_id(db: Database, code: str) -> int:
    """The follow-up survey's id, created (active) from the 回访 template when missing."""
    with db.session() as s:
        found = survey_id_by_code(s, code)
    if found is not None:
        return found
    return create_from_template(db, FOLLOWUP_TEMPLATE, code=code, status=SurveyStatus.ACTIVE).id


def send_followup(
    db: Database,
    case_id: int,
    *,
    settings: Settings,
    transport: MailTransport,
    now: datetime | None = None,
) -> EmailSend | None:
    """E-mail the follow-up survey for a resolved case (None when there is nothing to do:
    not resolved, no customer, or already invited). Skips are returned, not raised."""
    with db.session() as s:
        row = case_row(s, case_id)
        if row is None or row.state not in ("resolved", "closed") or row.customer_id is None:
            return None
        if row.followup_invitation_id is not None:
            return None
        customer = s.get(CustomerRow, row.customer_id)
        if customer is None:
            return None
        external_id = customer.external_id
    survey_id = followup_survey_id(db, settings.followup_survey_code)
    sent = send_invitation_email(
        db,
        survey_id,
        external_id,
        settings=settings,
        transport=transport,
        now=now,
        key=f"case:{case_id}",
    )
    with db.session() as s:
        row = case_row(s, case_id)
        if row is None:
            return sent
        if sent.invitation_id is not None and sent.status == "sent":
            row.followup_invitation_id = sent.invitation_id
        add_case_event(
            s,
            case_id=case_id,
            kind="followup-sent" if sent.status == "sent" else "followup-skipped",
            actor="job:followup",
            body=sent.reason,
            detail={
                "survey_id": survey_id,
                "status": sent.status,
                "invitation_id": sent.invitation_id,
            },
        )
    return sent


def pending_followups(db: Database, resolved_since: datetime) -> list[int]:
    """Cases of a customer resolved since ``resolved_since`` with no follow-up attempt yet
    (a case resolved months ago, like the demo's history, gets no survey today)."""
    from manyi.storage.tables import CaseEventRow

    with db.session() as s:
        tried = select(CaseEventRow.case_id).where(
            CaseEventRow.kind.in_(["followup-sent", "followup-skipped"])
        )
        return list(
            s.scalars(
                select(CaseRow.id).where(
                    CaseRow.state.in_(["resolved", "closed"]),
                    CaseRow.resolved_at >= resolved_since,
                    CaseRow.customer_id.is_not(None),
                    CaseRow.followup_invitation_id.is_(None),
                    CaseRow.id.not_in(tried),
                )
            )
        )


def record_followup_answer(s: Session, facts: ItemFacts, at: datetime) -> int | None:
    """When response ``facts`` answers a case's follow-up invitation, put it on the case."""
    key = facts.external_key or ""
    if not key.startswith("invitation:"):
        return None
    try:
        invitation_id = int(key.split(":", 1)[1])
    except ValueError:
        return None
    row = s.scalars(select(CaseRow).where(CaseRow.followup_invitation_id == invitation_id)).first()
    if row is None or row.followup_response_id is not None:
        return None
    csat = facts.answers.get(CSAT_QUESTION)
    row.followup_response_id = facts.item_id
    if isinstance(csat, int | float) and not isinstance(csat, bool):
        row.post_csat = float(csat)
    row.follow_up_at = row.follow_up_at or at
    add_case_event(
        s,
        case_id=row.id,
        at=at,
        kind="followup-answered",
        actor="customer",
        body="",
        detail={
            "response_id": facts.item_id,
            "post_csat": row.post_csat,
            "solved": facts.answers.get("solved"),
        },
    )
    return row.id
