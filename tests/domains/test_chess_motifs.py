"""Each motif's verifier says what its definition says, on examples and on any position."""

from __future__ import annotations

import chess
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drill.domains.chess_motifs import (
    discovered_targets,
    fork_targets,
    hanging_capture,
    has_motif,
    is_back_rank_mate,
    is_discovered_attack,
    is_fork,
    is_pin,
    is_skewer,
    material_motif,
    worth,
)
from tests.strategies import chess_positions

VERIFIERS = {
    "hanging-piece": hanging_capture,
    "fork": is_fork,
    "pin": is_pin,
    "skewer": is_skewer,
    "discovered-attack": is_discovered_attack,
}


positions = chess_positions(120)


def after(board: chess.Board, move: chess.Move) -> chess.Board:
    copy = board.copy(stack=False)
    copy.push(move)
    return copy


def mirrored(move: chess.Move) -> chess.Move:
    return chess.Move(
        chess.square_mirror(move.from_square),
        chess.square_mirror(move.to_square),
        move.promotion,
    )


@pytest.mark.parametrize(
    ("fen", "uci", "motif"),
    [
        ("4k3/8/8/3n4/8/8/8/3RK3 w - - 0 1", "d1d5", "hanging-piece"),
        ("r3k3/8/8/1N6/8/8/8/4K3 w - - 0 1", "b5c7", "fork"),
        ("r3k3/8/8/8/8/8/8/4K2R w - - 0 1", "h1h8", "skewer"),
        ("4k3/8/2n5/8/8/8/8/4KB2 w - - 0 1", "f1b5", "pin"),
        ("3qk3/8/8/8/8/8/3N4/3RK3 w - - 0 1", "d2f3", "discovered-attack"),
        ("4k3/1P6/8/8/8/8/8/4K3 w - - 0 1", "b7b8q", "promotion"),
        ("r3k3/8/8/8/8/8/8/4K1N1 w - - 0 1", "g1f3", None),
        ("4k3/8/8/3n4/8/8/3P4/3RK3 w - - 0 1", "d2d3", None),
    ],
)
def test_each_motif_on_an_example(fen: str, uci: str, motif: str | None) -> None:
    """A capture of a loose piece, a knight on two targets, a check through the king to a
    rook, a bishop on a knight before its king, a knight unmasking a rook on a queen and
    a pawn queening are named so; quiet moves are nothing."""
    board = chess.Board(fen)
    line = [chess.Move.from_uci(uci)]
    assert material_motif(board, line) == motif
    if motif is not None:
        assert has_motif(board, line, motif)


def test_a_defended_piece_is_not_hanging_and_a_lesser_behind_is_not_a_pin() -> None:
    """Taking a defended knight is no hanging piece; a bishop on a queen with a rook
    behind is a skewer, not a pin."""
    board = chess.Board("4k3/8/4p3/3n4/8/8/8/3RK3 w - - 0 1")
    assert not hanging_capture(board, chess.Move.from_uci("d1d5"))
    board = chess.Board("4k3/8/8/4r3/3q4/8/8/2B1K3 w - - 0 1")
    move = chess.Move.from_uci("c1b2")
    assert is_skewer(board, move)
    assert not is_pin(board, move)


def test_back_rank_mate() -> None:
    """A rook mating on the eighth rank in front of three pawns is a back-rank mate; a
    smothered mate by a knight is not."""
    board = chess.Board("6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1")
    board.push_uci("a1a8")
    assert is_back_rank_mate(board)
    smothered = chess.Board("6rk/5Npp/8/8/8/8/8/6K1 b - - 0 1")
    assert smothered.is_checkmate()
    assert not is_back_rank_mate(smothered)


@settings(max_examples=60, deadline=None)
@given(positions, st.integers(0, 200))
def test_fork_means_two_targets_attacked(board: chess.Board, pick: int) -> None:
    """A fork: after the move, the moved piece attacks at least two enemy pieces that are
    each the king, worth more than it, or undefended; never a pawn."""
    moves = sorted(board.legal_moves, key=lambda m: m.uci())
    if not moves:
        return
    move = moves[pick % len(moves)]
    targets = fork_targets(board, move)
    assert is_fork(board, move) == (len(targets) >= 2)
    end = after(board, move)
    for square in targets:
        piece = end.piece_at(square)
        assert piece is not None
        assert piece.color != board.turn
        assert piece.piece_type != chess.PAWN
        assert square in end.attacks(move.to_square)


