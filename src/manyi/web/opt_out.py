"""The opt-out page of e-mail invitations: ``/s/{survey_id}/opt-out?invite=TOKEN``, no login.

GET asks and records nothing, because mail filters open the links of incoming mail and
would otherwise opt every recipient out; POST records the opt-out
(:func:`manyi.surveys.email.opt_out`). The POST needs no form token: the invitation's
token in the address is the credential, and a POST with the body
``List-Unsubscribe=One-Click`` is what mail programs send for RFC 8058 one-click
unsubscribe."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from manyi.config import Settings
from manyi.edge.deps import DbDep, SettingsDep
from manyi.errors import InvalidInput, NotFound
from manyi.runtime import Database
from manyi.surveys.email import opt_out, opt_out_link_valid
from manyi.surveys.service import get_survey
from manyi.web.i18n import AUTONYMS, page_context
from manyi.web.routes import language_of, templates

router = APIRouter(include_in_schema=False)

SurveyId = Annotated[int, Path(ge=1, le=2**62)]


@router.get("/s/{survey_id}/opt-out", response_class=HTMLResponse)
def opt_out_page(
    request: Request, survey_id: SurveyId, db: DbDep, settings: SettingsDep
) -> HTMLResponse:
    token = request.query_params.get("invite") or ""
    state = "ask" if opt_out_link_valid(db, survey_id, token) else "bad_link"
    return _page(request, db, settings, survey_id, state)


@router.post("/s/{survey_id}/opt-out", response_class=HTMLResponse)
def opt_out_post(
    request: Request, survey_id: SurveyId, db: DbDep, settings: SettingsDep
) -> HTMLResponse:
    token = request.query_params.get("invite") or ""
    try:
        opt_out(db, survey_id, token)
    except InvalidInput:
        return _page(request, db, settings, survey_id, "bad_link")
    return _page(request, db, settings, survey_id, "done")


def _page(
    request: Request, db: Database, settings: Settings, survey_id: int, state: str
) -> HTMLResponse:
    lang = language_of(request, settings)
    other = next(code for code in AUTONYMS if code != lang)
    try:
        title = get_survey(db, survey_id).definition.title.get(lang)
    except NotFound:
        title = "manyi"
    query = dict(request.query_params)
    # The respondent form's large-text switch (its cookie, or ?size= on this page).
    size = query.get("size") or request.cookies.get("manyi_text")
    large = size == "large"
    context: dict[str, Any] = {
        "lang": lang,
        **page_context(lang),
        "state": state,
        "definition": {"title": {lang: title}},
        "form_action": request.url.path + "?" + urlencode(query),
        "large_text": large,
        "language_link": request.url.path + "?" + urlencode({**query, "lang": other}),
        "size_link": request.url.path
        + "?"
        + urlencode({**query, "size": "normal" if large else "large"}),
    }
    response = templates.TemplateResponse(
        request, "respond/opt_out.html", context, status_code=400 if state == "bad_link" else 200
    )
    response.headers["Cache-Control"] = "no-store"
    return response
