"""The engine: a SQLite file gets a pool of connections (WAL, foreign keys and the busy
timeout on each) that threads share safely; PostgreSQL keeps its own pool."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import event, func, select, text
from sqlalchemy.pool import QueuePool

from manyi.storage.database import Database
from manyi.storage.tables import ChannelRow


def test_a_sqlite_file_reuses_its_connections(sqlite_db: Database) -> None:
    assert isinstance(sqlite_db.engine.pool, QueuePool)
    opened: list[object] = []
    event.listen(sqlite_db.engine, "connect", lambda *_: opened.append(1))
    for _ in range(20):
        with sqlite_db.session() as s:
            s.execute(text("SELECT 1"))
    assert len(opened) <= 1  # the first may still be in the pool from the migration


def test_pooled_sqlite_connections_keep_their_pragmas(sqlite_db: Database) -> None:
    for _ in range(3):
        with sqlite_db.session() as s:
            assert s.scalar(text("PRAGMA journal_mode")) == "wal"
            assert s.scalar(text("PRAGMA foreign_keys")) == 1
            assert s.scalar(text("PRAGMA busy_timeout")) == 30000


def test_threads_writing_at_once_lose_nothing(sqlite_db: Database) -> None:
    problems: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for k in range(25):
                with sqlite_db.session() as s:
                    s.add(ChannelRow(code=f"w{worker}-{k}", kind="web", name_zh="x"))
        except BaseException as exc:
            problems.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert problems == []
    with sqlite_db.session() as s:
        assert (
            s.scalar(
                select(func.count()).select_from(ChannelRow).where(ChannelRow.code.like("w%-%"))
            )
            == 12 * 25
        )


def test_an_in_memory_database_is_one_database(tmp_path: Path) -> None:
    db = Database("sqlite:///:memory:")
    try:
        with db.session() as s:
            s.execute(text("CREATE TABLE t (x INTEGER)"))
            s.execute(text("INSERT INTO t VALUES (1)"))
        with db.session() as s:
            assert s.scalar(text("SELECT count(*) FROM t")) == 1
    finally:
        db.dispose()
