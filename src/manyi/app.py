"""``create_app(settings)``: the one place where the web side is wired together."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from manyi import __version__
from manyi.accounts.throttle import LoginThrottle
from manyi.api.docs import install_api_docs
from manyi.api.routes import (
    analysis,
    cases,
    contacts,
    customers,
    dashboard,
    delivery,
    departments,
    embed,
    events,
    exports,
    feedback,
    imports,
    links,
    notifications,
    plans,
    privacy,
    quality,
    reports,
    responses,
    scorecards,
    surveys,
    templates,
    users,
)
from manyi.config import Settings
from manyi.edge.errors import install_error_handlers
from manyi.jobs.queue import JobQueue, build_queue
from manyi.runtime import Database, open_database
from manyi.surveys.rate_limit import RespondLimiter
from manyi.web.admin import router as admin_router
from manyi.web.admin_departments import router as admin_departments_router
from manyi.web.alert_rules import router as alert_rules_router
from manyi.web.analysis import router as analysis_router
from manyi.web.builder import router as builder_router
from manyi.web.cases import router as cases_router
from manyi.web.dashboard import router as dashboard_router
from manyi.web.embed import FrameAncestors
from manyi.web.embed import router as embed_router
from manyi.web.flagged import router as flagged_router
from manyi.web.loop_pages import router as loop_pages_router
from manyi.web.opt_out import router as opt_out_router
from manyi.web.plans import router as plans_router
from manyi.web.reports import router as reports_router
from manyi.web.respondent import router as respondent_router
from manyi.web.routes import error_page
from manyi.web.routes import router as web_router
from manyi.web.sso import router as sso_router


def create_app(
    settings: Settings,
    db: Database | None = None,
    queue: JobQueue | None = None,
    login_throttle: LoginThrottle | None = None,
) -> FastAPI:
    """Build the FastAPI app (API under /api/v1, pages at /, health at /healthz).

    Errors go through one handler: the JSON error shape under /api (and for /healthz and
    /openapi.json), an HTML error page everywhere else."""
    app = FastAPI(
        title="manyi 满意",
        version=__version__,
        description="Customer-satisfaction and service-quality feedback API. Errors share one shape: "
        '{"ok": false, "error": "...", "errors": [{"loc": [...], "msg": "...", "type": "..."}], "status": N}.',
        # Served by install_api_docs from an installed package instead of a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db or open_database(settings)
    app.state.queue = queue or build_queue(settings, app.state.db)
    app.state.login_throttle = login_throttle or LoginThrottle.from_settings(settings)
    app.state.respond_limiter = RespondLimiter.from_settings(settings)
    install_error_handlers(app, page=error_page)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="manyi_session",
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.environment == "production",
    )
    # Who may show a page in a frame: manyi itself; the respondent form also the websites
    # of MANYI_EMBED_ORIGINS (the survey widget).
    app.add_middleware(FrameAncestors, settings=settings)
    for router in (
        surveys.router,
        templates.router,
        links.router,
        responses.router,
        quality.router,
        feedback.router,
        imports.router,
        exports.router,
        customers.router,
        privacy.router,
        embed.router,
        delivery.router,
        contacts.router,
        events.router,
        reports.router,
        users.router,
        departments.router,
        dashboard.router,
        analysis.router,
        plans.router,
        cases.router,
        scorecards.router,
        notifications.router,
    ):
        app.include_router(router, prefix="/api/v1")
    install_api_docs(app)
    app.include_router(web_router)
    app.include_router(builder_router)
    app.include_router(admin_router)
    app.include_router(admin_departments_router)
    app.include_router(sso_router)
    app.include_router(opt_out_router)
    app.include_router(flagged_router)
    app.include_router(cases_router)
    app.include_router(alert_rules_router)
    app.include_router(analysis_router)
    app.include_router(dashboard_router)
    app.include_router(reports_router)
    app.include_router(plans_router)
    app.include_router(loop_pages_router)
    app.include_router(embed_router)
    app.include_router(respondent_router)
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
