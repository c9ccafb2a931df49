"""Contact lists and invitation campaigns over the API: upload, reads with masking, a
campaign queued and sent once under its Idempotency-Key, roles and bad input."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from huey import MemoryHuey

from factories import Outbox, make_survey, make_user_token
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.jobs.queue import build_queue
from manyi.storage.database import Database

CSV = (
    "客户编号,姓名,手机,邮箱,同意联系,地区\n"
    "C-1,李雷,13812345678,li@example.com,是,华东\n"
    "C-2,韩梅梅,12345,han@example.com,是,华北\n"
    "C-3,王芳,13912345678,wang@example.com,是,华北\n"
    "C-4,赵六,13712345678,zhao@example.com,否,华东\n"
)


def token(db: Database, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_user_token(db, role, f'{role.value}@example.com')}"}


def upload(client: TestClient, headers: dict[str, str], name: str = "spring") -> dict[str, object]:
    answer = client.post(
        "/api/v1/contact-lists",
        files={"file": ("名单.csv", CSV.encode("utf-8"), "text/csv")},
        data={"name": name},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, object] = answer.json()
    return body


def test_upload_read_and_mask(app_client: TestClient, db: Database) -> None:
    manager = token(db, Role.MANAGER)
    body = upload(app_client, manager)
    assert (body["accepted"], body["rejected"], body["created"]) == (3, 1, 3)
    assert body["rejections"] == [
        {
            "line": 3,
            "field": "phone",
            "reason": "not a phone number: '12345' (a mobile 1xxxxxxxxxx, a landline with its "
            "area code 0xx…, or an international number +country…)",
        }
    ]
    assert body["segment_columns"] == ["地区"]
    list_id = body["list_id"]

    lists = app_client.get("/api/v1/contact-lists", headers=manager).json()
    assert lists["count"] == 1 and lists["data"][0]["members"] == 3
    detail = app_client.get(f"/api/v1/contact-lists/{list_id}", headers=manager).json()
    assert detail["consenting"] == 2 and detail["segments"] == {"地区": {"华东": 2, "华北": 1}}
    assert detail["imports"][0]["rejected"] == 1

    url = f"/api/v1/contact-lists/{list_id}/members"
    plain = app_client.get(url, headers=manager).json()["data"]
    assert plain[0]["phone"] == "13812345678" and plain[0]["name"] == "李雷"
    analyst = token(db, Role.ANALYST)
    masked = app_client.get(url, params={"limit": 1}, headers=analyst).json()["data"]
    assert masked == [
        {
            "external_id": "C-1",
            "name": "李*",
            "phone": "138****5678",
            "email": "l***@example.com",
            "has_email": True,
            "has_phone": True,
            "consent_contact": True,
            "segments": {"地区": "华东"},
        }
    ]
    assert app_client.get("/api/v1/contact-lists/999", headers=manager).status_code == 404


def test_upload_refusals(app_client: TestClient, db: Database) -> None:
    viewer = token(db, Role.VIEWER)
    refused = app_client.post(
        "/api/v1/contact-lists",
        files={"file": ("c.csv", CSV.encode(), "text/csv")},
        data={"name": "x"},
        headers=viewer,
    )
    assert refused.status_code == 403
    admin = token(db, Role.ADMIN)
    no_id = app_client.post(
        "/api/v1/contact-lists",
        files={"file": ("c.csv", "姓名\n李雷\n".encode(), "text/csv")},
        data={"name": "x"},
        headers=admin,
    )
    assert no_id.status_code == 422 and "no customer id column" in no_id.json()["error"]
    odd = app_client.post(
        "/api/v1/contact-lists",
        files={"file": ("c.pdf", b"%PDF", "application/pdf")},
        data={"name": "x"},
        headers=admin,
    )
    assert odd.status_code == 422 and "unsupported file type" in odd.json()["error"]


def test_campaign_is_sent_once_under_its_key(
    app_client: TestClient, db: Database, outbox: Outbox
) -> None:
    admin = token(db, Role.ADMIN)
    list_id = upload(app_client, admin)["list_id"]
    survey_id = make_survey(db).id
    url = f"/api/v1/surveys/{survey_id}/invitations/campaign"
    body = {
        "list_id": list_id,
        "channel": "email",
        "sample": {"size": 1, "seed": 11, "stratify_by": "地区"},
        "language": "en",
        "touchpoint": "repair",
    }
    key = {**admin, "Idempotency-Key": "spring-2026"}
    first = app_client.post(url, json=body, headers=key)
    assert first.status_code == 202, first.text
    sent = first.json()
    assert (sent["members"], sent["invited"], sent["queued"], sent["failed"]) == (3, 1, 1, 0)
    assert sent["skipped"] == {
        "no_address": 0,
        "opted_out": 0,
        "no_consent": 1,
        "already_invited": 0,
        "fatigue": 0,
        "not_sampled": 1,
    }
    assert sent["seed"] == 11 and sent["fatigue_days"] == 30 and not sent["repeated"]
    assert len(outbox.messages) == 1  # the immediate queue sent it
    assert str(outbox.messages[0]["Subject"]).startswith("Your opinion on")

    again = app_client.post(url, json=body, headers=key)
    assert again.status_code == 200 and again.json()["repeated"] is True
    assert again.json()["id"] == sent["id"] and len(outbox.messages) == 1
    clash = app_client.post(url, json={**body, "fatigue_days": 0}, headers=key)
    assert clash.status_code == 409

    # A new campaign without a sample invites the other consenting member only.
    rest = app_client.post(url, json={**body, "sample": None}, headers=admin).json()
    assert rest["invited"] == 1 and rest["skipped"]["already_invited"] == 1
    assert len(outbox.messages) == 2


def test_campaign_refusals(app_client: TestClient, db: Database) -> None:
    admin = token(db, Role.ADMIN)
    list_id = upload(app_client, admin)["list_id"]
    survey_id = make_survey(db).id
    url = f"/api/v1/surveys/{survey_id}/invitations/campaign"
    analyst_ok = app_client.post(
        url, json={"list_id": list_id, "channel": "email"}, headers=token(db, Role.ANALYST)
    )
    assert analyst_ok.status_code == 202
    agent = app_client.post(
        url, json={"list_id": list_id, "channel": "email"}, headers=token(db, Role.AGENT)
    )
    assert agent.status_code == 403
    for bad in (
        {"list_id": list_id, "channel": "fax"},
        {"list_id": list_id, "channel": "email", "sample": {"size": 0}},
        {"list_id": list_id, "channel": "email", "sample": {"size": 2, "fraction": 0.5}},
        {"list_id": list_id, "channel": "email", "fatigue_days": -1},
        {"list_id": list_id, "channel": "email", "touchpoint": "nowhere"},
        {"list_id": list_id, "channel": "email", "extra": 1},
    ):
        assert app_client.post(url, json=bad, headers=admin).status_code == 422, bad
    missing = app_client.post(url, json={"list_id": 999, "channel": "email"}, headers=admin)
    assert missing.status_code == 404
    unknown = app_client.post(
        "/api/v1/surveys/999/invitations/campaign",
        json={"list_id": list_id, "channel": "email"},
        headers=admin,
    )
    assert unknown.status_code == 404


def test_settings_give_the_default_fatigue(db: Database, tmp_path: Path, outbox: Outbox) -> None:
    settings = Settings(
        environment="test", data_dir=tmp_path, secret_key="s", contact_fatigue_days=0
    )
    queue = build_queue(settings, db, huey=MemoryHuey("f", immediate=True), mail_transport=outbox)
    client = TestClient(create_app(settings, db, queue=queue))
    admin = token(db, Role.ADMIN)
    list_id = upload(client, admin)["list_id"]
    for _ in range(2):
        survey_id = make_survey(db).id
        answer = client.post(
            f"/api/v1/surveys/{survey_id}/invitations/campaign",
            json={"list_id": list_id, "channel": "email"},
            headers=admin,
        ).json()
        assert answer["fatigue_days"] == 0 and answer["invited"] == 2
    assert len(outbox.messages) == 4
