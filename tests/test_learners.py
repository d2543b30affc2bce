"""Two learners in one database: their exports, seals and totals never mix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drill.cli import main
from drill.store.history import History


@pytest.mark.slow
def test_two_learners_stay_apart(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Exports filter by learner, each has their own seal, and `drill learners` counts both."""
    db = str(db_path)
    main(
        [
            "simulate",
            "modarith",
            "--kind",
            "network",
            "--items",
            "1500",
            "--learner",
            "ann",
            "--db",
            db,
            "--json",
        ]
    )
    main(
        [
            "simulate",
            "modarith",
            "--kind",
            "lookup",
            "--items",
            "300",
            "--learner",
            "bob",
            "--db",
            db,
            "--json",
        ]
    )
    capsys.readouterr()

    assert main(["export", "--learner", "bob", "--db", db]) == 0
    bob = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(bob) == 300
    assert {row["learner"] for row in bob} == {"bob"}

    assert main(["rule", "modarith", "--learner", "ann", "--db", db]) == 0
    assert main(["rule", "modarith", "--learner", "bob", "--db", db]) == 1
    capsys.readouterr()

    assert main(["learners", "--db", db, "--json"]) == 0
    listed = {r["learner"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert listed["ann"]["exposures"] == 1500
    assert listed["bob"]["exposures"] == 300
    assert listed["bob"]["sessions"] == 2


def test_no_learners_yet(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty history says how to begin."""
    History.open(str(db_path)).close()
    assert main(["learners", "--db", str(db_path)]) == 0
    assert "No learners yet" in capsys.readouterr().out


def test_learners_name_each_decks_state_as_the_home_screen_does(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A learner who found modarith's rule and drilled the control reads `found it` and
    `control`, in the table and in JSON."""
    db = str(db_path)
    for deck, kind in (("modarith", "rule"), ("control", "lookup")):
        args = ["simulate", deck, "--kind", kind, "--items", "60", "--learner", "kim"]
        assert main([*args, "--db", db, "--json"]) == 0
    capsys.readouterr()
    assert main(["learners", "--db", db, "--json"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["states"] == {"control": "control", "modarith": "found it"}
    assert main(["learners", "--db", db]) == 0
    table = capsys.readouterr().out
    assert "modarith: found it" in table
    assert "control: control" in table
