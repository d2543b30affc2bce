"""Turn a deck's items into what the network reads: rows of input tokens and one answer.

An encoder is built from a deck's whole universe of items (so the vocabulary is the same
whether the network has seen three items or all of them) and maps any item of that deck
to one or more rows `(tokens, target)`, all small integers: the tokens of a row are summed
in the network's first layer, so a row is a bag of them. An item is answered right only
when every one of its rows is, or, for an encoder that restricts the answer to `choices`
(chess: legal moves only), when its best allowed candidate is accepted. The encoder also
turns the network's scores for an item's rows back into the answer as the learner would
type it, which is how `OnlineLearner.predict` answers.

- modarith and control: one row per item, `(a, b) → a ∘ b mod p` (modarith_encoder.py).
- chords: one row per place of the answer, `(note named in the prompt, (what is asked,
  place)) → the spelled note at that place`, END after the last (chords_encoder.py).
- chess: two rows per position, the board's (square, piece) tokens → the from-square and
  the to-square of the move (chess_encoder.py).

Each lives in its own module, which imports this one and never the reverse; a domain's
spec names its encoder as "module:Class" (drill/domains/__init__.py), and `get_encoder`
imports that module only when a network is built, so the modarith network never imports
python-chess. A domain that wants a reference network writes one (docs/new-domain.md):

    class NameEncoder(Encoder):
        def setup(self, universe): ...          # set n_tokens and n_out
        def rows(self, item): ...               # [(tokens, target), ...] in answer order
        def spell(self, item, targets): ...     # one target per row → the answer string
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from drill.domains import DOMAINS, get_spec
from drill.domains.base import Item
from drill.domains.spec import load
from drill.errors import UserError
from drill.reference.network import PAD, Array, Choices

IntArray = NDArray[np.intp]
Row = tuple[tuple[int, ...], int]
"""One example: its input tokens (one vocabulary) and the answer token."""
Screen = Mapping[str, Any]
"""What is on screen for a step of an item (`Presentation.data`): the item's data, updated
by a follow-up (chess: the position after the reply)."""
Candidates = list[tuple[tuple[int, ...], bool]]
"""An item's allowed answers: one target per row, and whether the judge accepts it."""


@dataclass(frozen=True)
class Encoded:
    """Items as arrays: every row of every item, and which item each row belongs to."""

    inputs: IntArray  # (rows, k): the input tokens of each row, PAD after the last
    targets: IntArray  # (rows,): the answer token of each row
    n_tokens: int  # vocabulary of the input tokens
    n_out: int  # number of possible answer tokens
    items: IntArray | None = None  # (rows,): index of each row's item; None: one row per item
    n_items: int | None = None  # how many items (None: as many as rows)
    tokens_per_row: float = 2.0  # the encoder's typical count (the network's init scale)
    choices: Choices | None = None  # the allowed answers, if the encoder restricts them

    @property
    def n(self) -> int:
        """How many items (not rows)."""
        return len(self.targets) if self.n_items is None else self.n_items


