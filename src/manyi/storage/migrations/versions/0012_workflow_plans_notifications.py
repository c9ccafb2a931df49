"""workflow: improvement plans, notifications, webhooks, inbox

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05

New tables only (no change to existing ones): ``inbox_items``, ``webhook_subscriptions``,
``webhook_deliveries``, ``notification_emails`` (manyi.workflow.notifications),
``improvement_plans``, ``plan_milestones``, ``plan_cases`` (manyi.workflow.plans) and
``points_ledger`` (manyi.workflow.points).
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table('inbox_items',
    sa.Column('id', ID, nullable=False),
    sa.Column('user_id', ID, nullable=False),
    sa.Column('event', sa.String(length=64), nullable=False),
    sa.Column('subject_kind', sa.String(length=32), nullable=False),
    sa.Column('subject_id', ID, nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('payload', JSON, nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('digested_at', sa.DateTime(), nullable=True),
    _fk('inbox_items', 'user_id', 'users', 'CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox_items'))
    )
    op.create_index('ix_inbox_items_user_read', 'inbox_items', ['user_id', 'read_at'], unique=False)
    op.create_table('webhook_subscriptions',
    sa.Column('id', ID, nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('secret', sa.String(length=200), nullable=False),
    sa.Column('events', JSON, nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('created_by', ID, nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    _fk('webhook_subscriptions', 'created_by', 'users', 'SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_subscriptions'))
    )
    op.create_table('webhook_deliveries',
    sa.Column('id', ID, nullable=False),
    sa.Column('subscription_id', ID, nullable=False),
    sa.Column('event', sa.String(length=64), nullable=False),
    sa.Column('subject_kind', sa.String(length=32), nullable=False),
    sa.Column('subject_id', ID, nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('response_code', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    _fk('webhook_deliveries', 'subscription_id', 'webhook_subscriptions', 'CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries'))
    )
    op.create_index('ix_webhook_deliveries_status_next', 'webhook_deliveries', ['status', 'next_attempt_at'], unique=False)
    op.create_index(op.f('ix_webhook_deliveries_subscription_id'), 'webhook_deliveries', ['subscription_id'], unique=False)
    op.create_table('notification_emails',
    sa.Column('id', ID, nullable=False),
    sa.Column('user_id', ID, nullable=True),
    sa.Column('to_address', sa.String(length=320), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    _fk('notification_emails', 'user_id', 'users', 'SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_emails'))
    )
    op.create_index('ix_notification_emails_status_next', 'notification_emails', ['status', 'next_attempt_at'], unique=False)
    op.create_table('improvement_plans',
    sa.Column('id', ID, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('root_cause', sa.Text(), nullable=False),
    sa.Column('source_kind', sa.String(length=32), nullable=False),
    sa.Column('source_ref', sa.String(length=200), nullable=False),
    sa.Column('survey_id', ID, nullable=True),
    sa.Column('question', sa.String(length=64), nullable=True),
    sa.Column('item', sa.String(length=64), nullable=False),
    sa.Column('aspect', sa.String(length=64), nullable=True),
    sa.Column('metric_kind', sa.String(length=16), nullable=False),
    sa.Column('threshold', sa.Float(), nullable=True),
    sa.Column('target_value', sa.Float(), nullable=True),
    sa.Column('segment_key', sa.String(length=32), nullable=True),
    sa.Column('treated', JSON, nullable=False),
    sa.Column('control', JSON, nullable=False),
    sa.Column('change_at', sa.DateTime(), nullable=True),
    sa.Column('before_days', sa.Integer(), nullable=False),
    sa.Column('after_days', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.DateTime(), nullable=True),
    sa.Column('owner_id', ID, nullable=True),
    sa.Column('department_ids', JSON, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('public_token', sa.String(length=64), nullable=True),
    sa.Column('created_by', ID, nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    _fk('improvement_plans', 'survey_id', 'surveys', 'SET NULL'),
    _fk('improvement_plans', 'owner_id', 'users', 'SET NULL'),
    _fk('improvement_plans', 'created_by', 'users', 'SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_improvement_plans')),
    sa.UniqueConstraint('public_token', name=op.f('uq_improvement_plans_public_token'))
    )
    op.create_table('plan_milestones',
    sa.Column('id', ID, nullable=False),
    sa.Column('plan_id', ID, nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    _fk('plan_milestones', 'plan_id', 'improvement_plans', 'CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_milestones'))
    )
    op.create_index('ix_plan_milestones_plan_position', 'plan_milestones', ['plan_id', 'position'], unique=False)
    op.create_table('plan_cases',
    sa.Column('plan_id', ID, nullable=False),
    sa.Column('case_id', ID, nullable=False),
    sa.Column('linked_at', sa.DateTime(), nullable=False),
    _fk('plan_cases', 'plan_id', 'improvement_plans', 'CASCADE'),
    _fk('plan_cases', 'case_id', 'cases', 'CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', 'case_id', name=op.f('pk_plan_cases'))
    )
    op.create_index(op.f('ix_plan_cases_case_id'), 'plan_cases', ['case_id'], unique=False)
    op.create_table('points_ledger',
    sa.Column('id', ID, nullable=False),
    sa.Column('holder_kind', sa.String(length=16), nullable=False),
    sa.Column('holder_id', ID, nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('subject_kind', sa.String(length=32), nullable=True),
    sa.Column('subject_id', ID, nullable=True),
    sa.Column('created_by', ID, nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    _fk('points_ledger', 'created_by', 'users', 'SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_ledger'))
    )
    op.create_index('ix_points_ledger_holder', 'points_ledger', ['holder_kind', 'holder_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_points_ledger_holder', table_name='points_ledger')
    op.drop_table('points_ledger')
    op.drop_index(op.f('ix_plan_cases_case_id'), table_name='plan_cases')
    op.drop_table('plan_cases')
    op.drop_index('ix_plan_milestones_plan_position', table_name='plan_milestones')
    op.drop_table('plan_milestones')
    op.drop_table('improvement_plans')
    op.drop_index('ix_notification_emails_status_next', table_name='notification_emails')
    op.drop_table('notification_emails')
    op.drop_index(op.f('ix_webhook_deliveries_subscription_id'), table_name='webhook_deliveries')
    op.drop_index('ix_webhook_deliveries_status_next', table_name='webhook_deliveries')
    op.drop_table('webhook_deliveries')
    op.drop_table('webhook_subscriptions')
    op.drop_index('ix_inbox_items_user_read', table_name='inbox_items')
    op.drop_table('inbox_items')
