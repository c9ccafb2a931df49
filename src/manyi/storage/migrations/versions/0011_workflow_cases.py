"""workflow: alert rules, hits, routing rules, cases and their timeline

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05

New tables only (``alert_rules``, ``routing_rules``, ``cases``, ``case_events``,
``alert_rule_hits``), so foreign keys are fine on SQLite too: nothing existing is copied.
``cases.version`` is the optimistic-concurrency counter (manyi.storage.cases).
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f'{target}.id'], name=f'fk_{table}_{column}_{target}', ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table('alert_rules',
    sa.Column('id', ID, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('applies_to', sa.String(length=16), nullable=False),
    sa.Column('conditions', JSON, nullable=False),
    sa.Column('actions', JSON, nullable=False),
    sa.Column('created_by', ID, nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    _fk('alert_rules', 'created_by', 'users', 'SET NULL'),
    sa.PrimaryKeyConstraint('id', name='pk_alert_rules')
    )
    op.create_table('routing_rules',
    sa.Column('id', ID, nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('touchpoint_id', ID, nullable=True),
    sa.Column('aspect', sa.String(length=64), nullable=True),
    sa.Column('region', sa.String(length=64), nullable=True),
    sa.Column('department_id', ID, nullable=False),
    sa.Column('round_robin', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    _fk('routing_rules', 'touchpoint_id', 'touchpoints', 'CASCADE'),
    _fk('routing_rules', 'department_id', 'departments', 'CASCADE'),
    sa.PrimaryKeyConstraint('id', name='pk_routing_rules')
    )
    op.create_table('cases',
    sa.Column('id', ID, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('importance', sa.SmallInteger(), nullable=False),
    sa.Column('urgency', sa.SmallInteger(), nullable=False),
    sa.Column('priority', sa.String(length=4), nullable=False),
    sa.Column('response_id', ID, nullable=True),
    sa.Column('feedback_id', ID, nullable=True),
    sa.Column('rule_id', ID, nullable=True),
    sa.Column('customer_id', ID, nullable=True),
    sa.Column('touchpoint_id', ID, nullable=True),
    sa.Column('channel_id', ID, nullable=True),
    sa.Column('department_id', ID, nullable=True),
    sa.Column('assignee_id', ID, nullable=True),
    sa.Column('assigned_at', sa.DateTime(), nullable=True),
    sa.Column('aspect', sa.String(length=64), nullable=True),
    sa.Column('region', sa.String(length=64), nullable=True),
    sa.Column('tags', JSON, nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('first_response_due_at', sa.DateTime(), nullable=True),
    sa.Column('resolution_due_at', sa.DateTime(), nullable=True),
    sa.Column('first_responded_at', sa.DateTime(), nullable=True),
    sa.Column('waiting_since', sa.DateTime(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('escalated_at', sa.DateTime(), nullable=True),
    sa.Column('reopen_count', sa.Integer(), nullable=False),
    sa.Column('root_cause_code', sa.String(length=32), nullable=True),
    sa.Column('solution', sa.Text(), nullable=True),
    sa.Column('follow_up_at', sa.DateTime(), nullable=True),
    sa.Column('follow_up_note', sa.Text(), nullable=True),
    sa.Column('follow_up_by', ID, nullable=True),
    sa.Column('followup_invitation_id', ID, nullable=True),
    sa.Column('followup_response_id', ID, nullable=True),
    sa.Column('post_csat', sa.Float(), nullable=True),
    sa.Column('merged_into_id', ID, nullable=True),
    sa.Column('repeat_of_id', ID, nullable=True),
    sa.Column('created_by', ID, nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    _fk('cases', 'response_id', 'responses', 'SET NULL'),
    _fk('cases', 'feedback_id', 'feedback_items', 'SET NULL'),
    _fk('cases', 'rule_id', 'alert_rules', 'SET NULL'),
    _fk('cases', 'customer_id', 'customers', 'SET NULL'),
    _fk('cases', 'touchpoint_id', 'touchpoints', 'SET NULL'),
    _fk('cases', 'channel_id', 'channels', 'SET NULL'),
    _fk('cases', 'department_id', 'departments', 'SET NULL'),
    _fk('cases', 'assignee_id', 'users', 'SET NULL'),
    _fk('cases', 'follow_up_by', 'users', 'SET NULL'),
    _fk('cases', 'followup_invitation_id', 'invitations', 'SET NULL'),
    _fk('cases', 'followup_response_id', 'responses', 'SET NULL'),
    _fk('cases', 'merged_into_id', 'cases', 'SET NULL'),
    _fk('cases', 'repeat_of_id', 'cases', 'SET NULL'),
    _fk('cases', 'created_by', 'users', 'SET NULL'),
    sa.PrimaryKeyConstraint('id', name='pk_cases'),
    sa.UniqueConstraint('followup_invitation_id', name='uq_cases_followup_invitation_id')
    )
    op.create_index('ix_cases_response_id', 'cases', ['response_id'], unique=False)
    op.create_index('ix_cases_feedback_id', 'cases', ['feedback_id'], unique=False)
    op.create_index('ix_cases_assignee_id', 'cases', ['assignee_id'], unique=False)
    op.create_index('ix_cases_state_department', 'cases', ['state', 'department_id'], unique=False)
    op.create_index('ix_cases_customer_opened', 'cases', ['customer_id', 'opened_at'], unique=False)
    op.create_index('ix_cases_resolution_due', 'cases', ['state', 'resolution_due_at'], unique=False)
    op.create_table('case_events',
    sa.Column('id', ID, nullable=False),
    sa.Column('case_id', ID, nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('actor_user_id', ID, nullable=True),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('from_state', sa.String(length=24), nullable=True),
    sa.Column('to_state', sa.String(length=24), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('detail', JSON, nullable=False),
    _fk('case_events', 'case_id', 'cases', 'CASCADE'),
    _fk('case_events', 'actor_user_id', 'users', 'SET NULL'),
    sa.PrimaryKeyConstraint('id', name='pk_case_events')
    )
    op.create_index('ix_case_events_case_at', 'case_events', ['case_id', 'at'], unique=False)
    op.create_table('alert_rule_hits',
    sa.Column('id', ID, nullable=False),
    sa.Column('rule_id', ID, nullable=False),
    sa.Column('response_id', ID, nullable=True),
    sa.Column('feedback_id', ID, nullable=True),
    sa.Column('case_id', ID, nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('matched', JSON, nullable=False),
    sa.Column('actions_taken', JSON, nullable=False),
    _fk('alert_rule_hits', 'rule_id', 'alert_rules', 'CASCADE'),
    _fk('alert_rule_hits', 'response_id', 'responses', 'CASCADE'),
    _fk('alert_rule_hits', 'feedback_id', 'feedback_items', 'CASCADE'),
    _fk('alert_rule_hits', 'case_id', 'cases', 'SET NULL'),
    sa.PrimaryKeyConstraint('id', name='pk_alert_rule_hits'),
    sa.UniqueConstraint('rule_id', 'response_id', name='uq_alert_rule_hits_rule_response'),
    sa.UniqueConstraint('rule_id', 'feedback_id', name='uq_alert_rule_hits_rule_feedback')
    )
    op.create_index('ix_alert_rule_hits_rule_at', 'alert_rule_hits', ['rule_id', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_alert_rule_hits_rule_at', table_name='alert_rule_hits')
    op.drop_table('alert_rule_hits')
    op.drop_index('ix_case_events_case_at', table_name='case_events')
    op.drop_table('case_events')
    for name in ('ix_cases_resolution_due', 'ix_cases_customer_opened', 'ix_cases_state_department',
                 'ix_cases_assignee_id', 'ix_cases_feedback_id', 'ix_cases_response_id'):
        op.drop_index(name, table_name='cases')
    op.drop_table('cases')
    op.drop_table('routing_rules')
    op.drop_table('alert_rules')
