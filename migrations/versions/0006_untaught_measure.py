"""The one measure: each attempt says whether it was untaught, and the exposure blocks count
untaught answers right whenever they came, and fluent (right and in time) beside them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08

Every row is kept. What changes:

- `attempts.untaught` (new): whether the answer was untaught evidence, as drill decides it
  when the item appears (docs/protocol.md, "What counts"). For the attempts already there it
  is worked out from their order: an attempt is untaught unless the learner was shown the
  same item with its answer (a training exposure, in any variant of a deck of the same
  domain) in an earlier exposure. Every step of an exposure takes its first step's flag.
- `exposure_blocks` gains `right_n`, `untaught_n`, `untaught_right` and `untaught_fluent`,
  and every block is recounted from the attempts (`ok` keeps its meaning: right and in
  time).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIRST_TAUGHT_SQL = """
CREATE TEMPORARY TABLE first_taught AS
SELECT s.learner_id AS learner_id, s.domain AS domain, a.item_id AS item_id,
       MIN(a.id) AS first_id
FROM attempts AS a JOIN sessions AS s ON a.session_id = s.id
WHERE NOT a.probe AND a.result != 'unreadable'
GROUP BY s.learner_id, s.domain, a.item_id
"""
"""Per learner, domain and item: the first attempt that showed the item with its answer."""

UNTAUGHT_SQL = """
UPDATE attempts SET untaught = NOT EXISTS (
    SELECT 1
    FROM sessions AS s
    JOIN first_taught AS f
      ON f.learner_id = s.learner_id AND f.domain = s.domain
    JOIN attempts AS t ON t.id = f.first_id
    WHERE s.id = attempts.session_id AND f.item_id = attempts.item_id
      AND f.first_id < attempts.id
      AND NOT (t.session_id = attempts.session_id AND t.exposure = attempts.exposure)
)
"""
"""Untaught unless the item's first taught attempt came before, in another exposure."""

BLOCKS_SQL = """
INSERT INTO exposure_blocks
    (learner_id, deck_fingerprint, deck, block, probe, n, ok, rt_sum, rt_n, deadline_sum,
     later_fail, first_at, right_n, untaught_n, untaught_right, untaught_fluent)
SELECT s.learner_id, s.deck_fingerprint, MAX(s.deck), (a.exposure - 1) / 50, a.probe,
       SUM(CASE WHEN a.step = 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.step = 0 AND a.correct AND NOT a.timed_out THEN 1 ELSE 0 END),
       COALESCE(SUM(CASE WHEN a.step = 0 THEN a.response_ms END), 0),
       SUM(CASE WHEN a.step = 0 AND a.response_ms IS NOT NULL THEN 1 ELSE 0 END),
       COALESCE(SUM(CASE WHEN a.step = 0 THEN a.deadline_ms END), 0),
       SUM(CASE WHEN a.step > 0 AND NOT (a.correct AND NOT a.timed_out) THEN 1 ELSE 0 END),
       MIN(a.shown_at),
       SUM(CASE WHEN a.step = 0 AND a.correct THEN 1
                WHEN a.step > 0 AND NOT a.correct THEN -1 ELSE 0 END),
       SUM(CASE WHEN a.step = 0 AND a.untaught THEN 1 ELSE 0 END),
       SUM(CASE WHEN NOT a.untaught THEN 0 WHEN a.step = 0 AND a.correct THEN 1
                WHEN a.step > 0 AND NOT a.correct THEN -1 ELSE 0 END),
       SUM(CASE WHEN NOT a.untaught THEN 0
                WHEN a.step = 0 AND a.correct AND NOT a.timed_out THEN 1
                WHEN a.step > 0 AND NOT (a.correct AND NOT a.timed_out) THEN -1 ELSE 0 END)
FROM attempts AS a JOIN sessions AS s ON a.session_id = s.id
WHERE a.result != 'unreadable'
GROUP BY s.learner_id, s.deck_fingerprint, (a.exposure - 1) / 50, a.probe
"""
"""The blocks recounted from the attempts (as drill.store.schema.BLOCKS_BACKFILL_SQL is
today: a revision keeps its own copy)."""

BLOCK_COLUMNS = ("right_n", "untaught_n", "untaught_right", "untaught_fluent")


def upgrade() -> None:
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("untaught", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("exposure_blocks", schema=None) as batch_op:
        for name in BLOCK_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default="0", nullable=False))
    op.execute(FIRST_TAUGHT_SQL)
    op.execute("CREATE INDEX ix_first_taught_key ON first_taught (learner_id, domain, item_id)")
    op.execute(UNTAUGHT_SQL)
    op.execute("DROP TABLE first_taught")
    op.execute("DELETE FROM exposure_blocks")
    op.execute(BLOCKS_SQL)


def downgrade() -> None:
    with op.batch_alter_table("exposure_blocks", schema=None) as batch_op:
        for name in reversed(BLOCK_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_column("untaught")
