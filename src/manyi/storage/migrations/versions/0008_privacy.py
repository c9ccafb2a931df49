"""privacy: consent texts stored with responses, retention, audit log

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

New tables ``consent_texts`` (each consent statement once, keyed by its SHA-256) and
``audit_log``; new nullable columns ``responses.consent_version`` /
``consent_text_hash``, the same two on ``survey_drafts``, and ``surveys.retention_days``.
The hash columns carry no foreign key: adding one on SQLite copies the table, and with
foreign keys on, dropping the old ``responses`` would cascade to its answers.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('consent_texts',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_consent_texts'))
    )
    op.create_table('audit_log',
    sa.Column('id', ID, nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_user_id', ID, nullable=True),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('subject_kind', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.String(length=200), nullable=False),
    sa.Column('detail', JSON, nullable=False),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_audit_log_actor_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index('ix_audit_log_at', 'audit_log', ['at'], unique=False)
    op.create_index('ix_audit_log_subject', 'audit_log', ['subject_kind', 'subject_id'], unique=False)
    # Plain nullable columns: SQLite adds them in place (no table copy).
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_version', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('consent_text_hash', sa.String(length=64), nullable=True))
    with op.batch_alter_table('survey_drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_version', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('consent_text_hash', sa.String(length=64), nullable=True))
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_days', sa.Integer(), nullable=True))


def downgrade() -> None:
    # In place, not batch mode: a batch copy of responses or surveys would cascade to their
    # children (foreign keys on). SQLite >= 3.35 drops a plain column in place.
    op.execute('ALTER TABLE surveys DROP COLUMN retention_days')
    op.execute('ALTER TABLE survey_drafts DROP COLUMN consent_text_hash')
    op.execute('ALTER TABLE survey_drafts DROP COLUMN consent_version')
    op.execute('ALTER TABLE responses DROP COLUMN consent_text_hash')
    op.execute('ALTER TABLE responses DROP COLUMN consent_version')
    op.drop_index('ix_audit_log_subject', table_name='audit_log')
    op.drop_index('ix_audit_log_at', table_name='audit_log')
    op.drop_table('audit_log')
    op.drop_table('consent_texts')
