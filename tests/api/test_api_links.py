"""API: public_url on every survey, QR codes of the anonymous link, personal invitations."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from fastapi.testclient import TestClient
from PIL import Image

from factories import good_answers, make_reference_data, make_survey, make_user_token
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.errors import Conflict
from manyi.storage.database import Database
from manyi.surveys.links import mark_answered, open_invitation

BASE = "https://survey.example.com/cx"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        environment="test", data_dir=tmp_path, secret_key="test-secret", public_base_url=BASE
    )


@pytest.fixture
def client(db: Database, settings: Settings) -> TestClient:
    make_reference_data(db)
    return TestClient(create_app(settings, db))


def _bearer(db: Database, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_user_token(db, role, f'{role.value}@example.com')}"}


def test_every_survey_carries_its_public_url(
    client: TestClient, db: Database, auth: dict[str, str]
) -> None:
    first, second = make_survey(db), make_survey(db, status="draft")
    listed = client.get("/api/v1/surveys", headers=auth).json()["data"]
    assert {s["id"]: s["public_url"] for s in listed} == {
        first.id: f"{BASE}/s/{first.id}",
        second.id: f"{BASE}/s/{second.id}",
    }
    one = client.get(f"/api/v1/surveys/{first.id}", headers=auth).json()
    assert one["public_url"] == f"{BASE}/s/{first.id}"
    spec = client.get("/openapi.json").json()["components"]["schemas"]
    assert "public_url" in spec["SurveySummaryPublic"]["required"]


def test_the_default_base_url_is_the_local_server(db: Database, tmp_path: Path) -> None:
    app = create_app(Settings(environment="test", data_dir=tmp_path, secret_key="s"), db)
    survey = make_survey(db)
    body = (
        TestClient(app).get(f"/api/v1/surveys/{survey.id}", headers=_bearer(db, Role.VIEWER)).json()
    )
    assert body["public_url"] == f"http://127.0.0.1:8000/s/{survey.id}"


def _decoded(content: bytes) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(content)))]


def test_qr_png_carries_channel_and_touchpoint(
    client: TestClient, db: Database, auth: dict[str, str]
) -> None:
    survey = make_survey(db)
    r = client.get(
        f"/api/v1/surveys/{survey.id}/qr.png",
        params={"channel": "sms", "touchpoint": "repair", "lang": "en"},
        headers=auth,
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "image/png"
    assert f'filename="survey-{survey.id}-sms-repair.png"' in r.headers["content-disposition"]
    assert _decoded(r.content) == [f"{BASE}/s/{survey.id}?ch=sms&tp=repair&lang=en"]


def test_qr_svg(client: TestClient, db: Database, auth: dict[str, str]) -> None:
    survey = make_survey(db)
    r = client.get(f"/api/v1/surveys/{survey.id}/qr.svg", params={"scale": 2}, headers=auth)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert r.text.startswith("<?xml") and 'class="segno"' in r.text


def test_qr_refuses_unknown_codes_surveys_and_callers(
    client: TestClient, db: Database, auth: dict[str, str]
) -> None:
    survey = make_survey(db)
    r = client.get(f"/api/v1/surveys/{survey.id}/qr.png?channel=fax", headers=auth)
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"loc": ["channel"], "msg": "unknown channel 'fax'", "type": "unknown"}
    ]
    assert client.get(f"/api/v1/surveys/{survey.id + 9}/qr.svg", headers=auth).status_code == 404
    assert (
        client.get(f"/api/v1/surveys/{survey.id}/qr.png?scale=99", headers=auth).status_code == 422
    )
    assert (
        client.get(f"/api/v1/surveys/{survey.id}/qr.png?lang=fr", headers=auth).status_code == 422
    )
    assert client.get(f"/api/v1/surveys/{survey.id}/qr.png").status_code == 401


def test_invitation_link_works_once(
    client: TestClient, db: Database, settings: Settings, auth: dict[str, str]
) -> None:
    survey = make_survey(db)
    r = client.post(
        f"/api/v1/surveys/{survey.id}/invitations",
        json={"customer": "C-7", "channel": "sms", "touchpoint": "repair", "valid_days": 7},
        headers=auth,
    )
    assert r.status_code == 201, r.text
    assert r.headers["cache-control"] == "no-store"
    body = r.json()
    assert (body["survey_id"], body["customer"], body["channel"], body["touchpoint"]) == (
        survey.id,
        "C-7",
        "sms",
        "repair",
    )
    url = urlsplit(body["url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{BASE}/s/{survey.id}"
    token = parse_qs(url.query)["invite"][0]
    opened = open_invitation(db, survey.id, token, secret=settings.secret_key)
    assert opened.id == body["id"] and opened.customer == "C-7"
    recorded = client.post(
        f"/api/v1/surveys/{survey.id}/responses", json={"answers": good_answers()}, headers=auth
    ).json()
    mark_answered(db, opened.id, recorded["id"])
    with pytest.raises(Conflict, match="already answered"):
        open_invitation(db, survey.id, token, secret=settings.secret_key)


def test_invitations_are_for_designers_only(client: TestClient, db: Database) -> None:
    survey = make_survey(db)
    url = f"/api/v1/surveys/{survey.id}/invitations"
    for role, status in (
        (Role.MANAGER, 201),
        (Role.ANALYST, 201),
        (Role.AGENT, 403),
        (Role.VIEWER, 403),
    ):
        assert client.post(url, json={}, headers=_bearer(db, role)).status_code == status, role
    assert client.post(url, json={}).status_code == 401


def test_invitation_bad_input(client: TestClient, db: Database, auth: dict[str, str]) -> None:
    survey = make_survey(db)
    url = f"/api/v1/surveys/{survey.id}/invitations"
    assert client.post(url, json={"valid_days": 0}, headers=auth).status_code == 422
    assert client.post(url, json={"colour": "red"}, headers=auth).status_code == 422
    unknown = client.post(url, json={"touchpoint": "moon"}, headers=auth)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["msg"] == "unknown touchpoint 'moon'"
    missing = client.post(f"/api/v1/surveys/{survey.id + 9}/invitations", json={}, headers=auth)
    assert missing.status_code == 404
