"""Pages: login, logout, the home overview and the comments behind an aspect.

Each handler calls one service function. Pages that need a signed-in user take
``page_requires(Permission.X)`` (no session: a redirect to the login page; a role
without the permission: the 403 page) and show only the data of the user's departments
(``department_scope``); errors are rendered by the edge's one handler through
:func:`error_page`."""

from __future__ import annotations

import math
from http import HTTPStatus
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from manyi.accounts.scope import department_scope
from manyi.accounts.service import User
from manyi.accounts.throttle import TooManyAttempts, log_in
from manyi.config import Settings
from manyi.domain.permissions import Permission, has_permission
from manyi.edge.deps import (
    ClientAddress,
    DbDep,
    LoginThrottleDep,
    SettingsDep,
    page_requires,
    session_user,
)
from manyi.errors import ManyiError, NotAuthenticated
from manyi.i18n.jinja import enable_i18n
from manyi.reporting.home import home_page
from manyi.reporting.themes import theme_comments
from manyi.web.i18n import page_context, pick_language, translator
from manyi.web.security import csrf_ok, csrf_token, safe_next

templates = Jinja2Templates(directory=str(FilePath(__file__).parent / "templates"))
# Shared by every request: the language is bound per render (page_context), never here.
enable_i18n(templates.env)
# Templates ask the one permission map, never a role: {% if may(user, "users:manage") %}.
templates.env.globals["may"] = lambda user, permission: (
    user is not None and has_permission(user.role, Permission(permission))
)
router = APIRouter(include_in_schema=False)


def language_of(request: Request, settings: Settings) -> str:
    return pick_language(
        request.query_params.get("lang"),
        request.cookies.get("manyi_lang"),
        request.headers.get("accept-language"),
        settings.default_language,
    )


def page_language(request: Request, settings: SettingsDep) -> str:
    return language_of(request, settings)


LangDep = Annotated[str, Depends(page_language)]


def _render(
    request: Request, name: str, lang: str, status: int = 200, **context: Any
) -> HTMLResponse:
    # The language switch keeps the page's other query parameters (filters, page).
    other = "en" if lang == "zh-CN" else "zh-CN"
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    language_link = "?" + urlencode([*query, ("lang", other)])
    # An unexpected error is rendered outside the session middleware: no session there.
    has_session = "session" in request.scope
    response = templates.TemplateResponse(
        request,
        name,
        {
            "lang": lang,
            **page_context(lang),
            "csrf_token": csrf_token(request) if has_session else "",
            "language_link": language_link,
            **context,
        },
        status_code=status,
    )
    if request.query_params.get("lang") in ("zh-CN", "en"):
        response.set_cookie("manyi_lang", lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def error_page(request: Request, status: int, message: str) -> Response:
    """The HTML error page the edge's one handler renders for every page path."""
    lang = language_of(request, request.app.state.settings)
    t = translator(lang)
    title = t.get(f"error_{status}") or t["error_other"].format(status=status)
    if message == _phrase(status):  # Starlette's bare "Not Found": the title says it already
        message = ""
    user = None
    if status < 500 and "session" in request.scope:
        # The header shows who is signed in; a failing database must not hide the error.
        try:
            user = session_user(request, request.app.state.db)
        except ManyiError:
            user = None
    return _render(
        request,
        "error.html",
        lang,
        status,
        user=user,
        error_status=status,
        message=message,
        error_title=title,
    )


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Annotated[User, page_requires(Permission.VIEW_DASHBOARD)],
    flagged: Literal["include", "exclude"] = "exclude",
) -> Response:
    include = flagged == "include"
    page = home_page(db, include_flagged=include, scope=department_scope(db, user))
    return _render(
        request,
        "home.html",
        lang,
        user=user,
        surveys=page.surveys,
        themes=page.themes,
        include_flagged=include,
    )


@router.get("/themes/{code}", response_class=HTMLResponse)
def theme(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Annotated[User, page_requires(Permission.VIEW_DASHBOARD)],
    code: Annotated[str, Path(max_length=64)],
    label: Annotated[str | None, Query(max_length=16)] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    comments = theme_comments(
        db, code, label=label or None, page=page, scope=department_scope(db, user)
    )
    # Past the last page the list is empty: say so (404, with a link to the last page)
    # rather than "no matching comments".
    status = 404 if comments.page > comments.pages else 200
    return _render(request, "theme.html", lang, status, user=user, page=comments)


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request,
    lang: LangDep,
    after: Annotated[str | None, Query(alias="next", max_length=2000)] = None,
) -> Response:
    return _render(request, "login.html", lang, next_url=safe_next(after))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    db: DbDep,
    throttle: LoginThrottleDep,
    address: ClientAddress,
    lang: LangDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    csrf: Annotated[str | None, Form(alias="csrf_token")] = None,
    after: Annotated[str | None, Form(alias="next", max_length=2000)] = None,
) -> Response:
    t = translator(lang)
    next_url = safe_next(after)
    form = {"email": email, "next_url": next_url}
    if not csrf_ok(request, csrf):
        return _render(request, "login.html", lang, status=400, error=t["bad_csrf"], **form)
    # The form is shown again with its message rather than an error page, so the person
    # can correct the address; the message is the same whether or not the account exists.
    try:
        user = log_in(db, throttle, email, password, address)
    except NotAuthenticated:
        return _render(request, "login.html", lang, status=401, error=t["bad_login"], **form)
    except TooManyAttempts as exc:
        message = t["too_many_logins"].format(minutes=math.ceil(exc.retry_after_s / 60))
        response = _render(request, "login.html", lang, status=429, error=message, **form)
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    request.session.clear()
    request.session["user_id"] = user.id
    return RedirectResponse(next_url or "/", status_code=303)


@router.post("/logout")
def logout(
    request: Request, csrf: Annotated[str | None, Form(alias="csrf_token")] = None
) -> Response:
    if csrf_ok(request, csrf):
        request.session.clear()
    return RedirectResponse("/login", status_code=303)
