"""Dependencies shared by the routes: the database, the settings and the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from manyi.accounts.service import User, user_for_token
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.errors import NotAllowed, NotAuthenticated
from manyi.jobs.queue import JobQueue
from manyi.storage.database import Database

_bearer = HTTPBearer(auto_error=False, description="API token from `manyi token create EMAIL`")


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_queue(request: Request) -> JobQueue:
    queue: JobQueue = request.app.state.queue
    return queue


DbDep = Annotated[Database, Depends(get_db)]
QueueDep = Annotated[JobQueue, Depends(get_queue)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def current_user(
    db: DbDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> User:
    if credentials is None or not credentials.credentials:
        raise NotAuthenticated("an API token is required: Authorization: Bearer <token>")
    return user_for_token(db, credentials.credentials)


CurrentUser = Annotated[User, Depends(current_user)]

WRITERS = frozenset({Role.ADMIN, Role.MANAGER, Role.ANALYST, Role.AGENT})
DESIGNERS = frozenset({Role.ADMIN, Role.MANAGER, Role.ANALYST})


def require(user: User, roles: frozenset[Role], action: str) -> None:
    if user.role not in roles:
        raise NotAllowed(f"the role {user.role.value} may not {action}")
