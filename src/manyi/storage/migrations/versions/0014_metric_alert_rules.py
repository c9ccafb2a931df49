"""alert rules on metrics: the hit log names the signal

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06

``alert_rule_hits`` gains ``signal_key`` (unique per rule: a metric rule fires once per
signal), ``period_end`` (the last day the signal measured) and ``detail`` (its numbers
and the dashboard link). Plain ADD COLUMN and a unique index, no table copy.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.add_column("alert_rule_hits", sa.Column("signal_key", sa.String(length=200), nullable=True))
    op.add_column("alert_rule_hits", sa.Column("period_end", sa.Date(), nullable=True))
    op.add_column("alert_rule_hits", sa.Column("detail", JSON, nullable=True))
    op.create_index(
        "uq_alert_rule_hits_rule_signal", "alert_rule_hits", ["rule_id", "signal_key"], unique=True
    )


def downgrade() -> None:
    op.drop_index("uq_alert_rule_hits_rule_signal", table_name="alert_rule_hits")
    # In place (SQLite >= 3.35): no table copy.
    for column in ("detail", "period_end", "signal_key"):
        op.execute(f"ALTER TABLE alert_rule_hits DROP COLUMN {column}")
