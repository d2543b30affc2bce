"""What each tactical motif is, by its definition, from the board alone (no engine).

The generator names a puzzle by these tests and the tests of the shipped set re-check
every label with them: a pin is a pin because a line piece stands on a line through an
enemy piece to a king or a bigger piece behind it, not because an engine said so.

Values are in pawns (`PIECE_VALUES`); the king counts as 100 when something is behind it.
"""

from __future__ import annotations

import chess

from drill.domains.chess_puzzles import PIECE_VALUES

SLIDERS = (chess.BISHOP, chess.ROOK, chess.QUEEN)


def worth(piece: chess.Piece) -> int:
    """A piece's value, the king above everything."""
    return 100 if piece.piece_type == chess.KING else PIECE_VALUES[piece.piece_type]


def defended(board: chess.Board, square: chess.Square) -> bool:
    piece = board.piece_at(square)
    return piece is not None and bool(board.attackers(piece.color, square))


def _after(board: chess.Board, move: chess.Move) -> chess.Board:
    after = board.copy(stack=False)
    after.push(move)
    return after


def hanging_capture(board: chess.Board, move: chess.Move) -> bool:
    """The move takes a knight, bishop, rook or queen that nothing defends."""
    victim = board.piece_at(move.to_square)
    if victim is None or victim.piece_type in (chess.PAWN, chess.KING):
        return False
    return not defended(board, move.to_square)


def fork_targets(board: chess.Board, move: chess.Move) -> list[chess.Square]:
    """Squares the moved piece attacks after the move that it threatens to win: the king,
    a piece worth more than the attacker, or an undefended piece (pawns not counted)."""
    mover = board.piece_at(move.from_square)
    assert mover is not None
    after = _after(board, move)
    moved = after.piece_at(move.to_square)
    assert moved is not None
    return [s for s in after.attacks(move.to_square) if _threatened(after, s, moved)]


def is_fork(board: chess.Board, move: chess.Move) -> bool:
    """The moved piece lands attacking two targets or more (`fork_targets`)."""
    return len(fork_targets(board, move)) >= 2


def _lines(after: chess.Board, square: chess.Square) -> list[tuple[chess.Square, chess.Square]]:
    """For the slider on `square`: each enemy piece it attacks, with the first piece behind
    it on the same line (same colour as the front piece), as (front, behind) squares."""
    mover = after.piece_at(square)
    if mover is None or mover.piece_type not in SLIDERS:
        return []
    found = []
    for target in after.attacks(square):
        front = after.piece_at(target)
        if front is None or front.color == mover.color:
            continue
        beyond = [
            s
            for s in chess.SquareSet(chess.ray(square, target))
            if s != target and target in chess.SquareSet(chess.between(square, s))
        ]
        beyond.sort(key=lambda s: chess.square_distance(target, s))
        behind = next((s for s in beyond if after.piece_at(s) is not None), None)
        if behind is None:
            continue
        piece = after.piece_at(behind)
        if piece is not None and piece.color == front.color:
            found.append((target, behind))
    return found


def skewers_after(after: chess.Board, square: chess.Square) -> bool:
    """The slider on `square` hits a king, queen or rook with a lesser piece (not a pawn)
    behind it, one worth more than the slider or undefended."""
    mover = after.piece_at(square)
    for front_sq, behind_sq in _lines(after, square):
        front, behind = after.piece_at(front_sq), after.piece_at(behind_sq)
        assert front is not None
        assert behind is not None
        assert mover is not None
        if worth(front) < 5 or behind.piece_type == chess.PAWN or worth(behind) >= worth(front):
            continue
        if worth(behind) > worth(mover) or not defended(after, behind_sq):
            return True
    return False


def is_skewer(board: chess.Board, move: chess.Move) -> bool:
    """The move puts a slider on a line through a big piece to a lesser one behind it."""
    return skewers_after(_after(board, move), move.to_square)


def is_pin(board: chess.Board, move: chess.Move) -> bool:
    """The moved slider pins an enemy knight, bishop, rook or queen: behind it on the line
    stands its king, or a piece worth more than both it and the slider."""
    after = _after(board, move)
    mover = after.piece_at(move.to_square)
    for front_sq, behind_sq in _lines(after, move.to_square):
        front, behind = after.piece_at(front_sq), after.piece_at(behind_sq)
        assert front is not None
        assert behind is not None
        assert mover is not None
        if front.piece_type in (chess.PAWN, chess.KING):
            continue
        if behind.piece_type == chess.KING or worth(behind) > max(worth(front), worth(mover)):
            return True
    return False


