"""The public respondent form at ``/s/{survey_id}``: no sign-in, plain HTML forms.

GET shows the page of this browser's draft (a new draft and its resume cookie on the
first visit); POST saves the page and moves on, submitting on the last page. Every use
case is in :mod:`manyi.surveys.respond`; this module turns requests into its calls and
its results into pages, cookies and redirects (docs/respond.md)."""

from __future__ import annotations

import hmac
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from manyi.config import Settings
from manyi.edge.deps import DbDep, EnrichmentQueue, QueueDep, SettingsDep, get_db
from manyi.errors import Conflict, InvalidInput, QuotaFull
from manyi.ingestion.pipeline import IntakeOptions, ResponseBatch, record
from manyi.ingestion.responses import ResponseIn
from manyi.runtime import Database
from manyi.surveys.links import Invitation, mark_answered, open_invitation
from manyi.surveys.quality import incentivised, render_stamp, thank_you_incentive, timing_flags
from manyi.surveys.respond import (
    KANO_CHOICES,
    Action,
    Form,
    FormState,
    Submission,
    field_name,
    form_macro,
    form_token,
    link_refused,
    not_accepted,
    not_open_any_more,
    open_form,
    post_page,
    refuse_bot,
    screened_out,
    submitted,
)
from manyi.web.embed import embed_context, embedded_token, is_embedded, set_resume_cookie
from manyi.web.i18n import AUTONYMS, page_context
from manyi.web.respondent_limits import over_limit, read_form, too_large
from manyi.web.routes import language_of, templates

router = APIRouter(include_in_schema=False)

SurveyId = Annotated[int, Path(ge=1, le=2**62)]
#: Cookie of the large-text mode (``?size=large`` / ``?size=normal``).
SIZE_COOKIE = "manyi_text"
ONE_YEAR = 365 * 24 * 3600
#: How long a resume cookie lasts: a respondent may come back within this.
RESUME_MAX_AGE = 90 * 24 * 3600
#: Status of the page that says the survey does not take answers.
STATE_STATUS = {
    "closed": 410,
    "not_open": 404,
    "not_yet": 404,
    "screened_out": 200,
    "bad_link": 400,
    "expired": 410,
    "answered": 409,
}


def resume_cookie(survey_id: int) -> str:
    return f"manyi_resume_{survey_id}"


def _large_text(request: Request) -> bool:
    size = request.query_params.get("size")
    if size in ("large", "normal"):
        return size == "large"
    return request.cookies.get(SIZE_COOKIE) == "large"


def _link(request: Request, **changes: str) -> str:
    """This page's address with ``changes`` to its query (the language and size switches
    keep the channel and touchpoint)."""
    query = {**dict(request.query_params), **changes}
    return request.url.path + ("?" + urlencode(query) if query else "")


