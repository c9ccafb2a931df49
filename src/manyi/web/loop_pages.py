"""Scorecards, mechanism health, the in-app inbox and the webhook admin pages (issue #12)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from manyi.accounts.service import User
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, PageUser, page_requires
from manyi.errors import ManyiError
from manyi.runtime import Database
from manyi.web.routes import LangDep, _render, templates
from manyi.web.security import csrf_ok
from manyi.workflow.health import mechanism_health
from manyi.workflow.notifications import inbox, inbox_total, mark_read, unread_count
from manyi.workflow.scorecards import points_ledger, scorecards
from manyi.workflow.webhooks import (
    EVENTS,
    create_subscription,
    list_deliveries,
    list_subscriptions,
    retry_delivery,
    update_subscription,
)

router = APIRouter(include_in_schema=False)
Admin = Annotated[User, page_requires(Permission.MANAGE_USERS)]
Csrf = Annotated[str | None, Form(alias="csrf_token")]
PAGE = 50


def _unread(request: Request, user: User | None) -> int:
    """The header's unread count; a page must render even when this cannot be read."""
    if user is None:
        return 0
    try:
        db: Database = request.app.state.db
        return unread_count(db, user.id)
    except Exception:
        return 0


templates.env.globals["inbox_unread"] = _unread


@router.get("/scorecards", response_class=HTMLResponse)
def scorecards_page(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Annotated[User, page_requires(Permission.VIEW_SCORECARDS)],
) -> Response:
    return _render(
        request, "plans/scorecards.html", lang, user=user, cards=scorecards(db, user),
        ledger=points_ledger(db, limit=20),
    )  # fmt: skip


@router.get("/health", response_class=HTMLResponse)
def health_page(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Annotated[User, page_requires(Permission.VIEW_SCORECARDS)],
    days: Annotated[int, Query(ge=7, le=366)] = 30,
) -> Response:
    return _render(
        request, "plans/health.html", lang, user=user, health=mechanism_health(db, user, days=days),
        days=days,
    )  # fmt: skip


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: PageUser,
    unread: bool = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    items = inbox(db, user.id, unread_only=unread, limit=PAGE, offset=(page - 1) * PAGE)
    total = inbox_total(db, user.id)
    return _render(
        request, "plans/inbox.html", lang, user=user, items=items, unread=unread, page=page,
        pages=max(1, -(-total // PAGE)),
    )  # fmt: skip


@router.post("/inbox/read")
def inbox_read(
    request: Request,
    db: DbDep,
    user: PageUser,
    item: Annotated[int | None, Form()] = None,
    csrf: Csrf = None,
) -> Response:
    if csrf_ok(request, csrf):
        mark_read(db, user.id, [item] if item is not None else None)
    return RedirectResponse("/inbox", status_code=303)


@router.get("/admin/webhooks", response_class=HTMLResponse)
def webhooks_page(
    request: Request, db: DbDep, lang: LangDep, user: Admin, error: str | None = None
) -> Response:
    return _webhooks(request, db, lang, user, error=error)


def _webhooks(
    request: Request,
    db: Database,
    lang: str,
    user: User,
    *,
    error: str | None = None,
    secret: str | None = None,
) -> Response:
    return _render(
        request, "plans/webhooks.html", lang, status=422 if error and error != "csrf" else 200,
        user=user, subscriptions=list_subscriptions(db), deliveries=list_deliveries(db, limit=50),
        events=EVENTS, error=error, secret=secret,
    )  # fmt: skip


@router.post("/admin/webhooks", response_class=HTMLResponse)
def webhook_create(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Admin,
    url: Annotated[str, Form()] = "",
    events: Annotated[list[str] | None, Form()] = None,
    description: Annotated[str, Form()] = "",
    csrf: Csrf = None,
) -> Response:
    if not csrf_ok(request, csrf):
        return _webhooks(request, db, lang, user, error="csrf")
    try:
        _sub, secret = create_subscription(
            db, url=url, events=events or [], description=description, actor_user_id=user.id
        )
    except ManyiError as failure:
        return _webhooks(request, db, lang, user, error=failure.message)
    # The secret is shown once, on this answer; it is not in any later page.
    return _webhooks(request, db, lang, user, secret=secret)


@router.post("/admin/webhooks/{subscription_id}/active")
def webhook_active(
    request: Request,
    db: DbDep,
    user: Admin,
    subscription_id: int,
    active: Annotated[bool, Form()] = False,
    csrf: Csrf = None,
) -> Response:
    if not csrf_ok(request, csrf):
        return RedirectResponse("/admin/webhooks?error=csrf", status_code=303)
    update_subscription(db, subscription_id, active=active, actor_user_id=user.id)
    return RedirectResponse("/admin/webhooks", status_code=303)


@router.post("/admin/webhooks/deliveries/{delivery_id}/retry")
def webhook_retry(
    request: Request, db: DbDep, user: Admin, delivery_id: int, csrf: Csrf = None
) -> Response:
    if not csrf_ok(request, csrf):
        return RedirectResponse("/admin/webhooks?error=csrf", status_code=303)
    retry_delivery(db, delivery_id, actor_user_id=user.id)
    return RedirectResponse("/admin/webhooks", status_code=303)