def discovered_targets(board: chess.Board, move: chess.Move) -> list[chess.Square]:
    """Enemy pieces a friendly line piece (not the one moved) attacks once the move opens
    its line: the king, or a piece worth more than the line piece, or undefended."""
    mover = board.piece_at(move.from_square)
    assert mover is not None
    after = _after(board, move)
    targets = []
    for square in chess.SquareSet(after.occupied_co[mover.color]):
        piece = after.piece_at(square)
        if piece is None or piece.piece_type not in SLIDERS or square == move.to_square:
            continue
        for target in after.attacks(square):
            opened = move.from_square in chess.SquareSet(chess.between(square, target))
            if opened and _threatened(after, target, piece):
                targets.append(target)
    return targets


def _threatened(board: chess.Board, square: chess.Square, attacker: chess.Piece) -> bool:
    """`attacker` threatens to win what stands on `square`: the enemy king, or a piece
    (not a pawn) worth more than the attacker, or one that nothing defends."""
    victim = board.piece_at(square)
    if victim is None or victim.color == attacker.color or victim.piece_type == chess.PAWN:
        return False
    return (
        victim.piece_type == chess.KING
        or worth(victim) > worth(attacker)
        or not defended(board, square)
    )


def is_discovered_attack(board: chess.Board, move: chess.Move) -> bool:
    """Moving a piece off a line lets a line piece behind it attack a target."""
    return bool(discovered_targets(board, move))


def is_back_rank_mate(board: chess.Board) -> bool:
    """`board` is mate on the home rank, the king shut in by its own pieces (Lichess's
    definition): every square in front of it holds one of them, none attacked, and a
    checker stands on that rank."""
    if not board.is_checkmate():
        return False
    loser = board.turn
    king = board.king(loser)
    assert king is not None
    home = 0 if loser == chess.WHITE else 7
    if chess.square_rank(king) != home:
        return False
    ahead = home + (1 if loser == chess.WHITE else -1)
    file = chess.square_file(king)
    for f in range(max(0, file - 1), min(7, file + 1) + 1):
        square = chess.square(f, ahead)
        piece = board.piece_at(square)
        if piece is None or piece.color != loser or board.attackers(not loser, square):
            return False
    return any(chess.square_rank(s) == home for s in board.checkers())


MATERIAL_ORDER = ("promotion", "discovered-attack", "skewer", "pin", "fork", "hanging-piece")
"""Material motifs, the most specific first: a move that is two things is named the first."""


def material_motif(board: chess.Board, line: list[chess.Move]) -> str | None:
    """The material motif a winning line shows, or None.

    `line` alternates the learner's moves and the replies, learner first; `promotion` is any
    learner move in it that promotes, the others are the shape of the first move.
    """
    first = line[0]
    if any(move.promotion for move in line[::2]):
        return "promotion"
    if is_discovered_attack(board, first):
        return "discovered-attack"
    if is_skewer(board, first):
        return "skewer"
    if is_pin(board, first):
        return "pin"
    if is_fork(board, first):
        return "fork"
    if hanging_capture(board, first):
        return "hanging-piece"
    return None


def has_motif(board: chess.Board, line: list[chess.Move], motif: str) -> bool:
    """Does `line` from `board` show `motif` by its definition (the label's check)?"""
    checks = {
        "promotion": lambda: any(m.promotion for m in line[::2]),
        "discovered-attack": lambda: is_discovered_attack(board, line[0]),
        "skewer": lambda: is_skewer(board, line[0]),
        "pin": lambda: is_pin(board, line[0]),
        "fork": lambda: is_fork(board, line[0]),
        "hanging-piece": lambda: hanging_capture(board, line[0]),
        "back-rank-mate": lambda: is_back_rank_mate(_played(board, line)),
    }
    if motif.startswith("mate-in-"):
        end = _played(board, line)
        return end.is_checkmate() and (len(line) + 1) // 2 == int(motif.rsplit("-", 1)[1])
    check = checks.get(motif)
    return check is not None and check()


def _played(board: chess.Board, line: list[chess.Move]) -> chess.Board:
    end = board.copy(stack=False)
    for move in line:
        end.push(move)
    return end
