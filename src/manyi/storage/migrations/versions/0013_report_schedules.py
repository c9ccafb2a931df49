"""reports: schedules and deliveries

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05

New tables ``report_schedules`` (company or department, weekly or monthly, language,
recipients, next run, paused or active) and ``report_runs`` (one row per schedule and
period, unique, so a period's report is claimed and sent once). Only new tables: their
foreign keys need no copy of an existing table.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('report_schedules',
    sa.Column('id', ID, nullable=False),
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('department_id', ID, nullable=True),
    sa.Column('frequency', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('recipients', JSON, nullable=False),
    sa.Column('next_run_at', sa.DateTime(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by', ID, nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_report_schedules_department_id_departments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_report_schedules_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_schedules'))
    )
    op.create_index('ix_report_schedules_due', 'report_schedules', ['active', 'next_run_at'], unique=False)
    op.create_index(op.f('ix_report_schedules_department_id'), 'report_schedules', ['department_id'], unique=False)
    op.create_table('report_runs',
    sa.Column('id', ID, nullable=False),
    sa.Column('schedule_id', ID, nullable=False),
    sa.Column('period_start', sa.DateTime(), nullable=False),
    sa.Column('period_end', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=1000), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['schedule_id'], ['report_schedules.id'], name=op.f('fk_report_runs_schedule_id_report_schedules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_runs')),
    sa.UniqueConstraint('schedule_id', 'period_start', name=op.f('uq_report_runs_schedule_id'))
    )
    op.create_index(op.f('ix_report_runs_schedule_id'), 'report_runs', ['schedule_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_report_runs_schedule_id'), table_name='report_runs')
    op.drop_table('report_runs')
    op.drop_index(op.f('ix_report_schedules_department_id'), table_name='report_schedules')
    op.drop_index('ix_report_schedules_due', table_name='report_schedules')
    op.drop_table('report_schedules')
