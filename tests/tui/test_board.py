"""The board widget in isolation, driven by Textual's pilot in a tiny app."""

from __future__ import annotations

from pathlib import Path

import chess
import pytest
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Static

from drill.app.practice import start_practice
from drill.decks import load_deck
from drill.domains.base import Item
from drill.domains.chess import Chess, item_data, prompt_for, puzzle_id
from drill.domains.chess_puzzles import Puzzle
from drill.store.history import History
from drill.tui.app import make_app
from drill.tui.screens.session import SessionScreen
from drill.tui.widgets.board import Board, board_text
from tests.tui.test_session import FakeClock

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
    """White to move at 80×24: rank 8 on top, files a–h, side stated, three cells a
    square (26×10)."""
    async with BoardApp(chess.STARTING_FEN).run_test(size=(80, 24)) as pilot:
        shown = lines(pilot.app)
        assert shown[0] == "8  ♜  ♞  ♝  ♛  ♚  ♝  ♞  ♜ "
        assert shown[7] == "1  ♜  ♞  ♝  ♛  ♚  ♝  ♞  ♜ "
        assert shown[8] == "   a  b  c  d  e  f  g  h"
        assert shown[9] == "White to move"
        board = pilot.app.query_one(Board)
        assert (board.size.width, board.size.height) == (26, 10)


async def test_board_is_large_at_100_by_30() -> None:
    """At 100×30 a square is five cells by two rows (42×18), the labels under their files."""
    async with BoardApp(chess.STARTING_FEN).run_test(size=(100, 30)) as pilot:
        board = pilot.app.query_one(Board)
        assert (board.size.width, board.size.height) == (42, 18)
        shown = lines(pilot.app)
        assert shown[0].startswith("8   ♜    ♞")
        assert shown[16] == "    a    b    c    d    e    f    g    h"
        assert shown[17] == "White to move"


async def test_board_turns_for_black() -> None:
    """Black to move: rank 1 on top and files h–a, so Black's pieces are at the bottom."""
    fen = "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1"
    async with BoardApp(fen).run_test(size=(80, 24)) as pilot:
        shown = lines(pilot.app)
        assert shown[0].startswith("1  ♜  ♞  ♝  ♚  ♛")
        assert shown[8] == "   h  g  f  e  d  c  b  a"
        assert shown[9] == "Black to move"


def piece_styles(text: Text) -> dict[str, set[tuple[bool, bool]]]:
    """For each piece colour on the board, the (bold, underline) pairs its glyphs have."""
    found: dict[str, set[tuple[bool, bool]]] = {"#ffffff": set(), "#000000": set()}
    for span in text.spans:
        style = span.style if isinstance(span.style, Style) else Style.parse(span.style)
        colour = style.color.name if style.color else ""
        if colour in found:
            found[colour].add((bool(style.bold), bool(style.underline)))
    return found


def test_sides_differ_by_more_than_shape() -> None:
    """White's pieces are bold and Black's underlined, besides their colours: on light
    and dark squares alike, and under NO_COLOR the underline remains; letters mode uses
    case as well."""
    styles = piece_styles(board_text(chess.STARTING_FEN))
    assert styles == {"#ffffff": {(True, False)}, "#000000": {(False, True)}}
    letters = board_text(chess.STARTING_FEN, glyphs="letters").plain
    assert letters.splitlines()[0] == "8  r  n  b  q  k  b  n  r "
    assert letters.splitlines()[7] == "1  R  N  B  Q  K  B  N  R "


def test_last_move_and_solution_are_marked_without_colour() -> None:
    """The last move's squares read `( )`, the solution's `[ ]`, each on its own colour."""
    text = board_text(MATE_IN_2.fen, "d5e6", solution="e2e6")
    rows = text.plain.splitlines()
    assert "( )" in rows[3]  # d5, empty now
    assert "[♛]" in rows[2]  # e6: the queen the solution takes (the solution's mark wins)
    assert "[♛]" in rows[6]  # e2: White's queen, which takes it
    highlight = [s for s in text.spans if "#d6d15e" in str(s.style) or "#a9a336" in str(s.style)]
    solution = [s for s in text.spans if "#8fc98a" in str(s.style) or "#5b9a56" in str(s.style)]
    assert highlight
    assert solution


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
        assert "White to move. Black played Rf4-f7." in str(
            app.query_one("#prompt", Static).render()
        )
        await pilot.press(*"Qxf7#", "enter")
        await pilot.pause()
        assert app.verdicts == ["correct", "correct"]
        assert app.progress == "2"


