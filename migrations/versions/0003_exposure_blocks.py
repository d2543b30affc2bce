"""Exposure blocks: running totals per 50 exposures, so long histories report fast.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL = """
INSERT INTO exposure_blocks
    (learner_id, deck, block, probe, n, ok, rt_sum, rt_n, deadline_sum, later_fail, first_at)
SELECT s.learner_id, s.deck, (a.exposure - 1) / 50, a.probe,
       SUM(CASE WHEN a.step = 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.step = 0 AND a.correct AND NOT a.timed_out THEN 1 ELSE 0 END),
       COALESCE(SUM(CASE WHEN a.step = 0 THEN a.response_ms END), 0),
       SUM(CASE WHEN a.step = 0 AND a.response_ms IS NOT NULL THEN 1 ELSE 0 END),
       COALESCE(SUM(CASE WHEN a.step = 0 THEN a.deadline_ms END), 0),
       SUM(CASE WHEN a.step > 0 AND NOT (a.correct AND NOT a.timed_out) THEN 1 ELSE 0 END),
       MIN(a.shown_at)
FROM attempts AS a JOIN sessions AS s ON a.session_id = s.id
WHERE a.result != 'unreadable'
GROUP BY s.learner_id, s.deck, (a.exposure - 1) / 50, a.probe
"""
"""The same totals drill keeps as it writes, computed once from the attempts there are."""


def upgrade() -> None:
    op.create_table(
        "exposure_blocks",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("deck", sa.String(length=200), nullable=False),
        sa.Column("block", sa.Integer(), nullable=False),
        sa.Column("probe", sa.Boolean(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("ok", sa.Integer(), nullable=False),
        sa.Column("rt_sum", sa.Integer(), nullable=False),
        sa.Column("rt_n", sa.Integer(), nullable=False),
        sa.Column("deadline_sum", sa.Integer(), nullable=False),
        sa.Column("later_fail", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name=op.f("fk_exposure_blocks_learner_id_learners")
        ),
        sa.PrimaryKeyConstraint(
            "learner_id", "deck", "block", "probe", name=op.f("pk_exposure_blocks")
        ),
    )
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_table("exposure_blocks")
