"""Engine and sessions. One :class:`Database` per process, built from settings and passed in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from manyi.errors import StorageUnavailable


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers work while a writer commits; busy_timeout makes concurrent
    # writers wait for the lock instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache: index inserts stay in memory
    cursor.close()


#: Connections kept open to a SQLite file, and how many more a burst may open. FastAPI runs
#: synchronous routes on a pool of 40 threads; each holds at most one connection at a time.
SQLITE_POOL_SIZE = 8
SQLITE_MAX_OVERFLOW = 40


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine; for SQLite, create the folder and turn on WAL and foreign keys.

    A SQLite file gets a queue of pooled connections: opening one (file, WAL index, five
    pragmas) cost more than the statements of a short request, and a respondent submission
    opened seven. The pool hands a connection to one thread at a time, so
    ``check_same_thread=False`` is safe; WAL lets pooled readers run beside the one writer,
    and ``busy_timeout`` makes a second writer wait for the lock instead of failing.
    ``:memory:`` keeps SQLAlchemy's one-connection-per-thread pool (each connection would
    otherwise be its own empty database)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        memory = ":memory:" in url or "mode=memory" in url or path == ""
        if path and not memory and not path.startswith("file:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        pooling: dict[str, Any] = (
            {}
            if memory
            else {
                "poolclass": QueuePool,
                "pool_size": SQLITE_POOL_SIZE,
                "max_overflow": SQLITE_MAX_OVERFLOW,
                "pool_timeout": 30,
            }
        )
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 30},
            **pooling,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)


class Database:
    """Owns the engine and hands out sessions."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on error."""
        try:
            session = self._factory()
        except OperationalError as exc:  # pragma: no cover - factory is lazy
            raise StorageUnavailable(f"the database cannot be reached: {exc.orig}") from exc
        try:
            yield session
            session.commit()
        except OperationalError as exc:
            session.rollback()
            raise StorageUnavailable(
                f"the database cannot be reached or is locked: {exc.orig}"
            ) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except OperationalError:
            return False

    def dispose(self) -> None:
        self.engine.dispose()
