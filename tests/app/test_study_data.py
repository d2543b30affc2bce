"""A study owns its data: only what participants drill after joining, in their arm, counts;
and its primary outcome does not move with the deadline the arms change."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from drill.cli import main
from drill.protocol.records import PastOutcome
from drill.protocol.untaught import untaught_accuracy


def drill(capsys: pytest.CaptureFixture[str], *words: str) -> str:
    """Run `drill WORDS`, which must succeed; its stdout."""
    code = main(list(words))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_untaught_accuracy_counts_late_answers_right_and_skips_taught_items() -> None:
    """Right whenever it came; a second answer to a training item, or an item taught in
    another variant, is not untaught; only the last `last` untaught answers count."""
    past = [
        PastOutcome(1, "a", False, False, True),  # late but right: counts as right
        PastOutcome(2, "a", False, True),  # taught now: not untaught
        PastOutcome(3, "p", True, False, False),  # a probe, wrong
        PastOutcome(4, "b", False, True),  # taught elsewhere
    ]
    assert untaught_accuracy(past) == pytest.approx(2 / 3)
    assert untaught_accuracy(past, taught={"b"}) == 0.5
    assert untaught_accuracy(past, last=1) == 1.0
    assert untaught_accuracy([]) is None


def test_history_from_before_joining_is_not_the_studys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ann drills plain modarith for 60 exposures, then joins: join tells her those stay
    hers and do not count; `drill simulate` for her then drills her arm; the study's status
    and export hold only the 40 exposures made in the study."""
    db = ["--db", str(tmp_path / "h.db")]
    drill(capsys, "study", "new", "s", "--deck", "modarith", "--arms", "protocol,untimed",
          "--seed", "3", "--write", str(tmp_path / "s.toml"), *db)  # fmt: skip
    drill(capsys, "simulate", "modarith", "--kind", "rule", "--items", "60",
          "--learner", "ann", "--json", *db)  # fmt: skip
    joined = drill(capsys, "study", "join", "s", "--learner", "ann", *db)
    assert "60 earlier exposures of modarith" in joined
    assert "count for nothing in the study" in joined
    ran = json.loads(drill(capsys, "simulate", "modarith", "--kind", "rule",
                           "--items", "40", "--learner", "ann", "--json", *db))  # fmt: skip
    assert ran["study"] == "s"
    status = json.loads(drill(capsys, "study", "status", "s", "--json", *db))
    (arm,) = [a for a in status["arms"].values() if a["participants"]]
    assert arm["exposures"] == 40
    rows = list(
        csv.DictReader(io.StringIO(drill(capsys, "study", "export", "s", "--format", "csv", *db)))
    )
    assert len(rows) == 40
    assert {r["learner"] for r in rows} == {"ann"}
    assert sorted(int(r["exposure"]) for r in rows) == list(range(1, 41))


def test_an_arms_settings_are_its_own_variant(tmp_path: Path) -> None:
    """protocol and narrated change nothing in the items, yet are two variants, and
    neither is the deck drilled outside the study."""
    from drill.app.study import BUILTIN_ARMS, StudySpec
    from drill.decks import load_deck

    arms = (BUILTIN_ARMS["protocol"], BUILTIN_ARMS["narrated"])
    spec = StudySpec("s", "modarith", arms, 1, 2)
    prints = {spec.deck_for(a).fingerprint for a in arms}
    assert len(prints) == 2
    assert load_deck("modarith").fingerprint not in prints
    other = StudySpec("t", "modarith", arms, 1, 2)
    assert not prints & {other.deck_for(a).fingerprint for a in arms}


def test_identical_rule_learners_score_alike_with_and_without_a_deadline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Eight identical simulated rule learners over protocol and untimed: the deadline is
    what the arms change, and untaught accuracy (late answers right) differs by < 0.05."""
    db = ["--db", str(tmp_path / "h.db")]
    drill(capsys, "study", "new", "s", "--deck", "modarith", "--arms", "protocol,untimed",
          "--seed", "5", "--write", str(tmp_path / "s.toml"), *db)  # fmt: skip
    drill(capsys, "study", "simulate", "s", "--kind", "rule", "--learners", "8",
          "--items", "400", "--workers", "1", "--json", *db)  # fmt: skip
    arms = json.loads(drill(capsys, "study", "report", "s", "--json", *db))["arms"]
    assert arms["protocol"]["participants"] == arms["untimed"]["participants"] == 4
    gap = abs(arms["protocol"]["final_heldout"] - arms["untimed"]["final_heldout"])
    assert gap < 0.05, arms
