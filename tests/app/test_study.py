"""Studies: arms, blocked assignment, the study file, and the commands a researcher runs."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from drill.app.joined import arm_for_start
from drill.app.study import (
    BUILTIN_ARMS,
    StudySpec,
    assignment,
    block_sizes,
    read_study_file,
    spec_from_arms,
    study_toml,
)
from drill.cli import main
from drill.decks import load_deck


def drill(capsys: pytest.CaptureFixture[str], *words: str) -> tuple[int, str, str]:
    """Run `drill WORDS`; its exit code, stdout and stderr."""
    code = main(list(words))
    out, err = capsys.readouterr()
    return code, out, err


def new_study(
    capsys: pytest.CaptureFixture[str], db: str, arms: str, seed: int, file: Path
) -> None:
    """`drill study new s` on modarith with these arms and seed, its file written to `file`."""
    words = ["study", "new", "s", "--deck", "modarith", "--arms", arms, "--seed", str(seed)]
    code, _, err = drill(capsys, *words, "--db", db, "--write", str(file))
    assert code == 0, err


def test_every_block_holds_each_arm_equally_and_the_seed_fixes_the_order() -> None:
    """Blocked randomization: blocks of 3 or 6 places over 3 arms, their sizes drawn from
    the seed (both occur), each holding every arm equally often; the same seed gives the
    same sequence, another seed another."""
    from itertools import islice

    spec = spec_from_arms("s", "modarith", "protocol,few,untimed", seed=11, block=6)
    arms = [assignment(spec, n) for n in range(60)]
    sizes = list(islice(block_sizes(spec), 30))
    assert set(sizes) == {3, 6}
    start = 0
    for size in sizes:
        if start + size > 60:
            break
        block = arms[start : start + size]
        assert sorted(block) == sorted(["few", "protocol", "untimed"] * (size // 3))
        start += size
    assert arms == [assignment(spec, n) for n in range(60)]
    other = spec_from_arms("s", "modarith", "protocol,few,untimed", seed=12, block=6)
    assert arms != [assignment(other, n) for n in range(60)]


def test_the_few_arm_drills_a_fifth_of_the_training_items_and_keeps_the_heldout() -> None:
    """`few` keeps every held-out item and a fifth of the training ones, as its own variant;
    the deck as shipped keeps its fingerprint."""
    full = load_deck("modarith")
    few = StudySpec("s", "modarith", (BUILTIN_ARMS["few"],), 1, 1).deck_for(BUILTIN_ARMS["few"])
    train, heldout = full.split_counts()
    assert few.split_counts() == (round(train / 5), heldout)
    assert {i.id for i in few.items} <= {i.id for i in full.items}
    assert few.fingerprint != full.fingerprint
    assert load_deck("modarith", ["training_share=1"]).fingerprint == full.fingerprint


def test_untimed_has_no_deadline_and_no_weight_decay_for_the_network() -> None:
    """`untimed` sets the deadline to the longest a deck allows, and weight decay 0."""
    arm = BUILTIN_ARMS["untimed"]
    deck = StudySpec("s", "modarith", (arm,), 1, 1).deck_for(arm)
    assert deck.setting("pressure.floor_ms") == deck.setting("pressure.ceiling_ms") == 600_000
    assert arm.weight_decay == 0.0
    from drill.app.learners import NetworkLearner

    learner = NetworkLearner("modarith", deck.items, 0, arm.weight_decay)
    assert learner.network.optimizer.config.weight_decay == 0.0


def test_a_study_file_round_trips_and_custom_arms_are_overrides(tmp_path: Path) -> None:
    """A study file with its own arm reads back; what drill writes reads back the same."""
    path = tmp_path / "s.toml"
    path.write_text(
        'deck = "modarith"\narms = ["protocol", "slow"]\nseed = 3\n'
        '[arm.slow]\nweight_decay = 0.3\n[arm.slow.params]\n"pressure.shrink" = 0.99\n',
        encoding="utf-8",
    )
    spec = read_study_file(path, "s")
    assert [a.name for a in spec.arms] == ["protocol", "slow"]
    slow = spec.arm("slow")
    assert slow.params == {"pressure.shrink": "0.99"}
    assert slow.weight_decay == 0.3
    assert spec.deck_for(slow).setting("pressure.shrink") == 0.99
    again = tmp_path / "again.toml"
    again.write_text(study_toml(spec), encoding="utf-8")
    assert read_study_file(again, "s") == spec


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('deck = "modarith"\narms = ["protocol", "zzz"]\n', "arms: 'zzz' is neither"),
        ('deck = "modarith"\narms = ["protocol"]\n', "two or more arms"),
        ('deck = "modarith"\narms = ["protocol", "few"]\ncolour = 1\n', "colour: unknown key"),
        ('deck = "nodeck"\narms = ["protocol", "few"]\n', "arm protocol:"),
        (
            'deck = "modarith"\narms = ["protocol", "x"]\n[arm.x.params]\n"pressure.nope" = 1\n',
            "arm x:",
        ),
        ('deck = "modarith"\narms = ["protocol", "x"]\n[arm.x]\nnarrated = 3\n', "narrated:"),
        ("deck = ", "not valid TOML"),
    ],
)
def test_a_bad_study_file_gets_one_line_naming_file_key_and_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, problem: str
) -> None:
    """`drill study new --file` on a bad file: one line with the file and the problem."""
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    code, _out, err = drill(
        capsys, "study", "new", "s", "--file", str(path), "--db", str(tmp_path / "h.db")
    )
    assert code != 0
    assert err.count("\n") == 1
    assert str(path) in err
    assert problem in err
    assert "Traceback" not in err


def test_new_join_status_and_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A study is written to the history and a file; people join and are counted; an unknown
    study or arm, or joining twice, gets one line and a non-zero exit."""
    monkeypatch.chdir(tmp_path)
    db = str(tmp_path / "h.db")
    code, out, _ = drill(
        capsys,
        "study",
        "new",
        "s",
        "--deck",
        "modarith",
        "--arms",
        "protocol,narrated",
        "--seed",
        "4",
        "--db",
        db,
    )
    assert code == 0
    assert (tmp_path / "s.study.toml").is_file()
    for name in ("ann", "bob", "cy"):
        code, out, _ = drill(capsys, "study", "join", "s", "--learner", name, "--db", db)
        assert code == 0
        assert "protocol" not in out
        assert "narrated" not in out
    code, out, _ = drill(capsys, "study", "status", "s", "--json", "--db", db)
    blind = json.loads(out)
    assert "arms" not in blind
    assert "seed" not in blind
    assert [p["learner"] for p in blind["participants"]] == ["ann", "bob", "cy"]
    assert not any("arm" in p for p in blind["participants"])
    code, out, _ = drill(capsys, "study", "status", "s", "--db", db)
    assert "protocol" not in out
    assert "narrated" not in out
    assert "concealed" in out
    code, out, _ = drill(capsys, "study", "unblind", "s", "--db", db)
    assert code == 0
    assert "seed 4" in out
    code, out, _ = drill(capsys, "study", "status", "s", "--json", "--db", db)
    arms = json.loads(out)["arms"]
    assert sorted(arms) == ["narrated", "protocol"]
    assert sum(a["participants"] for a in arms.values()) == 3
    assert {a["participants"] for a in arms.values()} == {1, 2}
    for words, needle in [
        (("study", "join", "s", "--learner", "ann"), "joined study 's' already"),
        (("study", "join", "nope", "--learner", "ann"), "no study named 'nope'"),
        (("study", "status", "nope"), "no study named 'nope'"),
        (
            ("study", "new", "t", "--deck", "modarith", "--arms", "protocol,zen"),
            "unknown arm 'zen'",
        ),
        (
            (
                "study",
                "new",
                "s",
                "--deck",
                "modarith",
                "--arms",
                "protocol,few",
                "--write",
                "x.toml",
            ),
            "exists already",
        ),
        (("study", "new", "u", "--deck", "modarith", "--arms", "protocol,few"), ""),
        (
            (
                "study",
                "new",
                "u",
                "--deck",
                "modarith",
                "--arms",
                "protocol,few",
                "--write",
                "u2.toml",
            ),
            "exists already",
        ),
    ]:
        code, out, err = drill(capsys, *words, "--db", db)
        if not needle:
            assert code == 0
            continue
        assert code != 0, words
        assert needle in err, (words, err)
        assert err.count("\n") == 1, (words, err)


