"""A saved scheduler state is restored only where it fits the deck; else a fresh start."""

from __future__ import annotations

import json
from typing import Any

import pytest

from drill.protocol.scheduler import Scheduler

TRAIN, HELDOUT = [f"t{i}" for i in range(40)], [f"h{i}" for i in range(8)]


def saved(train: list[str] = TRAIN, heldout: list[str] = HELDOUT) -> dict[str, Any]:
    """The JSON state of a scheduler some way into its second pass, a retry pending."""
    scheduler = Scheduler(train, heldout, 0.2, seed=11)
    for _ in range(57):
        scheduler.next()
    scheduler.missed(scheduler.train_ids[3])
    return dict(json.loads(json.dumps(scheduler.to_json())))


def test_a_fitting_state_is_restored() -> None:
    """The same splits take the state and report so."""
    scheduler = Scheduler(TRAIN, HELDOUT, 0.2, seed=5)
    assert scheduler.restore(saved())
    assert scheduler.passes == 2


def test_a_state_for_other_items_of_the_same_size_is_refused() -> None:
    """Another variant's items (same counts, other ids) start afresh, never mapped across."""
    other = [f"x{i}" for i in range(40)]
    scheduler = Scheduler(TRAIN, HELDOUT, 0.2, seed=5)
    assert not scheduler.restore(saved(train=other))
    assert scheduler.passes == 0
    assert all(scheduler.next().item_id in TRAIN + HELDOUT for _ in range(100))


@pytest.mark.parametrize(
    "damage",
    [
        {"queue": [0, 40]},  # out of range
        {"queue": [-1]},  # negative indices would pick from the end
        {"probe_queue": [8]},
        {"retried": ["3"]},
        {"last": 99},
        {"last": True},
        {"passes": -1},
        {"queue": "0,1,2"},
        {"n_train": "40"},
    ],
)
def test_a_damaged_state_is_refused(damage: dict[str, Any]) -> None:
    """Indices out of range or of the wrong type: a fresh start, no exception."""
    scheduler = Scheduler(TRAIN, HELDOUT, 0.2, seed=5)
    assert not scheduler.restore(saved() | damage)
    assert scheduler.queue == []
    assert all(scheduler.next().item_id in TRAIN + HELDOUT for _ in range(100))


@pytest.mark.parametrize("missing", ["queue", "passes", "n_heldout"])
def test_a_state_missing_a_field_is_refused(missing: str) -> None:
    """A state without one of its fields is not half restored."""
    state = saved()
    del state[missing]
    scheduler = Scheduler(TRAIN, HELDOUT, 0.2, seed=5)
    assert not scheduler.restore(state)
    assert scheduler.queue == []


def test_a_state_saved_before_the_digest_is_restored_if_it_fits() -> None:
    """States saved by an earlier drill carry no digest; a well-formed one is kept."""
    state = saved()
    del state["digest"]
    assert Scheduler(TRAIN, HELDOUT, 0.2, seed=5).restore(state)


def test_ranks_order_each_pass_easier_to_harder() -> None:
    """With ranks, every training pass goes from the lowest rank to the highest (ties in
    a shuffled order), pass after pass; the probes are drawn as before."""
    ranks = {item: float(int(item[1:]) // 4) for item in TRAIN}
    scheduler = Scheduler(TRAIN, [], 0.0, seed=3, ranks=ranks)
    for _ in range(2):
        shown = [scheduler.next().item_id for _ in TRAIN]
        assert sorted(shown) == sorted(TRAIN)
        assert [ranks[i] for i in shown] == sorted(ranks[i] for i in shown)
    assert shown != sorted(TRAIN, key=lambda i: (ranks[i], i))  # ties are shuffled
