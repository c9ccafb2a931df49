"""The rule editor (issue #12): ``/alert-rules`` lists the alert rules with their hit
counts and adds one from a form (each condition a field: leave it empty to not use it),
or a metric rule from the second form (``applies_to=metric``: a drop, a control-chart
signal or an emerging aspect); ``/alert-rules/{id}`` shows its hit log. Changes are
POSTs with the CSRF token."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from manyi.accounts.service import User
from manyi.domain.metric_rules import CHART_GRANULARITIES, METRICS, PERIOD_DAYS
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, page_requires
from manyi.errors import InvalidInput
from manyi.surveys.service import list_surveys
from manyi.web.routes import LangDep, _render
from manyi.web.security import csrf_ok
from manyi.workflow.alerts import create_rule, get_rule, list_rules, update_rule
from manyi.workflow.cases import Actor

router = APIRouter(include_in_schema=False)


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.replace("，", ",").split(",") if w.strip()]


def conditions_from_form(form: dict[str, str]) -> list[dict[str, Any]]:
    """The conditions the form's filled fields ask for."""
    out: list[dict[str, Any]] = []
    for kind in ("nps_at_most", "csat_at_most", "rating_at_most"):
        if form.get(kind, "").strip():
            try:
                out.append({"kind": kind, "value": float(form[kind])})
            except ValueError as error:
                raise InvalidInput(f"{kind}: a number, not {form[kind]!r}") from error
    if form.get("negative_aspect", "").strip() or form.get("any_negative"):
        out.append(
            {"kind": "negative_aspect", "aspect": form.get("negative_aspect", "").strip() or None}
        )
    if form.get("question", "").strip() and form.get("answer_values", "").strip():
        out.append(
            {
                "kind": "answer",
                "question": form["question"].strip(),
                "values": _words(form["answer_values"]),
            }
        )
    if _words(form.get("keywords", "")):
        out.append({"kind": "keywords", "any": _words(form["keywords"])})
    for kind in ("tier", "touchpoint", "channel"):
        if _words(form.get(kind, "")):
            out.append({"kind": kind, "in": _words(form[kind])})
    return out


def metric_condition_from_form(form: dict[str, str]) -> dict[str, Any]:
    """The one condition of the metric form (checked by the service)."""
    kind = form.get("metric_kind", "metric_drop")
    survey = form.get("survey_id", "").strip()
    if survey and not survey.isdigit():
        raise InvalidInput(f"survey: a survey's id, not {survey!r}")
    condition: dict[str, Any] = {
        "kind": kind,
        "survey_id": int(survey) if survey else None,
        "department": form.get("department", "").strip() or None,
        "touchpoint": form.get("metric_touchpoint", "").strip() or None,
        "route_to": form.get("route_to", "").strip() or None,
    }
    if kind == "metric_drop":
        days = form.get("days", "30").strip()
        condition |= {"metric": form.get("metric", "nps"), "days": int(days) if days else 30}
    elif kind == "control_chart":
        condition |= {
            "metric": form.get("metric", "nps"),
            "granularity": form.get("granularity", "month"),
        }
    else:
        condition["aspect"] = form.get("aspect", "").strip() or None
    return condition


@router.get("/alert-rules", response_class=HTMLResponse)
def rules_page(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Annotated[User, page_requires(Permission.MANAGE_RULES)],
) -> Response:
    return _render(
        request,
        "cases/rules.html",
        lang,
        user=user,
        rules=list_rules(db),
        surveys=list_surveys(db, limit=200)[0],
        metrics=METRICS,
        period_days=PERIOD_DAYS,
        granularities=CHART_GRANULARITIES,
        error=request.query_params.get("error"),
        message=request.query_params.get("message", ""),
    )


@router.post("/alert-rules")
async def rules_create(
    request: Request,
    db: DbDep,
    user: Annotated[User, page_requires(Permission.MANAGE_RULES)],
) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    if not csrf_ok(request, form.get("csrf_token")):
        return RedirectResponse("/alert-rules?error=csrf", status_code=303)
    metric = form.get("applies_to") == "metric"
    try:
        create_rule(
            db,
            name=form.get("name", ""),
            applies_to=form.get("applies_to", "any"),
            conditions=[metric_condition_from_form(form)] if metric else conditions_from_form(form),
            actions={
                "open_case": form.get("open_case") == "on",
                "importance": int(form.get("importance") or 2),
                "urgency": int(form.get("urgency") or 2),
                "notify_department": form.get("notify_department") == "on",
                "tag": form.get("tag", "").strip() or None,
            },
            actor=Actor(user.id, user.email),
        )
    except (InvalidInput, ValueError) as error:
        text = error.message if isinstance(error, InvalidInput) else str(error)
        query = urlencode({"error": "invalid", "message": text[:300]})
        return RedirectResponse(f"/alert-rules?{query}", status_code=303)
    return RedirectResponse("/alert-rules", status_code=303)


@router.post("/alert-rules/{rule_id}/enabled")
def rules_enable(
    request: Request,
    db: DbDep,
    user: Annotated[User, page_requires(Permission.MANAGE_RULES)],
    rule_id: Annotated[int, Path(ge=1, le=2**62)],
    enabled: Annotated[Literal["on", "off"], Form()],
    csrf: Annotated[str | None, Form(alias="csrf_token")] = None,
) -> Response:
    if not csrf_ok(request, csrf):
        return RedirectResponse("/alert-rules?error=csrf", status_code=303)
    update_rule(db, rule_id, Actor(user.id, user.email), enabled=enabled == "on")
    return RedirectResponse("/alert-rules", status_code=303)


@router.get("/alert-rules/{rule_id}", response_class=HTMLResponse)
def rule_page(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Annotated[User, page_requires(Permission.MANAGE_RULES)],
    rule_id: Annotated[int, Path(ge=1, le=2**62)],
) -> Response:
    rule, hits = get_rule(db, rule_id)
    return _render(request, "cases/rule.html", lang, user=user, rule=rule, hits=hits)
