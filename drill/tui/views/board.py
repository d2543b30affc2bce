"""Chess decks: the board beside the prompt, drawn by the board widget from each step."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Static

from drill.decks import Deck
from drill.tui.views.base import ItemView
from drill.tui.widgets.board import Board


class BoardView(ItemView):
    """A position (`fen`, and `last_move` highlighted) on the board, the prompt beside it."""

    screen_class: ClassVar[str] = "with-board"

    def __init__(self, deck: Deck) -> None:
        super().__init__(deck)
        self.board = Board(id="board")

    def item_area(self, prompt: Static) -> Iterator[Widget]:
        yield Horizontal(self.board, prompt, id="item")

    def show(self, data: Mapping[str, Any]) -> None:
        if "fen" in data:
            last = data.get("last_move")
            self.board.show(str(data["fen"]), last and str(last))
