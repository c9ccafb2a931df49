"""What administrators do to users: list and find them, create them (with a one-time
initial password, or for single sign-on only), change role, department and name, disable
and enable them (users are never deleted: the audit log and the cases keep naming them),
and reset passwords.

Every change is written to the audit log in the transaction of the change
(``user.created``, ``user.role_changed``, ``user.department_changed``, ``user.renamed``,
``user.disabled``, ``user.enabled``, ``user.password_reset``, ``user.sso_unlinked``).
The last active administrator can be neither demoted nor disabled: nobody could then
manage users from the web app. Departments are in :mod:`manyi.accounts.departments`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Literal

from sqlalchemy.orm import Session

from manyi.accounts.passwords import UNUSABLE_PREFIX, hash_password, unusable_password
from manyi.accounts.service import EMAIL_RE, User
from manyi.domain.enums import Role
from manyi.errors import Conflict, FieldError, InvalidInput, NotFound
from manyi.storage.accounts import add_user, user_by_id
from manyi.storage.audit import add_audit_entry
from manyi.storage.database import Database
from manyi.storage.directory import (
    department_by_code,
    department_by_id,
    find_users,
    lock_active_admins,
    lock_user,
)
from manyi.storage.tables import UserRow

PAGE_SIZE = 50
MAX_NAME = 200
SignIn = Literal["password", "sso"]


class _Keep(Enum):
    """``KEEP``: leave this field as it is (``None`` means "no department")."""

    KEEP = "keep"


KEEP = _Keep.KEEP


@dataclass(frozen=True)
class UserEntry:
    id: int
    email: str
    name: str
    role: Role
    department: str | None  # the department's code
    active: bool
    sso_linked: bool
    password_set: bool
    created_at: datetime


@dataclass(frozen=True)
class UserPage:
    items: list[UserEntry]
    count: int
    page: int
    pages: int


@dataclass(frozen=True)
class CreatedUser:
    user: UserEntry
    #: Shown once to the administrator, who hands it over; stored only hashed. ``None``
    #: for a user who signs in by single sign-on only.
    initial_password: str | None


def _entry(session: Session, row: UserRow) -> UserEntry:
    department = department_by_id(session, row.department_id) if row.department_id else None
    return UserEntry(
        id=row.id,
        email=row.email,
        name=row.name,
        role=Role(row.role),
        department=department.code if department else None,
        active=row.is_active,
        sso_linked=row.oidc_subject is not None,
        password_set=not row.password_hash.startswith(UNUSABLE_PREFIX),
        created_at=row.created_at,
    )


def _role(value: Role | str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput(
            f"unknown role {value!r}; roles are {', '.join(r.value for r in Role)}",
            [FieldError(("role",), "unknown role", "role_unknown")],
        ) from None


def _department_id(session: Session, code: str | None) -> int | None:
    if not code:
        return None
    row = department_by_code(session, code)
    if row is None:
        raise NotFound(
            f"no department with code {code!r}",
            [FieldError(("department",), "unknown department", "department_unknown")],
        )
    return row.id


def _audit(session: Session, actor: User, action: str, user_id: int, **detail: object) -> None:
    add_audit_entry(
        session,
        action=action,
        subject_kind="user",
        subject_id=user_id,
        detail=detail,
        actor=actor.email,
        actor_user_id=actor.id,
    )


def _check_name(name: str) -> None:
    if len(name.strip()) > MAX_NAME:
        raise InvalidInput(
            f"the name has more than {MAX_NAME} characters",
            [FieldError(("name",), "too long", "name_too_long")],
        )


def one_time_password() -> str:
    """A random initial password (16 URL-safe characters, 96 bits)."""
    return secrets.token_urlsafe(12)


def list_users(
    db: Database,
    *,
    search: str = "",
    role: Role | None = None,
    department: str | None = None,
    active: bool | None = None,
    page: int = 1,
) -> UserPage:
    """One page of users matching the filters, by e-mail address."""
    with db.session() as s:
        dep_id = _department_id(s, department)
        rows, count = find_users(
            s,
            search=search.strip(),
            role=role.value if role else None,
            department_id=dep_id,
            active=active,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        return UserPage([_entry(s, r) for r in rows], count, page, max(1, -(-count // PAGE_SIZE)))


def get_user_entry(db: Database, user_id: int) -> UserEntry:
    with db.session() as s:
        row = user_by_id(s, user_id)
        if row is None:
            raise NotFound(f"no user with id {user_id}")
        return _entry(s, row)


def create_user_by_admin(
    db: Database,
    actor: User,
    *,
    email: str,
    role: Role | str,
    name: str = "",
    department: str | None = None,
    sign_in: SignIn = "password",
) -> CreatedUser:
    """Create a user. ``sign_in="password"`` makes a one-time initial password (returned
    once); ``"sso"`` stores no usable password: the user signs in by single sign-on only,
    linked on the first sign-in by the e-mail address the identity provider confirms."""
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise InvalidInput(
            f"not an e-mail address: {email!r}",
            [FieldError(("email",), "not an e-mail address", "email_invalid")],
        )
    _check_name(name)
    the_role = _role(role)
    password = one_time_password() if sign_in == "password" else None
    with db.session() as s:
        dep_id = _department_id(s, department)
        try:
            row = add_user(
                s,
                email=email,
                name=name.strip(),
                password_hash=hash_password(password) if password else unusable_password(),
                role=the_role.value,
                department_id=dep_id,
            )
        except Conflict as exc:
            raise Conflict(exc.message, [FieldError(("email",), "taken", "email_taken")]) from None
        _audit(
            s,
            actor,
            "user.created",
            row.id,
            email=email,
            role=the_role.value,
            department=department or None,
            sign_in=sign_in,
        )
        return CreatedUser(_entry(s, row), password)


def _refuse_last_admin(session: Session, row: UserRow, what: str) -> None:
    admins = lock_active_admins(session, Role.ADMIN.value)
    if admins == [row.id]:
        raise Conflict(
            f"{row.email} is the last active administrator and cannot be {what}; "
            "make another user an administrator first",
            [FieldError(("role",), "last active administrator", "last_admin")],
        )


def change_user(
    db: Database,
    actor: User,
    user_id: int,
    *,
    role: Role | str | _Keep = KEEP,
    department: str | _Keep | None = KEEP,
    active: bool | _Keep = KEEP,
    name: str | _Keep = KEEP,
) -> UserEntry:
    """Change what is given (``KEEP`` leaves a field); each change is audited. Refuses
    (Conflict) to demote or disable the last active administrator."""
    with db.session() as s:
        row = lock_user(s, user_id)
        if row is None:
            raise NotFound(f"no user with id {user_id}")
        if not isinstance(role, _Keep):
            new_role = _role(role)
            if new_role.value != row.role:
                if row.role == Role.ADMIN.value and row.is_active:
                    _refuse_last_admin(s, row, "demoted")
                _audit(s, actor, "user.role_changed", row.id, old=row.role, new=new_role.value)
                row.role = new_role.value
        if not isinstance(department, _Keep):
            dep_id = _department_id(s, department)
            if dep_id != row.department_id:
                old = department_by_id(s, row.department_id) if row.department_id else None
                _audit(
                    s,
                    actor,
                    "user.department_changed",
                    row.id,
                    old=old.code if old else None,
                    new=department or None,
                )
                row.department_id = dep_id
        if not isinstance(name, _Keep) and name.strip() != row.name:
            _check_name(name)
            _audit(s, actor, "user.renamed", row.id, old=row.name, new=name.strip())
            row.name = name.strip()
        if not isinstance(active, _Keep) and active != row.is_active:
            if not active and row.role == Role.ADMIN.value:
                _refuse_last_admin(s, row, "disabled")
            _audit(s, actor, "user.enabled" if active else "user.disabled", row.id)
            row.is_active = active
        s.flush()
        return _entry(s, row)


def reset_password(db: Database, actor: User, user_id: int) -> str:
    """Give the user a new one-time password (returned once, stored hashed); the old one
    stops working at once."""
    password = one_time_password()
    with db.session() as s:
        row = lock_user(s, user_id)
        if row is None:
            raise NotFound(f"no user with id {user_id}")
        row.password_hash = hash_password(password)
        _audit(s, actor, "user.password_reset", row.id)
    return password


def unlink_sso(db: Database, actor: User, user_id: int) -> UserEntry:
    """Forget the user's single sign-on identity: the next SSO sign-in links again by the
    confirmed e-mail address (e.g. after the identity provider was replaced)."""
    with db.session() as s:
        row = lock_user(s, user_id)
        if row is None:
            raise NotFound(f"no user with id {user_id}")
        if row.oidc_subject is not None:
            _audit(
                s,
                actor,
                "user.sso_unlinked",
                row.id,
                issuer=row.oidc_issuer,
                subject=row.oidc_subject,
            )
            row.oidc_issuer = None
            row.oidc_subject = None
        s.flush()
        return _entry(s, row)
