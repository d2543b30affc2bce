"""The start-up fast path (stdlib sqlite3) reads exactly what the SQLAlchemy store reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from drill.app.practice import quick_start, start_practice
from drill.app.simulate import simulate
from drill.decks import load_deck
from drill.store.history import History
from drill.store.quick import read_snapshot, sqlite_path

FINGERPRINT = load_deck("modarith").fingerprint


@pytest.mark.slow
def test_snapshot_matches_the_store(db_path: Path) -> None:
    """Outcomes, the seal and the saved state agree between the two readers."""
    history = History.open(str(db_path))
    simulate(load_deck("modarith"), history, kind="network", items=1300, seed=0, learner="ann")
    learner_id = history.reader.learner_id("ann", create=False)
    assert learner_id is not None
    snapshot = read_snapshot(db_path, "ann", FINGERPRINT, "modarith")
    assert snapshot is not None
    assert snapshot.learner_id == learner_id
    assert snapshot.past == history.reader.outcomes(learner_id, FINGERPRINT)
    assert snapshot.rule_unsealed == history.reader.rule_unsealed(learner_id, FINGERPRINT) is True
    assert snapshot.state == history.reader.load_deck_state(learner_id, FINGERPRINT)
    assert read_snapshot(db_path, "bob", FINGERPRINT, "modarith") is not None  # no such learner
    control = load_deck("control").fingerprint
    assert read_snapshot(db_path, "ann", control, "control").past == []  # type: ignore[union-attr]
    # What the engine is told was taught elsewhere: nothing, in this one variant.
    assert snapshot.taught == history.reader.taught_ids(
        learner_id, "modarith", elsewhere=FINGERPRINT
    )
    assert not snapshot.taught
    assert history.reader.taught_ids(learner_id, "modarith")


def test_quick_start_resumes_like_a_normal_start(db_path: Path) -> None:
    """The app's fast start and the ordinary start build the same engine state."""
    deck = load_deck("modarith")
    history = History.open(str(db_path))
    simulate(deck, history, kind="lookup", items=300, seed=0, learner="ann")
    slow_practice = start_practice(deck, history, "ann")
    slow = slow_practice.engine.snapshot()
    slow_practice.close("quit")  # one live session per learner and deck
    fast_practice = quick_start(deck, str(db_path), "ann")
    fast = fast_practice.engine.snapshot()
    assert fast == slow
    shown = fast_practice.engine.next_item()
    assert shown is not None
    fast_practice.engine.answer(shown.item.answer, 500)  # waits for the store, then writes
    fast_practice.close("quit")
    assert len(list(history.export("ann"))) == 301


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("/tmp/x.db", Path("/tmp/x.db")),
        ("sqlite:////tmp/y.db", Path("/tmp/y.db")),
        ("sqlite:///:memory:", None),
        ("postgresql+psycopg://u:p@h/db", None),
    ],
)
def test_fast_path_only_for_sqlite_files(spec: str, expected: Path | None) -> None:
    """The fast path applies to SQLite files only; anything else takes the ordinary path."""
    assert sqlite_path(spec) == expected


def test_unusual_files_fall_back(tmp_path: Path) -> None:
    """No file, an empty file or garbage give None (the ordinary path explains the problem)."""
    assert read_snapshot(tmp_path / "none.db", "ann", "f", "modarith") is None
    empty = tmp_path / "empty.db"
    empty.touch()
    assert read_snapshot(empty, "ann", "f", "modarith") is None
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite" * 100)
    assert read_snapshot(junk, "ann", "f", "modarith") is None