def test_drill_start_finds_the_arm_and_its_narration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After joining, the start path reads the learner's arm (without SQLAlchemy on a
    SQLite file): its deck, and the rule when the arm narrates it."""
    db = str(tmp_path / "h.db")
    new_study(capsys, db, "narrated,untimed", 1, tmp_path / "s.toml")
    drill(capsys, "study", "join", "s", "--learner", "ann", "--db", db)
    assert arm_for_start(db, "bob", "modarith", []) is None
    joined = arm_for_start(db, "ann", "modarith", [])
    assert joined is not None
    assert joined.study == "s"
    if joined.arm.name == "narrated":
        assert joined.arm.narrated
        assert joined.deck.fingerprint == load_deck("modarith").fingerprint
    else:
        assert joined.deck.setting("pressure.initial_ms") == 600_000
    assert arm_for_start(db, "ann", "control", []) is None


def test_simulate_report_and_export_count_every_participant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Simulated participants are enrolled and run in two processes; the report's JSON has
    every arm and comparison, and the export carries each attempt's arm."""
    db = str(tmp_path / "h.db")
    new_study(capsys, db, "protocol,few", 2, tmp_path / "s.toml")
    code, out, err = drill(
        capsys,
        "study",
        "simulate",
        "s",
        "--kind",
        "lookup",
        "--learners",
        "4",
        "--items",
        "40",
        "--workers",
        "2",
        "--json",
        "--db",
        db,
    )
    assert code == 0, err
    runs = json.loads(out)["runs"]
    assert sorted(r["arm"] for r in runs) == ["few", "few", "protocol", "protocol"]
    assert all(r["exposures"] == 40 for r in runs)
    code, out, _ = drill(capsys, "study", "report", "s", "--json", "--db", db)
    report = json.loads(out)
    assert report["arms"]["protocol"]["participants"] == 2
    assert set(report["arms"]["few"]) >= {"participants", "final_heldout", "found"}
    tests = {(c["arm"], c["against"], c["test"]) for c in report["comparisons"]}
    assert tests == {("few", "protocol", "logrank"), ("few", "protocol", "permutation")}
    code, out, _ = drill(capsys, "study", "report", "s", "--db", db)
    assert code == 0
    assert "against the first arm" in out
    code, out, _ = drill(capsys, "study", "export", "s", "--format", "csv", "--db", db)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len({r["learner"] for r in rows}) == 4
    assert {r["arm"] for r in rows} == {"few", "protocol"}
    code, out, _ = drill(capsys, "study", "export", "s", "--format", "jsonl", "--db", db)
    assert all(json.loads(line)["study"] == "s" for line in out.splitlines())


