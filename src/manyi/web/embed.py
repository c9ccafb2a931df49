"""The website widget: ``/s/{id}/embed.js`` (and ``/embed.js?survey=ID``), the respondent
form in embed mode (``/s/{id}?embed=1``), and the frame-ancestors policy of every page.

A customer's website includes the script with one ``<script>`` tag; it inserts a button
with a slide-in panel (or, ``data-mode="inline"``, the form in place) holding an iframe of
the form in embed mode. Browsers show the form in a frame only on the websites named in
``MANYI_EMBED_ORIGINS`` (the ``Content-Security-Policy: frame-ancestors`` of the form);
every other page may be framed by manyi's own pages only. The form in a frame reports its
height to the host page with ``postMessage`` addressed to the host's origin, and only
when that origin is one of the allowed ones. See docs/distribution.md#embed.

In a frame the resume cookie is a third-party cookie: over https it is sent with
``SameSite=None; Secure; Partitioned`` (kept per host website where the browser
partitions cookies); a browser that blocks it anyway still gets a working form, because
in embed mode the page also carries its draft's token in a hidden field and posts answer
to answer without a redirect, so the draft lives as long as the page view.
"""

from __future__ import annotations

import re
from functools import cache
from http.cookies import SimpleCookie
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from manyi.config import Settings
from manyi.surveys.embed import parse_origins

router = APIRouter(include_in_schema=False)

#: The query parameter that switches the respondent form to embed mode.
EMBED_PARAM = "embed"
#: Paths whose pages other websites may frame: the respondent form only.
_FRAMEABLE = re.compile(r"^/s/[0-9]+/?$")
_STATIC = FilePath(__file__).parent / "static"
#: Longest the script may be: it is loaded on every page of the customer's website.
SCRIPT_MAX_BYTES = 5 * 1024
#: The resume token in an embedded form, for browsers that block the cookie.
RESUME_FIELD = "resume"


def embed_origins(settings: Settings) -> tuple[str, ...]:
    """The origins of ``MANYI_EMBED_ORIGINS``, lower-cased, in order, without repeats."""
    return parse_origins(settings.embed_origins)


def frame_ancestors(path: str, origins: tuple[str, ...]) -> str:
    """The Content-Security-Policy that says who may show ``path`` in a frame: manyi's own
    pages always (the builder's preview), the allowed websites for the respondent form."""
    allowed = ["'self'", *origins] if _FRAMEABLE.match(path) else ["'self'"]
    return "frame-ancestors " + " ".join(allowed)


class FrameAncestors:
    """ASGI middleware adding the frame-ancestors policy (and ``X-Frame-Options`` for old
    browsers, where it can say it) to every response. It adds its own header and leaves
    any other Content-Security-Policy alone: a browser enforces each one it gets."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.origins = embed_origins(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = frame_ancestors(scope.get("path", ""), self.origins).encode()
        # X-Frame-Options has no list of sites: only send it when no other site may frame.
        same_origin_only = not (self.origins and _FRAMEABLE.match(scope.get("path", "")))

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"content-security-policy", policy))
                if same_origin_only:
                    headers.append((b"x-frame-options", b"SAMEORIGIN"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_policy)


# --------------------------------------------------------------------------- the script


@cache
def widget_script() -> bytes:
    """The widget's script (static/embed.js), read once."""
    script = (_STATIC / "embed.js").read_bytes()
    if len(script) > SCRIPT_MAX_BYTES:
        raise RuntimeError(f"embed.js is {len(script)} bytes, more than {SCRIPT_MAX_BYTES}")
    return script


def _script_response() -> Response:
    return Response(
        widget_script(),
        media_type="text/javascript; charset=utf-8",
        headers={
            # The same file for every survey: websites may cache it for an hour.
            "Cache-Control": "public, max-age=3600",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/s/{survey_id}/embed.js")
def survey_script(survey_id: Annotated[int, Path(ge=1, le=2**62)]) -> Response:
    """The widget script; it reads the survey id from its own address."""
    return _script_response()


@router.get("/embed.js")
def script(survey: Annotated[int, Query(ge=1, le=2**62)]) -> Response:
    """The widget script, for ``<script src=".../embed.js?survey=ID">``."""
    return _script_response()


# --------------------------------------------------------------------------- the form


def is_embedded(request: Request) -> bool:
    """Whether the respondent form was asked for in embed mode (``?embed=1``)."""
    return request.query_params.get(EMBED_PARAM) == "1"


def embed_context(request: Request, settings: Settings, token: str) -> dict[str, Any]:
    """Template values of the form in embed mode: ``embed`` (drop the page chrome),
    ``embed_origin`` (the host page's origin when it is an allowed one: the page reports
    its height to it) and ``embed_resume`` (the draft's token for the hidden field)."""
    if not is_embedded(request):
        return {"embed": False, "embed_origin": "", "embed_resume": ""}
    asked = (request.query_params.get("origin") or "").lower().rstrip("/")
    allowed = asked if asked in embed_origins(settings) else ""
    return {"embed": True, "embed_origin": allowed, "embed_resume": token}


def embedded_token(request: Request, fields: dict[str, list[str]]) -> str | None:
    """The resume token posted in the hidden field of an embedded form (for browsers
    that do not send the frame its cookie); None outside embed mode."""
    if not is_embedded(request):
        return None
    token = (fields.get(RESUME_FIELD) or [""])[0]
    # A token is 43 URL-safe characters (secrets.token_urlsafe(32)); an invitation's is
    # longer. Anything else is not one of ours.
    return token if re.fullmatch(r"[A-Za-z0-9_.-]{20,400}", token) else None


def set_resume_cookie(
    response: Response,
    request: Request,
    settings: Settings,
    name: str,
    value: str,
    max_age: int,
) -> None:
    """Set the resume cookie; an embedded form served over https gets a third-party
    cookie (``SameSite=None; Secure; Partitioned``), anything else a first-party one."""
    https = request.url.scheme == "https" or settings.public_base_url.startswith("https:")
    if not (is_embedded(request) and https):
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            httponly=True,
            samesite="lax",
            secure=settings.environment == "production",
        )
        return
    # Starlette writes Partitioned only on Python >= 3.14: the header is written here.
    cookie: SimpleCookie = SimpleCookie()
    cookie[name] = value
    morsel = cookie[name]
    morsel["max-age"] = max_age
    morsel["path"] = "/"
    morsel["httponly"] = True
    morsel["secure"] = True
    morsel["samesite"] = "None"
    header = morsel.OutputString() + "; Partitioned"
    response.raw_headers.append((b"set-cookie", header.encode("latin-1")))
