"""Interactive API docs (Swagger UI at ``/docs``, ReDoc at ``/redoc``) that work offline.

FastAPI's own docs pages load Swagger UI and ReDoc from a CDN and a favicon from
fastapi.tiangolo.com, so they are blank without internet access. Here the same pages load
their scripts, style sheet and icon from the installed ``fastapi-offline`` package
(Swagger UI 5 and ReDoc 2 bundles, MIT), served under ``/docs/assets``.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"
OAUTH2_REDIRECT = "/docs/oauth2-redirect"

#: The docs pages may load only from this host. ReDoc's bundle shows a logo it fetches
#: from cdn.redoc.ly (hidden when that fails); this policy stops the browser asking for it.
#: Inline scripts and styles are how FastAPI's docs pages start Swagger UI and ReDoc;
#: ReDoc's search runs in a worker made from a blob.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'"
)


def _same_host_only(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return page


def install_api_docs(app: FastAPI) -> None:
    """Serve ``/docs`` and ``/redoc``; build the app with ``docs_url=None, redoc_url=None``."""
    if app.docs_url or app.redoc_url:
        raise ValueError("create the FastAPI app with docs_url=None and redoc_url=None")
    openapi_url = app.openapi_url or "/openapi.json"
    app.mount(ASSETS, StaticFiles(packages=[("fastapi_offline", "static")]), name="api-docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        html = get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} · API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png",
            oauth2_redirect_url=OAUTH2_REDIRECT,
            # Swagger UI would otherwise ask validator.swagger.io for a badge image.
            swagger_ui_parameters={"validatorUrl": None},
        )
        return _same_host_only(html)

    @app.get(OAUTH2_REDIRECT, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return _same_host_only(get_swagger_ui_oauth2_redirect_html())

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        html = get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title} · API",
            redoc_js_url=f"{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS}/favicon.png",
            with_google_fonts=False,
        )
        return _same_host_only(html)
