"""``/admin``: administrators manage users (list, create, role, department, disable,
password reset, single sign-on link), departments (a tree) and see the role →
permission map. Every page needs ``Permission.MANAGE_USERS``; every form posts the
session's CSRF token; each handler calls one use case of :mod:`manyi.accounts.admin` or
:mod:`manyi.accounts.departments`, which audit every change. docs/admin.md."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from manyi.accounts.admin import (
    PAGE_SIZE,
    change_user,
    create_user_by_admin,
    get_user_entry,
    list_users,
    reset_password,
    unlink_sso,
)
from manyi.accounts.departments import department_tree
from manyi.accounts.service import User
from manyi.domain.enums import Role
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, page_requires
from manyi.errors import ManyiError
from manyi.i18n import N_, gettext
from manyi.web.routes import LangDep, _render
from manyi.web.security import csrf_ok

router = APIRouter(include_in_schema=False)
Admin = Annotated[User, page_requires(Permission.MANAGE_USERS)]
UserId = Annotated[int, Path(ge=1, le=2**62)]
CsrfField = Annotated[str | None, Form(alias="csrf_token")]

#: Error codes of the account services (FieldError.type) → their words in the pages.
PROBLEMS: Mapping[str, str] = {
    "csrf": N_("The page expired; please try again"),
    "last_admin": N_(
        "This is the last active administrator: make another user an administrator first."
    ),
    "email_taken": N_("A user with this e-mail address already exists."),
    "email_invalid": N_("Enter an e-mail address."),
    "department_unknown": N_("There is no department with this code."),
    "role_unknown": N_("Choose one of the roles."),
    "name_too_long": N_("The name is too long (at most 200 characters)."),
    "code_invalid": N_("A code is 1 to 64 letters, digits, “_”, “.” or “-”."),
    "code_taken": N_("A department with this code already exists."),
    "name_missing": N_("Give the name in Chinese or in English."),
    "cycle": N_("A department cannot be put under itself or under a department below it."),
}


#: Roles as words (the codes stay visible beside them: the API and CLI use the codes).
ROLE_NAMES: Mapping[str, str] = {
    "admin": N_("Administrator"),
    "manager": N_("Manager"),
    "analyst": N_("Analyst"),
    "agent": N_("Agent"),
    "viewer": N_("Viewer"),
}

#: What each permission allows, for the roles page.
PERMISSION_NAMES: Mapping[str, str] = {
    "dashboard:view": N_("See the dashboard"),
    "analysis:view": N_("See the analysis pages"),
    "reports:view": N_("Read reports"),
    "reports:manage": N_("Schedule reports and choose their recipients"),
    "responses:view": N_("Read individual responses"),
    "data:export": N_("Export data"),
    "personal:view": N_("See personal data unmasked (names, phones, e-mails, raw text)"),
    "personal:requests": N_("Handle personal-data requests, retention and the audit log"),
    "data:submit": N_("Submit and import feedback"),
    "surveys:design": N_("Design surveys"),
    "invitations:send": N_("Send invitations"),
    "contacts:manage": N_("Manage contact lists"),
    "quality:review": N_("Review flagged responses"),
    "cases:view": N_("See cases"),
    "cases:work": N_("Work on cases"),
    "rules:manage": N_("Manage case rules"),
    "plans:view": N_("See improvement plans"),
    "plans:manage": N_("Manage improvement plans"),
    "scorecards:view": N_("See scorecards"),
    "users:manage": N_("Manage users, roles and departments"),
    "audit:view": N_("Read the audit log"),
}


def admin_words(lang: str) -> dict[str, object]:
    """Role and permission names in ``lang``, for the admin templates."""
    return {
        "role_name": lambda code: gettext(lang, ROLE_NAMES[code]) if code in ROLE_NAMES else code,
        "permission_name": lambda code: (
            gettext(lang, PERMISSION_NAMES[code]) if code in PERMISSION_NAMES else code
        ),
    }


def admin_page(
    request: Request, name: str, lang: str, status: int = 200, **context: object
) -> HTMLResponse:
    """A page of the admin section: the site's page with the role and permission names."""
    return _render(request, name, lang, status, **admin_words(lang), **context)


def problem(exc: ManyiError, lang: str) -> str:
    """The page's words for a service error (its English message when it has no code)."""
    for error in exc.errors:
        if error.type in PROBLEMS:
            return gettext(lang, PROBLEMS[error.type])
    return exc.message


def _no_store(response: Response) -> Response:
    # Pages that show a one-time password must not stay in a cache or the history.
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/admin")
def admin_home(user: Admin) -> Response:
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Admin,
    q: Annotated[str, Query(max_length=200)] = "",
    role: Role | None = None,
    department: Annotated[str, Query(max_length=64)] = "",
    active: Literal["yes", "no", ""] = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    state = {"yes": True, "no": False}.get(active)
    departments = department_tree(db)
    known = {d.code for d in departments}
    listing = list_users(
        db,
        search=q,
        role=role,
        department=department if department in known else None,
        active=state,
        page=page,
    )
    filters = {
        k: v
        for k, v in {
            "q": q,
            "role": role.value if role else "",
            "department": department,
            "active": active,
        }.items()
        if v
    }
    return admin_page(
        request,
        "admin/users.html",
        lang,
        user=user,
        listing=listing,
        filters=filters,
        roles=list(Role),
        departments=departments,
        page_size=PAGE_SIZE,
        page_link=lambda n: "?" + urlencode({**filters, "page": n}),
    )


