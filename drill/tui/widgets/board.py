"""A chess board drawn from a FEN, from the side to move's point of view.

Eighteen columns by ten rows: rank labels, eight two-cell squares a rank, the file
labels, and a line saying who is to move. The board paints its own square colours, so it
reads the same in light and dark themes, and the sides differ in shape as well as colour:
White's pieces are outline glyphs (♔♕♖♗♘♙) in white, Black's filled ones (♚♛♜♝♞♟) in
black, the convention of printed diagrams. `glyphs="letters"` draws K Q R B N P for
White and k q r b n p for Black, for fonts that lack the chess symbols.
"""

from __future__ import annotations

import chess
from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

WHITE_GLYPHS = dict(zip("KQRBNP", "♔♕♖♗♘♙", strict=True))
BLACK_GLYPHS = dict(zip("kqrbnp", "♚♛♜♝♞♟", strict=True))
LIGHT_SQUARE = "#c9a66b"
DARK_SQUARE = "#8f6a3e"
LIGHT_HIGHLIGHT = "#d6d15e"
DARK_HIGHLIGHT = "#a9a336"
WHITE_PIECE = "#ffffff"
BLACK_PIECE = "#000000"
GLYPH_SETS = ("unicode", "letters")


def piece_glyph(piece: chess.Piece, glyphs: str = "unicode") -> str:
    symbol = piece.symbol()
    if glyphs == "letters":
        return symbol
    return WHITE_GLYPHS.get(symbol) or BLACK_GLYPHS[symbol]


def board_text(fen: str, last_move: str | None = None, glyphs: str = "unicode") -> Text:
    """The board as rich Text: 8 ranks, the file labels, and who is to move."""
    try:
        board = chess.Board(fen)
    except ValueError:
        return Text(f"not a position:\n{fen}")
    highlighted: set[chess.Square] = set()
    if last_move:
        try:
            move = chess.Move.from_uci(last_move)
            highlighted = {move.from_square, move.to_square}
        except ValueError:
            pass
    white_view = board.turn == chess.WHITE
    ranks = range(7, -1, -1) if white_view else range(8)
    files = range(8) if white_view else range(7, -1, -1)
    label = Style(dim=True)
    text = Text(no_wrap=True, overflow="crop")
    for rank in ranks:
        text.append(f"{rank + 1} ", label)
        for file in files:
            square = chess.square(file, rank)
            light = (file + rank) % 2 == 1
            if square in highlighted:
                background = LIGHT_HIGHLIGHT if light else DARK_HIGHLIGHT
            else:
                background = LIGHT_SQUARE if light else DARK_SQUARE
            piece = board.piece_at(square)
            if piece is None:
                text.append("  ", Style(bgcolor=background))
                continue
            colour = WHITE_PIECE if piece.color == chess.WHITE else BLACK_PIECE
            text.append(
                piece_glyph(piece, glyphs) + " ",
                Style(color=colour, bgcolor=background, bold=True),
            )
        text.append("\n")
    text.append("  " + " ".join(chess.FILE_NAMES[f] for f in files) + "\n", label)
    side = "White" if board.turn == chess.WHITE else "Black"
    text.append(f"{side} to move", Style(bold=True))
    return text


class Board(Widget):
    """Shows `fen` from the side to move's point of view; `last_move` (UCI) is highlighted."""

    DEFAULT_CSS = """
    Board {
        width: 18;
        height: 10;
    }
    """

    fen: reactive[str] = reactive(chess.STARTING_FEN)
    """The position shown."""
    last_move: reactive[str | None] = reactive(None)
    """A move in UCI whose two squares are highlighted, or None."""
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

    def show(self, fen: str, last_move: str | None = None) -> None:
        """Show a new position (and its last move) at once."""
        self.set_reactive(Board.last_move, last_move)
        self.fen = fen
        self.refresh()

    def render(self) -> Text:
        return board_text(self.fen, self.last_move, self.glyphs)
