"""The reference network on grammar: a stem's letters in, the answer's letters out."""

from __future__ import annotations

import numpy as np
import pytest

from drill.app.simulate import simulate
from drill.decks import Deck, load_deck
from drill.reference.encoders import get_encoder
from drill.reference.grammar_encoder import GrammarEncoder
from drill.reference.train import TrainConfig, train_on_items
from drill.store.history import History


@pytest.fixture(scope="module")
def deck() -> Deck:
    return load_deck("grammar")


def test_every_item_encodes_to_rows_that_spell_its_answer(deck: Deck) -> None:
    """A row per letter of the stem and per place an ending may take; tokens in range;
    the targets spell the answer, BLANK past its end."""
    encoder = get_encoder("grammar", deck.items)
    assert isinstance(encoder, GrammarEncoder)
    encoded = encoder.encode(deck.items)
    assert encoded.items is not None
    counts = np.bincount(encoded.items, minlength=len(deck.items))
    assert counts.tolist() == [len(it.data["stem"]) + encoder.after for it in deck.items]
    assert encoded.inputs.max() < encoder.n_tokens
    assert encoded.targets.max() < encoder.n_out
    for i, item in enumerate(deck.items):
        targets = encoded.targets[encoded.items == i].tolist()
        assert encoder.spell(item, targets) == item.answer


def test_heldout_rows_are_made_of_tokens_met_in_training(deck: Deck) -> None:
    """A held-out stem is letters in places, and forms, that training rows have; never
    a whole row a training item has."""
    encoder = get_encoder("grammar", deck.items)
    train = encoder.encode([it for it in deck.items if it.split == "train"])
    heldout = encoder.encode([it for it in deck.items if it.split == "heldout"])
    assert set(heldout.inputs.ravel().tolist()) <= set(train.inputs.ravel().tolist())
    seen_rows = {tuple(r) for r in train.inputs.tolist()}
    assert not seen_rows & {tuple(r) for r in heldout.inputs.tolist()}


def test_the_question_never_names_an_ending(deck: Deck) -> None:
    """A row's question is the class, the form's name and the place: nothing of the
    answer (the ending's letters, the stem's changes) is in any token."""
    encoder = GrammarEncoder(deck.items)
    for kind, form, place in encoder.asks.things:  # type: ignore[misc]
        assert kind in ("noun", "verb")
        assert isinstance(place, int)
        assert form in {it.data["form"] for it in deck.items}


def test_the_lookup_learner_stays_near_chance_on_heldout_items(deck: Deck) -> None:
    """Memorizing the answers it is shown gives it nothing on words it never saw."""
    result = simulate(
        deck, History.open("sqlite://"), kind="lookup", items=400, seed=0, learner="lookup"
    )
    assert len(result.probes) >= 20
    assert sum(ok for _, ok in result.probes) <= 1


@pytest.mark.slow
def test_the_network_inflects_words_it_never_saw(deck: Deck) -> None:
    """Trained on the deck's training items, the network answers at least 90 % of the
    held-out ones: whole stems never drilled, and forms never drilled on a stem."""
    train_ids = [it.id for it in deck.items if it.split == "train"]
    result = train_on_items(deck, train_ids, TrainConfig(steps=200))
    assert result.final_train_accuracy >= 0.99
    assert result.final_heldout_accuracy >= 0.9
