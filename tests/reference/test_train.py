"""Training runs: grokking with weight decay, none without it, chance on the control deck."""

from __future__ import annotations

import json
import math

import pytest

from drill.decks import Deck, load_deck
from drill.reference.optim import OptimizerConfig
from drill.reference.train import RunResult, TrainConfig, train_fresh, train_on_items

SMALL = ["modulus=23"]
"""p = 23 with 60 % in training groks in ~300 steps: well under a second a run."""


def run(deck: str, weight_decay: float, steps: int, seed: int = 0) -> RunResult:
    config = TrainConfig(
        steps=steps, seed=seed, optimizer=OptimizerConfig(weight_decay=weight_decay)
    )
    return train_fresh(load_deck(deck, SMALL), 0.6, config)


def test_small_modulus_groks_with_weight_decay() -> None:
    """a + b mod 23, 60 % in training: memorized early, held-out ≥ 99 % within 1,000 steps."""
    result = run("modarith", 1.0, 1000)
    assert result.steps_to_memorize is not None
    assert result.steps_to_grok is not None
    assert result.steps_to_memorize < result.steps_to_grok <= 1000
    assert result.final_heldout_accuracy >= 0.99
    assert result.seconds_to_grok is not None


def test_small_modulus_does_not_grok_without_weight_decay() -> None:
    """The same run with weight decay 0 memorizes and stays far from the rule for 1,500 steps."""
    result = run("modarith", 0.0, 1500)
    assert result.steps_to_memorize is not None
    assert result.steps_to_grok is None
    assert result.steps == 1500
    assert max(p.heldout_accuracy for p in result.curve) < 0.2


def test_control_deck_stays_at_chance() -> None:
    """A random table is memorized but held-out accuracy never exceeds chance by 3 s.e."""
    result = run("control", 1.0, 1000)
    chance = 1 / 23
    noise = 3 * math.sqrt(chance * (1 - chance) / result.n_heldout)
    assert result.final_train_accuracy == 1.0
    assert max(p.heldout_accuracy for p in result.curve) <= chance + noise


def test_runs_are_deterministic() -> None:
    """The same deck, fraction and seed give the same curve (apart from the clock)."""
    a, b = run("modarith", 1.0, 60), run("modarith", 1.0, 60)
    strip = [(p.step, p.train_loss, p.heldout_accuracy, p.weight_norm) for p in a.curve]
    assert strip == [(p.step, p.train_loss, p.heldout_accuracy, p.weight_norm) for p in b.curve]
    assert run("modarith", 1.0, 60, seed=1).curve[-1].train_loss != a.curve[-1].train_loss


def test_curve_points_every_eval_and_at_the_end() -> None:
    """Points at step 0, every eval_every steps and at the last step; the JSON round-trips."""
    result = run("modarith", 1.0, 25)
    assert [p.step for p in result.curve] == [0, 10, 20, 25]
    data = json.loads(json.dumps(result.to_json()))
    assert data["steps"] == 25
    assert len(data["curve"]) == 4
    assert "curve" not in result.to_json(curve=False)


def test_weight_decay_shrinks_the_weights() -> None:
    """After memorization the weight norm falls with weight decay and not without it."""
    with_decay, without = run("modarith", 1.0, 300), run("modarith", 0.0, 300)
    assert with_decay.weight_norm < without.weight_norm


def deck_and_ids() -> tuple[Deck, list[str]]:
    deck = load_deck("modarith")
    return deck, [it.id for it in deck.items if it.split == "train"]


def test_train_on_items_uses_those_items_and_the_deck_heldout() -> None:
    """A learner's items train the network; the deck's held-out items test it."""
    deck, ids = deck_and_ids()
    result = train_on_items(deck, ids[:50], TrainConfig(steps=20))
    assert result.n_train == 50
    assert result.n_heldout == sum(1 for it in deck.items if it.split == "heldout")


def test_train_on_items_refuses_heldout_and_unknown_ids() -> None:
    """Held-out ids (never shown to a learner), ids from elsewhere and no ids are errors."""
    deck, ids = deck_and_ids()
    heldout = next(it.id for it in deck.items if it.split == "heldout")
    with pytest.raises(ValueError, match="held-out"):
        train_on_items(deck, [*ids[:3], heldout])
    with pytest.raises(ValueError, match="not in deck"):
        train_on_items(deck, ["nope"])
    with pytest.raises(ValueError, match="no items"):
        train_on_items(deck, [])


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.5])
def test_fresh_split_needs_a_fraction_strictly_between_0_and_1(fraction: float) -> None:
    """A fresh split with no training or no held-out items is refused."""
    with pytest.raises(ValueError, match="between 0 and 1"):
        train_fresh(load_deck("modarith"), fraction, TrainConfig(steps=1))
