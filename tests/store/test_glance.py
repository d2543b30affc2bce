"""The home screen's fast path (stdlib sqlite3) reads exactly what the SQLAlchemy store reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from drill.app.home import Home
from drill.app.simulate import simulate
from drill.app.standing import standing
from drill.decks import load_deck
from drill.store.glance import Glance, NoDatabase, open_glance, schema_of
from drill.store.history import History
from drill.store.schema import HEAD
from tests.report.conftest import copy_to_file

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def filled(path: Path, deck: str, items: int, start: datetime) -> History:
    """ann's lookup learner on `deck`, simulated in memory (fast), then written to `path`."""
    memory = History.open("sqlite://")
    simulate(load_deck(deck), memory, kind="lookup", items=items, seed=0, learner="ann",
             start=start)  # fmt: skip
    copy_to_file(memory, path)
    memory.close()
    return History.open(str(path))


def never_opened() -> History:
    raise AssertionError("the fast path opened the store")


def test_glance_reads_what_the_store_reads(db_path: Path) -> None:
    """Outcomes, state, the seal, minutes and events agree between the two readers."""
    start = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    history = filled(db_path, "modarith", 400, start)
    glance = open_glance(str(db_path))
    assert isinstance(glance, Glance)
    ann = history.reader.learner_id("ann", create=False)
    assert ann is not None
    assert glance.learner_id("ann", create=False) == ann
    assert glance.learner_id("bob", create=False) is None
    drilled = load_deck("modarith").fingerprint  # reads are per variant (deck fingerprint)
    assert glance.outcomes(ann, drilled) == history.reader.outcomes(ann, drilled)
    assert glance.outcomes(ann, drilled)
    assert glance.load_deck_state(ann, drilled) == history.reader.load_deck_state(ann, drilled)
    for variant in (drilled, load_deck("control").fingerprint):
        assert glance.rule_unsealed(ann, variant) == history.reader.rule_unsealed(ann, variant)
        assert glance.rule_revealed(ann, variant) == history.reader.rule_revealed(ann, variant)
        assert glance.events(ann, variant) == history.reader.events(ann, variant)
    assert history.reader.events(ann, drilled)
    for elsewhere in ("", drilled):
        taught = history.reader.taught_ids(ann, "modarith", elsewhere=elsewhere)
        assert glance.taught_ids(ann, "modarith", elsewhere=elsewhere) == taught
    kinds = ("plateau_detected", "rule_unsealed")
    assert glance.events(ann, drilled, kinds) == history.reader.events(ann, drilled, kinds)
    for since in (None, start + timedelta(minutes=30)):
        assert glance.exposures_per_minute(ann, "modarith", since) == (
            history.reader.exposures_per_minute(ann, "modarith", since)
        )
    assert glance.exposures_per_minute(ann) == history.reader.exposures_per_minute(ann)
    glance.close()
    history.close()


def test_home_standings_from_the_file_match_the_store(db_path: Path) -> None:
    """The home screen's standings, read without opening the store, are the store's."""
    history = filled(db_path, "control", 400, NOW - timedelta(hours=3))
    fast = Home(never_opened, "ann", db=str(db_path), now=lambda: NOW, zone=UTC)
    slow = Home(history, "ann", now=lambda: NOW, zone=UTC)
    assert fast.standings() == slow.standings()
    assert not fast.store_open
    for deck in slow.decks():
        assert standing(history.reader, "ann", deck, NOW, UTC) in fast.standings()
    history.close()


def test_a_new_database_needs_no_store_to_show_and_says_it_is_made(tmp_path: Path) -> None:
    """No file yet: every deck is new at once, and the screen is told the file is created."""
    db = str(tmp_path / "new.db")
    assert schema_of(db) == ""
    assert isinstance(open_glance(db), NoDatabase)
    home = Home(lambda: History.open(db), "ann", db=db)
    assert all(s.state.phase == "new" for s in home.standings())
    assert not home.store_open
    assert "Creating your history database" in (home.preparing() or "")
    home.history.close()
    assert schema_of(db) == HEAD
    assert Home(never_opened, "ann", db=db).preparing() is None


def test_an_old_database_is_upgraded_and_says_so(tmp_path: Path) -> None:
    """A file at an earlier revision is not read directly; the screen says it is upgraded."""
    from sqlalchemy import create_engine

    from drill.store.database import upgrade

    db = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{db}")
    upgrade(engine, "0001")
    engine.dispose()
    assert schema_of(str(db)) == "0001"
    assert open_glance(str(db)) is None
    assert "Upgrading" in (Home(never_opened, "ann", db=str(db)).preparing() or "")
