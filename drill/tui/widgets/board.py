"""A chess board drawn from a FEN, from the side to move's point of view.

Two sizes: three cells a square (26 columns by 10 rows: rank labels, eight squares a
rank, the file labels, who is to move), or, when the terminal has 30 rows or more, five
cells by two rows a square (42 by 18). The board paints its own square colours, so it
reads the same in light and dark themes. Both sides use the solid glyphs (♚♛♜♝♞♟, or
letters), White's in bold white and Black's in black and underlined, so they differ by
more than colour: under NO_COLOR the underline still tells them apart.

Marks are drawn in the square's side cells as well as in colour, so they survive
NO_COLOR: the last move's two squares as `(♞)` on a yellow ground, the solution's (after
a miss) as `[♞]` on a green one.
"""

from __future__ import annotations

import chess
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

WHITE_GLYPHS = dict(zip("KQRBNP", "♚♛♜♝♞♟", strict=True))
BLACK_GLYPHS = dict(zip("kqrbnp", "♚♛♜♝♞♟", strict=True))
LIGHT_SQUARE = "#c9a66b"
DARK_SQUARE = "#8f6a3e"
LIGHT_HIGHLIGHT = "#d6d15e"
DARK_HIGHLIGHT = "#a9a336"
LIGHT_SOLUTION = "#8fc98a"
DARK_SOLUTION = "#5b9a56"
WHITE_PIECE = "#ffffff"
BLACK_PIECE = "#000000"
GLYPH_SETS = ("unicode", "letters")
LAST_MARKS = ("(", ")")
SOLUTION_MARKS = ("[", "]")
COMPACT = (3, 1)
LARGE = (5, 2)
"""A square's (width, height) in cells."""
LARGE_FROM_ROWS = 30
"""A terminal this tall or taller gets the large board."""


def piece_glyph(piece: chess.Piece, glyphs: str = "unicode") -> str:
    symbol = piece.symbol()
    if glyphs == "letters":
        return symbol
    return WHITE_GLYPHS.get(symbol) or BLACK_GLYPHS[symbol]


def piece_style(piece: chess.Piece, background: str) -> Style:
    """White: bold white; Black: black, underlined (a cue that needs no colour)."""
    if piece.color == chess.WHITE:
        return Style(color=WHITE_PIECE, bgcolor=background, bold=True)
    return Style(color=BLACK_PIECE, bgcolor=background, underline=True)


def _squares(uci: str | None) -> set[chess.Square]:
    if not uci:
        return set()
    try:
        move = chess.Move.from_uci(uci)
    except ValueError:
        return set()
    return {move.from_square, move.to_square}


