"""The reference network's kept state: a run on a learner's stream resumes from it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08

One nullable column on reference_runs; no existing row changes (a run made by `drill
reference --learner` keeps no state, and its `state` is NULL).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reference_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reference_runs", schema=None) as batch_op:
        batch_op.drop_column("state")
