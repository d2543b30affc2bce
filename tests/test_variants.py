"""Variants of a deck (another seed or --param): one content, one id; held-out means never
taught to this learner; each variant keeps its own standing."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from drill.app.practice import overlap_notice, quick_start, start_practice
from drill.app.simulate import simulate
from drill.app.standing import seal_of, standing
from drill.cli import main
from drill.decks import load_deck
from drill.domains.base import with_twins
from drill.protocol.records import AttemptRecord, EventRecord, Result
from drill.store.history import History

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.xdist_group("variants")  # one worker builds the shared history once


@pytest.fixture(scope="module")
def two_variants_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The issue's reproduction, made once: lookup learner x drills seed 2, then the
    shipped seed."""
    folder = tmp_path_factory.mktemp("variants")
    path = folder / "history.db"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DRILL_HOME", str(folder / "drill-home"))
        history = History.open(str(path))
        for params in (["seed=2"], []):
            deck = load_deck("modarith", params)
            simulate(deck, history, kind="lookup", items=300, seed=0, learner="x", start=T0)
        history.close()
    return path


@pytest.fixture
def two_variants(two_variants_file: Path, db_path: Path) -> History:
    """A copy of that history at this test's database path, open."""
    shutil.copyfile(two_variants_file, db_path)
    return History.open(str(db_path))


def probes_and_taught(history: History) -> tuple[list[str], set[str]]:
    """Item ids probed in the second variant, and ids taught in the first."""
    first, second = load_deck("modarith", ["seed=2"]), load_deck("modarith")
    rows = [r for r in history.export("x")]
    taught = {
        r["item_id"]
        for r in rows
        if r["deck_fingerprint"] == first.fingerprint
        and not r["probe"]
        and r["result"] != "unreadable"
    }
    probed = [
        r["item_id"] for r in rows if r["deck_fingerprint"] == second.fingerprint and r["probe"]
    ]
    return probed, taught


def test_a_variant_never_probes_an_item_taught_in_another(two_variants: History) -> None:
    """In the second run no probe asks for an item taught, with its answer, in the first;
    and the variants share ids, so there were such items to avoid."""
    probed, taught = probes_and_taught(two_variants)
    heldout = {i.id for i in load_deck("modarith").items if i.split == "heldout"}
    assert probed
    assert heldout & taught  # the seed-2 run taught some of this deck's held-out items
    assert not set(probed) & taught


def test_taught_ids_are_what_was_shown_with_the_answer(db_path: Path) -> None:
    """Training attempts teach; probes and unreadable responses do not; a variant whose
    rule was opened teaches the held-out items seen in it."""
    history = History.open(str(db_path))
    deck = load_deck("modarith")
    learner_id = history.writer.learner_id("ann")
    assert learner_id is not None
    session = history.writer.start_session(
        learner_id,
        deck=deck.name,
        fingerprint=deck.fingerprint,
        domain="modarith",
        params={},
        kind="drill",
        at=T0,
    )

    def attempt(item: str, split: str, probe: bool, result: Result, n: int) -> AttemptRecord:
        ok = result is Result.CORRECT
        return AttemptRecord(item, split, probe, n, "1", result, ok, False, 900, 8000, T0)

    history.writer.record_attempt(session, attempt("t-right", "train", False, Result.CORRECT, 1))
    history.writer.record_attempt(session, attempt("t-wrong", "train", False, Result.WRONG, 2))
    history.writer.record_attempt(session, attempt("t-typo", "train", False, Result.UNREADABLE, 3))
    history.writer.record_attempt(session, attempt("h-probe", "heldout", True, Result.CORRECT, 3))
    assert history.reader.taught_ids(learner_id, "modarith") == {"t-right", "t-wrong"}
    assert history.reader.taught_ids(learner_id, "control") == set()
    opened = EventRecord("early_reveal", 3, T0, {})
    history.writer.record_event(
        opened, learner_id=learner_id, deck=deck.name, fingerprint=deck.fingerprint
    )
    assert history.reader.taught_ids(learner_id, "modarith") == {"t-right", "t-wrong", "h-probe"}
    assert history.reader.taught_ids(learner_id, "modarith", elsewhere=deck.fingerprint) == set()


