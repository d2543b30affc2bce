"""What this drill knows of the schema, without importing SQLAlchemy (start-up matters)."""

from __future__ import annotations

SCHEMA_REVISIONS: tuple[str, ...] = ("0001", "0002")
"""Every Alembic revision this drill knows, oldest first; the last is the head.
A test checks this against migrations/versions."""
HEAD = SCHEMA_REVISIONS[-1]

OUTCOMES_SQL = """
SELECT a.exposure, a.item_id, a.probe, a.correct, a.timed_out
FROM attempts AS a JOIN sessions AS s ON a.session_id = s.id
WHERE s.learner_id = ? AND s.deck = ? AND a.result != 'unreadable'
ORDER BY a.exposure, a.step, a.id
"""
"""Every final response of a learner on a deck, in order. Shared by the SQLAlchemy store
and the start-up fast path (drill.store.quick), so the two cannot disagree."""

LEARNER_SQL = "SELECT id FROM learners WHERE name = ?"
UNSEALED_SQL = (
    "SELECT 1 FROM events WHERE learner_id = ? AND deck = ? AND kind = 'rule_unsealed' LIMIT 1"
)
STATE_SQL = "SELECT state FROM deck_states WHERE learner_id = ? AND deck = ?"