def _page(
    request: Request,
    settings: Settings,
    form: Form,
    lang: str,
    *,
    status: int = 200,
    token: str | None = None,
) -> HTMLResponse:
    """Render ``form``; ``token`` is its resume token (the invitation's on a personal
    link), from which the form's CSRF token is made."""
    large = _large_text(request)
    other = next(code for code in AUTONYMS if code != lang)
    token = token or request.cookies.get(resume_cookie(form.survey.id)) or form.new_token or ""
    context: dict[str, Any] = {
        "lang": lang,
        **page_context(lang),
        "form": form,
        "survey": form.survey,
        "definition": form.survey.definition,
        "questions": form.questions,
        "page_count": len(form.pages),
        "csrf": form_token(settings.secret_key, token) if token else "",
        # Signed render time: the last page's comes back and is checked (surveys/quality).
        "stamp": render_stamp(settings.secret_key, token) if token else "",
        "incentive": (
            thank_you_incentive(
                get_db(request), settings.secret_key, form.survey.definition, form.draft.id, lang
            )
            if form.state == "submitted" and form.draft is not None
            else None
        ),
        "field_name": field_name,
        "form_macro": form_macro,
        "form_action": _link(request),
        "kano_choices": KANO_CHOICES,
        "large_text": large,
        "language_link": _link(request, lang=other),
        "size_link": _link(request, size="normal" if large else "large"),
        **embed_context(request, settings, token),
    }
    template = "respond/form.html" if form.state == "open" else "respond/message.html"
    response = templates.TemplateResponse(request, template, context, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    if form.new_token:
        cookie = resume_cookie(form.survey.id)
        set_resume_cookie(response, request, settings, cookie, form.new_token, RESUME_MAX_AGE)
    if request.query_params.get("lang") in AUTONYMS:
        response.set_cookie("manyi_lang", lang, max_age=ONE_YEAR, samesite="lax")
    if request.query_params.get("size") in ("large", "normal"):
        response.set_cookie(SIZE_COOKIE, "large" if large else "normal", max_age=ONE_YEAR)
    return response


@router.get("/s/{survey_id}", response_class=HTMLResponse)
def respondent_form(
    request: Request, survey_id: SurveyId, db: DbDep, settings: SettingsDep
) -> Response:
    if (busy := over_limit(request, survey_id)) is not None:
        return busy
    lang = language_of(request, settings)
    invite = request.query_params.get("invite")
    if invite:
        invitation = _invitation(db, settings, survey_id, invite)
        if not isinstance(invitation, Invitation):
            refused = link_refused(db, survey_id, invitation)
            return _page(request, settings, refused, lang, status=STATE_STATUS[invitation])
        form = open_form(db, survey_id, None, language=lang, invitation=invitation)
        status = STATE_STATUS.get(form.state, 200)
        return _page(request, settings, form, lang, status=status, token=invite)
    form = open_form(
        db,
        survey_id,
        request.cookies.get(resume_cookie(survey_id)),
        language=lang,
        channel=request.query_params.get("ch") or None,
        touchpoint=request.query_params.get("tp") or None,
    )
    return _page(request, settings, form, lang, status=STATE_STATUS.get(form.state, 200))


def _invitation(
    db: Database, settings: Settings, survey_id: int, token: str
) -> Invitation | FormState:
    """The personal link's invitation, or why it cannot be answered."""
    try:
        return open_invitation(db, survey_id, token, secret=settings.secret_key)
    except Conflict:
        return "answered"
    except InvalidInput as problem:
        return "expired" if any(e.type == "expired" for e in problem.errors) else "bad_link"


@router.post("/s/{survey_id}", response_class=HTMLResponse)
async def respondent_post(
    request: Request, survey_id: SurveyId, db: DbDep, settings: SettingsDep, queue: QueueDep
) -> Response:
    if (busy := over_limit(request, survey_id)) is not None:
        return busy
    lang = language_of(request, settings)
    max_bytes = settings.respond_max_body_kb * 1024
    data = await read_form(request, max_bytes)
    if data is None:
        return too_large(request, max_bytes)
    fields: dict[str, list[str]] = {}
    for key, value in data.multi_items():
        if isinstance(value, str):
            fields.setdefault(key, []).append(value)
    here = _link(request)
    invite = request.query_params.get("invite")
    invitation: Invitation | None = None
    if invite:
        found = _invitation(db, settings, survey_id, invite)
        if not isinstance(found, Invitation):
            refused = link_refused(db, survey_id, found)
            return _page(request, settings, refused, lang, status=STATE_STATUS[found])
        invitation = found
    token = (
        invite or request.cookies.get(resume_cookie(survey_id)) or embedded_token(request, fields)
    )
    if token is None:
        # No draft in this browser (cookies off, or it expired): start from the form.
        return RedirectResponse(here, status_code=303)
    posted_csrf = (fields.get("csrf") or [""])[0]
    if not _same(posted_csrf, form_token(settings.secret_key, token)):
        return RedirectResponse(here, status_code=303)
    honeypot = (fields.get("website") or [""])[0]
    if honeypot:
        refuse_bot(survey_id, honeypot)
        form = open_form(db, survey_id, token, language=lang, invitation=invitation)
        form.state = "submitted" if form.state == "open" else form.state
        return _page(request, settings, form, lang, status=STATE_STATUS.get(form.state, 200))
    action: Action = "back" if (fields.get("action") or [""])[0] == "back" else "next"
    form = post_page(
        db, survey_id, token, fields, action=action, language=lang, invitation=invitation
    )
    if form.submission is not None:
        flags = timing_flags(
            settings.secret_key,
            token,
            (fields.get("rendered") or [""])[0],
            started_at=form.submission.started_at,
            min_seconds=settings.respond_min_seconds,
        )
        form = _record(db, settings, queue, form, form.submission, lang, flags)
    if form.errors:
        return _page(request, settings, form, lang, status=422, token=token)
    if form.state in STATE_STATUS or form.state == "submitted":
        status = STATE_STATUS.get(form.state, 200)
        return _page(request, settings, form, lang, status=status, token=token)
    if is_embedded(request):
        # A frame may get no cookie (third-party cookies blocked): the next page is shown
        # at once, with the draft's token in its hidden field, instead of a redirect.
        return _page(request, settings, form, lang, token=token)
    # Post/redirect/get: reloading the next page does not post this one again.
    return RedirectResponse(here, status_code=303)


def _record(
    db: Database,
    settings: Settings,
    queue: EnrichmentQueue,
    form: Form,
    done: Submission,
    lang: str,
    flags: tuple[str, ...] = (),
) -> Form:
    """Store the finished form through the intake pipeline, as every channel does;
    ``flags``: the form's own quality flags (timing)."""
    item = ResponseIn(
        answers=done.answers,
        channel=done.channel,
        touchpoint=done.touchpoint,
        started_at=done.started_at,
        language=done.language,
        customer=done.customer,
        external_key=done.external_key,
        quality_flags=flags,
        incentivised=incentivised(db, done.invitation_id),
        consent=done.consent_text is not None,
        consent_version=done.consent_version,
        consent_text=done.consent_text,
    )
    options = IntakeOptions(
        source="web",
        keep_raw_text=settings.keep_raw_text,
        speeder_fraction=settings.speeder_fraction,
    )
    batch = ResponseBatch(done.survey_id, [item], idempotency_key=done.idempotency_key)
    try:
        result = record(
            db, batch, options, enqueue=queue.enqueue_enrichment, alerts=queue.enqueue_alerts
        )
    except QuotaFull as full:
        return screened_out(db, form, full.quota)
    except Conflict:
        return not_open_any_more(db, form)
    except InvalidInput as problem:
        return not_accepted(db, form, problem, lang)
    response_id = result.stored[0].id
    if done.invitation_id is not None:
        try:
            mark_answered(db, done.invitation_id, response_id)
        except Conflict:
            # Answered a moment earlier from another device: that response counts.
            return link_refused(db, done.survey_id, "answered")
    return submitted(db, form, response_id)


def _same(a: str, b: str) -> bool:
    return bool(a) and hmac.compare_digest(a.encode(), b.encode())
