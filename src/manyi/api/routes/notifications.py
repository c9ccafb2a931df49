"""The in-app inbox and webhook subscriptions (admins) in the API (issue #12)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from manyi.accounts.service import User
from manyi.domain.permissions import Permission
from manyi.edge.deps import CurrentUser, DbDep, requires
from manyi.workflow.notifications import inbox, mark_read, unread_count
from manyi.workflow.webhooks import (
    create_subscription,
    list_deliveries,
    list_subscriptions,
    remove_subscription,
    retry_delivery,
    update_subscription,
)

router = APIRouter()


class ReadBody(BaseModel):
    ids: list[int] | None = Field(None, description="null: every unread item")


class WebhookCreate(BaseModel):
    url: str = Field(min_length=8, max_length=1000)
    events: list[str] = Field(min_length=1, description='event names, or ["*"] for all')
    description: str = ""
    active: bool = True


class WebhookUpdate(BaseModel):
    active: bool | None = None
    events: list[str] | None = None
    url: str | None = None


@router.get("/inbox", tags=["inbox"], summary="Your notifications, newest first")
def my_inbox(
    db: DbDep,
    user: CurrentUser,
    unread: Annotated[bool, Query(description="only unread items")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    items = inbox(db, user.id, unread_only=unread, limit=limit, offset=offset)
    return {
        "data": [{**asdict(i), "link": i.link} for i in items],
        "unread": unread_count(db, user.id),
    }


@router.post("/inbox/read", tags=["inbox"], summary="Mark items (or all) read")
def read(body: ReadBody, db: DbDep, user: CurrentUser) -> dict[str, int]:
    return {"marked": mark_read(db, user.id, body.ids), "unread": unread_count(db, user.id)}


@router.get("/webhooks", tags=["webhooks"], summary="Webhook subscriptions with delivery counts")
def webhooks(db: DbDep, user: Annotated[User, requires(Permission.MANAGE_USERS)]) -> dict[str, Any]:
    found = list_subscriptions(db)
    return {"data": [asdict(s) for s in found], "count": len(found)}


@router.post(
    "/webhooks",
    tags=["webhooks"],
    status_code=201,
    summary="Subscribe a URL to events",
    description="The answer holds the signing secret, shown this once (docs/plans.md).",
)
def webhook_create(
    body: WebhookCreate, db: DbDep, user: Annotated[User, requires(Permission.MANAGE_USERS)]
) -> dict[str, Any]:
    sub, secret = create_subscription(
        db, url=body.url, events=body.events, description=body.description,
        active=body.active, actor_user_id=user.id,
    )  # fmt: skip
    return {**asdict(sub), "secret": secret}


@router.patch("/webhooks/{subscription_id}", tags=["webhooks"], summary="Change a subscription")
def webhook_update(
    subscription_id: int,
    body: WebhookUpdate,
    db: DbDep,
    user: Annotated[User, requires(Permission.MANAGE_USERS)],
) -> dict[str, Any]:
    sub = update_subscription(
        db, subscription_id, active=body.active, events=body.events, url=body.url,
        actor_user_id=user.id,
    )  # fmt: skip
    return asdict(sub)


@router.delete(
    "/webhooks/{subscription_id}", tags=["webhooks"], status_code=204, summary="Delete one"
)
def webhook_delete(
    subscription_id: int, db: DbDep, user: Annotated[User, requires(Permission.MANAGE_USERS)]
) -> None:
    remove_subscription(db, subscription_id, actor_user_id=user.id)


@router.get("/webhooks/deliveries", tags=["webhooks"], summary="The delivery log")
def deliveries(
    db: DbDep,
    user: Annotated[User, requires(Permission.MANAGE_USERS)],
    subscription_id: Annotated[int | None, Query()] = None,
    status: Annotated[Literal["pending", "delivered", "failed"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    found = list_deliveries(db, subscription_id=subscription_id, status=status, limit=limit)
    return {"data": [asdict(d) for d in found], "count": len(found)}


@router.post(
    "/webhooks/deliveries/{delivery_id}/retry",
    tags=["webhooks"],
    summary="Try a failed delivery once more, now",
)
def retry(
    delivery_id: int, db: DbDep, user: Annotated[User, requires(Permission.MANAGE_USERS)]
) -> dict[str, Any]:
    return asdict(retry_delivery(db, delivery_id, actor_user_id=user.id))