def test_a_participant_s_untaught_answers_leave_out_mirrors_of_taught_items(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A study counts untaught answers as the seal does: the first answer to b ∘ a after
    a ∘ b was shown is not one (here, `mirror` participants on modarith)."""
    from drill.app.study import status
    from drill.protocol.engine import untaught_flags
    from drill.store.history import History

    db = str(tmp_path / "h.db")
    new_study(capsys, db, "protocol,untimed", 3, tmp_path / "s.toml")
    words = ["study", "simulate", "s", "--kind", "mirror", "--learners", "2", "--items", "300"]
    assert drill(capsys, *words, "--db", db)[0] == 0
    with History.open(db) as history:
        found = status(history, "s")
        for person in found.participants:
            arm = next(a for a in found.spec.arms if a.name == person.arm)
            deck = found.spec.deck_for(arm)
            learner_id = history.reader.learner_id(person.name, create=False)
            assert learner_id is not None
            past = history.reader.outcomes(learner_id, deck.fingerprint)
            assert len(person.untaught) == sum(untaught_flags(past, (), deck.twins))
            # Recounted without twins (and without the flags the engine stored, which knew
            # them), more answers would pass for untaught.
            unstored = [replace(p, untaught=None) for p in past]
            assert len(person.untaught) < sum(untaught_flags(unstored))
