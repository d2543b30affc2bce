"""The history store against real SQLite files: round trips, upgrades and clear failures."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from drill.protocol.records import AttemptRecord, EventRecord, Result
from drill.store.database import StoreError, locate
from drill.store.history import EXPORT_FIELDS, History
from drill.store.schema import HEAD

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def attempt(n: int, **overrides: object) -> AttemptRecord:
    values: dict[str, object] = {
        "item_id": f"item-{n % 5}",
        "split": "train",
        "probe": False,
        "exposure": n,
        "response": str(n),
        "result": Result.CORRECT,
        "correct": True,
        "timed_out": False,
        "response_ms": 900 + n,
        "deadline_ms": 8000,
        "shown_at": T0 + timedelta(seconds=n),
    }
    values.update(overrides)
    return AttemptRecord(**values)  # type: ignore[arg-type]


def new_session(history: History, learner: str, deck: str = "modarith") -> tuple[int, int]:
    learner_id = history.writer.learner_id(learner)
    assert learner_id is not None
    session_id = history.writer.start_session(
        learner_id, deck=deck, fingerprint="f", domain="modarith", params={}, kind="drill", at=T0
    )
    return learner_id, session_id


def test_attempts_round_trip_through_a_file(db_path: Path) -> None:
    """Attempts written in one process-lifetime are read back, field for field, after reopening."""
    history = History.open(str(db_path))
    _, session_id = new_session(history, "ann")
    written = [
        attempt(1),
        attempt(2, result=Result.WRONG, correct=False, response="７"),
        attempt(3, response="x\n\x00y", result=Result.UNREADABLE, correct=False),
        attempt(
            3,
            result=Result.TIMEOUT,
            timed_out=True,
            response=None,
            response_ms=None,
            probe=True,
            split="heldout",
            correct=False,
        ),
    ]
    for record in written:
        history.writer.record_attempt(session_id, record)
    history.writer.end_session(session_id, "quit")
    history.close()

    reopened = History.open(str(db_path))
    rows = list(reopened.export())
    assert [r["response"] for r in rows] == ["1", "７", "x\n\x00y", None]
    assert rows[3]["timed_out"] is True
    assert rows[3]["probe"] is True
    assert rows[3]["response_ms"] is None
    assert rows[0]["shown_at"] == (T0 + timedelta(seconds=1)).isoformat()
    assert set(rows[0]) == set(EXPORT_FIELDS)
    assert rows[0]["learner"] == "ann"
    assert rows[0]["deck"] == "modarith"


def test_outcomes_keep_one_per_exposure_and_skip_unreadable(db_path: Path) -> None:
    """The engine's view of the past: unreadable responses are not exposures."""
    history = History.open(str(db_path))
    learner_id, session_id = new_session(history, "ann")
    history.writer.record_attempt(session_id, attempt(1, result=Result.UNREADABLE, correct=False))
    history.writer.record_attempt(session_id, attempt(1))
    history.writer.record_attempt(session_id, attempt(2, result=Result.WRONG, correct=False))
    outcomes = history.reader.outcomes(learner_id, "f")
    assert [(o.exposure, o.success) for o in outcomes] == [(1, True), (2, False)]


def test_learners_never_mix(db_path: Path) -> None:
    """Two learners in one file: export and outcomes filter by learner."""
    history = History.open(str(db_path))
    ann_id, ann_session = new_session(history, "ann")
    _bob_id, bob_session = new_session(history, "bob")
    history.writer.record_attempt(ann_session, attempt(1))
    history.writer.record_attempt(bob_session, attempt(1, response="bob's"))
    assert [r["learner"] for r in history.export("ann")] == ["ann"]
    assert [r["response"] for r in history.export("bob")] == ["bob's"]
    assert len(list(history.export())) == 2
    assert len(history.reader.outcomes(ann_id, "f")) == 1
    assert [name for name, *_ in history.learners()] == ["ann", "bob"]


def test_an_open_session_is_closed_as_interrupted(db_path: Path) -> None:
    """A session left open (a crash) is ended at its last attempt when the next one starts."""
    history = History.open(str(db_path))
    _learner_id, first = new_session(history, "ann")
    history.writer.record_attempt(first, attempt(7))
    new_session(history, "ann")
    with sqlite3.connect(db_path) as conn:
        ended, reason = conn.execute(
            "SELECT ended_at, end_reason FROM sessions WHERE id = ?", (first,)
        ).fetchone()
    assert reason == "interrupted"
    assert ended.startswith("2026-11-24 09:00:07")


def test_events_round_trip(db_path: Path) -> None:
    """An attempt, its events and the snapshot are written together; events read in order."""
    history = History.open(str(db_path))
    learner_id, session_id = new_session(history, "ann")
    port = history.writer.port(learner_id, "modarith", session_id, fingerprint="f")
    port.record(
        attempt(40),
        [
            EventRecord("transition", 40, T0, {"before": 0.1}),
            EventRecord("plateau_started", 12, T0),
        ],
        {"exposure": 40},
    )
    events = history.reader.events(learner_id, "f")
    assert [(e.kind, e.exposure) for e in events] == [("plateau_started", 12), ("transition", 40)]
    assert events[1].data == {"before": 0.1}
    assert {e.session_id for e in events} == {session_id}
    assert history.reader.load_deck_state(learner_id, "f") == {"exposure": 40}