@settings(max_examples=60, deadline=None)
@given(positions, st.integers(0, 200))
def test_pin_means_a_line_to_something_bigger(board: chess.Board, pick: int) -> None:
    """A pin: a slider moved; on one of its lines stands an enemy piece (not a pawn or
    king) with, next behind it, its king or a piece worth more than both. A pin to the
    king is one python-chess sees too."""
    moves = sorted(board.legal_moves, key=lambda m: m.uci())
    if not moves:
        return
    move = moves[pick % len(moves)]
    if not is_pin(board, move):
        return
    end = after(board, move)
    slider = end.piece_at(move.to_square)
    assert slider is not None
    assert slider.piece_type in (chess.BISHOP, chess.ROOK, chess.QUEEN)
    found = False
    for front in end.attacks(move.to_square):
        piece = end.piece_at(front)
        if piece is None or piece.color == slider.color or piece.piece_type == chess.PAWN:
            continue
        if piece.piece_type == chess.KING:
            continue
        if end.is_pinned(piece.color, front):
            pinner = chess.SquareSet(chess.ray(front, end.king(piece.color) or 0))
            found = found or move.to_square in pinner
        for behind in chess.SquareSet(chess.ray(move.to_square, front)):
            between = chess.SquareSet(chess.between(front, behind))
            back = end.piece_at(behind)
            if (
                back is not None
                and back.color == piece.color
                and front in chess.SquareSet(chess.between(move.to_square, behind))
                and not any(end.piece_at(s) for s in between)
                and worth(back) > max(worth(piece), worth(slider))
            ):
                found = True
    assert found


@settings(max_examples=60, deadline=None)
@given(positions, st.integers(0, 200))
def test_skewer_means_big_piece_in_front(board: chess.Board, pick: int) -> None:
    """A skewer: the moved piece is a slider and attacks a king, queen or rook; the
    mirror image of the position is a skewer too."""
    moves = sorted(board.legal_moves, key=lambda m: m.uci())
    if not moves:
        return
    move = moves[pick % len(moves)]
    result = is_skewer(board, move)
    assert result == is_skewer(board.mirror(), mirrored(move))
    if result:
        end = after(board, move)
        slider = end.piece_at(move.to_square)
        assert slider is not None
        assert slider.piece_type in (chess.BISHOP, chess.ROOK, chess.QUEEN)
        big = [end.piece_at(s) for s in end.attacks(move.to_square)]
        assert any(p and p.color != slider.color and worth(p) >= 5 for p in big)


@settings(max_examples=60, deadline=None)
@given(positions, st.integers(0, 200))
def test_discovered_attack_means_a_line_opened(board: chess.Board, pick: int) -> None:
    """A discovered attack: each target is attacked after the move by a friendly slider
    that did not attack it before (the moved piece stood in between)."""
    moves = sorted(board.legal_moves, key=lambda m: m.uci())
    if not moves:
        return
    move = moves[pick % len(moves)]
    end = after(board, move)
    for target in discovered_targets(board, move):
        now = end.attackers(board.turn, target) - chess.SquareSet([move.to_square])
        before = board.attackers(board.turn, target)
        assert now - before, (board.fen(), move.uci(), chess.square_name(target))


@settings(max_examples=60, deadline=None)
@given(positions, st.integers(0, 200))
def test_verifiers_do_not_depend_on_colour(board: chess.Board, pick: int) -> None:
    """Every verifier says the same of a position and its colour-mirrored image, and a
    hanging capture takes an undefended knight, bishop, rook or queen."""
    moves = sorted(board.legal_moves, key=lambda m: m.uci())
    if not moves:
        return
    move = moves[pick % len(moves)]
    for name, verify in VERIFIERS.items():
        assert verify(board, move) == verify(board.mirror(), mirrored(move)), name
    if hanging_capture(board, move):
        victim = board.piece_at(move.to_square)
        assert victim is not None
        assert victim.piece_type not in (chess.PAWN, chess.KING)
        assert not board.attackers(victim.color, move.to_square)


@settings(max_examples=40, deadline=None)
@given(positions)
def test_back_rank_mate_is_a_mate_on_the_home_rank(board: chess.Board) -> None:
    """A back-rank mate is a checkmate with the king on its first rank, and mirrors."""
    result = is_back_rank_mate(board)
    assert result == is_back_rank_mate(board.mirror())
    if result:
        king = board.king(board.turn)
        assert board.is_checkmate()
        assert king is not None
        assert chess.square_rank(king) == (0 if board.turn == chess.WHITE else 7)
