"""The respondent form's guards that run before a request touches a draft: the rate
limits per client address and per survey (429), and the largest page of answers read
(413). Both answer with a page in the respondent's language that says the answers saved
so far are kept: they are, since nothing is read or written (docs/respond.md, "Quality
and abuse")."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData
from starlette.types import Message

from manyi.edge.deps import client_address, get_settings
from manyi.surveys.rate_limit import RespondLimiter, TooManyRequests
from manyi.web.i18n import page_context
from manyi.web.routes import language_of, templates


def _here(request: Request) -> str:
    """This page's path and query (a personal link's ``invite`` and the language)."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def _refusal(request: Request, reason: str, status: int, **context: object) -> HTMLResponse:
    lang = language_of(request, get_settings(request))
    response = templates.TemplateResponse(
        request,
        "respond/refused.html",
        {"lang": lang, **page_context(lang), "reason": reason, "back": _here(request), **context},
        status_code=status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def over_limit(request: Request, survey_id: int) -> Response | None:
    """The 429 page when this address or this survey's link is over its rate limit
    (counting this request), else None."""
    limiter: RespondLimiter = request.app.state.respond_limiter
    try:
        limiter.hit(client_address(request), survey_id)
    except TooManyRequests as exc:
        response = _refusal(request, "busy", 429, retry_after=exc.retry_after_s, scope=exc.scope)
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    return None


async def read_form(request: Request, max_bytes: int) -> FormData | None:
    """The posted form, or None when its body is larger than ``max_bytes`` (read no
    further than that, whatever Content-Length says)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            return None
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": bytes(body), "more_body": False}

    return await Request(request.scope, replay).form()


def too_large(request: Request, max_bytes: int) -> HTMLResponse:
    """The 413 page for a page of answers over the limit."""
    return _refusal(request, "too_large", 413, max_kb=max_bytes // 1024)
