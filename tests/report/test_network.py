"""The reference network in `drill report`: trained on the learner's own stream when the
report needs it, kept, resumed, and drawn on the exposure axis."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from drill.app.report import stream_network
from drill.app.simulate import simulate
from drill.cli import main
from drill.decks import load_deck
from drill.reference.stream import StreamConfig
from drill.store.history import History


def report_json(db: Path, capsys: pytest.CaptureFixture[str], learner: str) -> Any:
    assert main(["report", "modarith", "--learner", learner, "--db", str(db), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_first_report_trains_the_network_on_the_learners_stream(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """From a clean history and no `drill reference` run, the report's JSON has the
    network's curve on the exposure axis: a point every 50 exposures and at the last."""
    args = ["simulate", "modarith", "--kind", "network", "--items", "230", "--seed", "2"]
    assert main([*args, "--db", str(db_path)]) == 0
    capsys.readouterr()
    report = report_json(db_path, capsys, "network")
    assert report["axis"] == "exposures"
    curve = report["network"]["curve"]
    assert [p["exposure"] for p in curve] == [50, 100, 150, 200, 230]
    for point in curve:
        held = point["heldout"]
        assert 0 < held["n"] <= 169
        assert 0 <= held["correct"] <= held["n"]
        assert held["accuracy"] == pytest.approx(held["correct"] / held["n"], abs=1e-6)
    # fewer untaught items as more are taught; every step is a training exposure
    assert [p["heldout"]["n"] for p in curve] == sorted(
        (p["heldout"]["n"] for p in curve), reverse=True
    )
    steps = [p["steps"] for p in curve]
    assert steps == sorted(steps)
    assert 0 < steps[-1] < 230
    assert "epochs" in report["curve"][-1]
    assert "heldout" in report["curve"][-1]


