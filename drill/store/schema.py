"""What this drill knows of the schema, without importing SQLAlchemy (start-up matters)."""

from __future__ import annotations

from drill.protocol.records import RULE_OPENED, EventKind

SCHEMA_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")
"""Every Alembic revision this drill knows, oldest first; the last is the head.
A test checks this against migrations/versions."""
HEAD = SCHEMA_REVISIONS[-1]

OUTCOMES_SQL = """
SELECT a.exposure, a.item_id, a.probe, a.correct, a.timed_out, a.untaught, a.response
FROM attempts AS a JOIN sessions AS s ON a.session_id = s.id
WHERE s.learner_id = ? AND s.deck_fingerprint = ? AND a.result != 'unreadable'
ORDER BY a.exposure, a.step, a.id
"""
"""Every final response of a learner on a variant of a deck (its fingerprint), in order.
Shared by the SQLAlchemy store and the start-up fast path (drill.store.quick), so the two
cannot disagree."""

OPENED_KINDS_SQL = ", ".join(f"'{kind}'" for kind in RULE_OPENED)

TAUGHT_SQL = f"""
SELECT DISTINCT a.item_id
FROM attempts AS a JOIN sessions AS s ON a.session_id = s.id
WHERE s.learner_id = ? AND s.domain = ? AND s.deck_fingerprint != ?
  AND a.result != 'unreadable'
  AND (NOT a.probe OR (a.split = 'heldout' AND s.deck_fingerprint IN (
      SELECT e.deck_fingerprint FROM events AS e
      WHERE e.learner_id = ? AND e.kind IN ({OPENED_KINDS_SQL}))))
"""
"""The items a learner was ever taught in a domain, in any deck or variant: every item of
a training attempt that ended an exposure (shown with its answer, or answered right), and
the held-out items seen in a variant whose rule the learner opened. Parameters: learner,
domain, a variant left out ("" for none; the engine wants what was taught outside the past
it is given), learner. Item ids name content, so an item taught in one variant is taught
in all."""

VARIANTS_SQL = """
SELECT deck_fingerprint, params FROM sessions WHERE learner_id = ? AND deck = ? ORDER BY id
"""
"""The variants of a deck a learner drilled (fingerprint, parameters as JSON), oldest first."""

LEARNER_SQL = "SELECT id FROM learners WHERE name = ?"
UNSEALED_SQL = (
    "SELECT 1 FROM events WHERE learner_id = ? AND deck_fingerprint = ? "
    f"AND kind = '{EventKind.RULE_UNSEALED}' LIMIT 1"
)
STATE_SQL = "SELECT state FROM deck_states WHERE learner_id = ? AND deck_fingerprint = ?"

BLOCKS_BACKFILL_SQL = """
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
"""The exposure blocks computed from the attempts: what revision 0006 ran once, and what
`History.rebuild_blocks` runs after a bulk load. Keep the block size equal to models.BLOCK.
`right_n` and the `untaught_*` columns count exposures: a later step that failed takes back
its first step's count (at most one step of an exposure fails)."""
