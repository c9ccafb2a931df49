from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from huey import MemoryHuey

from factories import Outbox, make_reference_data, make_user_token
from manyi.app import create_app
from manyi.config import Settings
from manyi.jobs.queue import build_queue
from manyi.storage.database import Database


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(environment="test", data_dir=tmp_path, secret_key="test-secret")


@pytest.fixture
def client(db: Database, settings: Settings) -> TestClient:
    make_reference_data(db)
    return TestClient(create_app(settings, db))


@pytest.fixture
def auth(db: Database) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_user_token(db)}"}


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def app_client(db: Database, settings: Settings, outbox: Outbox) -> TestClient:
    """The app with an immediate queue whose e-mails land in ``outbox``."""
    make_reference_data(db)
    queue = build_queue(
        settings, db, huey=MemoryHuey("api-mail", immediate=True), mail_transport=outbox
    )
    return TestClient(create_app(settings, db, queue=queue))
