"""Turn a deck's items into what the network reads: two input tokens and one answer token.

An encoder is built from a deck's whole universe of items (so the vocabulary is the same
whether the network has seen three items or all of them) and maps any item of that deck to
`(a, b) → target`, all small integers. It also maps an output index back to the answer as
the learner would type it, which is how `OnlineLearner.predict` answers.

Encoders live in a registry keyed by domain name. A domain that wants a reference network
adds one:

    @register_encoder("chords")
    class ChordEncoder(Encoder):
        def pair(self, item): ...
        def target(self, item): ...
        # and set self.n_a, self.n_b, self.n_out in __init__

Items whose domain has several answers per prompt (each note of a chord) are flattened by
their encoder into one (a, b) → target row per answer, with b naming the position.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from drill.domains.base import Item

IntArray = NDArray[np.intp]


@dataclass(frozen=True)
class Encoded:
    """Items as arrays."""

    inputs: IntArray  # (n, 2): the two input tokens of each example
    targets: IntArray  # (n,): the answer token of each example
    n_a: int  # vocabulary of the first token
    n_b: int  # vocabulary of the second token
    n_out: int  # number of possible answers


class Encoder(ABC):
    """Maps one domain's items to token pairs and answer tokens, and back."""

    n_a: int
    n_b: int
    n_out: int

    def __init__(self, universe: Sequence[Item]) -> None:
        if not universe:
            raise ValueError("an encoder needs the deck's items to size its vocabulary")
        self._answers: dict[int, str] = {}
        self.setup(universe)
        for item in universe:
            self._answers.setdefault(self.target(item), item.answer)

    @abstractmethod
    def setup(self, universe: Sequence[Item]) -> None:
        """Set `n_a`, `n_b` and `n_out` from the deck's items."""

    @abstractmethod
    def pair(self, item: Item) -> tuple[int, int]:
        """The two input tokens, each in range(n_a) and range(n_b)."""

    @abstractmethod
    def target(self, item: Item) -> int:
        """The answer token, in range(n_out)."""

    def answer(self, index: int) -> str:
        """The answer string an output index stands for (as `Item.answer` spells it)."""
        return self._answers.get(index, str(index))

    def encode(self, items: Sequence[Item]) -> Encoded:
        inputs = np.array([self.pair(it) for it in items], dtype=np.intp).reshape(-1, 2)
        targets = np.array([self.target(it) for it in items], dtype=np.intp)
        return Encoded(inputs, targets, self.n_a, self.n_b, self.n_out)


ENCODERS: dict[str, type[Encoder]] = {}
"""Domain name → encoder class."""


def register_encoder(name: str) -> Callable[[type[Encoder]], type[Encoder]]:
    """Class decorator: make `cls` the encoder for the domain called `name`."""

    def register(cls: type[Encoder]) -> type[Encoder]:
        ENCODERS[name] = cls
        return cls

    return register


def get_encoder(domain_name: str, universe: Sequence[Item]) -> Encoder:
    """The encoder for a domain, sized by the deck's items. KeyError if there is none."""
    if domain_name not in ENCODERS:
        known = ", ".join(sorted(ENCODERS))
        raise KeyError(f"no reference-network encoder for domain {domain_name!r} ({known})")
    return ENCODERS[domain_name](universe)


@register_encoder("modarith")
class ModArithEncoder(Encoder):
    """a, b → the result residue: p tokens in, p answers out, whatever the presentation."""

    def setup(self, universe: Sequence[Item]) -> None:
        p = int(universe[0].data["modulus"])
        self.n_a = self.n_b = self.n_out = p

    def pair(self, item: Item) -> tuple[int, int]:
        return int(item.data["a"]), int(item.data["b"])

    def target(self, item: Item) -> int:
        return int(item.data["result"])


@register_encoder("control")
class ControlEncoder(ModArithEncoder):
    """The control deck has modarith's shape; only the table behind it is random."""
