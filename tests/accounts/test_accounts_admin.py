"""Users as administrators manage them: create (one-time password or SSO only), find,
change role, department, name and active flag, reset the password; every change in the
audit log; the last active administrator can be neither demoted nor disabled."""

from __future__ import annotations

import pytest

from manyi.accounts.admin import (
    change_user,
    create_user_by_admin,
    get_user_entry,
    list_users,
    reset_password,
    unlink_sso,
)
from manyi.accounts.departments import create_department_by_admin
from manyi.accounts.service import User, authenticate, create_user
from manyi.domain.enums import Role
from manyi.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from manyi.storage.audit import audit_entries
from manyi.storage.database import Database
from manyi.storage.tables import UserRow

PASSWORD = "correct horse battery"


@pytest.fixture
def root(db: Database) -> User:
    return create_user(db, "root@example.com", PASSWORD, Role.ADMIN)


def actions(db: Database, subject_id: int | str) -> list[str]:
    with db.session() as s:
        entries, _ = audit_entries(s, subject_kind="user", subject_id=str(subject_id))
    return [e.action for e in reversed(entries)]


def test_create_with_a_one_time_password(db: Database, root: User) -> None:
    create_department_by_admin(db, root, code="CS", name_zh="客服")
    created = create_user_by_admin(
        db, root, email=" Li.Na@Example.com ", role="agent", name="李娜", department="CS"
    )
    assert created.user.email == "li.na@example.com"
    assert (created.user.role, created.user.department) == (Role.AGENT, "CS")
    assert created.initial_password is not None and len(created.initial_password) == 16
    assert authenticate(db, "li.na@example.com", created.initial_password).id == created.user.id
    with db.session() as s:
        entries, _ = audit_entries(s, action="user.created")
    assert entries[0].actor_user_id == root.id
    assert entries[0].detail == {
        "email": "li.na@example.com",
        "role": "agent",
        "department": "CS",
        "sign_in": "password",
    }


def test_an_sso_only_user_has_no_usable_password(db: Database, root: User) -> None:
    created = create_user_by_admin(db, root, email="sso@example.com", role="viewer", sign_in="sso")
    assert created.initial_password is None and not created.user.password_set
    for guess in ("", "!sso-only", "sso-only", PASSWORD):
        with pytest.raises(NotAuthenticated):
            authenticate(db, "sso@example.com", guess)
    # a reset gives them one
    password = reset_password(db, root, created.user.id)
    assert authenticate(db, "sso@example.com", password).email == "sso@example.com"
    assert get_user_entry(db, created.user.id).password_set


@pytest.mark.parametrize(
    ("kwargs", "error", "code"),
    [
        ({"email": "not-an-address", "role": "agent"}, InvalidInput, "email_invalid"),
        ({"email": "a@example.com", "role": "boss"}, InvalidInput, "role_unknown"),
        (
            {"email": "a@example.com", "role": "agent", "department": "NOPE"},
            NotFound,
            "department_unknown",
        ),
        ({"email": "ROOT@example.com", "role": "agent"}, Conflict, "email_taken"),
        (
            {"email": "a@example.com", "role": "agent", "name": "x" * 201},
            InvalidInput,
            "name_too_long",
        ),
    ],
)
def test_create_refusals_name_the_problem(
    db: Database, root: User, kwargs: dict[str, str], error: type[Exception], code: str
) -> None:
    with pytest.raises(error) as refused:
        create_user_by_admin(db, root, **kwargs)  # type: ignore[arg-type]
    assert [e.type for e in refused.value.errors] == [code]  # type: ignore[attr-defined]


def test_changes_are_audited_one_entry_each(db: Database, root: User) -> None:
    create_department_by_admin(db, root, code="LOG", name_zh="物流", name_en="Logistics")
    user = create_user_by_admin(db, root, email="u@example.com", role="viewer").user
    entry = change_user(db, root, user.id, role="manager", department="LOG", name="Wang")
    assert (entry.role, entry.department, entry.name) == (Role.MANAGER, "LOG", "Wang")
    change_user(db, root, user.id, role="manager", department="LOG")  # no change: no entry
    change_user(db, root, user.id, department=None, active=False)
    reset_password(db, root, user.id)
    change_user(db, root, user.id, active=True)
    assert actions(db, user.id) == [
        "user.created",
        "user.role_changed",
        "user.department_changed",
        "user.renamed",
        "user.department_changed",
        "user.disabled",
        "user.password_reset",
        "user.enabled",
    ]
    with db.session() as s:
        entries, _ = audit_entries(s, action="user.role_changed")
    assert entries[0].detail == {"old": "viewer", "new": "manager"}