class Encoder(ABC):
    """Maps one domain's items to rows of tokens, and the network's outputs back to answers."""

    n_tokens: int
    n_out: int
    tokens_per_row: float = 2.0
    """Real (not padding) tokens in a typical row: sets the scale of the first layer."""

    def __init__(self, universe: Sequence[Item]) -> None:
        if not universe:
            raise ValueError("an encoder needs the deck's items to size its vocabulary")
        self.setup(universe)

    @abstractmethod
    def setup(self, universe: Sequence[Item]) -> None:
        """Set `n_tokens` and `n_out` (and any vocabulary) from the deck's items."""

    @abstractmethod
    def rows(self, item: Item) -> list[Row]:
        """The item's rows `(tokens, target)`, at least one, in the order of its answer."""

    @abstractmethod
    def spell(self, item: Item, targets: Sequence[int]) -> str:
        """The answer string for one target per row (spelled as `Item.answer` is)."""

    def tokens(self, item: Item, screen: Screen | None = None) -> list[tuple[int, ...]]:
        """The input tokens of each row for what is on screen (by default, the item)."""
        return [tokens for tokens, _ in self.rows(item)]

    def decode(self, item: Item, scores: Array, screen: Screen | None = None) -> str:
        """The answer for the network's scores (rows × n_out) on `tokens(item, screen)`:
        by default each row's most likely target."""
        return self.spell(item, [int(i) for i in np.argmax(scores, axis=1)])

    def choices(self, item: Item) -> Candidates | None:
        """The answers allowed for `rows(item)`, or None when any output is (the default)."""
        return None

    def encode(self, items: Sequence[Item]) -> Encoded:
        """All rows of all items, in order, padded with PAD to the longest row; `items` names
        each row's item when some have several rows."""
        per_item = [self.rows(it) for it in items]
        flat = [row for rows in per_item for row in rows]
        width = max((len(tokens) for tokens, _ in flat), default=1)
        inputs = np.full((len(flat), width), PAD, dtype=np.intp)
        for i, (tokens, _) in enumerate(flat):
            inputs[i, : len(tokens)] = tokens
        targets = np.array([t for _, t in flat], dtype=np.intp)
        sizes = [len(r) for r in per_item]
        owner = np.repeat(np.arange(len(items), dtype=np.intp), sizes)
        choices = self._choices(items, np.cumsum([0, *sizes[:-1]]).tolist())
        one_row = len(flat) == len(items)
        return Encoded(
            inputs,
            targets,
            self.n_tokens,
            self.n_out,
            None if one_row and choices is None else owner,
            None if one_row and choices is None else len(items),
            self.tokens_per_row,
            choices,
        )

    def _choices(self, items: Sequence[Item], first_rows: list[int]) -> Choices | None:
        """Every item's candidates as arrays, rows numbered as in `encode`."""
        owner: list[int] = []
        rows: list[list[int]] = []
        targets: list[tuple[int, ...]] = []
        accepted: list[bool] = []
        for i, (item, first) in enumerate(zip(items, first_rows, strict=True)):
            allowed = self.choices(item)
            if allowed is None:
                return None
            for assignment, ok in allowed:
                owner.append(i)
                rows.append([first + j for j in range(len(assignment))])
                targets.append(assignment)
                accepted.append(ok)
        width = max((len(t) for t in targets), default=1)
        if any(len(t) != width for t in targets):
            raise ValueError("every candidate must assign a target to the same number of rows")
        return Choices(
            np.array(owner, dtype=np.intp),
            np.array(rows, dtype=np.intp).reshape(-1, width),
            np.array(targets, dtype=np.intp).reshape(-1, width),
            np.array(accepted, dtype=bool),
            len(items),
        )


class PairEncoder(Encoder):
    """Two tokens a row, `a` from n_a values and `b` from n_b: the tokens a and n_a + b."""

    n_a: int
    n_b: int

    def __init__(self, universe: Sequence[Item]) -> None:
        super().__init__(universe)
        self.n_tokens = self.n_a + self.n_b

    def pair_row(self, a: int, b: int, target: int) -> Row:
        return (a, self.n_a + b), target


class SingleRowEncoder(PairEncoder):
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
        return [self.pair_row(a, b, self.target(item))]

    def answer(self, index: int) -> str:
        """The answer string an output index stands for (as `Item.answer` spells it)."""
        return self._answers.get(index, str(index))

    def spell(self, item: Item, targets: Sequence[int]) -> str:
        return self.answer(int(targets[0]))


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


class NoEncoderError(UserError):
    """The domain's spec declares no encoder, so the reference network cannot read it."""

    def __init__(self, domain_name: str) -> None:
        known = ", ".join(name for name, spec in DOMAINS.items() if spec.encoder is not None)
        super().__init__(
            f"the reference network has no encoder for {domain_name!r} (it has one for {known})"
        )


def has_encoder(domain_name: str) -> bool:
    """Whether the domain's spec names an encoder (nothing is imported to find out)."""
    return get_spec(domain_name).encoder is not None


def get_encoder(domain_name: str, universe: Sequence[Item]) -> Encoder:
    """The encoder the domain's spec names, sized by the deck's items.

    KeyError for an unknown domain; NoEncoderError (one line) for one that declares none.
    """
    dotted = get_spec(domain_name).encoder
    if dotted is None:
        raise NoEncoderError(domain_name)
    cls = load(dotted)
    if not (isinstance(cls, type) and issubclass(cls, Encoder)):
        raise TypeError(f"{dotted} is not an Encoder class")
    return cls(universe)
