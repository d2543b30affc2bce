"""The reference network as a simulated learner: it answers, is told, and takes one step.

`drill simulate --kind network` drives an `OnlineLearner` down the same path a person
walks: `predict(item)` is its answer, typed as the item's answer would be; after feedback,
`observe(item)` adds the item (all its rows: a chord has one per place) to its memory and
takes one full-batch AdamW step on every item it has seen so far. Held-out probes are
only ever `predict`ed, never observed, so its held-out accuracy is honest generalization,
as it is for a person.

An item with several steps (a chess mate in 2) is answered step by step, each from what is
on screen: `predict(item, screen)` with the step's data (the simulation's `NetworkLearner`
passes `Presentation.data`). It is trained on the item's answer only (its first move),
once per exposure.

Measured on `a + b mod 13` with 80 % of the items in training (docs/reference.md): held-out
accuracy rises from 0 after about 1,000 exposures; the control deck stays at chance.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from drill.domains.base import Item
from drill.reference.blas import blas_threads
from drill.reference.encoders import Row, Screen, get_encoder
from drill.reference.network import PAD, Batch, Network, NetworkConfig
from drill.reference.optim import AdamW, OptimizerConfig

if TYPE_CHECKING:
    from drill.decks import Deck

ONLINE_OPTIMIZER = OptimizerConfig(lr=3e-3, weight_decay=1.0)
"""The online learner's AdamW: gentler than a fresh run's, as it trains on a growing set."""


class OnlineLearner:
    """A network that learns one exposure at a time. Seeded and deterministic."""

    def __init__(
        self,
        domain_name: str,
        universe: Sequence[Item],
        *,
        seed: int = 0,
        network: NetworkConfig | None = None,
        optimizer: OptimizerConfig = ONLINE_OPTIMIZER,
        blas_threads: int | None = 1,
    ) -> None:
        """`universe` is every item of the deck (it sizes the vocabulary, nothing more).

        `blas_threads` caps BLAS threads during a step: with two on a busy 2-core machine,
        2,000 steps on 769 items took 47 s instead of 4.7 s (None leaves BLAS alone).
        """
        self.blas_threads = blas_threads
        self.encoder = get_encoder(domain_name, universe)
        enc = self.encoder
        rng = np.random.default_rng(seed)
        self.network = Network(
            enc.n_tokens,
            enc.n_out,
            network or NetworkConfig(),
            rng,
            tokens_per_row=enc.tokens_per_row,
        )
        self.optimizer = AdamW(self.network.parameters(), optimizer)
        self.exposures = 0
        """How many times `observe` was called."""
        self._universe = {item.id: item for item in universe}
        self._seen: set[str] = set()
        self._order: list[str] = []
        """The ids in `_seen`, in the order they were first observed (the rows' order)."""
        self._rows: list[Row] = []
        self._owner: list[int] = []
        self._batch: Batch | None = None

    @classmethod
    def for_deck(cls, deck: Deck, *, seed: int = 0) -> OnlineLearner:
        return cls(deck.domain_name, deck.items, seed=seed)

    @property
    def seen(self) -> int:
        """How many distinct items are in memory."""
        return len(self._seen)

    @property
    def seen_ids(self) -> frozenset[str]:
        """The ids of the items in memory (observed at least once)."""
        return frozenset(self._seen)

    def predict(self, item: Item, screen: Screen | None = None) -> str:
        """Its answer to what is on screen (the item, or `screen`: a later step's data),
        spelled as `item.answer` would be; every row of the item predicted."""
        tokens = self.encoder.tokens(item, screen)
        with blas_threads(self.blas_threads):
            scores = self.network.logits(_padded(tokens))
        return self.encoder.decode(item, scores, screen)

    def observe(self, item: Item) -> None:
        """Remember the item's rows with their answers, and take one full-batch step on memory."""
        if item.id not in self._seen:
            self._remember(item)
            self._prepare()
        assert self._batch is not None
        with blas_threads(self.blas_threads):
            _, _, grads = self.network.loss_and_grads(self._batch)
            self.optimizer.step(grads)
        self.exposures += 1

    def _remember(self, item: Item) -> None:
        rows = self.encoder.rows(item)
        self._owner.extend([len(self._seen)] * len(rows))
        self._rows.extend(rows)
        self._seen.add(item.id)
        self._order.append(item.id)

    def _prepare(self) -> None:
        self._batch = self.network.prepare(
            _padded([tokens for tokens, _ in self._rows]),
            np.array([target for _, target in self._rows], dtype=np.intp),
            np.array(self._owner, dtype=np.intp),
            len(self._seen),
        )

    def state(self) -> bytes:
        """The weights, the optimizer's moments and step count, the exposures and the
        memory (the ids seen, in order) as NumPy's npz bytes, without pickle: `restore`
        puts them back, so training resumes exactly where it stopped."""
        opt = self.optimizer
        arrays: dict[str, NDArray[np.generic]] = {
            "t": np.array(opt.t, dtype=np.int64),
            "exposures": np.array(self.exposures, dtype=np.int64),
            "seen": np.array(self._order, dtype=np.str_),
        }
        for name, values in (("param", opt.params), ("m", opt.m), ("v", opt.v), ("slow", opt.slow)):
            for i, array in enumerate(values):
                arrays[f"{name}{i}"] = array
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)  # type: ignore[arg-type]
        return buffer.getvalue()

    def restore(self, data: bytes) -> None:
        """Put back what `state` saved, on a learner built with the same universe, network
        and optimizer; ValueError if it does not fit (another deck or shape)."""
        try:
            saved = np.load(io.BytesIO(data), allow_pickle=False)
            opt = self.optimizer
            for name, values in (("param", opt.params), ("m", opt.m), ("v", opt.v)):
                for i, array in enumerate(values):
                    array[...] = _fitting(saved[f"{name}{i}"], array)
            for i, array in enumerate(opt.slow):
                array[...] = _fitting(saved[f"slow{i}"], array)
            seen = [str(x) for x in saved["seen"]]
            t, exposures = int(saved["t"]), int(saved["exposures"])
        except (OSError, KeyError, EOFError) as err:
            raise ValueError(f"the kept network state does not fit: {err}") from None
        unknown = [i for i in seen if i not in self._universe]
        if unknown:
            raise ValueError(f"the kept network state names an unknown item: {unknown[0]}")
        opt.t, self.exposures = t, exposures
        self._seen, self._order, self._rows, self._owner = set(), [], [], []
        for item_id in seen:
            self._remember(self._universe[item_id])
        self._batch = None
        if self._rows:
            self._prepare()

    def accuracy(self, items: Sequence[Item]) -> float:
        """The share of `items` it would answer fully right now (without learning from them)."""
        if not items:
            return 0.0
        encoded = self.encoder.encode(items)
        batch = self.network.prepare(
            encoded.inputs, encoded.targets, encoded.items, encoded.n, encoded.choices
        )
        with blas_threads(self.blas_threads):
            return self.network.evaluate(batch).accuracy


def _fitting(saved: NDArray[np.generic], like: NDArray[np.generic]) -> NDArray[np.generic]:
    if saved.shape != like.shape:
        raise ValueError(f"the kept network state does not fit: {saved.shape} for {like.shape}")
    return saved


def _padded(rows: Sequence[tuple[int, ...]]) -> NDArray[np.intp]:
    """Rows of tokens as one (n, k) array, PAD after each row's last token."""
    width = max((len(r) for r in rows), default=1)
    table = np.full((len(rows), width), PAD, dtype=np.intp)
    for i, tokens in enumerate(rows):
        table[i, : len(tokens)] = tokens
    return table
