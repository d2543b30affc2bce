"""Which item comes next: shuffled passes over the training split, probes interleaved.

Saturation needs every training item to recur again and again, so items come in
shuffled passes over the whole training split. A missed item comes back a few items
later within the current pass (once per pass, so nothing is starved). Held-out probes
are drawn at the deck's probe rate from their own shuffled passes.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from drill.hashing import stable_hash

RETRY_GAP = (3, 7)
"""A missed item returns after this many (inclusive range) other items."""


@dataclass(frozen=True, slots=True)
class Pick:
    item_id: str
    probe: bool


class Scheduler:
    """Deterministic under its seed; its state is a small JSON object for resuming."""

    def __init__(
        self,
        train_ids: Sequence[str],
        heldout_ids: Sequence[str],
        probe_rate: float,
        seed: int,
        ranks: Mapping[str, float] | None = None,
    ) -> None:
        """`ranks` orders each training pass by rank, lowest first (ties in shuffled
        order); without it a pass is shuffled. Probes are shuffled either way."""
        if not train_ids and not heldout_ids:
            raise ValueError("a deck needs at least one item")
        self.train_ids = list(train_ids)
        self.heldout_ids = list(heldout_ids)
        self._train_index = {item: i for i, item in enumerate(self.train_ids)}
        self._heldout_index = {item: i for i, item in enumerate(self.heldout_ids)}
        self.probe_rate = probe_rate if self.heldout_ids else 0.0
        if not self.train_ids:
            self.probe_rate = 1.0
        self.digest = f"{stable_hash(*self.train_ids, '|', *self.heldout_ids):016x}"
        """Names these splits, so a state saved for other items is never restored here."""
        self.rng = random.Random(seed)
        self.queue: list[str] = []
        self.probe_queue: list[str] = []
        self.passes = 0
        self.retried: set[str] = set()
        self.last: str | None = None
        self.ranks = dict(ranks) if ranks is not None else None

    def _refill(self) -> None:
        order = self.train_ids[:]
        self.rng.shuffle(order)
        if self.ranks is not None:
            ranks = self.ranks
            order.sort(key=lambda item: ranks.get(item, float("inf")))
        elif len(order) > 1 and order[0] == self.last:
            order[0], order[-1] = order[-1], order[0]
        self.queue = order
        self.passes += 1
        self.retried.clear()

    def next(self) -> Pick:
        if self.rng.random() < self.probe_rate:
            if not self.probe_queue:
                self.probe_queue = self.heldout_ids[:]
                self.rng.shuffle(self.probe_queue)
            return Pick(self.probe_queue.pop(), probe=True)
        if not self.queue:
            self._refill()
        self.last = self.queue.pop(0)
        return Pick(self.last, probe=False)

    def missed(self, item_id: str) -> None:
        """Bring a missed training item back soon, at most once per pass."""
        if item_id in self.retried or item_id not in self._train_index:
            return
        if len(self.queue) < RETRY_GAP[0]:
            remaining = self.queue
            self._refill()
            self.queue = remaining + [i for i in self.queue if i not in remaining]
        self.retried.add(item_id)
        gap = self.rng.randint(*RETRY_GAP)
        self.queue.insert(min(gap, len(self.queue)), item_id)

    @property
    def position(self) -> int:
        """How far into the current pass (items of the pass already given)."""
        return len(self.train_ids) - len(self.queue) if self.queue else 0

    def to_json(self) -> dict[str, Any]:
        """Where the scheduler is: queues as indices into the splits (small enough to save
        after every exposure, even for a deck of thousands of items)."""
        train, heldout = self._train_index, self._heldout_index
        return {
            "n_train": len(self.train_ids),
            "n_heldout": len(self.heldout_ids),
            "digest": self.digest,
            "queue": [train[i] for i in self.queue],
            "probe_queue": [heldout[i] for i in self.probe_queue],
            "passes": self.passes,
            "retried": sorted(train[i] for i in self.retried),
            "last": train.get(self.last) if self.last is not None else None,
        }

    def restore(self, state: dict[str, Any]) -> bool:
        """Continue from `to_json`; False, and a fresh start, for a state that does not fit
        these splits: saved for other items (another digest or other counts), or damaged
        (indices out of range or of the wrong type, fields missing)."""
        try:
            fitted = self._fit(state)
        except (KeyError, TypeError, ValueError):
            return False
        if fitted is None:
            return False
        queue, probe_queue, self.passes, retried, last = fitted
        self.queue = [self.train_ids[i] for i in queue]
        self.probe_queue = [self.heldout_ids[i] for i in probe_queue]
        self.retried = {self.train_ids[i] for i in retried}
        self.last = self.train_ids[last] if last is not None else None
        return True

    def _fit(
        self, state: dict[str, Any]
    ) -> tuple[list[int], list[int], int, list[int], int | None] | None:
        """The state's indices, checked against these splits; None if it does not fit."""
        n_train, n_heldout = len(self.train_ids), len(self.heldout_ids)
        if state["n_train"] != n_train or state["n_heldout"] != n_heldout:
            return None
        if state.get("digest", self.digest) != self.digest:  # older states carry none
            return None
        queue, probe_queue = (
            _indices(state["queue"], n_train),
            _indices(state["probe_queue"], n_heldout),
        )
        retried = _indices(state["retried"], n_train)
        last = state.get("last")
        passes = state["passes"]
        if queue is None or probe_queue is None or retried is None:
            return None
        if not _is_index(passes, 1 << 62) or (last is not None and not _is_index(last, n_train)):
            return None
        return queue, probe_queue, passes, retried, last


def _is_index(value: object, n: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < n


def _indices(values: object, n: int) -> list[int] | None:
    """`values` if it is a list of indices below `n` (a retried item may come twice), else
    None."""
    if not isinstance(values, list) or not all(_is_index(v, n) for v in values):
        return None
    return values
