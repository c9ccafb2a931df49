"""``create_app(settings)``: the one place where the web side is wired together."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from manyi import __version__
from manyi.api.errors import install_error_handlers
from manyi.api.routes import feedback, imports, responses, surveys
from manyi.config import Settings
from manyi.jobs.queue import JobQueue, build_queue
from manyi.storage.database import Database
from manyi.web.routes import router as web_router


def create_app(
    settings: Settings, db: Database | None = None, queue: JobQueue | None = None
) -> FastAPI:
    """Build the FastAPI app (API under /api/v1, pages at /, health at /healthz)."""
    app = FastAPI(
        title="manyi 满意",
        version=__version__,
        description="Customer-satisfaction and service-quality feedback API. Errors share one shape: "
        '{"ok": false, "error": "...", "errors": [{"loc": [...], "msg": "...", "type": "..."}], "status": N}.',
    )
    app.state.settings = settings
    app.state.db = db or Database(settings.effective_database_url, echo=settings.sql_echo)
    app.state.queue = queue or build_queue(settings, app.state.db)
    install_error_handlers(app)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="manyi_session",
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.environment == "production",
    )
    for router in (surveys.router, responses.router, feedback.router, imports.router):
        app.include_router(router, prefix="/api/v1")
    app.include_router(web_router)
    app.mount(
        "/static",
        StaticFiles(directory=str(Path(__file__).parent / "web" / "static")),
        name="static",
    )

    @app.get("/healthz", tags=["health"], summary="Liveness and database check")
    def healthz() -> JSONResponse:
        database_ok = app.state.db.ping()
        body: dict[str, Any] = {
            "ok": database_ok,
            "version": __version__,
            "database": "ok" if database_ok else "unreachable",
        }
        return JSONResponse(body, status_code=200 if database_ok else 503)

    return app
