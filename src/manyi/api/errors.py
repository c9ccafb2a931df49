"""Mapping errors to the one JSON error shape ``{"ok": false, "error", "errors", "status"}``."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from manyi.errors import FieldError, ManyiError

log = logging.getLogger("manyi.api")


def error_body(
    message: str, status: int, errors: list[FieldError] | None = None
) -> dict[str, object]:
    return {
        "ok": False,
        "error": message,
        "errors": [e.as_dict() for e in errors or []],
        "status": status,
    }


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ManyiError)
    async def _manyi(_: Request, exc: ManyiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(exc.as_dict(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            FieldError(
                tuple(str(p) for p in e.get("loc", ())),
                str(e.get("msg", "invalid")),
                str(e.get("type", "invalid")),
            )
            for e in exc.errors()
        ]
        count = len(errors)
        return JSONResponse(
            error_body(
                f"{count} field{'s' if count != 1 else ''} could not be accepted", 422, errors
            ),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            error_body(str(exc.detail), exc.status_code), status_code=exc.status_code
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return JSONResponse(
            error_body("internal error; the details are in the server log", 500), status_code=500
        )
