"""Event kinds are one enumeration whose values are the strings history already holds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from drill.protocol.records import EventKind, EventRecord
from drill.store.history import History

STORED = {
    "plateau_started",
    "plateau_ended",
    "transition_detected",
    "generalization_confirmed",
    "rule_unsealed",
    "early_reveal",
    "break_kept",
}


def test_every_kind_is_stored_as_before_and_read_back_as_itself(db_path: Path) -> None:
    """A history written by an older drill reads the same: no kind needs a migration."""
    assert {kind.value for kind in EventKind} == STORED
    history = History.open(str(db_path))
    try:
        ann = history.writer.learner_id("ann")
        assert ann is not None
        at = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
        for exposure, kind in enumerate(EventKind, start=1):
            event = EventRecord(kind, exposure, at)
            history.writer.record_event(event, learner_id=ann, deck="modarith", fingerprint="f")
        with history.engine.connect() as conn:
            raw = conn.execute(text("SELECT kind FROM events ORDER BY exposure")).scalars()
            assert list(raw) == [kind.value for kind in EventKind]
        read = history.reader.events(ann, "f", kinds=[EventKind.EARLY_REVEAL])
        assert [e.kind for e in read] == [EventKind.EARLY_REVEAL]
        assert history.reader.rule_revealed(ann, "f")
    finally:
        history.close()
