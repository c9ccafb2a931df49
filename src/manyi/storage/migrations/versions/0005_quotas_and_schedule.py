"""survey quotas (counts claimed at submission) and scheduled opening and closing

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    # Plain ADD COLUMN: SQLite adds a nullable column in place (no table copy).
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opens_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('closes_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('survey_drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('screened_out', sa.String(length=64), nullable=True))

    op.create_table('survey_quota_counts',
    sa.Column('survey_id', ID, nullable=False),
    sa.Column('quota', sa.String(length=64), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_quota_counts_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'quota', name=op.f('pk_survey_quota_counts'))
    )


def downgrade() -> None:
    op.drop_table('survey_quota_counts')
    # Not batch mode: on SQLite it copies the table and drops the old one, and with foreign
    # keys on, dropping ``surveys`` would cascade to every response. SQLite >= 3.35 drops
    # a plain column in place.
    op.execute('ALTER TABLE survey_drafts DROP COLUMN screened_out')
    op.execute('ALTER TABLE surveys DROP COLUMN closes_at')
    op.execute('ALTER TABLE surveys DROP COLUMN opens_at')
