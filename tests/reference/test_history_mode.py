"""`drill reference DECK --learner NAME`: trained on what that learner was shown, stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drill.app.simulate import simulate
from drill.cli import main
from drill.decks import load_deck
from drill.store.history import History


def test_a_run_on_a_simulated_history_is_stored(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The run trains on exactly the shown training items and the history returns it."""
    deck = load_deck("modarith")
    history = History.open(str(db_path))
    simulate(deck, history, kind="lookup", items=120, seed=0, learner="ann")
    learner_id = history.reader.learner_id("ann", create=False)
    assert learner_id is not None
    shown = {
        p.item_id for p in history.reader.outcomes(learner_id, deck.fingerprint) if not p.probe
    }
    history.close()

    args = ["reference", "modarith", "--learner", "ann", "--db", str(db_path), "--json"]
    assert main([*args, "--steps", "200"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["n_train"] == len(shown) < 135  # only what ann had seen by then
    assert printed["n_heldout"] == 34

    (run,) = History.open(str(db_path)).runs.of(learner_id, "modarith")
    assert run["id"] == printed["run"]
    assert run["exposures"] == 120
    assert run["n_train"] == len(shown)
    assert run["curve"]
    assert run["curve"][-1]["step"] <= 200


def test_no_history_is_a_friendly_line(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A learner who never drilled the deck is told what to do; nothing is stored."""
    assert main(["reference", "modarith", "--learner", "zoe", "--db", str(db_path)]) == 1
    assert "has not drilled modarith yet" in capsys.readouterr().out