def test_the_reference_network_tests_only_untaught_items(
    two_variants: History, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`drill reference modarith --learner x` works after a variant run, and its held-out
    set leaves out every item x was taught."""
    _, taught = probes_and_taught(two_variants)
    heldout = {i.id for i in load_deck("modarith").items if i.split == "heldout"}
    args = ["reference", "modarith", "--learner", "x", "--db", str(db_path), "--json"]
    assert main([*args, "--steps", "50"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["n_heldout"] == len(heldout - taught) < len(heldout)


def test_start_says_when_held_out_items_were_taught(two_variants: History, db_path: Path) -> None:
    """Starting the second variant says, in one line, how many of its held-out items were
    taught in another variant and that they will not be probed (both start paths)."""
    deck = load_deck("modarith")
    learner_id = two_variants.reader.learner_id("x", create=False)
    assert learner_id is not None
    taught = two_variants.reader.taught_ids(learner_id, "modarith", elsewhere=deck.fingerprint)
    mirrored = with_twins(taught, deck.twins)  # b ∘ a was taught with a ∘ b
    n = sum(1 for i in deck.items if i.split == "heldout" and i.id in mirrored)
    expected = (
        f"{n} of this deck's held-out items were taught to you in another variant; "
        "they will not be probed"
    )
    assert overlap_notice(deck, taught) == expected
    practice = start_practice(deck, two_variants, "x")
    assert practice.notice == expected
    practice.close("quit")
    two_variants.close()
    fast = quick_start(deck, str(db_path), "x")
    assert fast.notice == expected
    fast.close("quit")
    assert overlap_notice(deck, ()) is None


def test_each_variant_keeps_its_own_standing(db_path: Path) -> None:
    """A run on seed 2 leaves the shipped variant new: its exposures, state and seal are
    its own, and an early reveal on one variant opens only that one."""
    history = History.open(str(db_path))
    variant, shipped = load_deck("modarith", ["seed=2"]), load_deck("modarith")
    simulate(variant, history, kind="lookup", items=120, seed=0, learner="x", start=T0)
    learner_id = history.reader.learner_id("x", create=False)
    assert learner_id is not None
    assert standing(history.reader, "x", variant, T0, UTC).exposures == 120
    assert standing(history.reader, "x", shipped, T0, UTC).state.phase == "new"
    assert history.reader.load_deck_state(learner_id, variant.fingerprint) is not None
    assert history.reader.load_deck_state(learner_id, shipped.fingerprint) is None
    assert (
        main(
            [
                "rule",
                "modarith",
                "--param",
                "seed=2",
                "--learner",
                "x",
                "--db",
                str(db_path),
                "--force",
            ]
        )
        == 0
    )
    assert seal_of(history.reader, learner_id, variant).revealed
    assert not seal_of(history.reader, learner_id, shipped).revealed


def test_export_names_the_variant_of_every_attempt(
    two_variants: History, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each exported attempt carries the deck fingerprint of its variant, in JSONL and CSV."""
    two_variants.close()
    fingerprints = {load_deck("modarith", p).fingerprint for p in (["seed=2"], [])}
    assert main(["export", "--db", str(db_path), "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) >= 600
    assert {r["deck_fingerprint"] for r in rows} == fingerprints
    assert main(["export", "--db", str(db_path), "--format", "csv"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert "deck_fingerprint" in header.split(",")


def test_the_report_of_an_undrilled_variant_says_why_it_is_empty(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A report on a variant the learner never drilled, when they drilled another, says
    that each variant keeps its own history."""
    history = History.open(str(db_path))
    simulate(
        load_deck("modarith", ["seed=2"]), history, kind="lookup", items=20, seed=0, learner="x"
    )
    history.close()
    assert main(["report", "modarith", "--learner", "x", "--db", str(db_path)]) == 0
    assert "has not drilled this variant of modarith" in capsys.readouterr().out
    args = ["report", "modarith", "--learner", "x", "--db", str(db_path), "-p", "seed=2"]
    assert main([*args, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["curve"]


def test_glyph_mode_keeps_its_own_deadline_closing_in_on_its_own_pace(db_path: Path) -> None:
    """A learner fast on numerals starts glyph mode at the deck's first deadline, not at
    the numerals' tight one, and there it closes in on the (slower) glyph pace: finding a
    glyph's key is not charged as if it were thinking time."""
    history = History.open(str(db_path))
    numerals, glyphs = load_deck("modarith"), load_deck("modarith", ["presentation=glyphs"])
    simulate(numerals, history, kind="rule", items=120, seed=0, learner="gil", start=T0,
             rt_ms=1500)  # fmt: skip
    tight = start_practice(numerals, history, "gil")
    assert tight.engine.deadline.deadline_ms < 3000
    tight.close("quit")
    fresh = start_practice(glyphs, history, "gil")
    assert fresh.engine.deadline.deadline_ms == int(glyphs.setting("pressure.initial_ms"))
    fresh.close("quit")
    simulate(glyphs, history, kind="rule", items=120, seed=1, learner="gil", start=T0,
             rt_ms=4000)  # fmt: skip
    settled = start_practice(glyphs, history, "gil")
    assert 4000 < settled.engine.deadline.deadline_ms <= 2 * 4000
    settled.close("quit")


def test_a_learner_of_the_older_split_keeps_their_history(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A learner who opened the rule on the shipped deck's older split (mirrors apart): that
    history stays under its own variant, `--param mirrors=apart` reads it, and the new
    split's commands say where it is; on the new split everything they were taught, and
    every mirror of it, is taught, so its seal cannot open and `drill start` says why."""
    older = load_deck("modarith", ["mirrors=apart"])
    deck = load_deck("modarith")
    assert deck.older_split is not None
    assert deck.older_split.fingerprint == older.fingerprint != deck.fingerprint
    history = History.open(str(db_path))
    simulate(older, history, kind="rule", items=300, seed=0, learner="ann", start=T0)
    practice = start_practice(deck, history, "ann")
    assert practice.engine.heldout_taught == 34
    assert practice.notice is not None
    assert "drill start modarith --param mirrors=apart" in practice.notice
    practice.close("quit")
    history.close()
    db = ["--learner", "ann", "--db", str(db_path)]
    assert main(["report", "modarith", *db]) == 0
    assert "drill report modarith --param mirrors=apart" in capsys.readouterr().out
    assert main(["report", "modarith", "--param", "mirrors=apart", "--json", *db]) == 0
    assert json.loads(capsys.readouterr().out)["exposures"] == 300
    assert main(["rule", "modarith", *db]) == 1
    assert "drill rule modarith --param mirrors=apart" in capsys.readouterr().out
    assert main(["rule", "modarith", "--param", "mirrors=apart", *db]) == 0
    assert "(a + b) mod 13" in capsys.readouterr().out
