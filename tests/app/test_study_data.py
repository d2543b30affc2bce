"""A study owns its data: only what participants drill after joining, in their arm, counts;
and its primary outcome does not move with the deadline the arms change."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from drill.cli import main
from drill.protocol.measure import heldout
from drill.protocol.records import PastOutcome


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
    assert heldout(past).accuracy == pytest.approx(2 / 3)
    assert heldout(past, taught={"b"}).accuracy == 0.5
    assert heldout(past, last=1).accuracy == 1.0
    assert heldout([]).accuracy is None


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
    assert [(p["learner"], p["exposures"]) for p in status["participants"]] == [("ann", 40)]
    rows = list(
        csv.DictReader(io.StringIO(drill(capsys, "study", "export", "s", "--format", "csv", *db)))
    )
    assert len(rows) == 40
    assert {r["learner"] for r in rows} == {"ann"}
    assert sorted(int(r["exposure"]) for r in rows) == list(range(1, 41))
    untimed = {r["arm"] for r in rows} == {"untimed"}
    assert all((r["deadline_ms"] == "600000") == untimed for r in rows)  # the arm's settings


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


def test_a_study_is_preregistered_locked_and_then_cannot_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`study new` writes a template; lock refuses a study without its pre-registration;
    filled in and read back, it locks with a hash that is the frozen file's sha256; a
    locked study cannot change; a report before the planned sample says so first, and an
    unlocked study's report is exploratory."""
    import hashlib

    monkeypatch.chdir(tmp_path)
    db = ["--db", str(tmp_path / "h.db")]
    drill(capsys, "study", "new", "s", "--deck", "modarith", "--arms", "protocol,untimed", *db)
    text = (tmp_path / "s.study.toml").read_text()
    assert "# [preregistration]" in text
    assert "seed =" not in text
    assert "seed_sha256" in text
    assert main(["study", "lock", "s", *db]) == 2
    assert "lacks hypotheses, primary_outcome" in capsys.readouterr().err
    drill(capsys, "study", "simulate", "s", "--kind", "rule", "--learners", "2",
          "--items", "30", "--workers", "1", "--json", *db)  # fmt: skip
    assert drill(capsys, "study", "report", "s", *db).startswith("EXPLORATORY: study s is not")
    assert main(["study", "new", "s", "--file", "s.study.toml", "--replace", *db]) == 2
    assert "someone has joined" in capsys.readouterr().err

    drill(capsys, "study", "new", "t", "--deck", "modarith", "--arms", "protocol,untimed", *db)
    filled = (tmp_path / "t.study.toml").read_text()
    for key in ("preregistration]", "hypotheses", "primary_outcome", "n_per_arm",
                "stopping_rule", "exclusions"):  # fmt: skip
        filled = filled.replace(f"# [{key}" if key.endswith("]") else f"# {key}",
                                f"[{key}" if key.endswith("]") else key)  # fmt: skip
    (tmp_path / "t.study.toml").write_text(filled)
    drill(capsys, "study", "new", "t", "--file", "t.study.toml", "--replace", *db)
    out = drill(capsys, "study", "lock", "t", *db)
    digest = hashlib.sha256((tmp_path / "t.locked.study.toml").read_bytes()).hexdigest()
    assert f"sha256 {digest}" in out
    assert main(["study", "new", "t", "--file", "t.study.toml", "--replace", *db]) == 2
    assert "a locked study cannot change" in capsys.readouterr().err
    assert main(["study", "lock", "t", *db]) == 2
    assert "locked already" in capsys.readouterr().err
    drill(capsys, "study", "simulate", "t", "--kind", "rule", "--learners", "2",
          "--items", "30", "--workers", "1", "--json", *db)  # fmt: skip
    lines = drill(capsys, "study", "report", "t", *db).splitlines()
    assert lines[0].startswith("SAMPLE INCOMPLETE: protocol 1, untimed 1 of the 20 per arm")
    assert any(line.startswith("confirmatory: primary outcome untaught_accuracy") for line in lines)
    report = json.loads(drill(capsys, "study", "report", "t", "--json", *db))
    assert report["confirmatory"] is True
    assert report["sample_complete"] is False
    assert report["locked"]["sha256"] == digest
    out = drill(capsys, "study", "unblind", "t", *db)
    seed, salt = out.split("seed ")[1].split(", salt ")
    assert hashlib.sha256(f"{salt.split()[0]}:{seed}".encode()).hexdigest() in filled


