"""Training runs of the reference network: the classic experiment, and a learner's items.

A run trains full-batch on the training examples and records, every `eval_every` steps,
train and held-out loss and accuracy and the weight norm. It notes the step at which train
accuracy first reached 99 % (memorized) and the step at which held-out accuracy first did
(grokked, Power et al. 2022). Steps count optimizer updates: "step s" is measured after s
updates, so step 0 is the network at initialization.

Accuracies are per item: an item with several rows (a chord, one row per place) counts as
right only when every row is. The share of rows right is recorded beside it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from drill.domains.base import Item
from drill.reference.blas import blas_threads
from drill.reference.encoders import Encoded, IntArray, get_encoder
from drill.reference.network import Choices, Network, NetworkConfig
from drill.reference.optim import AdamW, OptimizerConfig

if TYPE_CHECKING:
    from drill.decks import Deck

THRESHOLD = 0.99
"""Accuracy that counts as memorized (train) or grokked (held-out)."""


@dataclass(frozen=True)
class TrainConfig:
    """How long to train and how often to look (the model and optimizer have their own)."""

    steps: int = 3000  # budget of full-batch updates; p = 97 at 0.3 groks in ~300
    eval_every: int = 10  # steps between held-out evaluations (and curve points)
    stop_when_grokked: bool = True  # end the run at the first held-out evaluation ≥ 99 %
    seed: int = 0  # seeds the fresh split and the initialization
    blas_threads: int | None = 1  # one BLAS thread: faster on a busy machine; None: BLAS's own
    network: NetworkConfig = field(default_factory=NetworkConfig)
    optimizer: OptimizerConfig = field(default_factory=OptimizerConfig)

    def __post_init__(self) -> None:
        if self.steps < 0:
            raise ValueError(f"steps: expected 0 or more, got {self.steps}")
        if self.eval_every < 1:
            raise ValueError(f"eval_every: expected at least 1, got {self.eval_every}")


@dataclass(frozen=True)
class CurvePoint:
    """The network after `step` updates."""

    step: int
    seconds: float  # wall time since the run started
    train_loss: float
    train_accuracy: float
    heldout_loss: float
    heldout_accuracy: float
    weight_norm: float
    train_row_accuracy: float | None = None  # share of rows right, if items have several
    heldout_row_accuracy: float | None = None


Callback = Callable[[CurvePoint], None]
"""Called with every curve point as it is recorded (a progress display, say)."""


@dataclass(frozen=True)
class RunResult:
    """What a run measured."""

    steps: int  # updates actually made
    steps_to_memorize: int | None  # first step with train accuracy (items) ≥ 0.99
    steps_to_grok: int | None  # first evaluated step with held-out accuracy (items) ≥ 0.99
    seconds_to_grok: float | None
    seconds: float  # wall time of the whole run
    final_train_accuracy: float
    final_heldout_accuracy: float
    final_train_loss: float
    final_heldout_loss: float
    weight_norm: float  # L2 norm of all parameters at the end
    n_train: int  # items
    n_heldout: int
    curve: tuple[CurvePoint, ...]
    config: dict[str, Any]  # the TrainConfig, as plain data
    n_train_rows: int = 0  # rows: as many as items unless an item has several
    n_heldout_rows: int = 0
    final_train_row_accuracy: float | None = None  # None when every item is one row
    final_heldout_row_accuracy: float | None = None

    def to_json(self, *, curve: bool = True) -> dict[str, Any]:
        """Plain JSON data; `curve=False` leaves out the (long) curve."""
        data = asdict(self)
        data["curve"] = [asdict(p) for p in self.curve] if curve else None
        if not curve:
            del data["curve"]
        return data


def train(
    train_set: Encoded,
    heldout_set: Encoded,
    config: TrainConfig,
    rng: np.random.Generator,
    callback: Callback | None = None,
) -> RunResult:
    """Train a fresh network on `train_set`, evaluating on `heldout_set`."""
    with blas_threads(config.blas_threads):
        return _train(train_set, heldout_set, config, rng, callback)


def _train(
    train_set: Encoded,
    heldout_set: Encoded,
    config: TrainConfig,
    rng: np.random.Generator,
    callback: Callback | None,
) -> RunResult:
    net = Network(
        train_set.n_tokens,
        train_set.n_out,
        config.network,
        rng,
        tokens_per_row=train_set.tokens_per_row,
    )
    opt = AdamW(net.parameters(), config.optimizer)
    train_batch = net.prepare(*_arrays(train_set))
    heldout_batch = net.prepare(*_arrays(heldout_set))
    rows = train_batch.items is not None or heldout_batch.items is not None
    curve: list[CurvePoint] = []
    memorized: int | None = None
    grokked: int | None = None
    grok_seconds: float | None = None
    start = time.perf_counter()
    step = 0
    while True:
        if step < config.steps:
            train_loss, train_acc, grads = net.loss_and_grads(train_batch)
        else:
            train_loss, train_acc, _ = net.evaluate(train_batch)
        if memorized is None and train_acc >= THRESHOLD:
            memorized = step
        if step % config.eval_every == 0 or step == config.steps:
            heldout_loss, heldout_acc, heldout_rows = net.evaluate(heldout_batch)
            train_rows = net.evaluate(train_batch).row_accuracy if rows else None
            seconds = time.perf_counter() - start
            point = CurvePoint(
                step,
                seconds,
                train_loss,
                train_acc,
                heldout_loss,
                heldout_acc,
                net.weight_norm(),
                train_row_accuracy=train_rows,
                heldout_row_accuracy=heldout_rows if rows else None,
            )
            curve.append(point)
            if callback is not None:
                callback(point)
            if grokked is None and heldout_acc >= THRESHOLD and heldout_batch.n:
                grokked, grok_seconds = step, seconds
                if config.stop_when_grokked:
                    break
        if step == config.steps:
            break
        opt.step(grads)
        step += 1
    last = curve[-1]
    return RunResult(
        steps=step,
        steps_to_memorize=memorized,
        steps_to_grok=grokked,
        seconds_to_grok=grok_seconds,
        seconds=time.perf_counter() - start,
        final_train_accuracy=last.train_accuracy,
        final_heldout_accuracy=last.heldout_accuracy,
        final_train_loss=last.train_loss,
        final_heldout_loss=last.heldout_loss,
        weight_norm=last.weight_norm,
        n_train=train_batch.n_items,
        n_heldout=heldout_batch.n_items,
        curve=tuple(curve),
        config=asdict(config),
        n_train_rows=train_batch.n,
        n_heldout_rows=heldout_batch.n,
        final_train_row_accuracy=last.train_row_accuracy,
        final_heldout_row_accuracy=last.heldout_row_accuracy,
    )


def _arrays(
    encoded: Encoded,
) -> tuple[IntArray, IntArray, IntArray | None, int, Choices | None]:
    """What `Network.prepare` takes: rows, targets, each row's item, the allowed answers."""
    return encoded.inputs, encoded.targets, encoded.items, encoded.n, encoded.choices


