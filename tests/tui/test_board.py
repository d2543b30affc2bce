"""The board widget in isolation, driven by Textual's pilot in a tiny app."""

from __future__ import annotations

import chess
import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from drill.domains.base import Item
from drill.domains.chess import Chess, item_data, prompt_for, puzzle_id
from drill.domains.chess_puzzles import Puzzle
from drill.tui.widgets.board import Board, board_text

MATE_IN_2 = Puzzle(
    "r5k1/1p2R3/2p1q1P1/p1p3p1/5rB1/2B4P/PP2QP2/6K1 w - - 6 31",
    ("e2e6", "f4f7", "e6f7"),
    "mate-in-2",
    "d5e6",
)


def lines(app: App[None]) -> list[str]:
    board = app.query_one(Board)
    return board.render().plain.splitlines()


class BoardApp(App[None]):
    """One board, as a session screen would show it."""

    def __init__(self, fen: str, last_move: str | None = None) -> None:
        super().__init__()
        self.fen, self.last = fen, last_move

    def compose(self) -> ComposeResult:
        yield Board(self.fen, self.last)


class PuzzleApp(App[None]):
    """A board, a prompt and an input that play one puzzle through the chess domain."""

    def __init__(self, item: Item) -> None:
        super().__init__()
        self.item, self.progress = item, ""
        self.verdicts: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(self.item.prompt, id="prompt")
        yield Board(self.item.data["fen"], self.item.data.get("last_move"))
        yield Input(id="answer")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        judgement = Chess().judge(self.item, event.value, self.progress)
        self.verdicts.append(judgement.verdict.value)
        event.input.value = ""
        follow = judgement.follow_up
        if follow is not None:
            self.progress = follow.progress
            self.query_one("#prompt", Static).update(follow.prompt)
            self.query_one(Board).show(follow.data["fen"], follow.data["last_move"])


async def test_board_fits_and_labels_from_whites_side() -> None:
    """White to move: rank 8 on top, files a–h, side stated, 18×10 cells."""
    async with BoardApp(chess.STARTING_FEN).run_test(size=(80, 24)) as pilot:
        shown = lines(pilot.app)
        assert shown[0] == "8 ♜ ♞ ♝ ♛ ♚ ♝ ♞ ♜ "
        assert shown[7] == "1 ♖ ♘ ♗ ♕ ♔ ♗ ♘ ♖ "
        assert shown[8] == "  a b c d e f g h"
        assert shown[9] == "White to move"
        board = pilot.app.query_one(Board)
        assert (board.size.width, board.size.height) == (18, 10)


async def test_board_turns_for_black() -> None:
    """Black to move: rank 1 on top and files h–a, so Black's pieces are at the bottom."""
    fen = "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1"
    async with BoardApp(fen).run_test(size=(80, 24)) as pilot:
        shown = lines(pilot.app)
        assert shown[0].startswith("1 ♖ ♘ ♗ ♔ ♕")
        assert shown[8] == "  h g f e d c b a"
        assert shown[9] == "Black to move"


def test_sides_differ_in_shape_not_only_colour() -> None:
    """Without colour, every white glyph differs from every black one; letters mode too."""
    plain = board_text(chess.STARTING_FEN).plain
    assert set("♔♕♖♗♘♙") <= set(plain)
    assert set("♚♛♜♝♞♟") <= set(plain)
    letters = board_text(chess.STARTING_FEN, glyphs="letters").plain
    assert letters.splitlines()[0] == "8 r n b q k b n r "


def test_last_move_is_highlighted() -> None:
    """The two squares of `last_move` get the highlight colour, the others do not."""
    text = board_text(MATE_IN_2.fen, "d5e6")
    colours = ("#d6d15e", "#a9a336")
    highlighted = [s for s in text.spans if any(c in str(s.style) for c in colours)]
    assert len(highlighted) == 2


def test_bad_fen_is_shown_not_raised() -> None:
    """A FEN that is not a position draws a message instead of raising."""
    assert "not a position" in board_text("garbage").plain


def test_glyph_set_is_checked() -> None:
    """An unknown glyph set is refused."""
    with pytest.raises(ValueError, match="glyphs"):
        Board(glyphs="emoji")


async def test_pilot_solves_a_two_move_puzzle() -> None:
    """Typing the key, then the mate, plays the reply on the board and ends in mate."""
    item = Item(puzzle_id(MATE_IN_2), "train", prompt_for(MATE_IN_2), "Qxe6+", item_data(MATE_IN_2))
    app = PuzzleApp(item)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "White to move. Black played Qd5-e6." in str(
            app.query_one("#prompt", Static).render()
        )
        await pilot.click("#answer")
        await pilot.press(*"qxe6", "enter")
        await pilot.pause()
        assert app.verdicts == ["correct"]
        board = app.query_one(Board)
        assert board.fen == "r5k1/1p2Rr2/2p1Q1P1/p1p3p1/6B1/2B4P/PP3P2/6K1 w - - 1 32"
        assert board.last_move == "f4f7"
        assert "Black played Rf7." in str(app.query_one("#prompt", Static).render())
        await pilot.press(*"Qxf7#", "enter")
        await pilot.pause()
        assert app.verdicts == ["correct", "correct"]
        assert app.progress == "2"
