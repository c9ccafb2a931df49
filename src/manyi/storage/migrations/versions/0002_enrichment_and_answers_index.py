"""text enrichment of open answers; one covering index on answers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('answer_enrichments',
    sa.Column('answer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('survey_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('question', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('sentiment_label', sa.String(length=16), nullable=True),
    sa.Column('sentiment_score', sa.Float(), nullable=True),
    sa.Column('aspects', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('redacted_text', sa.Text(), nullable=True),
    sa.Column('enriched_at', sa.DateTime(), nullable=False),
    sa.Column('enrichment_version', sa.String(length=64), nullable=False),
    sa.Column('enrichment_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_answer_enrichments_answer_id_answers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('answer_id', name=op.f('pk_answer_enrichments'))
    )
    with op.batch_alter_table('answer_enrichments', schema=None) as batch_op:
        batch_op.create_index('ix_answer_enrichments_survey_question', ['survey_id', 'question'], unique=False)

    with op.batch_alter_table('feedback_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enrichment_error', sa.Text(), nullable=True))

    # One covering index instead of two on the largest table (faster imports, same reads).
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index('ix_answers_survey_question_item_value')
        batch_op.drop_index('ix_answers_survey_question_submitted')
        batch_op.create_index('ix_answers_survey_question_item_time_value', ['survey_id', 'question', 'item', 'submitted_at', 'value'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index('ix_answers_survey_question_item_time_value')
        batch_op.create_index('ix_answers_survey_question_submitted', ['survey_id', 'question', 'submitted_at'], unique=False)
        batch_op.create_index('ix_answers_survey_question_item_value', ['survey_id', 'question', 'item', 'value'], unique=False)

    with op.batch_alter_table('feedback_items', schema=None) as batch_op:
        batch_op.drop_column('enrichment_error')

    with op.batch_alter_table('answer_enrichments', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_enrichments_survey_question')

    op.drop_table('answer_enrichments')
