"""Reading a move as a person types it: SAN in any case, UCI, figurines, 0-0, ! and ?."""

from __future__ import annotations

import re

import chess

from drill.domains.base import normalize_text

FIGURINES = str.maketrans(
    {"♔": "K", "♕": "Q", "♖": "R", "♗": "B", "♘": "N", "♚": "K", "♛": "Q", "♜": "R"}
    | {"♝": "B", "♞": "N", "♙": "", "♟": "", "×": "x", "–": "-", "—": "-"}
)
UCI = re.compile(r"^[a-h][1-8][a-h][1-8][qrbn]?$")
CASTLING = {"0-0": "O-O", "0-0-0": "O-O-O", "o-o": "O-O", "o-o-o": "O-O-O"}
EXAMPLE = "type a move in SAN (Nf3, exd5, O-O) or UCI (g1f3)"


def _spellings(text: str) -> list[str]:
    """The text as typed, then with the usual capitals (piece upper, squares lower)."""
    lowered = text.lower()
    if lowered in CASTLING:
        return [CASTLING[lowered]]
    variants = [text, text[0].upper() + text[1:].lower(), lowered]
    if "=" in lowered:
        head, _, tail = lowered.partition("=")
        variants.append(head + "=" + tail.upper())
    unique: list[str] = []
    for v in variants:
        if v not in unique:
            unique.append(v)
    return unique


def parse_move(board: chess.Board, response: str) -> tuple[chess.Move | None, str]:
    """The legal move `response` names on `board`, or None and why it could not be read.

    SAN as typed wins over a re-capitalized reading, so `bxc3` is the pawn capture when it
    is legal and the bishop's only when it is not.
    """
    text = normalize_text(response).translate(FIGURINES).replace(" ", "").rstrip("!?")
    if not text:
        return None, EXAMPLE
    if UCI.match(text.lower()):
        # parse_uci also reads king-takes-rook castling (e1h1) as the castling it is.
        try:
            return board.parse_uci(text.lower()), ""
        except chess.IllegalMoveError:
            return None, f"{text.lower()} is not a legal move here"
        except ValueError:
            return None, f"{text.lower()} is not a move"
    problem = ""
    found: list[chess.Move] = []
    for spelling in _spellings(text):
        try:
            move = board.parse_san(spelling)
        except chess.AmbiguousMoveError:
            problem = problem or f"{text} could be more than one move: name the piece's file"
        except chess.IllegalMoveError:
            problem = problem or f"{text} is not a legal move here"
        except ValueError:
            continue
        else:
            if not move:  # a null move (--, 0000, Z0, @@@@) passes the turn: not an answer
                return None, f"{text} passes the turn, which is not a move: {EXAMPLE}"
            if move not in found:
                found.append(move)
    if not found:
        return None, problem or f"not a move: {EXAMPLE}"
    return _closest(board, found, text), ""


def _closest(board: chess.Board, moves: list[chess.Move], text: str) -> chess.Move:
    """Of several readings, the one whose SAN is `text` exactly, else up to case, else the
    first (so `bxc3` is the pawn, but `bb4` is the bishop, not the b-pawn written oddly)."""
    sans = [board.san(m).rstrip("+#") for m in moves]
    bare = text.rstrip("+#")
    for exact in (True, False):
        for move, san in zip(moves, sans, strict=True):
            if san == bare if exact else san.lower() == bare.lower():
                return move
    return moves[0]


def describe_move(board_after: chess.Board, uci: str) -> str:
    """A move seen only from the position after it, as `Nc5-e4` (or O-O, or e7-e8=Q)."""
    move = chess.Move.from_uci(uci)
    piece = board_after.piece_at(move.to_square)
    if piece is None:
        return uci
    if piece.piece_type == chess.KING and abs(move.to_square - move.from_square) == 2:
        return "O-O" if chess.square_file(move.to_square) == 6 else "O-O-O"
    letter = "" if piece.piece_type == chess.PAWN or move.promotion else piece.symbol().upper()
    text = f"{letter}{chess.square_name(move.from_square)}-{chess.square_name(move.to_square)}"
    if move.promotion:
        text += "=" + chess.piece_symbol(move.promotion).upper()
    return text
