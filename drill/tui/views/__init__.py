"""Item views: how the session screen draws one kind of item, picked by the domain's spec.

A domain's spec names a view kind (`DomainSpec.view`); `view_for` maps it to a view class
here, importing the view's module only then (the board view brings python-chess). The
session screen asks its view for the item's widgets and hands it each step's data, and
so knows neither glyphs nor positions.
"""

from __future__ import annotations

from typing import cast

from drill.decks import Deck
from drill.domains.spec import ViewKind, load
from drill.tui.views.base import ItemView

__all__ = ["VIEWS", "ItemView", "view_for"]

VIEWS: dict[ViewKind, str] = {
    "text": "drill.tui.views.base:TextView",
    "glyphs": "drill.tui.views.glyphs:GlyphView",
    "board": "drill.tui.views.board:BoardView",
    "steps": "drill.tui.views.steps:StepsView",
}
"""View kind → "module:Class" of its `ItemView`."""


def view_for(deck: Deck) -> ItemView:
    """The view the deck's domain asks for, set up for this deck."""
    cls = cast(type[ItemView], load(VIEWS[deck.spec.view]))
    return cls(deck)


def shown_title(deck: Deck, view: ItemView | None = None) -> str:
    """The deck's title as every screen shows it: "… in glyphs" when its numbers are drawn
    as glyphs, so a glyph session is never named like the numeral one."""
    view = view_for(deck) if view is None else view
    return f"{deck.title} in glyphs" if view.glyphs else deck.title
