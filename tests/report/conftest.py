"""Simulated histories for the report tests, built once in memory and copied to a file.

Simulating into a file would commit (and fsync) every attempt; in memory it is fast, and
SQLite's backup API then writes the whole database to a file the command can open.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from drill.app.simulate import simulate
from drill.decks import load_deck
from drill.store.history import History

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
NETWORK_ITEMS = 1000  # the network groks (a transition near exposure 600-750) well before
LOOKUP_ITEMS = 600  # lookup memorizes; held-out stays at chance


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A report checked against a simulated network's transition is an end-to-end science
    run: it belongs to the slow tier (`pytest -m slow`)."""
    for item in items:
        if "simulated_db" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


def copy_to_file(history: History, path: Path) -> None:
    import sqlite3

    raw = history.engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        with sqlite3.connect(path) as target:
            source.backup(target)
        target.close()
    finally:
        raw.close()


@pytest.fixture(scope="session")
def simulated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A history file with learners `network` and `lookup` on modarith (and a reference run)."""
    home = tmp_path_factory.mktemp("report-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DRILL_HOME", str(home))
        deck = load_deck("modarith", [])
        history = History.open("sqlite://")
        for kind, items in (("network", NETWORK_ITEMS), ("lookup", LOOKUP_ITEMS)):
            simulate(deck, history, kind=kind, items=items, seed=0, learner=kind, start=START)
        learner = history.writer.learner_id("network")
        assert learner is not None
        history.runs.save(
            learner, deck=deck.name, fingerprint=deck.fingerprint, exposures=NETWORK_ITEMS,
            result=REFERENCE_RUN,
        )  # fmt: skip
        path = tmp_path_factory.mktemp("report-db") / "simulated.db"
        copy_to_file(history, path)
        history.close()
    return path


REFERENCE_RUN = {
    "steps": 400,
    "steps_to_memorize": 30,
    "steps_to_grok": 300,
    "seconds_to_grok": 1.0,
    "seconds": 1.5,
    "final_train_accuracy": 1.0,
    "final_heldout_accuracy": 1.0,
    "final_train_loss": 0.01,
    "final_heldout_loss": 0.02,
    "weight_norm": 10.0,
    "n_train": 135,
    "n_heldout": 34,
    "config": {},
    "curve": [
        {
            "step": step,
            "seconds": step / 300,
            "train_loss": 0.0,
            "train_accuracy": min(1.0, step / 30),
            "heldout_loss": 0.0,
            "heldout_accuracy": 0.0 if step < 200 else min(1.0, (step - 200) / 100),
            "weight_norm": 10.0,
        }
        for step in range(0, 401, 10)
    ],
}
"""A stored reference run, shaped like RunResult.to_json(): memorizes at 30, groks at 300."""
