"""One customer: shown with contact fields masked by role; exported and erased by
administrators (PIPL/GDPR requests), both recorded in the audit log (docs/privacy.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from manyi.accounts.scope import reader_of
from manyi.accounts.service import User
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, requires
from manyi.privacy.audit import Actor
from manyi.privacy.customers import customer_view, erase, export_customer

router = APIRouter(prefix="/customers", tags=["privacy"])

CustomerId = Annotated[
    str, Path(min_length=1, max_length=128, description="the customer's external id")
]


class CustomerPublic(BaseModel):
    external_id: str
    name: str | None = Field(description="masked (张*) for roles that may not see personal data")
    phone: str | None = Field(description="masked (138****5678) for analysts and viewers")
    email: str | None = Field(description="masked (a***@example.com) for analysts and viewers")
    segments: dict[str, Any]
    consent_contact: bool
    consent_research: bool
    created_at: datetime
    responses: int
    feedback_items: int
    invitations: int


class CustomerErased(BaseModel):
    external_id: str
    responses_deidentified: int
    open_answers_erased: int
    feedback_items_deleted: int
    invitations_deleted: int
    drafts_deleted: int
    customers_deleted: int


def _actor(user: User) -> Actor:
    return Actor(user.email, user.id)


@router.get(
    "/{external_id}",
    response_model=CustomerPublic,
    summary="Get one customer (contact fields masked for analysts and viewers)",
)
def get(
    external_id: CustomerId, db: DbDep, user: Annotated[User, requires(Permission.VIEW_RESPONSES)]
) -> CustomerPublic:
    return CustomerPublic(**customer_view(db, external_id, user.role, reader=reader_of(db, user)))


@router.get(
    "/{external_id}/export",
    summary="Export everything stored about one customer (administrators; audited)",
    description="The customer row, responses with their answers (originals of redacted "
    "open answers too), feedback items, invitations and their drafts, and the consents "
    "given with the text shown. Recorded in the audit log as customer.export.",
)
def export(
    external_id: CustomerId,
    db: DbDep,
    user: Annotated[User, requires(Permission.HANDLE_PERSONAL_DATA_REQUESTS)],
) -> JSONResponse:
    actor = _actor(user)
    data = export_customer(db, external_id, actor)
    return JSONResponse(
        jsonable_encoder(data),
        headers={
            "Content-Disposition": 'attachment; filename="customer-export.json"',
            "Cache-Control": "no-store",
        },
    )


@router.delete(
    "/{external_id}",
    response_model=CustomerErased,
    summary="Erase one customer's personal data (administrators; audited)",
    description="Deletes the customer, their feedback items, invitations and drafts; keeps "
    "their responses for statistics de-identified (no customer link, raw answers, "
    "metadata or keys; open answers replaced by [erased]/[已删除]). Recorded in the audit "
    "log as customer.erase. A second call answers 404.",
)
def delete(
    external_id: CustomerId,
    db: DbDep,
    user: Annotated[User, requires(Permission.HANDLE_PERSONAL_DATA_REQUESTS)],
) -> CustomerErased:
    actor = _actor(user)
    counts = erase(db, external_id, actor)
    return CustomerErased(external_id=external_id.strip(), **counts)
