"""The one error handler of the HTTP edge.

Every error on its way out becomes either the JSON shape
``{"ok": false, "error": "...", "errors": [...], "status": N}`` (under ``/api``, and for
``/healthz`` and ``/openapi.json``) or an HTML error page in the page's language
(everywhere else). What is handled:

- :class:`~manyi.errors.ManyiError` from a service, with its own status;
- FastAPI's request validation (422 in JSON; 400 on a page, where the bad input is a
  link or a form, not a request body);
- Starlette's ``HTTPException`` (an unknown path is a 404, a wrong method a 405);
- :class:`~manyi.edge.deps.LoginRequired` from the page login dependency: a 303 redirect
  to ``/login?next=<the page>`` (a JSON 401 under ``/api``);
- anything else: a 500 that says the details are in the server log, never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from manyi.accounts.throttle import TooManyAttempts
from manyi.edge.deps import LoginRequired
from manyi.errors import FieldError, ManyiError

log = logging.getLogger("manyi.edge")

#: Paths whose errors are JSON: the API, and the machine-read endpoints beside it.
JSON_PREFIXES = ("/api/", "/healthz", "/openapi.json")

#: Renders the HTML error page: (request, status, message) -> response.
ErrorPage = Callable[[Request, int, str], Response]

INTERNAL_ERROR = "internal error; the details are in the server log"


def error_body(
    message: str, status: int, errors: list[FieldError] | None = None
) -> dict[str, object]:
    return {
        "ok": False,
        "error": message,
        "errors": [e.as_dict() for e in errors or []],
        "status": status,
    }


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path == "/api" or path.startswith(JSON_PREFIXES)


def _validation_errors(exc: RequestValidationError) -> list[FieldError]:
    return [
        FieldError(
            tuple(str(p) for p in e.get("loc", ())),
            str(e.get("msg", "invalid")),
            str(e.get("type", "invalid")),
        )
        for e in exc.errors()
    ]


def _headers(exc: Exception) -> dict[str, str]:
    if isinstance(exc, TooManyAttempts):
        return {"Retry-After": str(exc.retry_after_s)}
    if isinstance(exc, ManyiError) and exc.status == 401:
        return {"WWW-Authenticate": "Bearer"}
    return {}


def install_error_handlers(app: FastAPI, page: ErrorPage | None = None) -> None:
    """Install the handler; without ``page`` every error is JSON (an API-only app)."""

    def respond(
        request: Request,
        status: int,
        body: dict[str, object],
        headers: dict[str, str] | None = None,
    ) -> Response:
        if page is None or wants_json(request):
            return JSONResponse(body, status_code=status, headers=headers)
        # A page's bad input is a link or a form a person used: 400, not the API's 422.
        response = page(request, 400 if status == 422 else status, str(body["error"]))
        response.headers.update(headers or {})
        return response

    @app.exception_handler(ManyiError)
    async def _manyi(request: Request, exc: ManyiError) -> Response:
        if isinstance(exc, LoginRequired) and page is not None and not wants_json(request):
            back = "" if exc.next_url == "/" else "?" + urlencode({"next": exc.next_url})
            return RedirectResponse(f"/login{back}", status_code=303)
        body = exc.as_dict()
        if page is not None and not wants_json(request):
            body["error"] = str(exc)  # a page shows the field details in its one message
        return respond(request, exc.status, body, _headers(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = _validation_errors(exc)
        count = len(errors)
        message = f"{count} field{'s' if count != 1 else ''} could not be accepted"
        if page is not None and not wants_json(request):
            details = "; ".join(f"{'.'.join(map(str, e.loc))}: {e.msg}" for e in errors)
            message = f"{message} ({details})"
        return respond(request, 422, error_body(message, 422, errors))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return respond(
            request,
            exc.status_code,
            error_body(str(exc.detail), exc.status_code),
            dict(exc.headers) if exc.headers else None,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return respond(request, 500, error_body(INTERNAL_ERROR, 500))
