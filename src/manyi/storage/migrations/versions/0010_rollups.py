"""rollups: daily score histograms and response counts maintained at intake

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05

New tables ``score_rollups`` and ``response_rollups`` (storage/rollups.py,
docs/rollups.md). The migration leaves them empty; ``manyi.storage.migrate.upgrade``
(``manyi db upgrade``, and every test database) rebuilds them from the stored answers
right after an upgrade that passed this revision, with the rebuild code of the schema
it ends at, so this file never holds a second copy of the rollup SQL that could drift.
Primary keys hold every column but the count: they are the upserts' conflict target;
the touchpoint comes before the day so that a department filter seeks one range per
touchpoint.
New tables only, so their foreign keys copy nothing on SQLite.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _dimensions() -> list[sa.Column[object]]:
    return [
        sa.Column('channel_id', ID, nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('region', sa.String(length=64), nullable=False),
        sa.Column('tier', sa.String(length=64), nullable=False),
        sa.Column('product', sa.String(length=64), nullable=False),
    ]


DIMENSIONS = ['channel_id', 'language', 'region', 'tier', 'product']


def upgrade() -> None:
    op.create_table('score_rollups',
    sa.Column('survey_id', ID, nullable=False),
    sa.Column('question', sa.String(length=64), nullable=False),
    sa.Column('item', sa.String(length=64), nullable=False),
    sa.Column('grain', sa.SmallInteger(), nullable=False),
    sa.Column('touchpoint_id', ID, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('quality', sa.SmallInteger(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    *_dimensions(),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_score_rollups_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'question', 'item', 'grain', 'touchpoint_id', 'day', 'quality', 'value', *DIMENSIONS, name=op.f('pk_score_rollups')),
    sqlite_with_rowid=False,
    )
    op.create_table('response_rollups',
    sa.Column('survey_id', ID, nullable=False),
    sa.Column('grain', sa.SmallInteger(), nullable=False),
    sa.Column('touchpoint_id', ID, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('quality', sa.SmallInteger(), nullable=False),
    *_dimensions(),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_response_rollups_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'grain', 'touchpoint_id', 'day', 'quality', *DIMENSIONS, name=op.f('pk_response_rollups')),
    sqlite_with_rowid=False,
    )
    op.create_index('ix_response_rollups_grain_day', 'response_rollups', ['grain', 'day'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_response_rollups_grain_day', table_name='response_rollups')
    op.drop_table('response_rollups')
    op.drop_table('score_rollups')
