"""Request dependencies shared by the API and the pages: the database, the settings, the
queue, the login throttle, and the caller (a bearer token for the API, the session for
the pages)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from manyi.accounts.service import User, get_user, user_for_token
from manyi.accounts.throttle import LoginThrottle
from manyi.config import Settings
from manyi.domain.permissions import Permission, has_permission
from manyi.errors import NotAllowed, NotAuthenticated
from manyi.runtime import Database

_bearer = HTTPBearer(auto_error=False, description="API token from `manyi token create EMAIL`")


class EnrichmentQueue(Protocol):
    """What a request needs of the job queue (``manyi.jobs.queue.JobQueue`` is one)."""

    def enqueue_enrichment(self) -> bool: ...

    def enqueue_alerts(self, kind: str, ids: list[int]) -> bool: ...

    def enqueue_followup(self, case_id: int) -> bool: ...


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_queue(request: Request) -> EnrichmentQueue:
    queue: EnrichmentQueue = request.app.state.queue
    return queue


def get_login_throttle(request: Request) -> LoginThrottle:
    throttle: LoginThrottle = request.app.state.login_throttle
    return throttle


DbDep = Annotated[Database, Depends(get_db)]
QueueDep = Annotated[EnrichmentQueue, Depends(get_queue)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
LoginThrottleDep = Annotated[LoginThrottle, Depends(get_login_throttle)]


def client_address(request: Request) -> str:
    """The caller's address as the server sees it (uvicorn resolves trusted proxies)."""
    return request.client.host if request.client else "unknown"


ClientAddress = Annotated[str, Depends(client_address)]


def current_user(
    db: DbDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> User:
    if credentials is None or not credentials.credentials:
        raise NotAuthenticated("an API token is required: Authorization: Bearer <token>")
    return user_for_token(db, credentials.credentials)


CurrentUser = Annotated[User, Depends(current_user)]


@dataclass
class LoginRequired(NotAuthenticated):
    """A page needs a signed-in user; the error handler answers with a redirect to
    ``/login?next=<the page>`` (or the JSON 401 under ``/api``)."""

    next_url: str = "/"


def session_user(request: Request, db: Database) -> User | None:
    """The signed-in user of the session cookie, or ``None`` (also for a disabled user)."""
    user_id = request.session.get("user_id")
    if not isinstance(user_id, int):
        return None
    return get_user(db, user_id)


def page_user(request: Request, db: DbDep) -> User:
    user = session_user(request, db)
    if user is None:
        query = request.url.query
        raise LoginRequired(
            "sign in to see this page",
            next_url=request.url.path + (f"?{query}" if query else ""),
        )
    return user


PageUser = Annotated[User, Depends(page_user)]


def refuse_unless(user: User, permission: Permission) -> None:
    """``NotAllowed`` (403) unless the user's role has ``permission``."""
    if not has_permission(user.role, permission):
        raise NotAllowed(f"the role {user.role.value} lacks the permission {permission.value}")


def requires(permission: Permission) -> Any:
    """An API dependency: the bearer token's user, refused (403) without ``permission``.

    ``user: Annotated[User, requires(Permission.VIEW_CASES)]``
    """

    def dependency(user: CurrentUser) -> User:
        refuse_unless(user, permission)
        return user

    return Depends(dependency)


def page_requires(permission: Permission) -> Any:
    """A page dependency: the session's user (else a redirect to the login page),
    refused (403 page) without ``permission``."""

    def dependency(user: PageUser) -> User:
        refuse_unless(user, permission)
        return user

    return Depends(dependency)
