"""get_survey's definition cache: the status is never stale, a revision is seen at once
(also by another process's handle on the same database), and drafts are read fresh."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, update

from factories import survey_definition
from manyi.domain.enums import SurveyStatus
from manyi.storage.database import Database
from manyi.storage.tables import SurveyRow, SurveyVersionRow
from manyi.surveys.service import (
    create_survey,
    forget_survey,
    get_survey,
    revise_survey,
    set_status,
)


def _titled(title: str) -> dict[str, object]:
    return survey_definition(title={"zh-CN": title, "en": title})


def test_an_open_survey_definition_is_read_once_and_shared(db: Database) -> None:
    made = create_survey(db, _titled("一"), status="active")
    first = get_survey(db, made.id)
    again = get_survey(db, made.id)
    assert again.definition is first.definition
    assert again.status == SurveyStatus.ACTIVE


def test_the_status_is_read_on_every_call(db: Database) -> None:
    made = create_survey(db, _titled("一"), status="active")
    get_survey(db, made.id)
    set_status(db, made.id, "closed")
    assert get_survey(db, made.id).status == SurveyStatus.CLOSED
    # a change written past the service (another process, an operator) is seen too
    with db.session() as s:
        s.execute(update(SurveyRow).where(SurveyRow.id == made.id).values(status="paused"))
    assert get_survey(db, made.id).status == SurveyStatus.PAUSED


def test_a_revision_is_seen_by_another_handle_on_the_same_database(
    tmp_path: Path, sqlite_db: Database
) -> None:
    other = Database(sqlite_db.url)  # another process's engine and cache
    try:
        made = create_survey(sqlite_db, _titled("旧"), status="active")
        assert get_survey(other, made.id).definition.title.get("zh-CN") == "旧"
        revise_survey(sqlite_db, made.id, _titled("新"))
        now = get_survey(other, made.id)
        assert (now.version, now.definition.title.get("zh-CN")) == (2, "新")
        # the old version stays readable by number
        assert get_survey(other, made.id, 1).definition.title.get("zh-CN") == "旧"
    finally:
        other.dispose()


def test_a_draft_overwritten_in_place_is_read_fresh(db: Database) -> None:
    made = create_survey(db, _titled("草稿"))
    get_survey(db, made.id)
    with db.session() as s:
        s.execute(
            update(SurveyVersionRow)
            .where(SurveyVersionRow.survey_id == made.id)
            .values(definition=_titled("改过"))
        )
    assert get_survey(db, made.id).definition.title.get("zh-CN") == "改过"


def test_a_survey_reusing_a_deleted_id_is_not_served_the_old_definition(
    sqlite_db: Database,
) -> None:
    made = create_survey(sqlite_db, _titled("删掉的"), status="active")
    get_survey(sqlite_db, made.id)
    with sqlite_db.session() as s:
        s.execute(delete(SurveyVersionRow).where(SurveyVersionRow.survey_id == made.id))
        s.execute(delete(SurveyRow).where(SurveyRow.id == made.id))
    again = create_survey(sqlite_db, _titled("新的"), status="active")
    assert again.id == made.id  # SQLite hands the id out again
    assert get_survey(sqlite_db, again.id).definition.title.get("zh-CN") == "新的"


def test_two_databases_do_not_share_entries(tmp_path: Path) -> None:
    one, two = (
        Database(f"sqlite:///{tmp_path / 'a.db'}"),
        Database(f"sqlite:///{tmp_path / 'b.db'}"),
    )
    try:
        from manyi.storage.migrate import upgrade

        upgrade(one)
        upgrade(two)
        a = create_survey(one, _titled("甲"), status="active")
        b = create_survey(two, _titled("乙"), status="active")
        assert a.id == b.id
        assert get_survey(one, a.id).definition.title.get("zh-CN") == "甲"
        assert get_survey(two, b.id).definition.title.get("zh-CN") == "乙"
    finally:
        one.dispose()
        two.dispose()


def test_forget_survey_drops_its_entries(db: Database) -> None:
    made = create_survey(db, _titled("一"), status="active")
    first = get_survey(db, made.id).definition
    forget_survey(db, made.id)
    assert get_survey(db, made.id).definition is not first
