"""Chess decks: the board beside the prompt, drawn by the board widget from each step."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import chess
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Static

from drill.decks import Deck
from drill.domains.chess_moves import parse_move
from drill.protocol.engine import Feedback, Outcome
from drill.tui.views.base import ItemView
from drill.tui.widgets.board import Board


class BoardView(ItemView):
    """A position (`fen`, and `last_move` highlighted) on the board, the prompt beside it."""

    screen_class: ClassVar[str] = "with-board"
    pause_after_right = 1.2
    """Long enough to see the right move land on the board before the next puzzle."""

    def __init__(self, deck: Deck) -> None:
        super().__init__(deck)
        self.board = Board(id="board")
        self.step: tuple[str, str | None] | None = None
        """The position on screen and the move that led to it."""

    def item_area(self, prompt: Static) -> Iterator[Widget]:
        yield Horizontal(self.board, prompt, id="item")

    def show(self, data: Mapping[str, Any]) -> None:
        if "fen" in data:
            last = data.get("last_move")
            self.step = (str(data["fen"]), last and str(last))
            self.board.show(*self.step)

    def judged(self, outcome: Outcome, typed: str) -> None:
        """A right last move is played on the board, the move marked, until the next
        puzzle; after a miss the solution's squares are marked. A probe shows neither (its
        answer is never told), and a right move mid-line waits for the reply's step."""
        if self.step is None or outcome.feedback in (Feedback.UNREADABLE, Feedback.CONTINUE):
            return
        fen, last = self.step
        right = outcome.feedback is Feedback.CORRECT or (
            outcome.feedback is Feedback.LATE and outcome.correct
        )
        board = chess.Board(fen)
        if right:
            move, _why = parse_move(board, typed)
            if move is not None:
                side, played = board.turn, board.san(move)
                board.push(move)
                name = "White" if side == chess.WHITE else "Black"
                self.board.show(
                    board.fen(), move.uci(), played_by=side, caption=f"{name} played {played}"
                )
        elif outcome.answer is not None:
            move, _why = parse_move(board, outcome.answer)
            if move is not None:
                self.board.show(fen, last, solution=move.uci())
