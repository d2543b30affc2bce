"""The reference network on chords: one row per note, judged per item, learned online."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from drill.app.simulate import simulate
from drill.cli import main
from drill.decks import Deck, load_deck
from drill.domains.base import Item, Verdict
from drill.domains.chords import Chords
from drill.reference.chords_encoder import ChordEncoder
from drill.reference.encoders import Screen, get_encoder
from drill.reference.network import NetworkConfig
from drill.reference.online import OnlineLearner
from drill.reference.train import TrainConfig, train_on_items
from drill.store.history import History


@pytest.fixture(scope="module")
def deck() -> Deck:
    return load_deck("chords")


def test_every_item_encodes_to_rows_that_spell_its_answer(deck: Deck) -> None:
    """Every item has as many rows as the longest answer (the count of notes is not told:
    the places past the last note have the END target), tokens are in range, and its
    targets decode to its answer."""
    encoder = get_encoder("chords", deck.items)
    assert isinstance(encoder, ChordEncoder)
    encoded = encoder.encode(deck.items)
    assert encoded.n == len(deck.items)
    assert encoded.items is not None
    counts = np.bincount(encoded.items, minlength=len(deck.items))
    longest = max(len(it.data["notes"]) for it in deck.items)
    assert set(counts.tolist()) == {longest}
    end = encoder.notes_out[encoder.END]
    ends = np.bincount(encoded.items, weights=encoded.targets == end, minlength=len(deck.items))
    assert ends.tolist() == [longest - len(it.data["notes"]) for it in deck.items]
    assert encoded.inputs[:, 0].max() < encoder.n_a
    assert encoder.n_a <= encoded.inputs[:, 1].min()
    assert encoded.inputs[:, 1].max() < encoder.n_a + encoder.n_b
    assert encoded.targets.max() < encoder.n_out
    for i, item in enumerate(deck.items):
        targets = encoded.targets[encoded.items == i].tolist()
        assert encoder.spell(item, targets) == item.answer
        assert [t for _, t in encoder.rows(item)] == targets


def test_heldout_keys_and_pairs_use_tokens_seen_in_training(deck: Deck) -> None:
    """Every held-out item's first and second tokens occur in some training row."""
    encoder = get_encoder("chords", deck.items)
    train = encoder.encode([it for it in deck.items if it.split == "train"])
    heldout = encoder.encode([it for it in deck.items if it.split == "heldout"])
    assert set(heldout.inputs[:, 0].tolist()) <= set(train.inputs[:, 0].tolist())
    assert set(heldout.inputs[:, 1].tolist()) <= set(train.inputs[:, 1].tolist())
    seen_pairs = {tuple(r) for r in train.inputs.tolist()}
    assert not seen_pairs & {tuple(r) for r in heldout.inputs.tolist()}


def perfect_learner(items: tuple[Item, ...]) -> OnlineLearner:
    """A learner whose weights are set by hand to memorize every row: one ReLU unit per row.

    Unit k has E[a_k] = E[b_k] = 1 and −1 elsewhere, so h_k is 2 on its own row and ≤ 0 on
    any other; W[k] points at the row's target.
    """
    encoded = get_encoder("chords", items).encode(items)
    k = len(encoded.targets)
    learner = OnlineLearner("chords", items, network=NetworkConfig(hidden=k, activation="relu"))
    net = learner.network
    net.E[:-1] = -1  # not the padding row, which stays zero
    net.W[:] = 0
    units = np.arange(k)
    net.E[encoded.inputs[:, 0], units] = 1
    net.E[encoded.inputs[:, 1], units] = 1
    net.W[units, encoded.targets] = 1
    return learner


def test_predict_of_a_perfect_toy_is_judged_correct(deck: Deck) -> None:
    """A network that gets every row right answers every item in a form Chords.judge accepts."""
    items = deck.items[::3]  # every kind, a third of the rows: a smaller toy
    learner = perfect_learner(items)
    domain = Chords()
    for item in items:
        assert domain.judge(item, learner.predict(item)).verdict is Verdict.CORRECT
    assert learner.accuracy(items) == 1.0


def test_accuracy_counts_items_not_rows(deck: Deck) -> None:
    """Breaking one row of an item makes that whole item wrong, and only that item."""
    items = deck.items[:20]
    learner = perfect_learner(items)
    encoded = learner.encoder.encode(items)
    first = int(np.flatnonzero(encoded.items == 3)[0])  # the first row (note) of item 3
    learner.network.W[first] = np.roll(learner.network.W[first], 1)
    assert learner.accuracy(items) == pytest.approx(19 / 20)
    assert learner.predict(items[3]) != items[3].answer
    batch = learner.network.prepare(encoded.inputs, encoded.targets, encoded.items, encoded.n)
    evaluation = learner.network.evaluate(batch)
    assert evaluation.accuracy == pytest.approx(19 / 20)
    assert evaluation.row_accuracy == pytest.approx(1 - 1 / len(encoded.targets))