def test_new_database_is_private_and_at_head(db_path: Path) -> None:
    """A new database file is readable by its owner only, in WAL mode, stamped at head."""
    History.open(str(db_path)).close()
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD


def test_default_location_is_in_the_data_folder(drill_home: Path) -> None:
    """With no --db and no environment, the database lives in the user data folder."""
    assert locate(None).path == drill_home / "drill.db"


def test_environment_chooses_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DRILL_DB names a path, DRILL_DATABASE_URL a URL; --db wins over both."""
    monkeypatch.setenv("DRILL_DATABASE_URL", f"sqlite:///{tmp_path / 'url.db'}")
    assert locate(None).path == tmp_path / "url.db"
    monkeypatch.setenv("DRILL_DB", str(tmp_path / "env.db"))
    assert locate(None).path == tmp_path / "env.db"
    assert locate(str(tmp_path / "flag.db")).path == tmp_path / "flag.db"


def test_url_passwords_are_hidden() -> None:
    """A server URL is shown without its password."""
    location = locate("postgresql+psycopg://ann:s3cret@db.example/drill")
    assert "s3cret" not in location.display
    assert "ann" in location.display


def test_a_file_that_is_not_a_database(db_path: Path) -> None:
    """A non-database file gets one clear line and is left exactly as it was."""
    db_path.write_bytes(b"these are my notes, not a database" * 200)
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="not a drill database or is damaged"):
        History.open(str(db_path))
    assert db_path.read_bytes() == before


def test_a_database_from_a_newer_drill(db_path: Path) -> None:
    """An unknown schema revision is refused with advice, not migrated or overwritten."""
    History.open(str(db_path)).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreError, match="newer drill"):
        History.open(str(db_path))


def test_someone_elses_database(db_path: Path) -> None:
    """A SQLite file with other tables is refused, untouched."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    with pytest.raises(StoreError, match="not drill's"):
        History.open(str(db_path))


def test_a_folder_instead_of_a_file(tmp_path: Path) -> None:
    """--db pointing at a folder says so."""
    with pytest.raises(StoreError, match="is a folder"):
        History.open(str(tmp_path))


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write read-only files")
def test_a_read_only_folder(tmp_path: Path) -> None:
    """A database that cannot be created names the file and the permission problem."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="cannot create"):
            History.open(str(folder / "h.db"))
    finally:
        folder.chmod(0o700)


def test_deck_state_is_one_row_replaced(db_path: Path) -> None:
    """Saving a deck state twice keeps the last; learners and decks have their own."""
    history = History.open(str(db_path))
    ann, _ = new_session(history, "ann")
    bob, _ = new_session(history, "bob")
    history.writer.save_deck_state(ann, "modarith", {"deadline_ms": 5000}, fingerprint="f")
    history.writer.save_deck_state(
        ann, "modarith", {"deadline_ms": 4200, "queue": ["a"]}, fingerprint="f"
    )
    history.writer.save_deck_state(bob, "modarith", {"deadline_ms": 9000}, fingerprint="f")
    history.writer.save_deck_state(ann, "modarith", {"deadline_ms": 7000}, fingerprint="g")
    assert history.reader.load_deck_state(ann, "f") == {"deadline_ms": 4200, "queue": ["a"]}
    assert history.reader.load_deck_state(bob, "f") == {"deadline_ms": 9000}
    assert history.reader.load_deck_state(ann, "g") == {"deadline_ms": 7000}  # another variant
    assert history.reader.load_deck_state(ann, "control") is None


def test_reference_runs_round_trip(db_path: Path) -> None:
    """A stored reference run comes back with its figures and its curve."""
    history = History.open(str(db_path))
    ann, _ = new_session(history, "ann")
    result = {
        "steps": 300,
        "steps_to_memorize": 40,
        "steps_to_grok": None,
        "seconds": 1.5,
        "final_train_accuracy": 1.0,
        "final_heldout_accuracy": 0.2,
        "weight_norm": 12.5,
        "n_train": 120,
        "n_heldout": 34,
        "config": {"lr": 0.003},
        "seconds_to_grok": None,
        "curve": [{"step": 0, "train_accuracy": 0.1, "heldout_accuracy": 0.05}],
    }
    history.runs.save(ann, deck="modarith", fingerprint="f", exposures=800, result=result, at=T0)
    (run,) = history.runs.of(ann, "modarith")
    assert run["exposures"] == 800
    assert run["steps_to_grok"] is None
    assert run["curve"] == result["curve"]
    assert run["created_at"].replace(tzinfo=UTC) == T0


def test_the_store_syncs_every_commit(db_path: Path) -> None:
    """drill opens a SQLite file with `synchronous = FULL` (2): a committed answer survives
    a power cut. Checked in a fresh process, as the tests' own process lowers it."""
    import subprocess
    import sys

    code = (
        "import sys; from drill.store.history import History; "
        "h = History.open(sys.argv[1]); c = h.store.engine.raw_connection(); "
        "print(c.cursor().execute('PRAGMA synchronous').fetchone()[0]); c.close(); h.close()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(db_path)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "2"
