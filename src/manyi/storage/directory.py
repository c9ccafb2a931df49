"""The staff directory as administrators see it: users filtered and paged, active
administrators counted under a lock, departments with their member counts."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from manyi.storage.paging import fetch_page
from manyi.storage.tables import DepartmentRow, UserRow


def find_users(
    session: Session,
    *,
    search: str = "",
    role: str | None = None,
    department_id: int | None = None,
    active: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[UserRow], int]:
    """Users whose e-mail or name contains ``search`` (any case) and that match the other
    filters, by e-mail address, and how many match in all."""
    query = select(UserRow).order_by(UserRow.email)
    if search:
        # LIKE wildcards typed by the admin are matched literally.
        pattern = "%" + search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern += "%"
        query = query.where(
            or_(
                UserRow.email.like(pattern, escape="\\"),
                func.lower(UserRow.name).like(pattern, escape="\\"),
            )
        )
    if role is not None:
        query = query.where(UserRow.role == role)
    if department_id is not None:
        query = query.where(UserRow.department_id == department_id)
    if active is not None:
        query = query.where(UserRow.is_active.is_(active))
    return fetch_page(session, query, limit=limit, offset=offset)


def lock_active_admins(session: Session, role: str) -> list[int]:
    """The ids of the active users with role ``role``, their rows locked until commit
    (PostgreSQL: ``FOR UPDATE``; SQLite holds one writer at a time anyway).

    Two administrators demoting each other at the same moment both wait here, and the
    second sees the first one's change, so the last administrator cannot be removed by a
    race."""
    query = (
        select(UserRow.id)
        .where(UserRow.role == role, UserRow.is_active.is_(True))
        .order_by(UserRow.id)
        .with_for_update()
    )
    return [int(i) for i in session.scalars(query).all()]


def lock_user(session: Session, user_id: int) -> UserRow | None:
    """The user ``user_id``, locked until commit, or None."""
    return session.scalar(select(UserRow).where(UserRow.id == user_id).with_for_update())


def user_by_oidc(session: Session, issuer: str, subject: str) -> UserRow | None:
    """The user linked to the OpenID Connect identity (``issuer``, ``subject``), or None."""
    return session.scalar(
        select(UserRow).where(UserRow.oidc_issuer == issuer, UserRow.oidc_subject == subject)
    )


def department_by_code(session: Session, code: str) -> DepartmentRow | None:
    return session.scalar(select(DepartmentRow).where(DepartmentRow.code == code))


def department_by_id(session: Session, department_id: int) -> DepartmentRow | None:
    return session.get(DepartmentRow, department_id)


def all_departments(session: Session) -> list[DepartmentRow]:
    """Every department, by code."""
    return list(session.scalars(select(DepartmentRow).order_by(DepartmentRow.code)).all())


def member_counts(session: Session) -> dict[int, int]:
    """department id → number of users (active or not) in it."""
    rows = session.execute(
        select(UserRow.department_id, func.count())
        .where(UserRow.department_id.is_not(None))
        .group_by(UserRow.department_id)
    ).all()
    return {int(dep): int(n) for dep, n in rows if dep is not None}
