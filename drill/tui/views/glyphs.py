"""Glyph decks: the prompt, and under the hint which key types which glyph."""

from __future__ import annotations

from collections.abc import Iterator

from textual.widget import Widget
from textual.widgets import Static

from drill.decks import Deck
from drill.domains.modarith import glyph_legend
from drill.tui.views.base import ItemView


class GlyphView(ItemView):
    """Modular arithmetic: glyphs when the deck's presentation is glyphs, else numerals."""

    def __init__(self, deck: Deck) -> None:
        super().__init__(deck)
        self.pairs: list[tuple[str, str]] = []
        if deck.params.get("presentation") == "glyphs":
            self.pairs = glyph_legend(int(deck.params["modulus"]), deck.seed)
        self.keys = {glyph: key for glyph, key in self.pairs}
        self.glyphs = {key: glyph for glyph, key in self.pairs}

    def aids(self) -> Iterator[Widget]:
        if self.pairs:
            yield Static(self.legend(), id="legend")

    def legend(self) -> str:
        """Which key types which glyph, in glyph order (it tells no arithmetic)."""
        return "  ".join(f"{glyph}={key}" for glyph, key in self.pairs)