def test_a_run_reports_items_and_rows(deck: Deck) -> None:
    """A run's counts and accuracies are per item, with the per-row figures beside them."""
    train_ids = [it.id for it in deck.items if it.split == "train"]
    result = train_on_items(deck, train_ids, TrainConfig(steps=30))
    places = max(len(it.data["notes"]) for it in deck.items)  # rows per chord, END-padded
    assert (result.n_train, result.n_train_rows) == (len(train_ids), places * len(train_ids))
    assert result.n_heldout == len(deck.items) - len(train_ids)
    assert result.final_train_row_accuracy is not None
    for p in result.curve:
        assert p.train_row_accuracy is not None
        assert p.heldout_row_accuracy is not None
        assert p.train_accuracy <= p.train_row_accuracy
        assert p.heldout_accuracy <= p.heldout_row_accuracy


def test_online_learner_learns_the_training_items_it_is_shown(deck: Deck) -> None:
    """Cycling 60 training chords raises accuracy on them from near 0 to at least 90 %."""
    shown = [it for it in deck.items if it.split == "train"][::18][:60]
    learner = OnlineLearner.for_deck(deck)
    before = learner.accuracy(shown)
    for _ in range(8):
        for item in shown:
            learner.predict(item)
            learner.observe(item)
    assert before < 0.1
    assert learner.seen == len(shown)
    assert learner.accuracy(shown) >= 0.9


@pytest.mark.slow
def test_simulated_network_never_observes_a_heldout_chord(
    deck: Deck, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the engine, the network predicts probes but observes only training items."""
    observed: list[str] = []
    predicted: list[str] = []
    observe, predict = OnlineLearner.observe, OnlineLearner.predict

    def spy_observe(self: OnlineLearner, item: Item) -> None:
        observed.append(item.split)
        observe(self, item)

    def spy_predict(self: OnlineLearner, item: Item, screen: Screen | None = None) -> str:
        predicted.append(item.split)
        return predict(self, item, screen)

    monkeypatch.setattr(OnlineLearner, "observe", spy_observe)
    monkeypatch.setattr(OnlineLearner, "predict", spy_predict)
    simulate(deck, History.open("sqlite://"), kind="network", items=250, seed=0, learner="net")
    assert "heldout" in predicted
    assert observed
    assert set(observed) == {"train"}


def test_a_chords_run_on_a_learners_history_is_stored(
    db_path: Path, capsys: pytest.CaptureFixture[str], deck: Deck
) -> None:
    """`drill reference chords` on a simulated history stores a per-item run the history returns."""
    history = History.open(str(db_path))
    simulate(deck, history, kind="lookup", items=150, seed=0, learner="ann")
    history.close()
    argv = ["reference", "chords", "--learner", "ann", "--db", str(db_path), "--json"]
    assert main([*argv, "--steps", "60"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert 0 < printed["n_train"] < printed["n_train_rows"]
    assert printed["n_heldout"] == sum(1 for it in deck.items if it.split == "heldout")
    assert 0 <= printed["final_heldout_accuracy"] <= printed["final_heldout_row_accuracy"] <= 1
    history = History.open(str(db_path))
    learner_id = history.reader.learner_id("ann", create=False)
    assert learner_id is not None
    (run,) = history.runs.of(learner_id, "chords")
    assert run["n_train"] == printed["n_train"]
    assert run["curve"][-1]["heldout_row_accuracy"] is not None


def test_a_fresh_chords_run_prints_sensible_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`drill reference chords --fresh --json`: memorizes, and counts items and rows apart."""
    assert main(["reference", "chords", "--fresh", "--json", "--steps", "80"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["steps_to_memorize"] is not None
    assert data["n_train"] + data["n_heldout"] == 1372
    assert data["n_train_rows"] > data["n_train"]
    assert data["final_train_accuracy"] >= 0.99


def test_the_chord_encoder_refuses_items_from_elsewhere(deck: Deck) -> None:
    """An item whose note or question the deck never had is a ValueError, not a wrong token."""
    encoder = ChordEncoder([it for it in deck.items if it.data["kind"] == "symbol"])
    numeral = next(it for it in deck.items if it.data["kind"] == "numeral")
    with pytest.raises(ValueError, match="not in this encoder's deck"):
        encoder.rows(numeral)