def test_a_disabled_user_cannot_sign_in(db: Database, root: User) -> None:
    created = create_user_by_admin(db, root, email="u@example.com", role="agent")
    assert created.initial_password
    change_user(db, root, created.user.id, active=False)
    with pytest.raises(NotAuthenticated):
        authenticate(db, "u@example.com", created.initial_password)


def test_the_last_active_admin_can_be_neither_demoted_nor_disabled(
    db: Database, root: User
) -> None:
    with pytest.raises(Conflict, match="last active administrator") as refused:
        change_user(db, root, root.id, role="manager")
    assert refused.value.errors[0].type == "last_admin"
    with pytest.raises(Conflict, match="last active administrator"):
        change_user(db, root, root.id, active=False)
    # a disabled second admin does not count
    other = create_user_by_admin(db, root, email="second@example.com", role="admin").user
    change_user(db, root, other.id, active=False)
    with pytest.raises(Conflict):
        change_user(db, root, root.id, role="viewer")
    # an active one does: then either may go, but not both
    change_user(db, root, other.id, active=True)
    change_user(db, root, root.id, role="viewer")
    with pytest.raises(Conflict):
        change_user(db, root, other.id, active=False)
    with db.session() as s:
        assert s.get(UserRow, root.id).role == "viewer"  # type: ignore[union-attr]
    assert actions(db, root.id) == ["user.role_changed"]  # the refusals wrote nothing


def test_find_users_by_text_role_department_and_state(db: Database, root: User) -> None:
    create_department_by_admin(db, root, code="CS", name_zh="客服")
    for i, (role, dep) in enumerate([("agent", "CS"), ("agent", None), ("viewer", "CS")]):
        create_user_by_admin(
            db, root, email=f"user{i}@example.com", role=role, name=f"王{i}", department=dep
        )
    change_user(db, root, 3, active=False)  # user1 (ids: root 1, user0 2, user1 3, user2 4)
    emails = lambda **kw: [u.email for u in list_users(db, **kw).items]  # noqa: E731
    assert emails() == [
        "root@example.com",
        "user0@example.com",
        "user1@example.com",
        "user2@example.com",
    ]
    assert emails(search="USER2") == ["user2@example.com"]
    assert emails(search="王1") == ["user1@example.com"]
    assert emails(search="%") == []  # wildcards are matched literally
    assert emails(role=Role.AGENT) == ["user0@example.com", "user1@example.com"]
    assert emails(department="CS") == ["user0@example.com", "user2@example.com"]
    assert emails(active=False) == ["user1@example.com"]
    assert emails(role=Role.AGENT, active=True, department="CS") == ["user0@example.com"]
    page = list_users(db)
    assert (page.count, page.page, page.pages) == (4, 1, 1)


def test_unlink_sso_forgets_the_identity(db: Database, root: User) -> None:
    user = create_user_by_admin(db, root, email="s@example.com", role="agent", sign_in="sso").user
    with db.session() as s:
        row = s.get(UserRow, user.id)
        assert row is not None
        row.oidc_issuer, row.oidc_subject = "https://sso.example.com", "abc"
    assert get_user_entry(db, user.id).sso_linked
    assert not unlink_sso(db, root, user.id).sso_linked
    assert actions(db, user.id)[-1] == "user.sso_unlinked"
    with pytest.raises(NotFound):
        unlink_sso(db, root, 999)


def test_two_admins_demoting_each_other_at_once_leave_one(db: Database, root: User) -> None:
    # PostgreSQL: the second demotion waits for the first one's row locks, then sees that
    # only its own target is left and refuses. (SQLite has one writer at a time: the
    # second transaction cannot even start its write until the first commits.)
    if db.dialect != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers")
    import threading

    from manyi.storage.directory import lock_active_admins, lock_user

    other = create_user_by_admin(db, root, email="second@example.com", role="admin").user
    outcome: list[BaseException | None] = []

    def demote_other() -> None:
        try:
            change_user(db, root, other.id, role="viewer")
            outcome.append(None)
        except BaseException as exc:  # the test inspects what happened
            outcome.append(exc)

    with db.session() as s:  # the first demotion, held open
        assert lock_active_admins(s, "admin") == [root.id, other.id]
        row = lock_user(s, root.id)
        assert row is not None
        row.role = "viewer"
        s.flush()
        thread = threading.Thread(target=demote_other)
        thread.start()
        thread.join(timeout=1.0)
        assert thread.is_alive()  # waiting for the locks
    thread.join(timeout=10)
    assert len(outcome) == 1 and isinstance(outcome[0], Conflict)
    assert get_user_entry(db, other.id).role is Role.ADMIN
