"""response quality: exclusion by analysts, incentives

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

``responses`` gains the analyst's decision (``excluded``, its reason, who and when), the
derived ``quality`` (0 counted, 1 flagged, 2 excluded) that the aggregates filter on,
and whether the response was incentivised with its thank-you code. ``answers`` gains a
copy of ``quality``, appended to its covering index so that score histograms stay index
scans. Upgrade back-fills ``quality`` = 1 for the responses (and their answers) that
already carry a quality flag.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')

OLD_INDEX = 'ix_answers_survey_question_item_time_value'
NEW_INDEX = 'ix_answers_survey_question_item_time_value_quality'
INDEX_COLUMNS = ['survey_id', 'question', 'item', 'submitted_at', 'value']


def upgrade() -> None:
    # Plain ADD COLUMN, not batch mode: on SQLite batch mode copies ``responses`` and
    # drops the old table, which with foreign keys on would cascade to every answer.
    op.add_column('responses', sa.Column('quality', sa.SmallInteger(), server_default=sa.text('0'), nullable=False))
    op.add_column('responses', sa.Column('excluded', sa.Boolean(), nullable=True))
    op.add_column('responses', sa.Column('exclusion_reason', sa.Text(), nullable=True))
    op.add_column('responses', sa.Column('reviewed_at', sa.DateTime(), nullable=True))
    op.add_column('responses', sa.Column('reviewed_by', ID, nullable=True))
    op.add_column('responses', sa.Column('incentivised', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('responses', sa.Column('incentive_code', sa.String(length=32), nullable=True))
    op.create_index(op.f('ix_responses_incentive_code'), 'responses', ['incentive_code'], unique=True)
    op.add_column('answers', sa.Column('quality', sa.SmallInteger(), server_default=sa.text('0'), nullable=False))

    length = 'jsonb_array_length' if op.get_bind().dialect.name == 'postgresql' else 'json_array_length'
    op.execute(f'UPDATE responses SET quality = 1 WHERE {length}(quality_flags) > 0')
    op.execute(
        'UPDATE answers SET quality = 1 WHERE response_id IN '
        '(SELECT id FROM responses WHERE quality = 1)'
    )
    op.drop_index(OLD_INDEX, table_name='answers')
    op.create_index(NEW_INDEX, 'answers', [*INDEX_COLUMNS, 'quality'], unique=False)


def downgrade() -> None:
    op.drop_index(NEW_INDEX, table_name='answers')
    op.create_index(OLD_INDEX, 'answers', INDEX_COLUMNS, unique=False)
    op.drop_index(op.f('ix_responses_incentive_code'), table_name='responses')
    # In place (SQLite >= 3.35), for the same reason as above.
    op.execute('ALTER TABLE answers DROP COLUMN quality')
    for column in (
        'incentive_code', 'incentivised', 'reviewed_by', 'reviewed_at', 'exclusion_reason',
        'excluded', 'quality',
    ):
        op.execute(f'ALTER TABLE responses DROP COLUMN {column}')
