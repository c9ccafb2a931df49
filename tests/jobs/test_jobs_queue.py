"""The queue on its embedded SQLite storage and on the real Redis of MANYI_TEST_REDIS_URL."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from huey import RedisHuey

from manyi.config import Settings
from manyi.ingestion.feedback import FeedbackIn, record_feedback
from manyi.jobs.queue import build_queue
from manyi.storage.database import Database

REDIS_URL = os.environ.get("MANYI_TEST_REDIS_URL")


def _run_queued(queue_huey: object) -> int:
    """Execute every queued task once, as a consumer would."""
    done = 0
    while True:
        task = queue_huey.dequeue()  # type: ignore[attr-defined]
        if task is None:
            return done
        queue_huey.execute(task)  # type: ignore[attr-defined]
        done += 1


def test_sqlite_queue_enriches_through_a_task(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import manyi.jobs.queue as queue_module

    calls: list[int] = []
    monkeypatch.setattr(queue_module, "enrich_pending", lambda db: calls.append(1) or _Run())
    queue = build_queue(Settings(environment="test", data_dir=tmp_path), sqlite_db)
    assert queue.backend == "sqlite"
    record_feedback(sqlite_db, [FeedbackIn(text="送货太慢", kind="complaint")])
    assert queue.enqueue_enrichment()
    assert queue.huey.pending_count() == 1
    assert _run_queued(queue.huey) == 1
    assert calls == [1]
    assert (tmp_path / "jobs.db").exists()


class _Run:
    total = 1
    feedback_items = 1
    open_answers = 0
    errors = 0


@pytest.mark.redis
def test_redis_queue_round_trip(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not REDIS_URL:
        pytest.skip("MANYI_TEST_REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as exc:
        pytest.fail(f"MANYI_TEST_REDIS_URL={REDIS_URL} is set but unreachable: {exc}")
    import manyi.jobs.queue as queue_module

    calls: list[int] = []
    monkeypatch.setattr(queue_module, "enrich_pending", lambda db: calls.append(1) or _Run())
    huey = RedisHuey(f"manyi-test-{uuid.uuid4().hex[:8]}", url=REDIS_URL)
    try:
        queue = build_queue(
            Settings(environment="test", data_dir=tmp_path, redis_url=REDIS_URL),
            sqlite_db,
            huey=huey,
        )
        assert queue.enqueue_enrichment()
        assert queue.enqueue_enrichment()
        assert huey.pending_count() == 2
        assert _run_queued(huey) == 2
        assert calls == [1, 1]
    finally:
        huey.flush()


def test_queue_down_does_not_lose_intake(sqlite_db: Database, tmp_path: Path) -> None:
    dead = RedisHuey("manyi-dead", url="redis://127.0.0.1:1/0")
    queue = build_queue(Settings(environment="test", data_dir=tmp_path), sqlite_db, huey=dead)
    assert queue.enqueue_enrichment() is False
