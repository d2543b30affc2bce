"""The chess encoder: a position as a bag of (square, piece) tokens, a move as two rows.

What the network reads is what a person sees on screen, and nothing else:

- one token per piece on the board, (square, piece), from the side to move's point of view:
  when Black is to move the board is mirrored rank for rank and the colours swapped, so "my
  pawns move up" always (the same information, and one pattern to learn instead of two);
- a token for the side to move (the prompt says it);
- the last move's from-square and to-square (the prompt names the move played);
- a marker saying which half of the answer the row asks for.

The answer is a move, factored like a chord's notes into two rows of the item:
`(board, FROM) → the from-square` and `(board, TO) → the to-square` (64 targets each; an
underpromotion's to-row names the piece too, 24 more targets). A rule such as "take what
just moved" is then one to-square pattern, whichever piece takes. Decoding answers only a
legal move, the one whose two rows' log-probabilities sum highest: a person only plays
legal moves, and it is the same restriction wherever accuracy is measured (`choices`).
Any mate, and a move that wins too (`also`), is accepted, as `Chess.judge` accepts it.

A mate in 2 is trained on its first move (its answer, which is what feedback reveals);
the network answers each later step from the position on screen (`screen`: the step's
data, as the app draws it).
"""

from __future__ import annotations

from collections.abc import Sequence

import chess
import numpy as np

from drill.domains.base import Item
from drill.domains.chess import also_moves
from drill.domains.chess_puzzles import mating_moves
from drill.reference.encoders import (
    Candidates,
    Encoder,
    Row,
    Screen,
)
from drill.reference.network import Array, log_softmax

PIECE_TOKENS = 64 * 12
"""(square, piece type, mine or theirs)."""
SIDE = PIECE_TOKENS  # + 0 white to move, + 1 black to move
LAST_FROM = SIDE + 2  # + square
LAST_TO = LAST_FROM + 64  # + square
FROM, TO = LAST_TO + 64, LAST_TO + 65
N_TOKENS = TO + 1
UNDER = (chess.ROOK, chess.BISHOP, chess.KNIGHT)
"""Underpromotions: their to-row target is 64 + 3·file + index (a queen's is the square)."""
N_OUT = 64 + 8 * len(UNDER)


class ChessEncoder(Encoder):
    """The board (as the side to move sees it), side and last move → from-square, to-square."""

    def setup(self, universe: Sequence[Item]) -> None:
        self.n_tokens, self.n_out = N_TOKENS, N_OUT
        placement = (str(it.data["fen"]).split()[0] for it in universe)
        pieces = [sum(c.isalpha() for c in board) for board in placement]
        self.tokens_per_row = float(np.mean(pieces)) + 4  # side, last move's two, marker
        self._allowed: dict[str, Candidates] = {}

    @staticmethod
    def board(item: Item, screen: Screen | None = None) -> tuple[chess.Board, str | None]:
        """The position on screen and the last move played into it (UCI, if shown)."""
        data: Screen = item.data if screen is None else screen
        last = data.get("last_move")
        return chess.Board(str(data["fen"])), None if last is None else str(last)

    @staticmethod
    def position(board: chess.Board, last_move: str | None) -> tuple[int, ...]:
        """The bag of tokens for a position, from the side to move's point of view."""
        flip = board.turn == chess.BLACK
        tokens = [
            12 * _view(square, flip) + piece.piece_type - 1 + 6 * (piece.color != board.turn)
            for square, piece in board.piece_map().items()
        ]
        tokens.append(SIDE + int(flip))
        if last_move is not None:
            move = chess.Move.from_uci(last_move)
            tokens.append(LAST_FROM + _view(move.from_square, flip))
            tokens.append(LAST_TO + _view(move.to_square, flip))
        return tuple(sorted(tokens))

    @staticmethod
    def targets(board: chess.Board, move: chess.Move) -> tuple[int, int]:
        """The from-row's and the to-row's target for a move on this board."""
        flip = board.turn == chess.BLACK
        to = _view(move.to_square, flip)
        if move.promotion in UNDER:
            to = 64 + 3 * chess.square_file(move.to_square) + UNDER.index(move.promotion)
        return _view(move.from_square, flip), to

    def tokens(self, item: Item, screen: Screen | None = None) -> list[tuple[int, ...]]:
        board = self.position(*self.board(item, screen))
        return [(*board, FROM), (*board, TO)]

    def rows(self, item: Item) -> list[Row]:
        board, _ = self.board(item)
        origin, to = self.targets(board, chess.Move.from_uci(str(item.data["solution"][0])))
        from_tokens, to_tokens = self.tokens(item)
        return [(from_tokens, origin), (to_tokens, to)]

    def spell(self, item: Item, targets: Sequence[int]) -> str:
        """The legal move with these targets, in SAN (as `Chess.items` spells answers)."""
        board, _ = self.board(item)
        wanted = (int(targets[0]), int(targets[1]))
        for move in board.legal_moves:
            if self.targets(board, move) == wanted:
                return board.san(move)
        raise ValueError(f"no legal move has targets {wanted} in item {item.id}")

    def decode(self, item: Item, scores: Array, screen: Screen | None = None) -> str:
        """The legal move whose from-row and to-row log-probabilities sum highest."""
        board, _ = self.board(item, screen)
        log_probs = log_softmax(scores.copy())  # two rows: leave the caller's scores be
        best, best_score = None, -np.inf
        for move in board.legal_moves:
            origin, to = self.targets(board, move)
            score = float(log_probs[0, origin] + log_probs[1, to])
            if score > best_score:
                best, best_score = move, score
        assert best is not None, f"no legal move in item {item.id}"
        return board.san(best)

    def choices(self, item: Item) -> Candidates:
        """Every legal move's targets; the solution's first move, a move that wins too
        (`also`) and any mate are accepted."""
        known = self._allowed.get(item.id)
        if known is None:
            board, _ = self.board(item)
            solution = chess.Move.from_uci(str(item.data["solution"][0]))
            accepted = set(mating_moves(board)) | {solution}
            accepted |= {chess.Move.from_uci(m) for m in also_moves(item, 0)}
            known = [(self.targets(board, move), move in accepted) for move in board.legal_moves]
            self._allowed[item.id] = known
        return known


def _view(square: int, flip: bool) -> int:
    """A square as the side to move sees it (Black's board mirrored rank for rank)."""
    return chess.square_mirror(square) if flip else square
