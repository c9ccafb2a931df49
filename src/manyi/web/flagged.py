"""``/responses/flagged``: analysts review low-quality responses and exclude them from the
aggregates, or keep them (roles admin, manager, analyst; docs/respond.md, "Quality and
abuse"). The decision is a POST with the session's CSRF token, then back to the list."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from manyi.accounts.scope import department_scope, reader_of
from manyi.accounts.service import User
from manyi.domain.enums import QualityFlag
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, page_requires
from manyi.errors import InvalidInput
from manyi.reporting.exclusions import (
    DECISIONS,
    MAX_REASON,
    PAGE_SIZE,
    decide_exclusion,
    flagged_responses,
)
from manyi.web.routes import LangDep, _render
from manyi.web.security import csrf_ok

router = APIRouter(include_in_schema=False)

Decision = Literal["open", "excluded", "kept"]
#: What each button asks: exclude, keep despite the flags, or undo the decision.
ACTIONS: dict[str, bool | None] = {"exclude": True, "keep": False, "undo": None}


@router.get("/responses/flagged", response_class=HTMLResponse)
def flagged_page(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Annotated[User, page_requires(Permission.REVIEW_QUALITY)],
    survey: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    flag: QualityFlag | None = None,
    decision: Decision | None = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    listing = flagged_responses(
        db,
        survey_id=survey,
        flag=flag.value if flag else None,
        decision=decision,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
        reader=reader_of(db, user),
    )
    filters = {
        k: v
        for k, v in {
            "survey": survey,
            "flag": flag.value if flag else None,
            "decision": decision,
        }.items()
        if v is not None
    }
    return _render(
        request,
        "flagged.html",
        lang,
        user=user,
        listing=listing,
        page=page,
        pages=max(1, -(-listing.count // PAGE_SIZE)),
        filters=filters,
        flags=[f.value for f in QualityFlag],
        decisions=DECISIONS,
        max_reason=MAX_REASON,
        here="/responses/flagged" + ("?" + urlencode(filters) if filters else ""),
        page_link=lambda n: "?" + urlencode({**filters, "page": n}),
        error=request.query_params.get("error"),
    )


@router.post("/responses/flagged/{response_id}")
def decide(
    request: Request,
    db: DbDep,
    user: Annotated[User, page_requires(Permission.REVIEW_QUALITY)],
    response_id: Annotated[int, Path(ge=1, le=2**62)],
    action: Annotated[Literal["exclude", "keep", "undo"], Form()],
    csrf: Annotated[str | None, Form(alias="csrf_token")] = None,
    reason: Annotated[str, Form(max_length=MAX_REASON * 4)] = "",
    back: Annotated[str, Form(max_length=2000)] = "/responses/flagged",
) -> Response:
    target = back if back.startswith("/responses/flagged") else "/responses/flagged"
    if not csrf_ok(request, csrf):
        return _back(target, "csrf")
    try:
        decide_exclusion(
            db,
            response_id,
            excluded=ACTIONS[action],
            reason=reason,
            user_id=user.id,
            scope=department_scope(db, user),
        )
    except InvalidInput:
        return _back(target, "reason")
    return RedirectResponse(f"{target}#response-{response_id}", status_code=303)


def _back(target: str, error: str) -> Response:
    joiner = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{joiner}error={error}", status_code=303)