def split_fresh(
    universe: Sequence[Item], train_fraction: float, rng: np.random.Generator
) -> tuple[list[Item], list[Item]]:
    """A fresh random split of the whole universe (ignoring the deck's own split)."""
    if not 0 < train_fraction < 1:
        raise ValueError(f"train fraction: expected a number between 0 and 1, got {train_fraction}")
    order = rng.permutation(len(universe))
    n_train = max(1, min(len(universe) - 1, round(train_fraction * len(universe))))
    return [universe[i] for i in order[:n_train]], [universe[i] for i in order[n_train:]]


def train_fresh(
    deck: Deck,
    train_fraction: float,
    config: TrainConfig | None = None,
    callback: Callback | None = None,
) -> RunResult:
    """The classic experiment: a random `train_fraction` of the deck's universe in training."""
    config = config or TrainConfig()
    universe = deck.items
    encoder = get_encoder(deck.domain_name, universe)
    rng = np.random.default_rng(config.seed)
    train_items, heldout_items = split_fresh(universe, train_fraction, rng)
    return train(encoder.encode(train_items), encoder.encode(heldout_items), config, rng, callback)


def train_on_items(
    deck: Deck,
    train_item_ids: Collection[str],
    config: TrainConfig | None = None,
    callback: Callback | None = None,
    *,
    taught: Collection[str] = (),
) -> RunResult:
    """Train on the deck's items with these ids (a learner's), test on its held-out items
    that were never taught.

    `taught` names the items the learner was taught in any variant of the deck: a held-out
    item among them is no test of generalization, so it may be trained on and is never
    tested. No ids, unknown ids and other held-out ids (which a learner is never shown)
    raise ValueError.
    """
    config = config or TrainConfig()
    universe = deck.items
    by_id = {it.id: it for it in universe}
    wanted = set(train_item_ids)
    taught_here = set(taught) & by_id.keys()
    if not wanted:
        raise ValueError(f"no items of {deck.name!r} to train on yet")
    unknown = sorted(wanted - by_id.keys())
    if unknown:
        raise ValueError(f"{len(unknown)} item ids are not in deck {deck.name!r}: {unknown[0]}")
    leaked = sorted(i for i in wanted - taught_here if by_id[i].split != "train")
    if leaked:
        raise ValueError(f"{len(leaked)} ids are held-out items of {deck.name!r}: {leaked[0]}")
    train_items = [it for it in universe if it.id in wanted]
    untested = wanted | taught_here
    heldout_items = [it for it in universe if it.split == "heldout" and it.id not in untested]
    if not heldout_items and any(it.split == "heldout" for it in universe):
        raise ValueError(f"every held-out item of {deck.name!r} was taught: nothing to test on")
    encoder = get_encoder(deck.domain_name, universe)
    rng = np.random.default_rng(config.seed)
    return train(encoder.encode(train_items), encoder.encode(heldout_items), config, rng, callback)
