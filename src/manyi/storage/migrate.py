"""Run Alembic migrations from code (``manyi db upgrade``) with the migrations shipped in the package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from manyi.storage.database import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


#: Revisions whose upgrade leaves the rollups to be rebuilt from the stored answers
#: (storage/rollups.py): done once, after the last migration, with the code of the schema
#: the upgrade ends at (a migration holding its own copy of the rollup SQL would drift).
ROLLUP_REBUILDS = frozenset({"0010"})


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (default: the newest), then rebuild the rollups
    when the upgrade passed a revision of :data:`ROLLUP_REBUILDS`."""
    with db.engine.begin() as conn:
        before = MigrationContext.configure(conn).get_current_revision()
        config = alembic_config(db.url)
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        after = MigrationContext.configure(conn).get_current_revision()
        script = ScriptDirectory.from_config(config)
        passed = {r.revision for r in script.iterate_revisions(after, before) if r is not None}
        if before != after and passed & ROLLUP_REBUILDS:
            # Imported here: the tables module is only needed when there is work to do.
            from sqlalchemy.orm import Session

            from manyi.storage.rollups import rebuild

            with Session(bind=conn) as session:
                rebuild(session)
                session.flush()


def downgrade(db: Database, revision: str) -> None:
    with db.engine.begin() as conn:
        config = alembic_config(db.url)
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