def test_withdrawing_removes_the_study_data_and_keeps_outside_practice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pseudonymous participant drills, then withdraws: their study answers and
    enrolment are gone, the study records one withdrawal, their plain-deck practice
    stays, and the next to join does not take their place in the sequence."""
    db = ["--db", str(tmp_path / "h.db")]
    drill(capsys, "study", "new", "s", "--deck", "modarith", "--arms", "protocol,untimed",
          "--seed", "3", "--write", str(tmp_path / "s.toml"), *db)  # fmt: skip
    out = drill(capsys, "study", "join", "s", *db)
    learner = out.split("participant id is ")[1].split(":")[0]
    assert learner.startswith("p-")
    assert len(learner) == 8
    drill(capsys, "simulate", "modarith", "--kind", "rule", "--items", "20", "--learner",
          learner, "--json", *db)  # fmt: skip
    drill(capsys, "study", "withdraw", "s", learner, *db)
    status = json.loads(drill(capsys, "study", "status", "s", "--json", *db))
    assert status["participants"] == []
    assert status["withdrawn"] == 1
    assert drill(capsys, "study", "export", "s", *db) == ""
    assert drill(capsys, "export", "--learner", learner, *db) == ""
    drill(capsys, "simulate", "modarith", "--kind", "rule", "--items", "20", "--learner",
          learner, "--json", *db)  # fmt: skip
    assert len(drill(capsys, "export", "--learner", learner, *db).splitlines()) == 20
    assert main(["study", "withdraw", "s", learner, *db]) == 2
    assert "is not in study 's'" in capsys.readouterr().err
    drill(capsys, "study", "join", "s", "--learner", "bob", *db)
    drill(capsys, "study", "unblind", "s", *db)
    status = json.loads(drill(capsys, "study", "status", "s", "--json", *db))
    from drill.app.study import assignment, spec_from_arms

    spec = spec_from_arms("s", "modarith", "protocol,untimed", seed=3)
    assert status["participants"][0]["arm"] == assignment(spec, 1)


def test_holm_steps_down() -> None:
    """Holm's adjusted p: the smallest times m, the next times m - 1, kept monotone."""
    from drill.report.study import holm

    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.5, None]) == [0.5, None]


def test_a_psychds_export_has_the_required_structure_and_describes_every_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`study export --format psychds`: dataset_description.json is a schema.org Dataset
    with name, description and variableMeasured naming every column of every data file;
    data/ holds keyword-value `_data.csv` files (attempts, events, participants); the
    attempts' `untaught` flags agree with each participant's count."""
    import re

    db = ["--db", str(tmp_path / "h.db")]
    drill(capsys, "study", "new", "s", "--deck", "modarith", "--arms", "protocol,untimed",
          "--seed", "3", "--write", str(tmp_path / "s.toml"), *db)  # fmt: skip
    drill(capsys, "study", "simulate", "s", "--kind", "rule", "--learners", "2",
          "--items", "60", "--workers", "1", "--json", *db)  # fmt: skip
    out = tmp_path / "dataset"
    drill(capsys, "study", "export", "s", "--format", "psychds", "--output", str(out), *db)
    # People's answers: folders only their owner can open, files only their owner can read.
    assert {p.stat().st_mode & 0o777 for p in (out, out / "data")} == {0o700}
    assert {p.stat().st_mode & 0o777 for p in out.rglob("*") if p.is_file()} == {0o600}
    described = json.loads((out / "dataset_description.json").read_text())
    assert described["@context"] == "https://schema.org/"
    assert described["@type"] == "Dataset"
    assert described["name"]
    assert described["description"]
    names = {v["name"] for v in described["variableMeasured"]}
    extra = {p["name"]: p["value"] for p in described["additionalProperty"]}
    assert set(extra["deck_fingerprints"]) == {"protocol", "untimed"}
    assert "drill_version" in extra
    assert "preregistration_sha256" in extra
    files = sorted(p.name for p in (out / "data").iterdir())
    assert files == [f"study-s_table-{t}_data.csv" for t in ("attempts", "events", "participants")]
    pattern = re.compile(r"^([a-z]+-[a-zA-Z0-9]+_)+data\.csv$")
    columns: set[str] = set()
    tables = {}
    for name in files:
        assert pattern.match(name), name
        with (out / "data" / name).open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
            assert f.seek(0) == 0
            columns |= set(next(csv.reader(f)))
        tables[name.split("table-")[1].split("_")[0]] = rows
    assert columns == names  # every column described, nothing described that is not there
    assert len(tables["attempts"]) == 120
    people = {p["learner"]: p for p in tables["participants"]}
    assert len(people) == 2
    for learner, row in people.items():
        mine = [a for a in tables["attempts"] if a["learner"] == learner]
        assert int(row["untaught_answers"]) == sum(a["untaught"] == "true" for a in mine)
        assert row["arm"] in ("protocol", "untimed")
    assert main(["study", "export", "s", "--format", "psychds", "--output", str(out), *db]) == 2
    assert "not an empty directory" in capsys.readouterr().err


def test_study_report_output_draws_figures_as_png_svg_and_pdf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`study report --output` with .png, .svg or .pdf writes that picture (not text)."""
    db = ["--db", str(tmp_path / "h.db")]
    drill(capsys, "study", "new", "s", "--deck", "modarith", "--arms", "protocol,untimed",
          "--seed", "3", "--write", str(tmp_path / "s.toml"), *db)  # fmt: skip
    drill(capsys, "study", "simulate", "s", "--kind", "rule", "--learners", "4",
          "--items", "40", "--workers", "1", "--json", *db)  # fmt: skip
    for suffix, magic in ((".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")):
        path = tmp_path / f"fig{suffix}"
        drill(capsys, "study", "report", "s", "--output", str(path), *db)
        assert path.read_bytes().startswith(magic)
    drill(capsys, "study", "report", "s", "--output", str(tmp_path / "r.txt"), *db)
    assert "untaught accuracy" in (tmp_path / "r.txt").read_text()


