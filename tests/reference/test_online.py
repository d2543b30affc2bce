"""The online learner: answers like a learner, learns one exposure at a time, can't learn noise."""

from __future__ import annotations

import numpy as np

from drill.decks import load_deck
from drill.domains.base import Item
from drill.reference.online import OnlineLearner


def drill_learner(deck_name: str, exposures: int, seed: int = 0) -> tuple[OnlineLearner, float]:
    """Show random training items (answer, then feedback); return held-out accuracy at the end."""
    deck = load_deck(deck_name)
    train = [it for it in deck.items if it.split == "train"]
    heldout = [it for it in deck.items if it.split == "heldout"]
    learner = OnlineLearner.for_deck(deck, seed=seed)
    rng = np.random.default_rng(seed)
    for _ in range(exposures):
        item = train[int(rng.integers(len(train)))]
        learner.predict(item)
        learner.observe(item)
    return learner, learner.accuracy(heldout)


def test_learner_generalizes_on_modular_addition() -> None:
    """a + b mod 13, 80 % in training: held-out ≥ 90 % after 2,000 exposures."""
    learner, heldout = drill_learner("modarith", 2000)
    assert learner.exposures == 2000
    assert learner.seen == sum(1 for it in load_deck("modarith").items if it.split == "train")
    assert heldout >= 0.9


def test_learner_stays_near_chance_on_the_control_deck() -> None:
    """On a random table, held-out accuracy after 2,000 exposures stays near 1 in 13."""
    learner, heldout = drill_learner("control", 2000)
    train = [it for it in load_deck("control").items if it.split == "train"]
    assert learner.accuracy(train) == 1.0
    assert heldout <= 0.25  # chance 0.077; 34 held-out items, 3 s.e. ≈ 0.14


def test_predictions_are_answer_strings_and_deterministic() -> None:
    """predict returns what `Item.answer` would be; the same seed and history, the same answers."""
    deck = load_deck("modarith")
    a, _ = drill_learner("modarith", 150, seed=4)
    b, _ = drill_learner("modarith", 150, seed=4)
    answers = {it.answer for it in deck.items}
    for item in deck.items[:40]:
        assert a.predict(item) in answers
        assert a.predict(item) == b.predict(item)


def test_observe_learns_the_item_it_was_shown() -> None:
    """Observing one item over and over makes it the learner's answer to that item."""
    deck = load_deck("modarith")
    learner = OnlineLearner.for_deck(deck)
    item: Item = deck.items[5]
    for _ in range(30):
        learner.observe(item)
    assert learner.seen == 1
    assert learner.predict(item) == item.answer
