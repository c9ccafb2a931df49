"""contact lists, invitation campaigns, survey triggers, customer events, invitation requests

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('contact_lists',
    sa.Column('id', ID, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('import_ids', JSON, nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_lists')),
    sa.UniqueConstraint('name', name=op.f('uq_contact_lists_name'))
    )
    op.create_table('contact_list_members',
    sa.Column('list_id', ID, nullable=False),
    sa.Column('customer_id', ID, nullable=False),
    sa.Column('import_id', ID, nullable=True),
    sa.Column('line', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_contact_list_members_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['import_id'], ['imports.id'], name=op.f('fk_contact_list_members_import_id_imports'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['list_id'], ['contact_lists.id'], name=op.f('fk_contact_list_members_list_id_contact_lists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('list_id', 'customer_id', name=op.f('pk_contact_list_members'))
    )
    op.create_index(op.f('ix_contact_list_members_customer_id'), 'contact_list_members', ['customer_id'], unique=False)
    op.create_table('invitation_campaigns',
    sa.Column('id', ID, nullable=False),
    sa.Column('survey_id', ID, nullable=False),
    sa.Column('list_id', ID, nullable=True),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=True),
    sa.Column('params', JSON, nullable=False),
    sa.Column('counts', JSON, nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['list_id'], ['contact_lists.id'], name=op.f('fk_invitation_campaigns_list_id_contact_lists'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_invitation_campaigns_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation_campaigns')),
    sa.UniqueConstraint('survey_id', 'idempotency_key', name=op.f('uq_invitation_campaigns_survey_id'))
    )
    op.create_index(op.f('ix_invitation_campaigns_survey_id'), 'invitation_campaigns', ['survey_id'], unique=False)
    op.create_table('survey_triggers',
    sa.Column('id', ID, nullable=False),
    sa.Column('event_type', sa.String(length=100), nullable=False),
    sa.Column('survey_id', ID, nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('delay_minutes', sa.Integer(), nullable=False),
    sa.Column('channel_code', sa.String(length=64), nullable=True),
    sa.Column('touchpoint', sa.String(length=64), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('fatigue_days', sa.Integer(), nullable=True),
    sa.Column('conditions', JSON, nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_triggers_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_triggers'))
    )
    op.create_index(op.f('ix_survey_triggers_event_type'), 'survey_triggers', ['event_type'], unique=False)
    op.create_index(op.f('ix_survey_triggers_survey_id'), 'survey_triggers', ['survey_id'], unique=False)
    op.create_table('customer_events',
    sa.Column('id', ID, nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=False),
    sa.Column('customer_id', ID, nullable=True),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('attributes', JSON, nullable=False),
    sa.Column('outcomes', JSON, nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_events_customer_id_customers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_events')),
    sa.UniqueConstraint('external_id', name=op.f('uq_customer_events_external_id'))
    )
    op.create_index(op.f('ix_customer_events_customer_id'), 'customer_events', ['customer_id'], unique=False)
    op.create_table('invitation_requests',
    sa.Column('id', ID, nullable=False),
    sa.Column('survey_id', ID, nullable=False),
    sa.Column('customer_id', ID, nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('channel_code', sa.String(length=64), nullable=True),
    sa.Column('touchpoint', sa.String(length=64), nullable=True),
    sa.Column('campaign_id', ID, nullable=True),
    sa.Column('event_id', ID, nullable=True),
    sa.Column('send_at', sa.DateTime(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=True),
    sa.Column('result', sa.String(length=500), nullable=True),
    sa.Column('invitation_id', ID, nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['invitation_campaigns.id'], name=op.f('fk_invitation_requests_campaign_id_invitation_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_invitation_requests_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['customer_events.id'], name=op.f('fk_invitation_requests_event_id_customer_events'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_invitation_requests_invitation_id_invitations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_invitation_requests_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation_requests'))
    )
    op.create_index(op.f('ix_invitation_requests_campaign_id'), 'invitation_requests', ['campaign_id'], unique=False)
    op.create_index('ix_invitation_requests_customer_send_at', 'invitation_requests', ['customer_id', 'send_at'], unique=False)
    op.create_index(op.f('ix_invitation_requests_event_id'), 'invitation_requests', ['event_id'], unique=False)
    op.create_index('ix_invitation_requests_survey_customer', 'invitation_requests', ['survey_id', 'customer_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_invitation_requests_survey_customer', table_name='invitation_requests')
    op.drop_index(op.f('ix_invitation_requests_event_id'), table_name='invitation_requests')
    op.drop_index('ix_invitation_requests_customer_send_at', table_name='invitation_requests')
    op.drop_index(op.f('ix_invitation_requests_campaign_id'), table_name='invitation_requests')
    op.drop_table('invitation_requests')
    op.drop_index(op.f('ix_customer_events_customer_id'), table_name='customer_events')
    op.drop_table('customer_events')
    op.drop_index(op.f('ix_survey_triggers_survey_id'), table_name='survey_triggers')
    op.drop_index(op.f('ix_survey_triggers_event_type'), table_name='survey_triggers')
    op.drop_table('survey_triggers')
    op.drop_index(op.f('ix_invitation_campaigns_survey_id'), table_name='invitation_campaigns')
    op.drop_table('invitation_campaigns')
    op.drop_index(op.f('ix_contact_list_members_customer_id'), table_name='contact_list_members')
    op.drop_table('contact_list_members')
    op.drop_table('contact_lists')
