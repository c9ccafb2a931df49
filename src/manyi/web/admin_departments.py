"""``/admin/departments`` (the tree: create, rename, move under another parent) and
``/admin/roles`` (the role → permission map, read only). For ``Permission.MANAGE_USERS``;
forms post the session's CSRF token; changes are audited by
:mod:`manyi.accounts.departments`. docs/admin.md."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from manyi.accounts.departments import (
    create_department_by_admin,
    department_tree,
    move_department,
    rename_department,
)
from manyi.accounts.service import User
from manyi.domain.enums import Role
from manyi.domain.permissions import Permission, permissions_of
from manyi.edge.deps import DbDep
from manyi.errors import ManyiError, NotFound
from manyi.i18n import gettext
from manyi.web.admin import PROBLEMS, Admin, CsrfField, admin_page, problem
from manyi.web.routes import LangDep
from manyi.web.security import csrf_ok

router = APIRouter(include_in_schema=False)
Code = Annotated[str, Path(min_length=1, max_length=64)]


def _list(
    request: Request, db: DbDep, lang: str, user: User, status: int = 200, **ctx: object
) -> Response:
    return admin_page(
        request,
        "admin/departments.html",
        lang,
        status,
        user=user,
        departments=department_tree(db),
        form=ctx.pop("form", {}),
        **ctx,
    )


@router.get("/admin/departments", response_class=HTMLResponse)
def departments_page(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Admin,
    saved: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    return _list(request, db, lang, user, saved=saved)


@router.post("/admin/departments", response_class=HTMLResponse)
def create_department_page(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Admin,
    code: Annotated[str, Form(max_length=200)],
    csrf: CsrfField = None,
    name_zh: Annotated[str, Form(max_length=800)] = "",
    name_en: Annotated[str, Form(max_length=800)] = "",
    parent: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    form = {"code": code, "name_zh": name_zh, "name_en": name_en, "parent": parent}
    if not csrf_ok(request, csrf):
        error = gettext(lang, PROBLEMS["csrf"])
        return _list(request, db, lang, user, 400, form=form, error=error)
    try:
        node = create_department_by_admin(
            db, user, code=code, name_zh=name_zh, name_en=name_en, parent=parent or None
        )
    except ManyiError as exc:
        return _list(request, db, lang, user, exc.status, form=form, error=problem(exc, lang))
    return RedirectResponse(f"/admin/departments?saved={node.code}", status_code=303)


def _edit(
    request: Request, db: DbDep, lang: str, user: User, code: str, status: int = 200, **ctx: object
) -> Response:
    tree = department_tree(db)
    node = next((d for d in tree if d.code == code), None)
    if node is None:
        raise NotFound(f"no department with code {code!r}")
    # Offered parents: every department but this one and those below it (a cycle).
    below = {node.code}
    for d in tree:
        if d.parent in below:
            below.add(d.code)
    return admin_page(
        request,
        "admin/department_edit.html",
        lang,
        status,
        user=user,
        node=node,
        parents=[d for d in tree if d.code not in below],
        **ctx,
    )


@router.get("/admin/departments/{code}", response_class=HTMLResponse)
def edit_department_page(
    request: Request, db: DbDep, lang: LangDep, user: Admin, code: Code
) -> Response:
    return _edit(request, db, lang, user, code)


@router.post("/admin/departments/{code}/name", response_class=HTMLResponse)
def rename_department_page(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Admin,
    code: Code,
    csrf: CsrfField = None,
    name_zh: Annotated[str, Form(max_length=800)] = "",
    name_en: Annotated[str, Form(max_length=800)] = "",
) -> Response:
    if not csrf_ok(request, csrf):
        return _edit(request, db, lang, user, code, 400, error=gettext(lang, PROBLEMS["csrf"]))
    try:
        rename_department(db, user, code, name_zh=name_zh, name_en=name_en)
    except ManyiError as exc:
        return _edit(request, db, lang, user, code, exc.status, error=problem(exc, lang))
    return RedirectResponse(f"/admin/departments?saved={code}", status_code=303)


@router.post("/admin/departments/{code}/parent", response_class=HTMLResponse)
def move_department_page(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Admin,
    code: Code,
    csrf: CsrfField = None,
    parent: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    if not csrf_ok(request, csrf):
        return _edit(request, db, lang, user, code, 400, error=gettext(lang, PROBLEMS["csrf"]))
    try:
        move_department(db, user, code, parent or None)
    except ManyiError as exc:
        return _edit(request, db, lang, user, code, exc.status, error=problem(exc, lang))
    return RedirectResponse(f"/admin/departments?saved={code}", status_code=303)


@router.get("/admin/roles", response_class=HTMLResponse)
def roles_page(request: Request, lang: LangDep, user: Admin) -> Response:
    return admin_page(
        request,
        "admin/roles.html",
        lang,
        user=user,
        roles=list(Role),
        permissions=list(Permission),
        granted={role: permissions_of(role) for role in Role},
    )
