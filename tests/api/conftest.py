from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from factories import make_reference_data, make_user_token
from manyi.app import create_app
from manyi.config import Settings
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
