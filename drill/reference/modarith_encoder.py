"""The modarith and control encoder: `(a, b) → a ∘ b mod p`, one row per item.

The two input tokens are the residues the prompt shows (as numerals or as glyphs: the
network reads the residues either way) and the target is the result's residue.
"""

from __future__ import annotations

from collections.abc import Sequence

from drill.domains.base import Item
from drill.reference.encoders import SingleRowEncoder


class ModArithEncoder(SingleRowEncoder):
    """a, b → the result residue: p tokens in, p answers out, whatever the presentation."""

    def setup(self, universe: Sequence[Item]) -> None:
        p = int(universe[0].data["modulus"])
        self.n_a = self.n_b = self.n_out = p

    def pair(self, item: Item) -> tuple[int, int]:
        return int(item.data["a"]), int(item.data["b"])

    def target(self, item: Item) -> int:
        return int(item.data["result"])


class ControlEncoder(ModArithEncoder):
    """The control deck has modarith's shape; only the table behind it is random."""
