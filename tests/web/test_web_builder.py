"""The survey builder's pages through the app: who may use them, CSRF, saving a
published survey as a new version, a preview that stores nothing, JSON import/export."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from factories import make_user_token, sign_in
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role, SurveyStatus
from manyi.ingestion.responses import ResponseIn, record_response
from manyi.storage.database import Database
from manyi.storage.tables import ResponseRow, SurveyDraftRow, SurveyVersionRow
from manyi.surveys.service import create_survey, get_survey
from manyi.surveys.templates import template


def _client(db: Database, tmp_path: Path, role: Role = Role.MANAGER) -> TestClient:
    email = f"{role.value}@example.com"
    make_user_token(db, role, email)
    client = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    sign_in(client, email)
    return client


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def _count(db: Database, table: Any) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def _post(client: TestClient, url: str, data: dict[str, Any], **kwargs: Any) -> Any:
    token = _csrf(client.get("/surveys/new").text)
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


@pytest.mark.parametrize("role", [Role.VIEWER, Role.AGENT])
def test_roles_that_do_not_design_surveys_get_403(
    sqlite_db: Database, tmp_path: Path, role: Role
) -> None:
    survey = create_survey(sqlite_db, template("nps"))
    client = _client(sqlite_db, tmp_path, role)
    for url in (
        "/surveys",
        "/surveys/new",
        f"/surveys/{survey.id}/edit",
        f"/surveys/{survey.id}/preview/form",
        f"/surveys/{survey.id}/export",
    ):
        page = client.get(url + "?lang=en")
        assert page.status_code == 403, url
        assert "Not allowed" in page.text
    assert 'href="/surveys"' not in client.get("/?lang=en").text  # no link in the menu


def test_designers_see_the_list_and_strangers_are_sent_to_sign_in(
    db: Database, tmp_path: Path
) -> None:
    survey = create_survey(db, template("nps"), status="active")
    anonymous = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    assert anonymous.get("/surveys", follow_redirects=False).headers["location"] == (
        "/login?next=%2Fsurveys"
    )
    client = _client(db, tmp_path, Role.ANALYST)
    page = client.get("/surveys?lang=en")
    assert page.status_code == 200
    row = re.search(rf'<tr data-survey="{survey.id}">(.*?)</tr>', page.text, re.S)
    assert row is not None
    assert "Net Promoter Score survey" in row.group(1) and "active" in row.group(1)
    assert f"/s/{survey.id}" in row.group(1)  # the public link
    assert ">Pause<" in row.group(1) and ">Publish<" not in row.group(1)
    zh = client.get("/surveys?lang=zh-CN")
    assert "客户推荐度调查（NPS）" in zh.text and "公开链接" in zh.text


def test_a_post_without_the_csrf_token_changes_nothing(db: Database, tmp_path: Path) -> None:
    survey = create_survey(db, template("nps"))
    client = _client(db, tmp_path)
    before = get_survey(db, survey.id).definition
    for url, data in (
        (f"/surveys/{survey.id}/questions/nps/delete", {}),
        (f"/surveys/{survey.id}/status", {"status": "active"}),
        (f"/surveys/{survey.id}/settings", {"title_en": "Hacked", "languages": "en"}),
        (f"/surveys/{survey.id}/questions", {"kind": "open", "text_en": "Injected"}),
        ("/surveys/new", {"template": "nps"}),
    ):
        refused = client.post(url + "?lang=en", data={**data, "csrf_token": "forged"})
        assert refused.status_code == 400, url
        assert "The page expired; please try again" in refused.text
    after = get_survey(db, survey.id)
    assert after.definition == before and after.status == SurveyStatus.DRAFT
    assert len(client.get("/surveys").text.split('<tr data-survey="')) == 2  # still one survey


def test_manager_builds_from_a_template_and_edits_it_in_place_while_a_draft(
    db: Database, tmp_path: Path
) -> None:
    client = _client(db, tmp_path)
    created = _post(client, "/surveys/new?lang=en", {"template": "csat"})
    assert created.status_code == 200 and "/edit" in str(created.url)
    assert "The survey was created as a draft" in created.text
    survey_id = int(re.search(r"/surveys/(\d+)/edit", str(created.url)).group(1))  # type: ignore[union-attr]
    form = client.get(f"/surveys/{survey_id}/edit?add=single&lang=en")
    assert 'name="option-0-code"' in form.text and 'value="single"' in form.text
    # a bad question: the problems are shown next to their fields, the input kept
    bad = client.post(
        f"/surveys/{survey_id}/questions?lang=en",
        data={
            "csrf_token": _csrf(form.text),
            "kind": "single",
            "code": "channel",
            "text_zh": "",
            "option-0-zh": "门店",
            "min_choices": "two",
        },
    )
    assert bad.status_code == 422
    assert "Give this text in Chinese or in English." in bad.text
    assert 'value="门店"' in bad.text and 'value="channel"' in bad.text
    good = client.post(
        f"/surveys/{survey_id}/questions?lang=en",
        data={
            "csrf_token": _csrf(form.text),
            "kind": "single",
            "code": "channel",
            "text_en": "Where did you buy?",
            "option-0-zh": "门店",
            "option-1-en": "Online",
            "required": "1",
        },
    )
    assert good.status_code == 200 and "Saved." in good.text
    survey = get_survey(db, survey_id)
    assert survey.version == 1  # a draft nobody answered is saved in place
    question = survey.definition.by_code["channel"]
    assert question.required and [o.code for o in question.options] == ["o1", "o2"]
    assert _count(db, SurveyVersionRow) == 1


def test_editing_a_published_survey_stores_a_new_version_and_says_so(
    db: Database, tmp_path: Path
) -> None:
    survey = create_survey(db, template("nps"), status="active")
    record_response(db, survey.id, ResponseIn(answers={"nps": 3, "went_wrong": "太慢"}))
    client = _client(db, tmp_path)
    page = client.get(f"/surveys/{survey.id}/edit?edit=went_wrong&lang=en")
    assert "saving a change stores a new version" in page.text
    assert "readonly" in page.text  # the code of a published question stays
    saved = client.post(
        f"/surveys/{survey.id}/questions?lang=en",
        data={
            "csrf_token": _csrf(page.text),
            "kind": "open",
            "original": "went_wrong",
            "text_zh": "哪里做得不好？",
            "text_en": "What went wrong?",
            "cond-0-question": "nps",
            "cond-0-op": "<=",
            "cond-0-value": "6",
            "max_length": "500",
            "page_break": "1",
        },
    )
    assert saved.status_code == 200
    assert "Saved as version 2. The responses so far keep version 1" in saved.text
    assert get_survey(db, survey.id).version == 2
    assert get_survey(db, survey.id, version=1).definition.by_code["went_wrong"].max_length == 2000
    with db.session() as s:
        assert s.scalars(select(ResponseRow.survey_version)).one() == 1
    moved = _post(client, f"/surveys/{survey.id}/questions/liked_most/up?lang=en", {})
    assert "Saved as version 3" in moved.text


def test_reorder_delete_and_refusals_on_the_page(db: Database, tmp_path: Path) -> None:
    survey = create_survey(db, template("nps"))
    client = _client(db, tmp_path)
    _post(client, f"/surveys/{survey.id}/questions/liked_most/up", {})
    page = _post(client, f"/surveys/{survey.id}/questions/liked_most/up?lang=zh-CN", {})
    codes = [q.code for q in get_survey(db, survey.id).definition.questions]
    assert codes == ["nps", "liked_most", "went_wrong", "improve"]
    assert "第 2 页，共 2 页" in page.text
    # nps down steps over the page break: the form is one page now
    page = _post(client, f"/surveys/{survey.id}/questions/nps/down?lang=zh-CN", {})
    assert "添加题目" in page.text and "第 1 页" not in page.text
    # down again, past liked_most, whose condition names nps: refused, nothing changes
    refused = _post(client, f"/surveys/{survey.id}/questions/nps/down?lang=en", {})
    assert refused.status_code == 422
    assert "not a question asked before it" in refused.text
    assert get_survey(db, survey.id).definition.questions[0].code == "nps"
    for code in ("went_wrong", "liked_most", "improve"):
        _post(client, f"/surveys/{survey.id}/questions/{code}/delete", {})
    last = _post(client, f"/surveys/{survey.id}/questions/nps/delete?lang=en", {})
    assert last.status_code == 422 and "at least one question" in last.text
    assert [q.code for q in get_survey(db, survey.id).definition.questions] == ["nps"]


def test_preview_renders_the_form_and_stores_nothing(db: Database, tmp_path: Path) -> None:
    survey = create_survey(db, template("nps"))  # a draft: the public form would not open
    client = _client(db, tmp_path)
    frames = client.get(f"/surveys/{survey.id}/preview?lang=en")
    assert frames.text.count("<iframe") == 2 and 'width="390"' in frames.text
    first = client.get(f"/surveys/{survey.id}/preview/form?lang=en")
    assert first.status_code == 200 and 'name="q.nps"' in first.text
    assert "nothing you answer here is stored" in first.text
    token = _csrf(first.text)
    missing = client.post(
        f"/surveys/{survey.id}/preview/form?lang=en",
        data={"csrf_token": token, "preview_page": "0", "preview_answers": "{}", "action": "next"},
    )
    assert missing.status_code == 422 and "Please answer this question." in missing.text
    second = client.post(
        f"/surveys/{survey.id}/preview/form?lang=en",
        data={"csrf_token": token, "preview_page": "0", "preview_answers": "{}", "q.nps": "3"},
    )
    assert "What went wrong?" in second.text and "What did you like most?" not in second.text
    carried = re.search(r'name="preview_answers" value="([^"]+)"', second.text)
    assert carried is not None
    answers = json.loads(carried.group(1).replace("&#34;", '"').replace("&quot;", '"'))
    assert answers == {"nps": 3}
    done = client.post(
        f"/surveys/{survey.id}/preview/form?lang=en",
        data={
            "csrf_token": token,
            "preview_page": "1",
            "preview_answers": json.dumps(answers),
            "q.went_wrong": "<script>alert(1)</script>",
        },
    )
    assert "Thank you for your feedback!" in done.text
    assert "<script>alert" not in done.text
    assert _count(db, SurveyDraftRow) == 0 and _count(db, ResponseRow) == 0
    assert "manyi_resume" not in "".join(client.cookies.keys())


def test_import_export_round_trip_and_bad_files(db: Database, tmp_path: Path) -> None:
    source = create_survey(db, template("servqual"))
    target = create_survey(db, template("nps"))
    client = _client(db, tmp_path)
    exported = client.get(f"/surveys/{source.id}/export")
    assert exported.status_code == 200
    assert exported.headers["content-disposition"] == (
        f'attachment; filename="survey-{source.id}-v1.json"'
    )
    assert json.loads(exported.content)["title"]["zh-CN"] == "服务质量调查（SERVQUAL-22）"
    token = _csrf(client.get(f"/surveys/{target.id}/edit").text)
    imported = client.post(
        f"/surveys/{target.id}/import?lang=en",
        data={"csrf_token": token},
        files={"file": ("survey.json", exported.content, "application/json")},
    )
    assert imported.status_code == 200 and "The definition file was imported." in imported.text
    assert get_survey(db, target.id).definition == get_survey(db, source.id).definition
    for content, message in (
        (b'{"title": "x", ', "The file is not valid JSON."),
        (b'{"title": "x", "questions": []}', "The file is not a valid survey definition."),
    ):
        bad = client.post(
            f"/surveys/{target.id}/import?lang=en",
            data={"csrf_token": token},
            files={"file": ("bad.json", content, "application/json")},
        )
        assert bad.status_code == 422 and message in bad.text
    zh = client.post(
        f"/surveys/{target.id}/import?lang=zh-CN",
        data={"csrf_token": token},
        files={"file": ("bad.json", b"[1]", "application/json")},
    )
    assert zh.status_code == 422 and "文件必须包含一个 JSON 对象，即问卷定义。" in zh.text
    none = client.post(f"/surveys/{target.id}/import?lang=en", data={"csrf_token": token})
    assert none.status_code == 422 and "Choose a JSON file to import." in none.text
    assert get_survey(db, target.id).definition == get_survey(db, source.id).definition


def test_publish_pause_close_buttons(db: Database, tmp_path: Path) -> None:
    survey = create_survey(db, template("ces"))
    client = _client(db, tmp_path)
    assert client.get(f"/s/{survey.id}").status_code == 404  # a draft takes no answers
    published = _post(client, f"/surveys/{survey.id}/status?lang=en", {"status": "active"})
    assert "Published: the survey takes answers at its public link." in published.text
    assert client.get(f"/s/{survey.id}").status_code == 200
    paused = _post(
        client, f"/surveys/{survey.id}/status?lang=en", {"status": "paused", "next": "/surveys"}
    )
    assert str(paused.url).endswith("/surveys") and "Paused" in paused.text
    _post(client, f"/surveys/{survey.id}/status", {"status": "closed"})
    assert get_survey(db, survey.id).status == SurveyStatus.CLOSED
    assert client.get(f"/s/{survey.id}").status_code == 410


def test_settings_errors_keep_the_input(db: Database, tmp_path: Path) -> None:
    survey = create_survey(db, template("nps"))
    client = _client(db, tmp_path)
    refused = _post(
        client,
        f"/surveys/{survey.id}/settings?lang=zh-CN",
        {"title_zh": "", "title_en": "", "description_zh": "保留这段", "expected_seconds": "x"},
    )
    assert refused.status_code == 422 and "保留这段" in refused.text
    assert refused.text.count('class="error"') == 3
    assert get_survey(db, survey.id).definition.title.zh == "客户推荐度调查（NPS）"