def test_consent_is_asked_until_recorded_and_completion_is_worded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A study file's [consent] text is what `drill start` must still ask a participant
    who has not agreed, and nothing once their agreement is recorded; [completion] reads
    as one line."""
    from drill.app.joined import arm_for_start
    from drill.app.study import completion_line, record_consent
    from drill.store.history import History

    study = tmp_path / "s.toml"
    study.write_text(
        'deck = "modarith"\narms = ["protocol", "untimed"]\n'
        '[consent]\ntext = "We record your answers."\n'
        '[completion]\ncode = "C0FFEE"\nurl = "https://example.org/done"\n'
    )
    db = str(tmp_path / "h.db")
    drill(capsys, "study", "new", "s", "--file", str(study), "--db", db)
    drill(capsys, "study", "join", "s", "--learner", "ann", "--db", db)
    found = arm_for_start(db, "ann", "modarith", [])
    assert found is not None
    assert found.consent == "We record your answers."
    assert completion_line(found.completion) == (
        "Study: your completion code is C0FFEE; finish at https://example.org/done"
    )
    with History.open(db) as history:
        record_consent(history, "s", "ann")
    again = arm_for_start(db, "ann", "modarith", [])
    assert again is not None
    assert again.consent == ""
    status = json.loads(drill(capsys, "study", "status", "s", "--json", "--db", db))
    assert status["participants"][0]["consented"] is True


def test_a_study_stored_before_version_2_reads_as_it_did(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A study whose stored spec has no `version` keeps the deck's variant and fixed
    blocks, and refuses to withdraw anyone (their study data and practice share a variant)."""
    from drill.app.study import StudySpec, assignment, create, spec_from_arms
    from drill.decks import load_deck
    from drill.store.history import History

    new = spec_from_arms("old", "modarith", "protocol,untimed", seed=9, block=2)
    old = StudySpec.from_spec({k: v for k, v in new.as_spec().items() if k != "version"})
    assert old.version == 1
    assert old.deck_for(old.arms[0]).fingerprint == load_deck("modarith").fingerprint
    assert {assignment(old, 2 * b) for b in range(10)} == {"protocol", "untimed"}
    for b in range(10):
        assert {assignment(old, 2 * b), assignment(old, 2 * b + 1)} == {"protocol", "untimed"}
    db = str(tmp_path / "h.db")
    with History.open(db) as history:
        create(history, old)
    drill(capsys, "study", "join", "old", "--learner", "ann", "--db", db)
    assert main(["study", "withdraw", "old", "ann", "--db", db]) == 2
    assert "nothing was removed" in capsys.readouterr().err
