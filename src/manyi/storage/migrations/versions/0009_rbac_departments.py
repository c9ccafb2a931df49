"""rbac: department tree and single sign-on subjects

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

``departments.parent_id`` makes departments a tree (managers see their subtree);
``users.oidc_issuer`` / ``oidc_subject`` link a user to an OpenID Connect identity.
Plain nullable columns without foreign keys: adding a foreign key on SQLite copies the
table, and with foreign keys on, dropping the old ``departments`` would null every
user's and touchpoint's department.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.add_column('departments', sa.Column('parent_id', ID, nullable=True))
    op.create_index('ix_departments_parent_id', 'departments', ['parent_id'], unique=False)
    op.add_column('users', sa.Column('oidc_issuer', sa.String(length=500), nullable=True))
    op.add_column('users', sa.Column('oidc_subject', sa.String(length=255), nullable=True))
    op.create_index('uq_users_oidc', 'users', ['oidc_issuer', 'oidc_subject'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_users_oidc', table_name='users')
    op.execute('ALTER TABLE users DROP COLUMN oidc_subject')
    op.execute('ALTER TABLE users DROP COLUMN oidc_issuer')
    op.drop_index('ix_departments_parent_id', table_name='departments')
    op.execute('ALTER TABLE departments DROP COLUMN parent_id')
