"""Consent (issue #10, privacy): the respondent form shows the survey's consent statement
on the first page as a required checkbox; each response stores the consent version and
the exact text shown (stored once by its SHA-256); without required consent a response is
refused with a clear message, on the form and through the API."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from factories import make_survey, make_user_token
from manyi.app import create_app
from manyi.config import Settings
from manyi.storage.database import Database
from manyi.storage.tables import ConsentTextRow, ResponseRow, SurveyDraftRow

CONSENT = {
    "version": "2026-01",
    "text": {
        "zh-CN": "我们仅将您的回答用于改进服务，保存 12 个月。",
        "en": "We use your answers only to improve our service and keep them 12 months.",
    },
    "required": True,
}
QUESTIONS = [
    {"code": "nps", "kind": "nps", "text": {"zh-CN": "推荐意愿", "en": "Recommend?"}},
    {"code": "comment", "kind": "open", "text": {"zh-CN": "建议", "en": "Anything else?"}},
]
PAGES = [{"questions": ["nps"]}, {"questions": ["comment"]}]


def _survey(db: Database, **overrides: Any) -> int:
    fields: dict[str, Any] = {"questions": QUESTIONS, "pages": PAGES, "consent": CONSENT}
    fields.update(overrides)
    return make_survey(db, **fields).id


def _client(db: Database, tmp_path: Path) -> TestClient:
    return TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, "the form carries its CSRF token"
    return found.group(1)


def _post(client: TestClient, url: str, fields: dict[str, Any]) -> Any:
    page = client.get(url)
    return client.post(url, data={"csrf": _csrf(page.text), **fields})


def _responses(db: Database) -> list[ResponseRow]:
    with db.session() as s:
        rows = list(s.scalars(select(ResponseRow).order_by(ResponseRow.id)))
        s.expunge_all()
        return rows


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_first_page_shows_the_consent_as_a_labelled_required_checkbox(
    db: Database, tmp_path: Path, lang: str
) -> None:
    survey_id = _survey(db)
    page = _client(db, tmp_path).get(f"/s/{survey_id}?lang={lang}")
    assert page.status_code == 200
    assert CONSENT["text"][lang] in page.text
    assert re.search(r'<input type="checkbox" id="consent" name="consent" value="yes"', page.text)
    assert 'aria-required="true"' in page.text
    assert 'aria-describedby="consent-text"' in page.text
    label = "我已阅读并同意" if lang == "zh-CN" else "I have read this and agree"
    assert f'<label for="consent">{label}</label>' in page.text


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_without_the_tick_the_first_page_is_refused_and_nothing_is_saved(
    db: Database, tmp_path: Path, lang: str
) -> None:
    survey_id = _survey(db)
    client = _client(db, tmp_path)
    url = f"/s/{survey_id}?lang={lang}"
    refused = _post(client, url, {"q.nps": "8"})
    assert refused.status_code == 422
    message = (
        "请先勾选同意，再继续作答。"
        if lang == "zh-CN"
        else "Please tick the box to agree before you go on."
    )
    assert message in refused.text
    assert 'aria-invalid="true"' in refused.text
    # the posted answer is shown again, and the draft stays on page 1 without it
    assert re.search(r'name="q.nps" value="8" checked', refused.text)
    with db.session() as s:
        draft = s.scalars(select(SurveyDraftRow)).one()
        assert (draft.page, draft.answers, draft.consent_version) == (0, {}, None)
    assert _responses(db) == []


def test_a_response_stores_the_version_and_the_exact_text_shown(
    db: Database, tmp_path: Path
) -> None:
    survey_id = _survey(db)
    client = _client(db, tmp_path)
    url = f"/s/{survey_id}?lang=en"
    moved = _post(client, url, {"q.nps": "9", "consent": "yes"})
    assert moved.status_code == 200 and "Page 2 of 2" in moved.text
    # back on page 1 the box stays ticked
    back = client.post(url, data={"csrf": _csrf(moved.text), "action": "back"})
    assert re.search(r'id="consent" name="consent" value="yes" checked', back.text)
    _post(client, url, {"q.nps": "9", "consent": "yes"})
    done = _post(client, url, {"q.comment": "fine"})
    assert "Thank you" in done.text
    [stored] = _responses(db)
    text = CONSENT["text"]["en"]
    assert stored.consent is True
    assert stored.consent_version == "2026-01"
    assert stored.consent_text_hash == hashlib.sha256(text.encode()).hexdigest()
    with db.session() as s:
        assert s.get(ConsentTextRow, stored.consent_text_hash).text == text


def test_the_same_text_is_stored_once_and_each_language_has_its_own(
    db: Database, tmp_path: Path
) -> None:
    survey_id = _survey(db, pages=[])
    for lang in ("zh-CN", "zh-CN", "en"):
        client = _client(db, tmp_path)  # a new browser: a new draft
        done = _post(client, f"/s/{survey_id}?lang={lang}", {"q.nps": "7", "consent": "yes"})
        assert done.status_code == 200, done.text
    stored = _responses(db)
    assert len(stored) == 3
    with db.session() as s:
        texts = {row.text for row in s.scalars(select(ConsentTextRow))}
    assert texts == {CONSENT["text"]["zh-CN"], CONSENT["text"]["en"]}
    assert len({r.consent_text_hash for r in stored}) == 2


def test_unticking_an_optional_consent_withdraws_it(db: Database, tmp_path: Path) -> None:
    survey_id = _survey(db, consent={**CONSENT, "required": False})
    client = _client(db, tmp_path)
    url = f"/s/{survey_id}?lang=en"
    page = client.get(url)
    assert 'aria-required="true"' not in page.text
    moved = client.post(url, data={"csrf": _csrf(page.text), "q.nps": "6", "consent": "yes"})
    back = client.post(url, data={"csrf": _csrf(moved.text), "action": "back"})
    client.post(url, data={"csrf": _csrf(back.text), "q.nps": "6"})  # no tick this time
    _post(client, url, {"q.comment": "ok"})
    [stored] = _responses(db)
    assert (stored.consent, stored.consent_version, stored.consent_text_hash) == (
        False,
        None,
        None,
    )


def _bearer(db: Database) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_user_token(db)}"}


def test_the_api_refuses_a_response_without_required_consent(db: Database, tmp_path: Path) -> None:
    survey_id = _survey(db)
    client = _client(db, tmp_path)
    headers = _bearer(db)
    refused = client.post(
        f"/api/v1/surveys/{survey_id}/responses", json={"answers": {"nps": 9}}, headers=headers
    )
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error["loc"] == ["consent"]
    assert "asks for the respondent's consent (version 2026-01)" in error["msg"]
    assert _responses(db) == []


def test_the_api_stores_the_consent_and_shows_its_version(db: Database, tmp_path: Path) -> None:
    survey_id = _survey(db)
    client = _client(db, tmp_path)
    headers = _bearer(db)
    defaulted = client.post(
        f"/api/v1/surveys/{survey_id}/responses",
        json={"answers": {"nps": 9}, "consent": True, "language": "zh-CN"},
        headers=headers,
    )
    assert defaulted.status_code == 201, defaulted.text
    shown = {"answers": {"nps": 5}, "consent": True, "consent_version": "paper-3"}
    explicit = client.post(
        f"/api/v1/surveys/{survey_id}/responses",
        json={**shown, "consent_text": "纸质问卷第 3 版同意书"},
        headers=headers,
    )
    assert explicit.status_code == 201, explicit.text
    one = client.get(f"/api/v1/responses/{defaulted.json()['id']}", headers=headers).json()
    assert (one["consent"], one["consent_version"]) == (True, "2026-01")
    listed = client.get(f"/api/v1/surveys/{survey_id}/responses", headers=headers).json()
    assert {r["consent_version"] for r in listed["data"]} == {"2026-01", "paper-3"}
    with db.session() as s:
        texts = {row.text for row in s.scalars(select(ConsentTextRow))}
    assert texts == {CONSENT["text"]["zh-CN"], "纸质问卷第 3 版同意书"}


def test_a_survey_without_consent_stores_none(db: Database, tmp_path: Path) -> None:
    survey_id = make_survey(db, questions=QUESTIONS).id
    client = _client(db, tmp_path)
    page = client.get(f"/s/{survey_id}")
    assert 'name="consent"' not in page.text
    _post(client, f"/s/{survey_id}", {"q.nps": "10"})
    [stored] = _responses(db)
    assert (stored.consent_version, stored.consent_text_hash) == (None, None)


def test_a_consent_version_must_be_given() -> None:
    from manyi.domain.survey import SurveyDefinition

    with pytest.raises(ValueError, match="version"):
        SurveyDefinition.model_validate(
            {"title": "t", "questions": QUESTIONS, "consent": {**CONSENT, "version": " "}}
        )
