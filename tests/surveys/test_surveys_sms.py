"""SMS invitations against a real HTTP server on localhost standing in for the gateway:
success with a working single-use link, a 4xx refusal (no retry), a 5xx then success on
the retry (the same link), a timeout, receipts, opt-out, and nothing sent twice
(issue #10, point 4)."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from fastapi.testclient import TestClient
from huey import MemoryHuey
from sqlalchemy import select

from factories import make_survey, make_user_token, survey_definition
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.errors import ChannelError, InvalidInput
from manyi.jobs.queue import build_queue
from manyi.storage.database import Database
from manyi.storage.tables import CustomerRow, InvitationRow, ResponseRow
from manyi.surveys.sms import (
    HttpSmsGateway,
    SmsMessage,
    normalise_phone,
    render_sms,
    sms_segments,
)
from manyi.surveys.sms_invitations import send_invitation_sms
from manyi.surveys.sms_receipts import record_sms_receipts

RECEIPT_SECRET = "receipt-secret-for-tests"


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    delay_s: float = 0.0


@dataclass
class Gateway:
    """What the stand-in gateway received, and what it answers next (then 200 + id)."""

    port: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/sms?key=secret-in-query"


def _handler(gateway: Gateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with gateway.lock:
                gateway.requests.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "raw": raw.decode("utf-8"),
                    }
                )
                number = len(gateway.requests)
                reply = gateway.replies.pop(0) if gateway.replies else Reply()
            if reply.delay_s:
                time.sleep(reply.delay_s)
            body = reply.body if reply.body is not None else {"message_id": f"gw-{number}"}
            data = json.dumps(body).encode("utf-8")
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up waiting (the timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    state = Gateway()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def settings_for(tmp_path: Path, gateway: Gateway, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "data_dir": tmp_path,
        "public_base_url": "https://survey.example.com",
        "sms_url": gateway.url,
        "sms_token": "gw-token",
        "sms_sender": "满意调查",
        "sms_timeout_s": 2.0,
        "sms_receipt_secret": RECEIPT_SECRET,
        **extra,
    }
    return Settings(**values)


def add_customer(
    db: Database, external_id: str, phone: str | None, *, consent: bool = True
) -> None:
    with db.session() as s:
        s.add(CustomerRow(external_id=external_id, phone=phone, consent_contact=consent))


def one_question_survey(db: Database, title: str = "维修服务", en: str | None = None) -> int:
    return make_survey(
        db,
        questions=survey_definition()["questions"][:1],
        title={"zh-CN": title, "en": en or title},
    ).id


def sent_body(gateway: Gateway, index: int = -1) -> dict[str, Any]:
    body = json.loads(gateway.requests[index]["raw"])
    assert isinstance(body, dict)
    return body


def link_of(text: str) -> str:
    found = re.search(r"https://survey\.example\.com(/s/\d+\?invite=[\w.-]+)", text)
    assert found, text
    return found.group(1)


def sms_meta(db: Database) -> list[dict[str, Any]]:
    with db.session() as s:
        return [dict(row.meta.get("sms") or {}) for row in s.scalars(select(InvitationRow))]


# -- phone numbers and length ---------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("13800138000", "+8613800138000"),
        ("138 0013 8000", "+8613800138000"),
        ("+86 138-0013-8000", "+8613800138000"),
        ("008613800138000", "+8613800138000"),
        ("8613800138000", "+8613800138000"),
        ("+44 7700 900123", "+447700900123"),
    ],
)
def test_phone_numbers_are_normalised(raw: str, e164: str) -> None:
    assert normalise_phone(raw) == e164


@pytest.mark.parametrize("raw", ["", "12345", "010-12345678", "+86 10 1234 5678", "phone", "+0123"])
def test_numbers_that_are_not_mobile_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput):
        normalise_phone(raw)


def test_segments_count_gsm_and_ucs2() -> None:
    assert sms_segments("a" * 160) == ("gsm", 1)
    assert sms_segments("a" * 161) == ("gsm", 2)
    assert sms_segments("a" * 306) == ("gsm", 2)
    assert sms_segments("a" * 307) == ("gsm", 3)
    assert sms_segments("{" * 80) == ("gsm", 1)  # extension characters count twice
    assert sms_segments("{" * 81) == ("gsm", 2)
    assert sms_segments("满" * 70) == ("ucs2", 1)
    assert sms_segments("满" * 71) == ("ucs2", 2)
    assert sms_segments("满" * 134) == ("ucs2", 2)
    assert sms_segments("a" * 69 + "é") == ("gsm", 1)  # é is in the GSM alphabet
    assert sms_segments("a" * 70 + "ő") == ("ucs2", 2)  # ő is not


def test_a_long_title_gives_the_shorter_text_and_a_long_link_is_refused() -> None:
    link = "https://survey.example.com/s/1?invite=" + "x" * 95
    text, segments = render_sms("zh-CN", title="维" * 60, link=link, max_segments=3)
    assert "维" not in text and link in text and text.endswith("回T退订")
    assert segments == 3
    text, _ = render_sms("en", title="Repair\nservice", link=link, max_segments=3)
    assert text.startswith('Please tell us about "Repair service"') and "STOP" in text
    with pytest.raises(InvalidInput, match="MANYI_SMS_MAX_SEGMENTS=1"):
        render_sms("zh-CN", title="x", link=link, max_segments=1)


# -- sending ------------------------------------------------------------------------


def test_the_texted_link_answers_once(db: Database, tmp_path: Path, gateway: Gateway) -> None:
    settings = settings_for(tmp_path, gateway)
    survey_id = one_question_survey(db)
    add_customer(db, "C-1", "138 0013 8000")
    sms = HttpSmsGateway(settings)
    sent = send_invitation_sms(db, survey_id, "C-1", settings=settings, gateway=sms)
    assert sent.status == "sent" and sent.invitation_id is not None
    assert sent.message_id == "gw-1" and sent.segments >= 2
    assert len(gateway.requests) == 1
    request = gateway.requests[0]
    assert request["path"] == "/v1/sms?key=secret-in-query"
    assert request["headers"]["authorization"] == "Bearer gw-token"
    assert request["headers"]["idempotency-key"] == f"manyi-{sent.invitation_id}"
    assert request["headers"]["content-type"] == "application/json"
    body = sent_body(gateway)
    assert set(body) == {"to", "text", "sender", "reference"}
    assert body["to"] == "+8613800138000" and body["sender"] == "满意调查"
    assert body["reference"] == f"manyi-{sent.invitation_id}"
    assert body["text"].startswith("您好，邀请您参与“维修服务”调查：https://survey.example.com/s/")
    assert body["text"].endswith(" 回T退订")
    [meta] = sms_meta(db)
    assert meta["state"] == "sent" and meta["message_id"] == "gw-1"
    assert meta["attempts"] == 1 and meta["encoding"] == "ucs2"

    client = TestClient(create_app(settings, db))
    link = link_of(body["text"])
    form = client.get(link + "&lang=en")
    assert form.status_code == 200
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form.text)
    assert csrf
    done = client.post(link, data={"csrf": csrf.group(1), "q.nps": "3"})
    assert done.status_code == 200 and "Thank you" in done.text
    again = TestClient(create_app(settings, db)).get(link + "&lang=en")
    assert again.status_code == 409 and "already answered" in again.text
    with db.session() as s:
        assert [r.answers for r in s.scalars(select(ResponseRow))] == [{"nps": 3}]

    # Asked again: skipped, the gateway hears nothing more.
    second = send_invitation_sms(db, survey_id, "C-1", settings=settings, gateway=sms)
    assert second.status == "skipped" and "already answered this survey" in second.reason
    assert len(gateway.requests) == 1


def test_a_4xx_refusal_is_rejected_and_not_retried(
    sqlite_db: Database, tmp_path: Path, gateway: Gateway
) -> None:
    settings = settings_for(tmp_path, gateway)
    survey_id = one_question_survey(sqlite_db)
    add_customer(sqlite_db, "C-1", "13800138000")
    queue = build_queue(settings, sqlite_db, huey=MemoryHuey("sms", immediate=True))
    task = queue.send_sms
    assert task is not None
    gateway.replies.append(Reply(400, {"error": "invalid number"}))
    # The job returns (a retry cannot help) instead of raising into Huey's retry.
    assert task.call_local(survey_id, "C-1", "en") == "rejected"
    assert len(gateway.requests) == 1
    [meta] = sms_meta(sqlite_db)
    assert meta["state"] == "rejected"
    assert "refused the message: 400" in meta["error"] and "invalid number" in meta["error"]
    assert "secret-in-query" not in meta["error"]  # the URL's query never reaches a log
    with sqlite_db.session() as s:
        row = s.scalars(select(InvitationRow)).one()
        # The link never left: the invitation is withdrawn (expired at once).
        assert row.expires_at is not None
        assert row.expires_at <= datetime.now(UTC).replace(tzinfo=None)


def test_a_5xx_then_success_on_the_retry_texts_the_same_link(
    db: Database, tmp_path: Path, gateway: Gateway
) -> None:
    settings = settings_for(tmp_path, gateway)
    survey_id = one_question_survey(db, en="Repair service")
    add_customer(db, "C-1", "13800138000")
    sms = HttpSmsGateway(settings)
    gateway.replies.append(Reply(503, {"error": "busy"}))
    with pytest.raises(ChannelError, match="answered 503"):
        send_invitation_sms(db, survey_id, "C-1", settings=settings, gateway=sms, language="en")
    assert [m["state"] for m in sms_meta(db)] == ["failed"]
    retry = send_invitation_sms(db, survey_id, "C-1", settings=settings, gateway=sms, language="en")
    assert retry.status == "sent"
    first, second = sent_body(gateway, 0), sent_body(gateway, 1)
    # One invitation: the same link and reference, so a duplicate is harmless.
    assert first == second
    # The English title in the English text: GSM 7-bit, two segments instead of three.
    assert first["text"].startswith('Please tell us about "Repair service": https://')
    [meta] = sms_meta(db)
    assert (meta["encoding"], meta["segments"]) == ("gsm", 2)
    assert meta["state"] == "sent" and meta["attempts"] == 2
    assert meta["message_id"] == "gw-2"


def test_a_timeout_is_a_channel_error_and_is_retried(
    sqlite_db: Database, tmp_path: Path, gateway: Gateway
) -> None:
    settings = settings_for(tmp_path, gateway, sms_timeout_s=0.3)
    survey_id = one_question_survey(sqlite_db)
    add_customer(sqlite_db, "C-1", "13800138000")
    sms = HttpSmsGateway(settings)
    gateway.replies.append(Reply(200, {"message_id": "late"}, delay_s=1.5))
    with pytest.raises(ChannelError, match=r"did not answer within 0\.3 s"):
        send_invitation_sms(sqlite_db, survey_id, "C-1", settings=settings, gateway=sms)
    [meta] = sms_meta(sqlite_db)
    assert meta["state"] == "failed"
    assert (
        send_invitation_sms(sqlite_db, survey_id, "C-1", settings=settings, gateway=sms).status
        == "sent"
    )
    # The at-least-once window: the gateway got the first request too, with the same
    # reference and link (a gateway that honours Idempotency-Key sends once).
    assert len(gateway.requests) == 2
    assert gateway.requests[0]["raw"] == gateway.requests[1]["raw"]
    assert (
        gateway.requests[0]["headers"]["idempotency-key"]
        == gateway.requests[1]["headers"]["idempotency-key"]
    )


def test_no_gateway_listening_is_a_channel_error(sqlite_db: Database, tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    settings = settings_for(tmp_path, Gateway(port=port))
    survey_id = one_question_survey(sqlite_db)
    add_customer(sqlite_db, "C-1", "13800138000")
    with pytest.raises(ChannelError, match=r"could not reach the SMS gateway http://127\.0\.0\.1"):
        send_invitation_sms(
            sqlite_db, survey_id, "C-1", settings=settings, gateway=HttpSmsGateway(settings)
        )


def test_the_job_retries_with_back_off_and_sends_once(
    sqlite_db: Database, tmp_path: Path, gateway: Gateway
) -> None:
    settings = settings_for(tmp_path, gateway)
    survey_id = one_question_survey(sqlite_db)
    add_customer(sqlite_db, "C-1", "13800138000")
    queue = build_queue(settings, sqlite_db, huey=MemoryHuey("sms", immediate=True))
    task = queue.send_sms
    assert task is not None
    job = task.s(survey_id, "C-1", "zh-CN")
    assert (job.retries, job.retry_delay) == (5, 60)
    assert job.retry_backoff == 2  # 1, 2, 4, 8, 16 minutes
    gateway.replies.extend([Reply(500), Reply(429)])
    for _ in range(2):
        with pytest.raises(ChannelError):
            task.call_local(survey_id, "C-1", "zh-CN")
    assert task.call_local(survey_id, "C-1", "zh-CN") == "sent"
    assert task.call_local(survey_id, "C-1", "zh-CN") == "skipped"
    assert len(gateway.requests) == 3
    assert len({r["raw"] for r in gateway.requests}) == 1
    [meta] = sms_meta(sqlite_db)
    assert (meta["state"], meta["attempts"]) == ("sent", 3)


def test_a_crash_after_the_send_does_not_send_again(
    sqlite_db: Database, tmp_path: Path, gateway: Gateway
) -> None:
    settings = settings_for(tmp_path, gateway)
    survey_id = one_question_survey(sqlite_db)
    add_customer(sqlite_db, "C-1", "13800138000")

    class WorkerDied(BaseException):
        pass

    class DiesAfterSending(HttpSmsGateway):
        def send(self, message: SmsMessage) -> str | None:
            super().send(message)
            raise WorkerDied  # the process ends before the send is recorded

    with pytest.raises(WorkerDied):
        send_invitation_sms(
            sqlite_db, survey_id, "C-1", settings=settings, gateway=DiesAfterSending(settings)
        )
    [meta] = sms_meta(sqlite_db)
    assert meta["state"] == "claimed"
    again = send_invitation_sms(
        sqlite_db, survey_id, "C-1", settings=settings, gateway=HttpSmsGateway(settings)
    )
    assert again.status == "skipped" and "outcome is unknown" in again.reason
    assert len(gateway.requests) == 1
    # The gateway's receipt settles it.
    run = record_sms_receipts(
        sqlite_db, json.dumps({"reference": meta["reference"], "status": "DELIVRD"}).encode()
    )
    assert run.recorded == 1
    assert sms_meta(sqlite_db)[0]["state"] == "delivered"
    later = send_invitation_sms(
        sqlite_db, survey_id, "C-1", settings=settings, gateway=HttpSmsGateway(settings)
    )
    assert later.status == "skipped" and "already texted" in later.reason
    assert len(gateway.requests) == 1


def test_two_sends_racing_text_once(db: Database, tmp_path: Path, gateway: Gateway) -> None:
    settings = settings_for(tmp_path, gateway)
    survey_id = one_question_survey(db)
    add_customer(db, "C-1", "13800138000")
    results: list[str] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            sent = send_invitation_sms(
                db, survey_id, "C-1", settings=settings, gateway=HttpSmsGateway(settings)
            )
            results.append(sent.status)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == ["sent", "skipped", "skipped", "skipped"]
    assert len(gateway.requests) == 1


def test_who_is_not_texted(sqlite_db: Database, tmp_path: Path, gateway: Gateway) -> None:
    settings = settings_for(tmp_path, gateway)
    survey_id = one_question_survey(sqlite_db)
    add_customer(sqlite_db, "no-phone", None)
    add_customer(sqlite_db, "landline", "010-12345678")
    add_customer(sqlite_db, "no-consent", "13800138001", consent=False)
    sms = HttpSmsGateway(settings)
    reasons = {
        customer: send_invitation_sms(
            sqlite_db, survey_id, customer, settings=settings, gateway=sms
        ).reason
        for customer in ("no-phone", "landline", "no-consent")
    }
    assert reasons["no-phone"] == "the customer has no phone number"
    assert "not a mobile number" in reasons["landline"]
    assert "not agreed to be contacted" in reasons["no-consent"]
    assert gateway.requests == []
    with sqlite_db.session() as s:
        assert s.scalars(select(InvitationRow)).all() == []


def test_a_stop_reply_opts_the_customer_out(
    sqlite_db: Database, tmp_path: Path, gateway: Gateway
) -> None:
    settings = settings_for(tmp_path, gateway)
    survey_id = one_question_survey(sqlite_db)
    add_customer(sqlite_db, "C-1", "138-0013-8000")
    add_customer(sqlite_db, "C-2", "13900139000")
    run = record_sms_receipts(
        sqlite_db,
        json.dumps(
            [
                {"mobile": "+8613800138000", "content": "T"},
                {"mobile": "13900139000", "content": "谢谢"},  # not a stop word
            ]
        ).encode(),
    )
    assert run.opted_out == ["C-1"]
    skipped = send_invitation_sms(
        sqlite_db, survey_id, "C-1", settings=settings, gateway=HttpSmsGateway(settings)
    )
    assert skipped.status == "skipped" and "opted out" in skipped.reason
    assert gateway.requests == []


def test_a_provider_template_and_status_field(
    sqlite_db: Database, tmp_path: Path, gateway: Gateway
) -> None:
    # An Aliyun-like gateway: its own field names, a template parameter as a JSON string,
    # form encoding, the id at BizId and a Code that must be OK.
    template = {
        "PhoneNumbers": "{to_national}",
        "SignName": "{sender}",
        "TemplateCode": "SMS_0001",
        "TemplateParam@json": {"url": "{link}", "name": "{title}"},
        "OutId": "{reference}",
    }
    settings = settings_for(
        tmp_path,
        gateway,
        sms_body_template=json.dumps(template),
        sms_body_format="form",
        sms_id_field="BizId",
        sms_ok_field="Code",
        sms_ok_value="OK",
        sms_token=None,
        sms_username="user",
        sms_password="pw",
    )
    survey_id = one_question_survey(sqlite_db, title='Repair "quick" {to}')
    add_customer(sqlite_db, "C-1", "13800138000")
    add_customer(sqlite_db, "C-2", "13900139000")
    sms = HttpSmsGateway(settings)
    gateway.replies.append(Reply(200, {"Code": "OK", "BizId": "9001^0"}))
    sent = send_invitation_sms(sqlite_db, survey_id, "C-1", settings=settings, gateway=sms)
    assert (sent.status, sent.message_id) == ("sent", "9001^0")
    request = gateway.requests[0]
    assert request["headers"]["content-type"] == "application/x-www-form-urlencoded"
    assert request["headers"]["authorization"].startswith("Basic ")
    form = {k: v[0] for k, v in parse_qs(request["raw"]).items()}
    assert form["PhoneNumbers"] == "13800138000" and form["SignName"] == "满意调查"
    assert form["OutId"] == f"manyi-{sent.invitation_id}"
    param = json.loads(form["TemplateParam"])
    assert param["name"] == 'Repair "quick" {to}'  # placeholders are filled in one pass
    assert param["url"].startswith("https://survey.example.com/s/")
    # HTTP 200 with another Code is a refusal.
    gateway.replies.append(Reply(200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "bad"}))
    refused = send_invitation_sms(sqlite_db, survey_id, "C-2", settings=settings, gateway=sms)
    assert refused.status == "rejected" and "isv.MOBILE_NUMBER_ILLEGAL" in refused.reason


# -- receipts -----------------------------------------------------------------------


def _signed(body: bytes, secret: str = RECEIPT_SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Manyi-Signature": f"sha256={digest}", "Content-Type": "application/json"}


def test_receipts_through_the_api(db: Database, tmp_path: Path, gateway: Gateway) -> None:
    settings = settings_for(tmp_path, gateway)
    survey_id = one_question_survey(db)
    add_customer(db, "C-1", "13800138000")
    add_customer(db, "C-2", "13900139000")
    sms = HttpSmsGateway(settings)
    one = send_invitation_sms(db, survey_id, "C-1", settings=settings, gateway=sms)
    two = send_invitation_sms(db, survey_id, "C-2", settings=settings, gateway=sms)
    client = TestClient(create_app(settings, db))
    # Aliyun-like: our reference as out_id, success as a boolean.
    body = json.dumps(
        [
            {"out_id": f"manyi-{one.invitation_id}", "success": True, "err_code": "DELIVERED"},
            {"out_id": "manyi-999999", "success": True},
            {"biz_id": "nobody-knows", "success": False},
        ]
    ).encode()
    answer = client.post("/api/v1/sms/receipts", content=body, headers=_signed(body))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"recorded": 1, "unknown": 2, "opted_out": 0}
    # Tencent-like: only the gateway's id (sid), a report status, a bearer token.
    body = json.dumps(
        [{"sid": two.message_id, "report_status": "FAIL", "description": "phone off"}]
    ).encode()
    answer = client.post(
        "/api/v1/sms/receipts",
        content=body,
        headers={"Authorization": f"Bearer {RECEIPT_SECRET}"},
    )
    assert answer.json()["recorded"] == 1
    states = {m["reference"]: m for m in sms_meta(db)}
    assert states[f"manyi-{one.invitation_id}"]["state"] == "delivered"
    undelivered = states[f"manyi-{two.invitation_id}"]
    assert undelivered["state"] == "undelivered"
    assert undelivered["receipt_error"] == "phone off"
    # A customer whose text was not delivered may be texted again: the same link.
    again = send_invitation_sms(db, survey_id, "C-2", settings=settings, gateway=sms)
    assert again.status == "sent" and again.invitation_id == two.invitation_id
    assert sent_body(gateway, -1) == sent_body(gateway, 1)

    # Refused: a wrong signature, a wrong token, none at all, bad JSON.
    assert (
        client.post(
            "/api/v1/sms/receipts", content=body, headers=_signed(body, "wrong")
        ).status_code
        == 401
    )
    assert (
        client.post(
            "/api/v1/sms/receipts", content=body, headers={"Authorization": "Bearer wrong"}
        ).status_code
        == 401
    )
    assert client.post("/api/v1/sms/receipts", content=body).status_code == 401
    bad = b"{not json"
    refused = client.post("/api/v1/sms/receipts", content=bad, headers=_signed(bad))
    assert refused.status_code == 422 and "JSON" in refused.json()["error"]


def test_receipts_are_refused_without_a_secret(
    sqlite_db: Database, tmp_path: Path, gateway: Gateway
) -> None:
    settings = settings_for(tmp_path, gateway, sms_receipt_secret=None)
    client = TestClient(create_app(settings, sqlite_db))
    body = b"[]"
    answer = client.post("/api/v1/sms/receipts", content=body, headers=_signed(body))
    assert answer.status_code == 401
    assert "MANYI_SMS_RECEIPT_SECRET" in answer.json()["error"]


# -- the API ------------------------------------------------------------------------


def test_api_queues_the_texts(sqlite_db: Database, tmp_path: Path, gateway: Gateway) -> None:
    settings = settings_for(tmp_path, gateway)
    survey_id = one_question_survey(sqlite_db)
    add_customer(sqlite_db, "C-1", "13800138000")
    add_customer(sqlite_db, "C-2", None)
    queue = build_queue(settings, sqlite_db, huey=MemoryHuey("api", immediate=True))
    client = TestClient(create_app(settings, sqlite_db, queue=queue))
    admin = {"Authorization": f"Bearer {make_user_token(sqlite_db)}"}
    url = f"/api/v1/surveys/{survey_id}/invitations/sms"
    answer = client.post(
        url, json={"customers": ["C-1", "C-2", "C-1", "ghost"], "language": "en"}, headers=admin
    )
    assert answer.status_code == 202, answer.text
    assert answer.json() == {"survey_id": survey_id, "queued": ["C-1", "C-2", "ghost"]}
    assert len(gateway.requests) == 1  # C-2 has no phone, ghost is unknown (logged)
    assert sent_body(gateway)["text"].startswith("Please tell us about")
    assert client.post(url, json={"customers": ["C-1"]}, headers=admin).status_code == 202
    assert len(gateway.requests) == 1  # never twice
    assert client.post(url, json={"customers": []}, headers=admin).status_code == 422
    unknown = client.post(
        "/api/v1/surveys/999/invitations/sms", json={"customers": ["C-1"]}, headers=admin
    )
    assert unknown.status_code == 404
    viewer = {"Authorization": f"Bearer {make_user_token(sqlite_db, Role.VIEWER, 'v@example.com')}"}
    assert client.post(url, json={"customers": ["C-1"]}, headers=viewer).status_code == 403
    # Without a gateway the request is refused at once, not by a worker later.
    plain = TestClient(
        create_app(Settings(environment="test", data_dir=tmp_path), sqlite_db, queue=queue)
    )
    off = plain.post(url, json={"customers": ["C-1"]}, headers=admin)
    assert off.status_code == 409 and "MANYI_SMS_URL" in off.json()["error"]