def _new_form(
    request: Request, db: DbDep, lang: str, user: User, status: int = 200, **context: object
) -> Response:
    return admin_page(
        request,
        "admin/user_new.html",
        lang,
        status,
        user=user,
        roles=list(Role),
        departments=department_tree(db),
        form=context.pop("form", {}),
        **context,
    )


@router.get("/admin/users/new", response_class=HTMLResponse)
def new_user_page(request: Request, db: DbDep, lang: LangDep, user: Admin) -> Response:
    return _new_form(request, db, lang, user, form={"role": Role.VIEWER.value})


@router.post("/admin/users", response_class=HTMLResponse)
def create_user_page(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Admin,
    email: Annotated[str, Form(max_length=320)],
    role: Annotated[str, Form(max_length=20)],
    csrf: CsrfField = None,
    name: Annotated[str, Form(max_length=800)] = "",
    department: Annotated[str, Form(max_length=64)] = "",
    sign_in: Annotated[Literal["password", "sso"], Form()] = "password",
) -> Response:
    form = {
        "email": email,
        "role": role,
        "name": name,
        "department": department,
        "sign_in": sign_in,
    }
    if not csrf_ok(request, csrf):
        return _new_form(
            request, db, lang, user, 400, form=form, error=gettext(lang, PROBLEMS["csrf"])
        )
    try:
        created = create_user_by_admin(
            db,
            user,
            email=email,
            role=role,
            name=name,
            department=department or None,
            sign_in=sign_in,
        )
    except ManyiError as exc:
        return _new_form(request, db, lang, user, exc.status, form=form, error=problem(exc, lang))
    return _no_store(
        admin_page(
            request,
            "admin/user_password.html",
            lang,
            201,
            user=user,
            target=created.user,
            password=created.initial_password,
            created=True,
        )
    )


def _edit_form(
    request: Request,
    db: DbDep,
    lang: str,
    user: User,
    user_id: int,
    status: int = 200,
    **ctx: object,
) -> Response:
    return admin_page(
        request,
        "admin/user_edit.html",
        lang,
        status,
        user=user,
        target=get_user_entry(db, user_id),
        roles=list(Role),
        departments=department_tree(db),
        **ctx,
    )


@router.get("/admin/users/{user_id}", response_class=HTMLResponse)
def edit_user_page(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Admin,
    user_id: UserId,
    saved: Annotated[bool, Query()] = False,
) -> Response:
    return _edit_form(request, db, lang, user, user_id, saved=saved)


@router.post("/admin/users/{user_id}", response_class=HTMLResponse)
def save_user_page(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Admin,
    user_id: UserId,
    role: Annotated[str, Form(max_length=20)],
    csrf: CsrfField = None,
    name: Annotated[str, Form(max_length=800)] = "",
    department: Annotated[str, Form(max_length=64)] = "",
    active: Annotated[bool, Form()] = False,
) -> Response:
    if not csrf_ok(request, csrf):
        return _edit_form(
            request, db, lang, user, user_id, 400, error=gettext(lang, PROBLEMS["csrf"])
        )
    try:
        change_user(
            db,
            user,
            user_id,
            role=role,
            department=department or None,
            active=active,
            name=name,
        )
    except ManyiError as exc:
        return _edit_form(request, db, lang, user, user_id, exc.status, error=problem(exc, lang))
    return RedirectResponse(f"/admin/users/{user_id}?saved=1", status_code=303)


@router.post("/admin/users/{user_id}/password", response_class=HTMLResponse)
def reset_password_page(
    request: Request, db: DbDep, lang: LangDep, user: Admin, user_id: UserId, csrf: CsrfField = None
) -> Response:
    if not csrf_ok(request, csrf):
        return _edit_form(
            request, db, lang, user, user_id, 400, error=gettext(lang, PROBLEMS["csrf"])
        )
    password = reset_password(db, user, user_id)
    return _no_store(
        admin_page(
            request,
            "admin/user_password.html",
            lang,
            user=user,
            target=get_user_entry(db, user_id),
            password=password,
            created=False,
        )
    )


@router.post("/admin/users/{user_id}/sso", response_class=HTMLResponse)
def unlink_sso_page(
    request: Request, db: DbDep, lang: LangDep, user: Admin, user_id: UserId, csrf: CsrfField = None
) -> Response:
    if not csrf_ok(request, csrf):
        return _edit_form(
            request, db, lang, user, user_id, 400, error=gettext(lang, PROBLEMS["csrf"])
        )
    unlink_sso(db, user, user_id)
    return RedirectResponse(f"/admin/users/{user_id}?saved=1", status_code=303)
