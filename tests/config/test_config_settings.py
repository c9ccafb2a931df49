from __future__ import annotations

from pathlib import Path

import pytest

from manyi.config import Settings

DOCS = Path(__file__).parents[2] / "docs" / "settings.md"


def test_every_setting_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`MANYI_{name.upper()}`" not in text]
    assert missing == [], f"document these settings in docs/settings.md: {missing}"


def test_documented_settings_exist() -> None:
    import re

    documented = set(re.findall(r"`MANYI_([A-Z_]+)`", DOCS.read_text(encoding="utf-8")))
    documented -= {
        "TEST_DATABASE_URL",
        "TEST_REDIS_URL",
        "REQUIRE_BROWSER",
        "SHARED_DATA",
        "REQUIRE_SHARED_DATA",
    }
    assert documented == {name.upper() for name in Settings.model_fields}


def test_env_prefix_and_production_secret(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MANYI_PORT", "9001")
    monkeypatch.setenv("MANYI_DATA_DIR", str(tmp_path))
    settings = Settings()
    assert settings.port == 9001
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'manyi.db'}"
    with pytest.raises(ValueError, match="MANYI_SECRET_KEY"):
        Settings(environment="production")
    assert Settings(environment="production", secret_key="x" * 40).environment == "production"
