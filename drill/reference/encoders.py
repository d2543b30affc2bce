"""Turn a deck's items into what the network reads: rows of two input tokens and one answer.

An encoder is built from a deck's whole universe of items (so the vocabulary is the same
whether the network has seen three items or all of them) and maps any item of that deck
to one or more rows `(a, b) → target`, all small integers. An item is answered right only
when every one of its rows is. The encoder also turns the network's outputs for an item's
rows back into the answer as the learner would type it, which is how
`OnlineLearner.predict` answers.

- modarith and control: one row per item, `(a, b) → a ∘ b mod p` (`SingleRowEncoder`).
- chords: one row per note of the answer, `(note named in the prompt, (what is asked,
  position)) → the spelled note at that position` (`ChordEncoder`, below).

Encoders live in a registry keyed by domain name. A domain that wants a reference network
adds one:

    @register_encoder("name")
    class NameEncoder(Encoder):
        def setup(self, universe): ...       # set n_a, n_b, n_out
        def rows(self, item): ...            # [(a, b, target), ...] in answer order
        def decode(self, item, outputs): ... # one output per row → the answer string
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from drill.domains.base import Item

IntArray = NDArray[np.intp]
Row = tuple[int, int, int]
"""One example: the two input tokens and the answer token."""


@dataclass(frozen=True)
class Encoded:
    """Items as arrays: every row of every item, and which item each row belongs to."""

    inputs: IntArray  # (rows, 2): the two input tokens of each row
    targets: IntArray  # (rows,): the answer token of each row
    n_a: int  # vocabulary of the first token
    n_b: int  # vocabulary of the second token
    n_out: int  # number of possible answer tokens
    items: IntArray | None = None  # (rows,): index of each row's item; None: one row per item
    n_items: int | None = None  # how many items (None: as many as rows)

    @property
    def n(self) -> int:
        """How many items (not rows)."""
        return len(self.targets) if self.n_items is None else self.n_items


class Encoder(ABC):
    """Maps one domain's items to rows of tokens, and the network's outputs back to answers."""

    n_a: int
    n_b: int
    n_out: int

    def __init__(self, universe: Sequence[Item]) -> None:
        if not universe:
            raise ValueError("an encoder needs the deck's items to size its vocabulary")
        self.setup(universe)

    @abstractmethod
    def setup(self, universe: Sequence[Item]) -> None:
        """Set `n_a`, `n_b` and `n_out` (and any vocabulary) from the deck's items."""

    @abstractmethod
    def rows(self, item: Item) -> list[Row]:
        """The item's rows `(a, b, target)`, at least one, in the order of its answer."""

    @abstractmethod
    def decode(self, item: Item, outputs: Sequence[int]) -> str:
        """The answer string for one output per row (spelled as `Item.answer` is)."""

    def encode(self, items: Sequence[Item]) -> Encoded:
        """All rows of all items, in order; `items` names each row's item when some have
        several rows."""
        per_item = [self.rows(it) for it in items]
        flat = [row for rows in per_item for row in rows]
        table = np.array(flat, dtype=np.intp).reshape(-1, 3)
        inputs, targets = np.ascontiguousarray(table[:, :2]), np.ascontiguousarray(table[:, 2])
        if len(flat) == len(items):
            return Encoded(inputs, targets, self.n_a, self.n_b, self.n_out)
        owner = np.repeat(np.arange(len(items), dtype=np.intp), [len(r) for r in per_item])
        return Encoded(inputs, targets, self.n_a, self.n_b, self.n_out, owner, len(items))


class SingleRowEncoder(Encoder):
    """One row per item: `pair` gives (a, b), `target` the answer token."""

    def __init__(self, universe: Sequence[Item]) -> None:
        super().__init__(universe)
        self._answers: dict[int, str] = {}
        for item in universe:
            self._answers.setdefault(self.target(item), item.answer)

    @abstractmethod
    def pair(self, item: Item) -> tuple[int, int]:
        """The two input tokens, each in range(n_a) and range(n_b)."""

    @abstractmethod
    def target(self, item: Item) -> int:
        """The answer token, in range(n_out)."""

    def rows(self, item: Item) -> list[Row]:
        a, b = self.pair(item)
        return [(a, b, self.target(item))]

    def answer(self, index: int) -> str:
        """The answer string an output index stands for (as `Item.answer` spells it)."""
        return self._answers.get(index, str(index))

    def decode(self, item: Item, outputs: Sequence[int]) -> str:
        return self.answer(int(outputs[0]))


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
class ModArithEncoder(SingleRowEncoder):
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


class Vocabulary:
    """Hashable things ↔ 0, 1, 2, … in a fixed (sorted) order."""

    def __init__(self, things: set[Hashable], what: str) -> None:
        self.things: list[Hashable] = sorted(things, key=repr)
        self.index = {t: i for i, t in enumerate(self.things)}
        self.what = what

    def __len__(self) -> int:
        return len(self.things)

    def __getitem__(self, thing: Hashable) -> int:
        try:
            return self.index[thing]
        except KeyError:
            raise ValueError(f"{self.what} {thing!r} is not in this encoder's deck") from None


@register_encoder("chords")
class ChordEncoder(Encoder):
    """One row per note: (the note the prompt names, (what is asked, position)) → that note.

    - `Dbm7`: a = Db (the root), b = ("symbol", "m7", i) → the i-th note, Db Fb Ab Cb;
    - `C7, second inversion`: a = C, b = ("inversion", "7", 2, i) → G Bb C E;
    - `ii7 in Ab major`: a = Ab (the tonic), b = ("numeral", "major", "ii7", i) → Bb Db F Ab.

    The first token is a note from one shared vocabulary: a chord's root and a key's tonic
    are the same token, so a held-out key (none of whose numerals is ever trained) is a
    tonic the network has met as the root of chords; a held-out (root, quality) pair is a
    root it has met with other qualities and a quality met on other roots. The second token
    never says which notes, only what was asked and which place in the answer: the degree
    formulas, the inversions' rotation and the keys' scales are for the network to find.
    It is told how many notes the answer has (one row per note).
    """

    def setup(self, universe: Sequence[Item]) -> None:
        self.notes_in = Vocabulary({self.named(it) for it in universe}, "note")
        self.asks = Vocabulary({ask for it in universe for ask in self.asked(it)}, "question")
        self.notes_out = Vocabulary({n for it in universe for n in it.data["notes"]}, "note")
        self.n_a, self.n_b, self.n_out = len(self.notes_in), len(self.asks), len(self.notes_out)

    @staticmethod
    def named(item: Item) -> str:
        """The note the prompt names: the tonic of a numeral's key, else the root."""
        data = item.data
        return str(data["tonic"] if data["kind"] == "numeral" else data["root"])

    @staticmethod
    def asked(item: Item) -> list[tuple[str | int, ...]]:
        """The second token of each row: what the prompt asks, and the position."""
        data = item.data
        kind = data["kind"]
        if kind == "numeral":
            what: tuple[str | int, ...] = (kind, data["mode"], data["numeral"])
        elif kind == "inversion":
            what = (kind, data["quality"], int(data["inversion"]))
        else:
            what = (kind, data["quality"])
        return [(*what, i) for i in range(len(data["notes"]))]

    def rows(self, item: Item) -> list[Row]:
        a = self.notes_in[self.named(item)]
        targets = (self.notes_out[n] for n in item.data["notes"])
        return [(a, self.asks[ask], t) for ask, t in zip(self.asked(item), targets, strict=True)]

    def decode(self, item: Item, outputs: Sequence[int]) -> str:
        return " ".join(str(self.notes_out.things[int(i)]) for i in outputs)
