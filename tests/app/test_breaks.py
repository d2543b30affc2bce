"""A study arm's `break_hours`: two halves with the break between them enforced and recorded."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from drill.app.breaks import BREAK_KEPT, BreakNotOverError, keep_break
from drill.app.simulate import simulate
from drill.app.study import read_study_file, study_toml
from drill.cli import main
from drill.decks import load_deck
from drill.store.history import History

STUDY = """
deck = "nrt"
arms = ["awake", "rested"]
seed = 7

[arm.awake]

[arm.rested]
break_hours = 8
"""


def test_the_break_is_refused_before_it_is_over_and_recorded_after(db_path: Path) -> None:
    """After the first session a second one within 8 hours is refused in one line saying
    when; after 9 hours it begins and the break is on record with the hours taken."""
    deck = load_deck("nrt", ["session.length=20"])
    start = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    with History.open(str(db_path)) as history:
        keep_break(history, "ann", deck, 8, start)  # the first half: nothing to keep yet
        simulate(deck, history, kind="insight", items=20, seed=1, learner="ann", start=start)
        with pytest.raises(
            BreakNotOverError, match=r"break of 8 hours, at 2026-12-02 0\d:\d\d UTC"
        ):
            keep_break(history, "ann", deck, 8, start + timedelta(hours=3))
        keep_break(history, "ann", deck, 8, start + timedelta(hours=9))
        learner_id = history.reader.learner_id("ann")
        assert learner_id is not None
        kept = [e for e in history.reader.events(learner_id, deck.fingerprint)
                if e.kind == BREAK_KEPT]  # fmt: skip
        assert len(kept) == 1
        assert kept[0].data["required_hours"] == 8
        assert 8.5 < kept[0].data["hours"] < 9.5


def test_the_key_reads_back_and_bad_values_are_one_line(tmp_path: Path) -> None:
    """break_hours survives the study file's round trip; a negative or a word is refused."""
    path = tmp_path / "s.toml"
    path.write_text(STUDY, encoding="utf-8")
    spec = read_study_file(path, "s")
    assert spec.arm("rested").break_hours == 8.0
    assert spec.arm("awake").break_hours is None
    path.write_text(study_toml(spec), encoding="utf-8")
    assert read_study_file(path, "s").arm("rested").break_hours == 8.0
    path.write_text(STUDY.replace("= 8", "= -1"), encoding="utf-8")
    with pytest.raises(Exception, match=r"break_hours: expected hours"):
        read_study_file(path, "s")


def test_simulated_participants_keep_their_arm_s_break(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`drill study simulate --kind insight`: each rested participant's history holds the
    break, kept; the awake arm's none."""
    path, db = tmp_path / "s.toml", str(tmp_path / "h.db")
    path.write_text(STUDY, encoding="utf-8")
    assert main(["study", "new", "s", "--file", str(path), "--db", db]) == 0
    capsys.readouterr()
    argv = ["study", "simulate", "s", "--kind", "insight", "--learners", "2", "--items", "70"]
    assert main([*argv, "--workers", "1", "--db", db, "--json"]) == 0
    runs = json.loads(capsys.readouterr().out)["runs"]
    assert {r["arm"] for r in runs} == {"awake", "rested"}
    from drill.app.study import load

    with History.open(db) as history:
        _, spec = load(history, "s")
        for run in runs:
            learner_id = history.reader.learner_id(run["learner"])
            assert learner_id is not None
            arm = spec.deck_for(spec.arm(run["arm"]))  # each arm is its own variant
            events = history.reader.events(learner_id, arm.fingerprint)
            kept = [e for e in events if e.kind == BREAK_KEPT]
            assert len(kept) == (run["arm"] == "rested")
            assert all(e.data["hours"] >= 8 for e in kept)
