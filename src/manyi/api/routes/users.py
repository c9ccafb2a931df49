"""Users as administrators manage them (``Permission.MANAGE_USERS``): list, create (the
one-time initial password is in the answer, once), change role, department, name and
active, reset the password. Each change is audited (docs/admin.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from manyi.accounts.admin import (
    KEEP,
    UserEntry,
    change_user,
    create_user_by_admin,
    get_user_entry,
    list_users,
    reset_password,
)
from manyi.accounts.service import User
from manyi.domain.enums import Role
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, requires

router = APIRouter(prefix="/users", tags=["administration"])
Admin = Annotated[User, requires(Permission.MANAGE_USERS)]
UserId = Annotated[int, Path(ge=1, le=2**62)]


class UserPublic(BaseModel):
    id: int
    email: str
    name: str
    role: Role
    department: str | None = Field(description="the department's code")
    active: bool
    sso_linked: bool = Field(description="linked to a single sign-on identity")
    password_set: bool = Field(description="false: signs in by single sign-on only")
    created_at: datetime

    @classmethod
    def of(cls, entry: UserEntry) -> UserPublic:
        return cls(**entry.__dict__)


class UsersPublic(BaseModel):
    data: list[UserPublic]
    count: int
    page: int
    pages: int


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=320)
    role: Role
    name: str = Field(default="", max_length=200)
    department: str | None = Field(default=None, max_length=64)
    sign_in: Literal["password", "sso"] = Field(
        default="password",
        description="password: a one-time initial password is made; sso: single sign-on only",
    )


class UserCreated(BaseModel):
    user: UserPublic
    initial_password: str | None = Field(description="shown once; null for sign_in=sso")


class UserUpdate(BaseModel):
    """Fields left out are kept; ``department: null`` takes the user out of any department."""

    model_config = ConfigDict(extra="forbid")
    role: Role | None = None
    department: str | None = Field(default=None, max_length=64)
    active: bool | None = None
    name: str | None = Field(default=None, max_length=200)


class PasswordReset(BaseModel):
    password: str = Field(description="the new one-time password, shown once")


@router.get("", response_model=UsersPublic, summary="List users (administrators)")
def get_users(
    db: DbDep,
    user: Admin,
    q: Annotated[str, Query(max_length=200, description="part of the e-mail or name")] = "",
    role: Role | None = None,
    department: Annotated[str | None, Query(max_length=64)] = None,
    active: bool | None = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> UsersPublic:
    listing = list_users(db, search=q, role=role, department=department, active=active, page=page)
    return UsersPublic(
        data=[UserPublic.of(u) for u in listing.items],
        count=listing.count,
        page=listing.page,
        pages=listing.pages,
    )


@router.post("", status_code=201, response_model=UserCreated, summary="Create a user")
def post_user(body: UserCreate, db: DbDep, user: Admin) -> UserCreated:
    created = create_user_by_admin(
        db,
        user,
        email=body.email,
        role=body.role,
        name=body.name,
        department=body.department,
        sign_in=body.sign_in,
    )
    return UserCreated(user=UserPublic.of(created.user), initial_password=created.initial_password)


@router.get("/{user_id}", response_model=UserPublic, summary="Get one user")
def get_one(user_id: UserId, db: DbDep, user: Admin) -> UserPublic:
    return UserPublic.of(get_user_entry(db, user_id))


@router.patch(
    "/{user_id}",
    response_model=UserPublic,
    summary="Change a user's role, department, name or active flag",
    description="409 when the change would demote or disable the last active administrator.",
)
def patch_user(user_id: UserId, body: UserUpdate, db: DbDep, user: Admin) -> UserPublic:
    given = body.model_fields_set
    entry = change_user(
        db,
        user,
        user_id,
        role=body.role if body.role is not None else KEEP,
        department=body.department if "department" in given else KEEP,
        active=body.active if body.active is not None else KEEP,
        name=body.name if body.name is not None else KEEP,
    )
    return UserPublic.of(entry)


@router.post(
    "/{user_id}/password",
    response_model=PasswordReset,
    summary="Give a user a new one-time password",
)
def post_password(user_id: UserId, db: DbDep, user: Admin) -> PasswordReset:
    return PasswordReset(password=reset_password(db, user, user_id))