def test_a_second_report_trains_nothing_and_more_drilling_resumes(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The kept run is returned as it is while the learner has not drilled more; after
    more drilling it resumes, and the resumed network is the one trained from the start."""
    deck = load_deck("modarith", [])
    history = History.open(str(db_path))
    try:
        simulate(deck, history, kind="network", items=120, seed=0, learner="ann")
        learner_id = history.reader.learner_id("ann")
        assert learner_id is not None
        first = stream_network(history, learner_id, deck, 120)
        calls: list[tuple[int, int]] = []
        again = stream_network(history, learner_id, deck, 120, lambda d, t: calls.append((d, t)))
        assert calls == []
        assert again["curve"] == first["curve"]

        simulate(deck, history, kind="network", items=80, seed=1, learner="ann")
        resumed = stream_network(history, learner_id, deck, 200, lambda d, t: calls.append((d, t)))
        assert calls[-1] == (80, 80)  # 80 new exposures followed, not 200
        (kept,) = [r for r in history.runs.of(learner_id, "modarith")]
        assert kept["exposures"] == 200
    finally:
        history.close()

    fresh_db = db_path.with_name("fresh.db")
    history = History.open(str(fresh_db))
    try:
        simulate(deck, history, kind="network", items=120, seed=0, learner="ann")
        simulate(deck, history, kind="network", items=80, seed=1, learner="ann")
        learner_id = history.reader.learner_id("ann")
        assert learner_id is not None
        whole = stream_network(history, learner_id, deck, 200)
    finally:
        history.close()
    assert resumed["curve"] == whole["curve"]
    assert [p["exposure"] for p in resumed["curve"]] == [50, 100, 150, 200]


def test_a_kept_run_of_other_settings_is_trained_again(db_path: Path) -> None:
    """A kept run whose settings differ (another version) is not resumed but replaced."""
    deck = load_deck("modarith", [])
    history = History.open(str(db_path))
    try:
        simulate(deck, history, kind="lookup", items=60, seed=0, learner="ann")
        learner_id = history.reader.learner_id("ann")
        assert learner_id is not None
        run = stream_network(history, learner_id, deck, 60)
        odd = {**run, "config": {**run["config"], "key": {**StreamConfig().key(), "version": -1}}}
        state = history.runs.stream_state(run["id"])
        assert state is not None
        history.runs.save_stream(
            learner_id, deck="modarith", fingerprint=deck.fingerprint, result=odd,
            state=state, run_id=run["id"],
        )  # fmt: skip
        again = stream_network(history, learner_id, deck, 60)
        assert again["config"]["key"] == StreamConfig().key()
        assert again["curve"] == run["curve"]
    finally:
        history.close()


def test_after_the_seal_opened_earlier_points_keep_their_untaught_items(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A network learner opens the seal (seed 2: at exposure 937); held-out items it
    meets afterwards count as taught from then on, never before, and `drill reference
    --learner` still trains and tests on all 34 held-out items."""
    args = ["simulate", "modarith", "--kind", "network", "--seed", "2", "--items", "1100"]
    assert main([*args, "--db", str(db_path), "--learner", "rita"]) == 0
    capsys.readouterr()
    report = report_json(db_path, capsys, "rita")
    opened = [e["exposure"] for e in report["events"] if e["kind"] == "rule_unsealed"]
    assert opened, "the rule learner opened the seal"
    curve = report["network"]["curve"]
    before = [p for p in curve if p["exposure"] <= opened[0]]
    assert before
    assert all(p["heldout"]["n"] >= 34 for p in before)
    assert min(p["heldout"]["n"] for p in curve) < 34  # seen after the opening: taught

    argv = ["reference", "modarith", "--learner", "rita", "--db", str(db_path), "--json"]
    assert main([*argv, "--steps", "50"]) == 0
    assert json.loads(capsys.readouterr().out)["n_heldout"] == 34


def test_a_deck_without_an_encoder_draws_the_learner_alone(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No encoder: one line says so, and the report is the learner's, network null."""
    import drill.domains

    assert (
        main(["simulate", "modarith", "--kind", "lookup", "--items", "60", "--db", str(db_path)])
        == 0
    )
    capsys.readouterr()
    spec = dataclasses.replace(drill.domains.DOMAINS["modarith"], encoder=None)
    monkeypatch.setitem(drill.domains.DOMAINS, "modarith", spec)
    assert main(["report", "modarith", "--learner", "lookup", "--db", str(db_path)]) == 0
    out, err = capsys.readouterr()
    assert err.strip().splitlines() == [
        "modarith: no reference network for the modarith domain (it has no encoder); "
        "you are drawn alone"
    ]
    assert "Accuracy" in out
    assert report_json(db_path, capsys, "lookup")["network"] is None


def test_a_picture_with_no_history_fails_in_one_line(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--output FILE` for a learner with nothing drilled exits non-zero and writes nothing."""
    assert (
        main(["simulate", "modarith", "--kind", "lookup", "--items", "5", "--db", str(db_path)])
        == 0
    )
    capsys.readouterr()
    picture = db_path.with_name("me.png")
    argv = ["report", "modarith", "--learner", "zoe", "--db", str(db_path), "-o", str(picture)]
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert not picture.exists()


@pytest.mark.slow
def test_a_4000_exposure_network_learner_gets_the_network_in_its_report(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's check, whole: 4,000 exposures, no `drill reference` first."""
    args = ["simulate", "modarith", "--kind", "network", "--items", "4000", "--seed", "2"]
    assert main([*args, "--db", str(db_path)]) == 0
    capsys.readouterr()
    report = report_json(db_path, capsys, "network")
    assert report["axis"] == "exposures"
    curve = report["network"]["curve"]
    assert curve[-1]["exposure"] == 4000
    assert len(curve) == 80
    assert max(p["heldout"]["accuracy"] or 0 for p in curve) == 1.0
    argv = ["reference", "modarith", "--learner", "network", "--db", str(db_path), "--json"]
    assert main([*argv, "--steps", "300"]) == 0


def test_a_history_that_cannot_be_written_still_gets_the_network(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the run cannot be kept (a read-only or locked history), it is drawn anyway."""
    from drill.store.database import StoreError

    deck = load_deck("modarith", [])
    history = History.open(str(db_path))
    try:
        simulate(deck, history, kind="lookup", items=60, seed=0, learner="ann")
        learner_id = history.reader.learner_id("ann")
        assert learner_id is not None

        def refuse(*_args: object, **_kwargs: object) -> int:
            raise StoreError("the history is read-only")

        monkeypatch.setattr(history.runs, "save_stream", refuse)
        run = stream_network(history, learner_id, deck, 60)
        assert run["id"] is None
        assert [p["exposure"] for p in run["curve"]] == [50, 60]
        assert history.runs.stream_run(learner_id, "modarith", deck.fingerprint) is None
    finally:
        history.close()


def test_a_test_takes_a_fixed_sample_of_many_untaught_items() -> None:
    """With more untaught items than `test_items`, each test takes the same first ones
    (in a fixed order) and says how many there were."""
    from drill.protocol.records import PastOutcome
    from drill.reference.stream import StreamRun

    deck = load_deck("modarith", [])
    config = StreamConfig(test_items=10, eval_every=5)
    run = StreamRun.fresh(deck.domain_name, deck.items, config)
    train = [item for item in deck.items if item.split == "train"][:10]
    stream = [PastOutcome(i + 1, item.id, False, False) for i, item in enumerate(train)]
    run.advance(stream, last=10)
    points = [p["heldout"] for p in run.curve or []]
    assert [p["n"] for p in points] == [10, 10]
    assert [p["untaught"] for p in points] == [169 - 5, 169 - 10]