def board_text(
    fen: str,
    last_move: str | None = None,
    glyphs: str = "unicode",
    *,
    solution: str | None = None,
    square: tuple[int, int] = COMPACT,
    seen_by: chess.Color | None = None,
    caption: str | None = None,
) -> Text:
    """The board as rich Text: 8 ranks, the file labels, and who is to move.

    `last_move` and `solution` (UCI) mark their two squares; the solution wins where both
    fall on one square. `square` is a square's (width, height) in cells. The board is seen
    from `seen_by`'s side (default: the side to move's), and `caption` replaces the line
    saying who is to move."""
    try:
        board = chess.Board(fen)
    except ValueError:
        return Text(f"not a position:\n{fen}")
    last, shown = _squares(last_move), _squares(solution)
    width, height = square
    pad = " " * ((width - 3) // 2)
    white_view = (board.turn if seen_by is None else seen_by) == chess.WHITE
    ranks = range(7, -1, -1) if white_view else range(8)
    files = range(8) if white_view else range(7, -1, -1)
    label = Style(dim=True)
    text = Text(no_wrap=True, overflow="crop")
    for rank in ranks:
        for row in range(height):
            text.append(f"{rank + 1} " if row == 0 else "  ", label)
            for file in files:
                sq = chess.square(file, rank)
                light = (file + rank) % 2 == 1
                marks = ("", "")
                if sq in shown:
                    background = LIGHT_SOLUTION if light else DARK_SOLUTION
                    marks = SOLUTION_MARKS
                elif sq in last:
                    background = LIGHT_HIGHLIGHT if light else DARK_HIGHLIGHT
                    marks = LAST_MARKS
                else:
                    background = LIGHT_SQUARE if light else DARK_SQUARE
                ground = Style(bgcolor=background)
                piece = board.piece_at(sq)
                if row != 0:
                    text.append(" " * width, ground)
                    continue
                left, right = marks[0] or " ", marks[1] or " "
                text.append(pad + left, Style(bgcolor=background, bold=True))
                if piece is None:
                    text.append(" ", ground)
                else:
                    text.append(piece_glyph(piece, glyphs), piece_style(piece, background))
                text.append(right + pad, Style(bgcolor=background, bold=True))
            text.append("\n")
    centre = " " * (width // 2)
    tail = " " * (width - width // 2 - 1)
    names = "".join(centre + chess.FILE_NAMES[f] + tail for f in files)
    text.append("  " + names.rstrip() + "\n", label)
    side = "White" if board.turn == chess.WHITE else "Black"
    text.append(caption if caption is not None else f"{side} to move", Style(bold=True))
    return text


class Board(Widget):
    """Shows `fen` from the side to move's point of view, `last_move` and `solution`
    (UCI) marked; large when the terminal is `LARGE_FROM_ROWS` tall or more."""

    DEFAULT_CSS = """
    Board {
        width: auto;
        height: auto;
    }
    """

    fen: reactive[str] = reactive(chess.STARTING_FEN)
    """The position shown."""
    last_move: reactive[str | None] = reactive(None)
    """The move that led here (UCI): its two squares are marked, or None."""
    solution: reactive[str | None] = reactive(None)
    """The move that was wanted (UCI), shown after a miss, or None."""
    glyphs: reactive[str] = reactive("unicode")
    """`unicode` (chess symbols) or `letters` (KQRBNP / kqrbnp)."""

    def __init__(
        self,
        fen: str = chess.STARTING_FEN,
        last_move: str | None = None,
        *,
        glyphs: str = "unicode",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        if glyphs not in GLYPH_SETS:
            raise ValueError(f"glyphs must be one of {GLYPH_SETS}, not {glyphs!r}")
        self.set_reactive(Board.fen, fen)
        self.set_reactive(Board.last_move, last_move)
        self.set_reactive(Board.glyphs, glyphs)
        self.seen_by: chess.Color | None = None
        self.caption: str | None = None

    def show(
        self,
        fen: str,
        last_move: str | None = None,
        solution: str | None = None,
        *,
        played_by: chess.Color | None = None,
        caption: str | None = None,
    ) -> None:
        """Show a new position, the move that led to it, and (after a miss) the solution.

        `played_by` keeps the board turned to the side that just played `last_move` (the
        learner, whose right move is shown before the next puzzle), under `caption`."""
        self.seen_by, self.caption = played_by, caption
        self.set_reactive(Board.last_move, last_move)
        self.set_reactive(Board.solution, solution)
        self.fen = fen
        self.refresh()

    def square_size(self, viewport: Size | None = None) -> tuple[int, int]:
        """A square's (width, height) for a terminal of `viewport` (default: the app's)."""
        rows = (viewport or self.app.size).height
        return LARGE if rows >= LARGE_FROM_ROWS else COMPACT

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return 2 + 8 * self.square_size(viewport)[0]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 8 * self.square_size(viewport)[1] + 2

    def render(self) -> Text:
        square = LARGE if self.size.height >= 8 * LARGE[1] + 2 else COMPACT
        return board_text(
            self.fen,
            self.last_move,
            self.glyphs,
            solution=self.solution,
            square=square,
            seen_by=self.seen_by,
            caption=self.caption,
        )
