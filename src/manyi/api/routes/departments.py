"""Departments as administrators manage them (``Permission.MANAGE_USERS``): the tree,
create, rename, move under another parent (cycles refused). Audited (docs/admin.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from manyi.accounts.departments import (
    DepartmentNode,
    create_department_by_admin,
    department_tree,
    move_department,
    rename_department,
)
from manyi.accounts.service import User
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, requires
from manyi.errors import NotFound

router = APIRouter(prefix="/departments", tags=["administration"])
Admin = Annotated[User, requires(Permission.MANAGE_USERS)]
Code = Annotated[str, Path(min_length=1, max_length=64)]


class DepartmentPublic(BaseModel):
    code: str
    name_zh: str
    name_en: str
    parent: str | None = Field(description="the parent's code; null: a top-level department")
    depth: int = Field(description="0 for a top-level department")
    members: int = Field(description="users in this department (not below it)")

    @classmethod
    def of(cls, node: DepartmentNode) -> DepartmentPublic:
        return cls(
            code=node.code,
            name_zh=node.name_zh,
            name_en=node.name_en,
            parent=node.parent,
            depth=node.depth,
            members=node.members,
        )


class DepartmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(max_length=64)
    name_zh: str = Field(default="", max_length=200)
    name_en: str = Field(default="", max_length=200)
    parent: str | None = Field(default=None, max_length=64)


class DepartmentUpdate(BaseModel):
    """Fields left out are kept; ``parent: null`` makes it a top-level department."""

    model_config = ConfigDict(extra="forbid")
    name_zh: str | None = Field(default=None, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    parent: str | None = Field(default=None, max_length=64)


def _one(db: DbDep, code: str) -> DepartmentPublic:
    for node in department_tree(db):
        if node.code == code:
            return DepartmentPublic.of(node)
    raise NotFound(f"no department with code {code!r}")


@router.get(
    "",
    response_model=list[DepartmentPublic],
    summary="List departments in tree order (administrators)",
)
def get_departments(db: DbDep, user: Admin) -> list[DepartmentPublic]:
    return [DepartmentPublic.of(n) for n in department_tree(db)]


@router.post("", status_code=201, response_model=DepartmentPublic, summary="Create a department")
def post_department(body: DepartmentCreate, db: DbDep, user: Admin) -> DepartmentPublic:
    node = create_department_by_admin(
        db, user, code=body.code, name_zh=body.name_zh, name_en=body.name_en, parent=body.parent
    )
    return _one(db, node.code)


@router.patch(
    "/{code}",
    response_model=DepartmentPublic,
    summary="Rename a department or move it under another parent",
    description="422 when the new parent is the department itself or lies below it.",
)
def patch_department(
    code: Code, body: DepartmentUpdate, db: DbDep, user: Admin
) -> DepartmentPublic:
    current = _one(db, code)
    # The move first: a refused move (a cycle) then changes nothing.
    if "parent" in body.model_fields_set:
        move_department(db, user, code, body.parent)
    if body.name_zh is not None or body.name_en is not None:
        rename_department(
            db,
            user,
            code,
            name_zh=body.name_zh if body.name_zh is not None else current.name_zh,
            name_en=body.name_en if body.name_en is not None else current.name_en,
        )
    return _one(db, code)
