"""Pages: login, logout, the home overview and the comments behind an aspect.

Each handler calls one service function."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from manyi.accounts.service import authenticate
from manyi.api.deps import DbDep, SettingsDep
from manyi.errors import InvalidInput, NotAuthenticated, NotFound
from manyi.reporting.home import home_page
from manyi.reporting.themes import theme_comments
from manyi.web.i18n import pick_language, translator
from manyi.web.security import csrf_ok, csrf_token, session_user

templates = Jinja2Templates(directory=str(FilePath(__file__).parent / "templates"))
router = APIRouter(include_in_schema=False)


def page_language(request: Request, settings: SettingsDep) -> str:
    return pick_language(
        request.query_params.get("lang"),
        request.cookies.get("manyi_lang"),
        request.headers.get("accept-language"),
        settings.default_language,
    )


LangDep = Annotated[str, Depends(page_language)]


def _render(
    request: Request, name: str, lang: str, status: int = 200, **context: Any
) -> HTMLResponse:
    # The language switch keeps the page's other query parameters (filters, page).
    other = "en" if lang == "zh-CN" else "zh-CN"
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    language_link = "?" + urlencode([*query, ("lang", other)])
    response = templates.TemplateResponse(
        request,
        name,
        {
            "lang": lang,
            "t": translator(lang),
            "csrf_token": csrf_token(request),
            "language_link": language_link,
            **context,
        },
        status_code=status,
    )
    if request.query_params.get("lang") in ("zh-CN", "en"):
        response.set_cookie("manyi_lang", lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: DbDep, lang: LangDep) -> Response:
    user = session_user(request, db)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    page = home_page(db)
    return _render(request, "home.html", lang, user=user, surveys=page.surveys, themes=page.themes)


@router.get("/themes/{code}", response_class=HTMLResponse)
def theme(
    request: Request,
    db: DbDep,
    lang: LangDep,
    code: Annotated[str, Path(max_length=64)],
    label: str | None = None,
    page: Annotated[str, Query(max_length=12)] = "1",
) -> Response:
    user = session_user(request, db)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    t = translator(lang)
    try:
        if not page.isdigit():  # a page is a person's link: answer with a page, not JSON
            raise InvalidInput(f"page must be a whole number from 1, not {page!r}")
        comments = theme_comments(db, code, label=label or None, page=int(page))
    except (NotFound, InvalidInput) as exc:
        status, title = (404, "not_found") if isinstance(exc, NotFound) else (400, "bad_request")
        return _render(
            request, "theme.html", lang, status, user=user, error=str(exc), error_title=t[title]
        )
    return _render(request, "theme.html", lang, user=user, page=comments)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, lang: LangDep) -> Response:
    return _render(request, "login.html", lang)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    db: DbDep,
    lang: LangDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    csrf: Annotated[str | None, Form(alias="csrf_token")] = None,
) -> Response:
    t = translator(lang)
    if not csrf_ok(request, csrf):
        return _render(request, "login.html", lang, status=400, error=t["bad_csrf"], email=email)
    try:
        user = authenticate(db, email, password)
    except NotAuthenticated:
        return _render(request, "login.html", lang, status=401, error=t["bad_login"], email=email)
    request.session.clear()
    request.session["user_id"] = user.id
    return RedirectResponse("/", status_code=303)


@router.post("/logout")
def logout(
    request: Request, csrf: Annotated[str | None, Form(alias="csrf_token")] = None
) -> Response:
    if csrf_ok(request, csrf):
        request.session.clear()
    return RedirectResponse("/login", status_code=303)
