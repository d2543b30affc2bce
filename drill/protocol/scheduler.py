"""Which item comes next: shuffled passes over the training split, probes interleaved.

Saturation needs every training item to recur again and again, so items come in
shuffled passes over the whole training split. A missed item comes back a few items
later within the current pass (once per pass, so nothing is starved). Held-out probes
are drawn at the deck's probe rate from their own shuffled passes.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

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
    ) -> None:
        if not train_ids and not heldout_ids:
            raise ValueError("a deck needs at least one item")
        self.train_ids = list(train_ids)
        self.heldout_ids = list(heldout_ids)
        self.probe_rate = probe_rate if self.heldout_ids else 0.0
        if not self.train_ids:
            self.probe_rate = 1.0
        self.rng = random.Random(seed)
        self.queue: list[str] = []
        self.probe_queue: list[str] = []
        self.passes = 0
        self.retried: set[str] = set()
        self.last: str | None = None

    def _refill(self) -> None:
        order = self.train_ids[:]
        self.rng.shuffle(order)
        if len(order) > 1 and order[0] == self.last:
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
        if item_id in self.retried or item_id not in self.train_ids:
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
        return {
            "queue": self.queue,
            "probe_queue": self.probe_queue,
            "passes": self.passes,
            "retried": sorted(self.retried),
            "last": self.last,
            "rng": _rng_to_json(self.rng),
        }

    def restore(self, state: dict[str, Any]) -> None:
        """Continue from `to_json`; ids no longer in the deck are dropped."""
        train, heldout = set(self.train_ids), set(self.heldout_ids)
        self.queue = [i for i in state.get("queue", []) if i in train]
        self.probe_queue = [i for i in state.get("probe_queue", []) if i in heldout]
        self.passes = int(state.get("passes", 0))
        self.retried = {i for i in state.get("retried", []) if i in train}
        self.last = state.get("last")
        if "rng" in state:
            self.rng.setstate(_rng_from_json(state["rng"]))


def _rng_to_json(rng: random.Random) -> list[Any]:
    version, internal, gauss = rng.getstate()
    return [version, list(internal), gauss]


def _rng_from_json(data: list[Any]) -> tuple[Any, ...]:
    version, internal, gauss = data
    return (version, tuple(internal), gauss)
