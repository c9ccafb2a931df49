"""The survey builder's pages: the survey list, a new survey, the builder, its preview.

For admins, managers and analysts (other roles get the 403 page). Plain HTML forms
posted with the staff CSRF token (:mod:`manyi.web.security`), so the builder works
without JavaScript; each handler calls one use case of :mod:`manyi.surveys.builder` (or
:mod:`manyi.surveys.builder_preview`) and turns its problems into messages next to the
fields, in the page language. docs/surveys.md, "Builder"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from manyi.accounts.service import User
from manyi.domain.enums import QuestionKind, ServqualDimension, SurveyStatus
from manyi.domain.permissions import Permission
from manyi.domain.questions import KINDS
from manyi.edge.deps import DbDep, SettingsDep, page_requires
from manyi.i18n import N_, gettext
from manyi.surveys.builder import (
    BuilderView,
    FormRefused,
    Problem,
    builder_view,
    change_status,
    edit_survey,
    export_definition,
    first_question_kinds,
    import_definition,
    new_survey,
    save_question,
    survey_list,
    templates,
)
from manyi.surveys.builder_form import (
    OPERATORS,
    describe_condition,
    first_values,
    form_rows,
    kind_fields,
    question_values,
    suggest_code,
)
from manyi.surveys.builder_preview import Preview, preview_page, preview_post
from manyi.surveys.respond import KANO_CHOICES, field_name, form_macro
from manyi.web.i18n import AUTONYMS
from manyi.web.routes import _render, language_of
from manyi.web.security import csrf_ok, safe_next

router = APIRouter(include_in_schema=False)
SurveyId = Annotated[int, Path(ge=1, le=2**62)]
Code = Annotated[str, Path(max_length=64)]
NOTICE = "builder_notice"

#: Problem codes of manyi.surveys.builder → their words (English ids of the catalog).
PROBLEMS: Mapping[str, str] = {
    "invalid": N_("Please check this field."),
    "text_missing": N_("Give this text in Chinese or in English."),
    "title_missing": N_("Give the title in Chinese or in English."),
    "whole_number": N_("Enter a whole number."),
    "label_point": N_("Each label needs a point of the scale (a whole number)."),
    "label_text": N_("Each label needs a text in Chinese or in English."),
    "option_text": N_("Each option or row needs a text in Chinese or in English."),
    "condition_json": N_("This condition is not valid JSON."),
    "condition_incomplete": N_(
        "Each condition needs a question, a test and a value (answered and not answered take no value)."
    ),
    "languages_missing": N_("Choose at least one language."),
    "last_question": N_(
        "A survey needs at least one question: add another one before deleting this one."
    ),
    "titled_pages": N_(
        "This survey's pages have titles: change its page order in the JSON file and import it."
    ),
    "template": N_("Choose one of the templates."),
    "file_empty": N_("The file is empty."),
    "file_too_large": N_("The file is larger than 1 MB."),
    "file_encoding": N_("The file is not UTF-8 text."),
    "file_json": N_("The file is not valid JSON."),
    "file_not_object": N_("The file must hold one JSON object: a survey definition."),
    "file_invalid": N_("The file is not a valid survey definition."),
    "file_missing": N_("Choose a JSON file to import."),
    "bad_csrf": N_("The page expired; please try again"),
}

#: Question kinds as words.
KIND_NAMES: Mapping[str, str] = {
    "rating": N_("Rating scale"),
    "nps": N_("Net Promoter Score (0–10)"),
    "csat": N_("Satisfaction (CSAT)"),
    "ces": N_("Customer effort (CES)"),
    "likert": N_("Agreement (Likert)"),
    "matrix": N_("Matrix of ratings"),
    "single": N_("Single choice"),
    "multiple": N_("Multiple choice"),
    "ranking": N_("Ranking"),
    "open": N_("Open text"),
    "servqual": N_("SERVQUAL item (expectation and perception)"),
    "kano": N_("Kano pair (with and without a feature)"),
}

#: Condition tests as words.
OPERATOR_NAMES: Mapping[str, str] = {
    "==": N_("is"),
    "!=": N_("is not"),
    "<": N_("is below"),
    "<=": N_("is at most"),
    ">": N_("is above"),
    ">=": N_("is at least"),
    "in": N_("is one of"),
    "not_in": N_("is none of"),
    "answered": N_("is answered"),
    "not_answered": N_("is not answered"),
}


#: The signed-in user, when the role may design surveys (else the 403 page).
Designer = Annotated[User, page_requires(Permission.DESIGN_SURVEYS)]


def _words(lang: str) -> dict[str, Any]:
    """The template helpers that name problems, kinds and tests in ``lang``."""

    def problem(p: Problem) -> str:
        return gettext(lang, PROBLEMS.get(p.code, PROBLEMS["invalid"]))

    return {
        "problem_text": problem,
        "kind_name": lambda kind: gettext(lang, KIND_NAMES.get(str(kind), str(kind))),
        "operator_name": lambda op: gettext(lang, OPERATOR_NAMES.get(op, op)),
    }


def _page(
    request: Request, name: str, lang: str, user: User, status: int = 200, **context: Any
) -> HTMLResponse:
    return _render(request, name, lang, status, user=user, **_words(lang), **context)


async def _posted(request: Request) -> tuple[dict[str, list[str]], UploadFile | None, bool]:
    """The posted fields (text values), the uploaded file if any, and whether the staff
    CSRF token came with them."""
    data = await request.form()
    fields: dict[str, list[str]] = {}
    upload = None
    for key, value in data.multi_items():
        if isinstance(value, str):
            fields.setdefault(key, []).append(value)
        elif key == "file":
            upload = value
    token = (fields.get("csrf_token") or [""])[0]
    return fields, upload, csrf_ok(request, token)


def _by_field(problems: list[Problem]) -> dict[str, list[Problem]]:
    found: dict[str, list[Problem]] = {}
    for p in problems:
        found.setdefault(p.field, []).append(p)
    return found


def _back_to_builder(
    request: Request, survey_id: int, notice: dict[str, Any], anchor: str = ""
) -> Response:
    request.session[NOTICE] = notice
    return _redirect(request, f"/surveys/{survey_id}/edit{anchor}")


def _redirect(request: Request, url: str) -> Response:
    """Post/redirect/get; a ``?lang=`` on the post is kept (as the pages' cookie)."""
    response = RedirectResponse(url, status_code=303)
    lang = request.query_params.get("lang") or ""
    if lang in AUTONYMS:
        response.set_cookie("manyi_lang", lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


def _saved_notice(saved: Any) -> dict[str, Any]:
    return {
        "kind": "new_version" if saved.new_version else "saved",
        "version": saved.survey.version,
        "previous": saved.previous_version,
    }


# --------------------------------------------------------------------------- list and new


@router.get("/surveys", response_class=HTMLResponse)
def surveys_page(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    user: Designer,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    listing = survey_list(db, settings.public_base_url, page=page)
    lang = language_of(request, settings)
    notice = request.session.pop(NOTICE, None)
    return _page(request, "builder/list.html", lang, user, listing=listing, notice=notice)


def _new_page(
    request: Request, lang: str, user: User, status: int = 200, **context: Any
) -> HTMLResponse:
    return _page(
        request,
        "builder/new.html",
        lang,
        user,
        status,
        templates=templates(),
        first_kinds=first_question_kinds(),
        **{"values": {}, "problems": {}, **context},
    )


@router.get("/surveys/new", response_class=HTMLResponse)
def new_page(request: Request, settings: SettingsDep, user: Designer) -> Response:
    return _new_page(request, language_of(request, settings), user)


@router.post("/surveys/new", response_class=HTMLResponse)
async def create(request: Request, db: DbDep, settings: SettingsDep, user: Designer) -> Response:
    lang = language_of(request, settings)
    fields, _, csrf = await _posted(request)
    values = first_values(fields)
    if not csrf:
        problems = _by_field([Problem("", "bad_csrf")])
        return _new_page(request, lang, user, 400, values=values, problems=problems)
    try:
        survey = new_survey(db, fields)
    except FormRefused as refused:
        problems = _by_field(refused.problems)
        return _new_page(request, lang, user, 422, values=values, problems=problems)
    return _back_to_builder(request, survey.id, {"kind": "created", "version": 1})


# --------------------------------------------------------------------------- the builder


def _editor(
    view: BuilderView,
    kind: str,
    original: str | None,
    values: Mapping[str, str],
    problems: list[Problem] | None = None,
) -> dict[str, Any]:
    """What the question form needs: its kind's fields, the values (and rows) to show,
    the problems by field and the questions its conditions may name (those before it)."""
    questions = view.survey.definition.questions
    codes = [q.code for q in questions]
    position = codes.index(original) if original in codes else len(codes)
    return {
        "kind": kind,
        "original": original,
        "data": values,
        "fields": kind_fields(kind),
        "rows": {
            prefix: form_rows(values, prefix) for prefix in ("option", "row", "label", "cond")
        },
        "problems": _by_field(problems or []),
        "earlier": questions[:position],
    }


def _builder(
    request: Request,
    view: BuilderView,
    lang: str,
    user: User,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    survey = view.survey
    definition = survey.definition
    settings_values = {
        "title_zh": definition.title.zh or "",
        "title_en": definition.title.en or "",
        "description_zh": definition.description.zh or "" if definition.description else "",
        "description_en": definition.description.en or "" if definition.description else "",
        "thank_you_zh": definition.thank_you.zh or "" if definition.thank_you else "",
        "thank_you_en": definition.thank_you.en or "" if definition.thank_you else "",
        "expected_seconds": str(definition.expected_seconds or ""),
    }
    base: dict[str, Any] = {
        "view": view,
        "survey": survey,
        "definition": definition,
        "page_groups": definition.page_groups(),
        "kinds": list(KINDS),
        "dimensions": [d.value for d in ServqualDimension],
        "operators": OPERATORS,
        "describe_condition": describe_condition,
        "statuses": SurveyStatus,
        "editor": None,
        "page_problems": [],
        "settings_values": settings_values,
        "settings_languages": definition.languages,
        "settings_problems": {},
        "import_problems": [],
        "notice": request.session.pop(NOTICE, None),
        "autonyms": AUTONYMS,
    }
    return _page(request, "builder/edit.html", lang, user, status, **{**base, **context})


@router.get("/surveys/{survey_id}/edit", response_class=HTMLResponse)
def builder_page(
    request: Request,
    survey_id: SurveyId,
    db: DbDep,
    settings: SettingsDep,
    user: Designer,
    edit: Annotated[str | None, Query(max_length=64)] = None,
    add: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    view = builder_view(db, survey_id, settings.public_base_url)
    lang = language_of(request, settings)
    editor = None
    question = view.survey.definition.question(edit) if edit else None
    if question is not None:
        editor = _editor(view, question.kind.value, question.code, question_values(question))
    elif add in {k.value for k in QuestionKind}:
        codes = [q.code for q in view.survey.definition.questions]
        editor = _editor(view, str(add), None, {"code": suggest_code(str(add), codes)})
    return _builder(request, view, lang, user, editor=editor)


@router.post("/surveys/{survey_id}/questions", response_class=HTMLResponse)
async def save_question_page(
    request: Request, survey_id: SurveyId, db: DbDep, settings: SettingsDep, user: Designer
) -> Response:
    lang = language_of(request, settings)
    fields, _, csrf = await _posted(request)
    values = first_values(fields)
    kind = values.get("kind", "")
    original = values.get("original") or None
    try:
        if not csrf:
            raise FormRefused("bad CSRF token", problems=[Problem("", "bad_csrf")])
        saved = save_question(db, survey_id, kind, fields, original=original)
    except FormRefused as refused:
        view = builder_view(db, survey_id, settings.public_base_url)
        if kind not in {k.value for k in QuestionKind}:
            return _builder(request, view, lang, user, 422, page_problems=refused.problems)
        editor = _editor(view, kind, original, values, refused.problems)
        status = 400 if not csrf else 422
        return _builder(request, view, lang, user, status, editor=editor)
    code = values.get("code") or (original or "")
    return _back_to_builder(request, survey_id, _saved_notice(saved), f"#question-{code}")


@router.post("/surveys/{survey_id}/questions/{code}/{action}", response_class=HTMLResponse)
async def question_action(
    request: Request,
    survey_id: SurveyId,
    code: Code,
    action: Literal["delete", "up", "down", "page_break"],
    db: DbDep,
    settings: SettingsDep,
    user: Designer,
) -> Response:
    lang = language_of(request, settings)
    _, _, csrf = await _posted(request)
    try:
        if not csrf:
            raise FormRefused("bad CSRF token", problems=[Problem("", "bad_csrf")])
        saved = edit_survey(db, survey_id, action, code=code)
    except FormRefused as refused:
        view = builder_view(db, survey_id, settings.public_base_url)
        status = 400 if not csrf else 422
        return _builder(request, view, lang, user, status, page_problems=refused.problems)
    anchor = "" if action == "delete" else f"#question-{code}"
    return _back_to_builder(request, survey_id, _saved_notice(saved), anchor)


@router.post("/surveys/{survey_id}/settings", response_class=HTMLResponse)
async def save_settings(
    request: Request, survey_id: SurveyId, db: DbDep, settings: SettingsDep, user: Designer
) -> Response:
    lang = language_of(request, settings)
    fields, _, csrf = await _posted(request)
    try:
        if not csrf:
            raise FormRefused("bad CSRF token", problems=[Problem("", "bad_csrf")])
        saved = edit_survey(db, survey_id, "settings", form=fields)
    except FormRefused as refused:
        view = builder_view(db, survey_id, settings.public_base_url)
        return _builder(
            request,
            view,
            lang,
            user,
            400 if not csrf else 422,
            settings_values=first_values(fields),
            settings_languages=fields.get("languages", []),
            settings_problems=_by_field(refused.problems),
        )
    return _back_to_builder(request, survey_id, _saved_notice(saved), "#settings")


@router.post("/surveys/{survey_id}/import", response_class=HTMLResponse)
async def import_page(
    request: Request, survey_id: SurveyId, db: DbDep, settings: SettingsDep, user: Designer
) -> Response:
    lang = language_of(request, settings)
    _, upload, csrf = await _posted(request)
    try:
        if not csrf:
            raise FormRefused("bad CSRF token", problems=[Problem("file", "bad_csrf")])
        if upload is None or not upload.filename:
            raise FormRefused("no file", problems=[Problem("file", "file_missing")])
        # One byte over the limit is enough to refuse it; the rest is never read.
        content = await upload.read(1_000_001)
        saved = import_definition(db, survey_id, content)
    except FormRefused as refused:
        view = builder_view(db, survey_id, settings.public_base_url)
        status = 400 if not csrf else 422
        return _builder(request, view, lang, user, status, import_problems=refused.problems)
    notice = {**_saved_notice(saved), "imported": True}
    return _back_to_builder(request, survey_id, notice)


@router.get("/surveys/{survey_id}/export")
def export_page(survey_id: SurveyId, db: DbDep, user: Designer) -> Response:
    name, content = export_definition(db, survey_id)
    return Response(
        content,
        media_type="application/json; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/surveys/{survey_id}/status", response_class=HTMLResponse)
async def status_page(
    request: Request, survey_id: SurveyId, db: DbDep, settings: SettingsDep, user: Designer
) -> Response:
    lang = language_of(request, settings)
    fields, _, csrf = await _posted(request)
    values = first_values(fields)
    back = safe_next(values.get("next")) or f"/surveys/{survey_id}/edit"
    if not csrf:
        view = builder_view(db, survey_id, settings.public_base_url)
        problems = [Problem("", "bad_csrf")]
        return _builder(request, view, lang, user, 400, page_problems=problems)
    survey = change_status(db, survey_id, values.get("status", ""))
    request.session[NOTICE] = {"kind": f"status_{survey.status.value}", "title": survey.title}
    return _redirect(request, back)


# --------------------------------------------------------------------------- preview


@router.get("/surveys/{survey_id}/preview", response_class=HTMLResponse)
def preview_frames(
    request: Request, survey_id: SurveyId, db: DbDep, settings: SettingsDep, user: Designer
) -> Response:
    view = builder_view(db, survey_id, settings.public_base_url)
    lang = language_of(request, settings)
    return _page(request, "builder/preview.html", lang, user, view=view, survey=view.survey)


def _preview_page(request: Request, lang: str, user: User, preview: Preview) -> HTMLResponse:
    form = preview.form
    large = request.query_params.get("size") == "large"
    query = f"lang={lang}" + ("&size=large" if large else "")
    response = _page(
        request,
        "builder/preview_done.html" if preview.finished else "builder/preview_form.html",
        lang,
        user,
        200 if not form.errors else 422,
        preview=preview,
        form=form,
        survey=form.survey,
        definition=form.survey.definition,
        questions=form.questions,
        page_count=len(form.pages),
        field_name=field_name,
        form_macro=form_macro,
        kano_choices=KANO_CHOICES,
        large_text=large,
        form_action=f"/surveys/{form.survey.id}/preview/form?{query}",
        size_link=f"?lang={lang}" + ("" if large else "&size=large"),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/surveys/{survey_id}/preview/form", response_class=HTMLResponse)
def preview_form(
    request: Request,
    survey_id: SurveyId,
    db: DbDep,
    settings: SettingsDep,
    user: Designer,
    page: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> Response:
    lang = language_of(request, settings)
    return _preview_page(request, lang, user, preview_page(db, survey_id, page=page))


@router.post("/surveys/{survey_id}/preview/form", response_class=HTMLResponse)
async def preview_answer(
    request: Request, survey_id: SurveyId, db: DbDep, settings: SettingsDep, user: Designer
) -> Response:
    lang = language_of(request, settings)
    fields, _, csrf = await _posted(request)
    values = first_values(fields)
    if not csrf:
        return _preview_page(request, lang, user, preview_page(db, survey_id))
    page = values.get("preview_page", "0")
    preview = preview_post(
        db,
        survey_id,
        fields,
        page=int(page) if page.isdigit() else 0,
        carried=values.get("preview_answers", ""),
        action="back" if values.get("action") == "back" else "next",
    )
    return _preview_page(request, lang, user, preview)
