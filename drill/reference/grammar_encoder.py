"""The grammar encoder: a stem's letters and the form asked for in, one answer letter out.

One row per place of the answer, counted from the end of the stem (as the chord encoder
counts places from the root): place -1 is where the stem's last letter was, 0 the first
letter after it. A row's tokens are

- the stem's letters, each with its place from the end (`(1, "u")` for the u of `tapu`),
- the question: the word class, the form asked for and the row's place
  (`("noun", "plural, object", 0)`),

and its target is the answer's letter at that place, or BLANK past the answer's end. A
stem has as many rows as letters, then `after` more, the most any ending needs; how long
the ending is, whether the stem's last letter stays, which vowel an ending takes, is for
the network to find. A held-out stem is new letters in places met on other stems, so the
network can inflect it only if it has found how the endings attach.
"""

from __future__ import annotations

from collections.abc import Sequence

from drill.domains.base import Item
from drill.reference.encoders import Encoder, Row, Vocabulary


class GrammarEncoder(Encoder):
    """Rows `(stem letters by place from the end, (class, form, place)) → letter`."""

    BLANK = "—"
    """The target of a place after the answer's last letter."""

    def setup(self, universe: Sequence[Item]) -> None:
        self.after = max(len(it.answer) - len(self.stem(it)) for it in universe)
        self.letters = Vocabulary({t for it in universe for t in self.placed(it)}, "letter")
        self.asks = Vocabulary({ask for it in universe for ask in self.asked(it)}, "question")
        self.out = Vocabulary({c for it in universe for c in it.answer} | {self.BLANK}, "letter")
        self.n_tokens = len(self.letters) + len(self.asks)
        self.n_out = len(self.out)
        self.tokens_per_row = 1 + sum(len(self.stem(it)) for it in universe) / len(universe)

    @staticmethod
    def stem(item: Item) -> str:
        return str(item.data["stem"])

    def placed(self, item: Item) -> list[tuple[int, str]]:
        """The stem's letters with their places from its end: `tapu` → (4, t) … (1, u)."""
        stem = self.stem(item)
        return [(len(stem) - i, c) for i, c in enumerate(stem)]

    def places(self, item: Item) -> range:
        return range(-len(self.stem(item)), self.after)

    def asked(self, item: Item) -> list[tuple[str, str, int]]:
        kind, form = str(item.data["kind"]), str(item.data["form"])
        return [(kind, form, place) for place in self.places(item)]

    def rows(self, item: Item) -> list[Row]:
        stem = self.stem(item)
        letters = tuple(self.letters[t] for t in self.placed(item))
        offset = len(self.letters)
        rows: list[Row] = []
        for ask in self.asked(item):
            at = len(stem) + ask[2]
            target = item.answer[at] if 0 <= at < len(item.answer) else self.BLANK
            rows.append(((*letters, offset + self.asks[ask]), self.out[target]))
        return rows

    def spell(self, item: Item, targets: Sequence[int]) -> str:
        letters = (str(self.out.things[int(i)]) for i in targets)
        return "".join(c for c in letters if c != self.BLANK)
