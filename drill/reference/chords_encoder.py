"""The chords encoder: one row per place of the answer, as a chord's notes are spelled."""

from __future__ import annotations

from collections.abc import Sequence

from drill.domains.base import Item
from drill.reference.encoders import PairEncoder, Row, Vocabulary


class ChordEncoder(PairEncoder):
    """One row per place: (the note the prompt names, (what is asked, place)) → that note.

    - `Dbm7`: a = Db (the root), b = ("symbol", "m7", i) → the i-th note, Db Fb Ab Cb,
      then END at places 4 and 5;
    - `C7, second inversion`: a = C, b = ("inversion", "7", 2, i) → G Bb C E;
    - `ii7 in Ab major`: a = Ab (the tonic), b = ("numeral", "major", "ii7", i) → Bb Db F Ab.

    The first token is a note from one shared vocabulary: a chord's root and a key's tonic
    are the same token, so a held-out key (none of whose numerals is ever trained) is a
    tonic the network has met as the root of chords; a held-out (root, quality) pair is a
    root it has met with other qualities and a quality met on other roots. The second token
    never says which notes, only what was asked and which place in the answer: the degree
    formulas, the inversions' rotation and the keys' scales are for the network to find.
    Every item has as many rows as the longest answer; the places past an answer's last
    note have the target END, so how many notes to give (a triad's three, a seventh's four)
    is for the network to learn, as it is for a person, not something it is told.
    """

    END = "—"
    """The target of a place after the answer's last note."""

    def setup(self, universe: Sequence[Item]) -> None:
        self.places = max(len(it.data["notes"]) for it in universe)
        self.notes_in = Vocabulary({self.named(it) for it in universe}, "note")
        self.asks = Vocabulary({ask for it in universe for ask in self.asked(it)}, "question")
        notes = {n for it in universe for n in it.data["notes"]}
        self.notes_out = Vocabulary({*notes, self.END}, "note")
        self.n_a, self.n_b, self.n_out = len(self.notes_in), len(self.asks), len(self.notes_out)

    @staticmethod
    def named(item: Item) -> str:
        """The note the prompt names: the tonic of a numeral's key, else the root."""
        data = item.data
        return str(data["tonic"] if data["kind"] == "numeral" else data["root"])

    def asked(self, item: Item) -> list[tuple[str | int, ...]]:
        """The second token of each row: what the prompt asks, and the place."""
        data = item.data
        kind = data["kind"]
        if kind == "numeral":
            what: tuple[str | int, ...] = (kind, data["mode"], data["numeral"])
        elif kind == "inversion":
            what = (kind, data["quality"], int(data["inversion"]))
        else:
            what = (kind, data["quality"])
        return [(*what, i) for i in range(self.places)]

    def rows(self, item: Item) -> list[Row]:
        a = self.notes_in[self.named(item)]
        notes = list(item.data["notes"])
        spelled = notes + [self.END] * (self.places - len(notes))
        targets = (self.notes_out[n] for n in spelled)
        asks = (self.asks[ask] for ask in self.asked(item))
        return [self.pair_row(a, b, t) for b, t in zip(asks, targets, strict=True)]

    def spell(self, item: Item, targets: Sequence[int]) -> str:
        notes = (str(self.notes_out.things[int(i)]) for i in targets)
        return " ".join(note for note in notes if note != self.END)