async def item_up(pilot: Pilot[None]) -> SessionScreen:
    """The session screen once its item's clock runs (it starts when the item is drawn)."""
    for _ in range(200):
        screen = pilot.app.screen
        if isinstance(screen, SessionScreen) and screen.shown_mono is not None:
            return screen
        await pilot.pause(0.05)
    raise AssertionError("no item came up")


def mates(board: chess.Board, move: chess.Move, key: chess.Move) -> bool:
    """The key, or a move that mates (judged right as any mate is)."""
    after = board.copy()
    after.push(move)
    return move == key or after.is_checkmate()


async def test_a_session_shows_the_solution_after_a_miss_and_the_move_after_a_hit(
    db_path: Path,
) -> None:
    """In `drill start chess`: a wrong move marks the solution's squares on the board; a
    right last move is played on the board, marked, before the next puzzle comes."""
    deck, clock = load_deck("chess", ["session.probe_rate=0"]), FakeClock()
    history = History.open(str(db_path))
    app = make_app(lambda: start_practice(deck, history, "ann"), clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        screen = await item_up(pilot)
        shown = screen.shown
        assert shown is not None
        board = chess.Board(str(shown.data["fen"]))
        key = board.parse_san(shown.item.answer)
        wrong = next(m for m in sorted(board.legal_moves, key=str) if not mates(board, m, key))
        await pilot.press(*wrong.uci(), "enter")
        await pilot.pause()
        widget = app.screen.query_one(Board)
        assert widget.solution == key.uci()
        assert widget.fen == shown.data["fen"]
        # The line that names the wanted move is on screen too, under the large board.
        stage, said = app.screen.query_one("#stage"), app.screen.query_one("#feedback")
        assert said.region.height > 0
        assert stage.region.contains_region(said.region)
        await pilot.press("enter")  # the next puzzle
        screen = await item_up(pilot)
        shown = screen.shown
        assert shown is not None
        while True:
            before = chess.Board(str(shown.data["fen"]))
            move = before.parse_san(Chess().answer_at(shown.item, shown.progress))
            clock.now += 1
            await pilot.press(*move.uci(), "enter")
            await pilot.pause()
            after = screen.shown
            if after is None or after.item.id != shown.item.id:
                break
            shown = after
        mover, san = before.turn, before.san(move)
        before.push(move)
        assert widget.last_move == move.uci()
        assert widget.fen == before.fen()
        assert widget.solution is None
        # Still turned to the learner's side, saying what was played (not whose turn).
        assert widget.seen_by == mover
        assert widget.caption == f"{'White' if mover == chess.WHITE else 'Black'} played {san}"


async def test_a_move_that_wins_too_is_taken_as_right_and_says_the_line(
    db_path: Path, tmp_path: Path
) -> None:
    """A learner who wins material another way than the puzzle's line is told they are
    right, and which move the line played; the puzzle ends there."""
    from drill.domains.chess_puzzles import save_puzzles

    puzzle = Puzzle(
        "rn1qkbnr/pp3ppp/4p3/3pP3/2pP4/1P2BN2/P1b1BPPP/RN1Q1RK1 w kq - 0 9",
        ("d1c2", "b8c6", "c2a4"),
        "hanging-piece",
        "g6c2",
        {"also": [["b3c4"], []]},
    )
    path = tmp_path / "one.jsonl.gz"
    save_puzzles(path, [puzzle])
    deck = load_deck("chess", [f"puzzles={path}", "session.probe_rate=0", "session.length=1"])
    history = History.open(str(db_path))
    app = make_app(lambda: start_practice(deck, history, "ann"), clock=FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await item_up(pilot)
        await pilot.press(*"bxc4", "enter")
        await pilot.pause()
        said = str(app.screen.query_one("#feedback", Static).render())
        assert "✓ right (that wins too; the line was Qxc2)" in said
    rows = list(history.export())
    assert [(r["response"], r["result"], r["step"]) for r in rows] == [("bxc4", "correct", 0)]
