"""personal single-use invitations; respondents' saved drafts (resume a survey)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('invitations',
    sa.Column('id', ID, nullable=False),
    sa.Column('survey_id', ID, nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('customer_id', ID, nullable=True),
    sa.Column('channel_id', ID, nullable=True),
    sa.Column('touchpoint_id', ID, nullable=True),
    sa.Column('metadata', JSON, nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('response_id', ID, nullable=True),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_invitations_channel_id_channels'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_invitations_customer_id_customers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_invitations_response_id_responses'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_invitations_survey_id_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['touchpoint_id'], ['touchpoints.id'], name=op.f('fk_invitations_touchpoint_id_touchpoints'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )
    op.create_index(op.f('ix_invitations_customer_id'), 'invitations', ['customer_id'], unique=False)
    op.create_index(op.f('ix_invitations_survey_id'), 'invitations', ['survey_id'], unique=False)
    op.create_table('survey_drafts',
    sa.Column('id', ID, nullable=False),
    sa.Column('survey_id', ID, nullable=False),
    sa.Column('survey_version', sa.Integer(), nullable=False),
    sa.Column('resume_hash', sa.String(length=64), nullable=False),
    sa.Column('invitation_id', ID, nullable=True),
    sa.Column('answers', JSON, nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('channel', sa.String(length=64), nullable=True),
    sa.Column('touchpoint', sa.String(length=64), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('response_id', ID, nullable=True),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_survey_drafts_invitation_id_invitations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_survey_drafts_response_id_responses'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_drafts_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_drafts')),
    sa.UniqueConstraint('resume_hash', name=op.f('uq_survey_drafts_resume_hash'))
    )
    op.create_index(op.f('ix_survey_drafts_survey_id'), 'survey_drafts', ['survey_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_survey_drafts_survey_id'), table_name='survey_drafts')
    op.drop_table('survey_drafts')
    op.drop_index(op.f('ix_invitations_survey_id'), table_name='invitations')
    op.drop_index(op.f('ix_invitations_customer_id'), table_name='invitations')
    op.drop_table('invitations')
