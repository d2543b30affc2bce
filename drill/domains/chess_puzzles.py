"""Chess puzzles as records, their file format, and the proofs that make them puzzles.

A puzzle file is gzip-compressed JSON Lines, one puzzle an object (see docs/chess.md).
The proofs here are exhaustive searches with python-chess, independent of any engine:
a mate in 1 is unique when exactly one legal move mates; a mate in 2 is unique when no
move mates at once and exactly one first move leaves every reply with a mate in 1.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import chess

from drill.files import read_regular, write_atomic

PIECE_VALUES: dict[chess.PieceType, int] = {
    chess.PAWN: 1,
    chess.KNIGHT: 3,
    chess.BISHOP: 3,
    chess.ROOK: 5,
    chess.QUEEN: 9,
    chess.KING: 0,
}
"""The usual material values, in pawns."""

MINOR_PIECE_CP = 300
"""A minor piece's worth in centipawns: the margin a material puzzle must clear."""

MATE_MOTIFS = {"mate-in-1": 1, "mate-in-2": 2, "mate-in-3": 3}
"""Motifs whose claim is a forced mate in that many of the learner's moves."""
MATE_LINE_MOTIFS = ("back-rank-mate",)
"""Mate motifs named by the mate's shape: the line's length is the mate's depth."""
MATE_PROOF_BUDGET = 400
"""Mate in 3: the most mate-in-2 tests one proof may run (a proof that needs more is
given up, and the puzzle with it), so a proof's cost is bounded and deterministic."""


@dataclass(frozen=True, slots=True)
class Puzzle:
    """One position and the line that solves it."""

    fen: str
    """The position the learner sees, the learner's side to move."""
    solution: tuple[str, ...]
    """The line in UCI, first move first: learner, reply, learner, ... ending on a learner move."""
    motif: str
    """`mate-in-1`, `mate-in-2`, `hanging-piece`, `fork`, ... (imports: from the themes)."""
    last_move: str | None = None
    """The opponent's move (UCI) that led to `fen`, when known."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Everything else: `material_gain`, `margin_cp`, `rating`, `themes`, `source`, ..."""

    def board(self) -> chess.Board:
        return chess.Board(self.fen)

    def to_json(self) -> dict[str, Any]:
        obj: dict[str, Any] = {"fen": self.fen, "solution": list(self.solution)}
        obj["motif"] = self.motif
        if self.last_move:
            obj["last_move"] = self.last_move
        obj.update(self.extra)
        return obj

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Puzzle:
        rest = {k: v for k, v in obj.items() if k not in ("fen", "solution", "motif", "last_move")}
        return cls(
            fen=str(obj["fen"]),
            solution=tuple(str(m) for m in obj["solution"]),
            motif=str(obj["motif"]),
            last_move=str(obj["last_move"]) if obj.get("last_move") else None,
            extra=rest,
        )


def position_key(board: chess.Board) -> str:
    """The position without move counters: two puzzles with one key are one position."""
    return board.epd()


def material(board: chess.Board, color: chess.Color) -> int:
    return sum(len(board.pieces(piece, color)) * value for piece, value in PIECE_VALUES.items())


def material_balance(board: chess.Board, color: chess.Color) -> int:
    """`color`'s material minus the other side's, in pawns."""
    return material(board, color) - material(board, not color)


# --- proofs -------------------------------------------------------------------------------


def mating_moves(board: chess.Board, *, first_only: bool = False) -> list[chess.Move]:
    """Every legal move that mates at once (only checks are tried)."""
    found = []
    for move in board.legal_moves:
        if board.gives_check(move):
            board.push(move)
            mate = board.is_checkmate()
            board.pop()
            if mate:
                found.append(move)
                if first_only:
                    break
    return found


def forces_mate_in_2(board: chess.Board, move: chess.Move) -> bool:
    """True if `move` does not mate but leaves every reply with a mate in 1."""
    board.push(move)
    try:
        if board.is_game_over():
            return False
        for reply in board.legal_moves:
            board.push(reply)
            mate = bool(mating_moves(board, first_only=True))
            board.pop()
            if not mate:
                return False
        return True
    finally:
        board.pop()


def unique_mate_in_1(board: chess.Board) -> chess.Move | None:
    """The only mating move, or None if there is none or more than one."""
    moves = mating_moves(board)
    return moves[0] if len(moves) == 1 else None


def unique_mate_in_2(board: chess.Board) -> chess.Move | None:
    """The only first move forcing mate in 2 when no mate in 1 exists, else None."""
    if mating_moves(board, first_only=True):
        return None
    found: chess.Move | None = None
    for move in list(board.legal_moves):
        if forces_mate_in_2(board, move):
            if found is not None:
                return None
            found = move
    return found


def mate_within_2(board: chess.Board, budget: list[int]) -> bool:
    """Some move mates at once or forces mate in 2. `budget` counts mate-in-2 tests left;
    checks are tried first, then captures, so a forcing line is found early."""
    if mating_moves(board, first_only=True):
        return True
    moves = sorted(
        board.legal_moves,
        key=lambda m: (not board.gives_check(m), not board.is_capture(m), m.uci()),
    )
    for move in moves:
        if budget[0] <= 0:
            raise _OverBudgetError
        budget[0] -= 1
        if forces_mate_in_2(board, move):
            return True
    return False


class _OverBudgetError(Exception):
    """A mate-in-3 proof ran past `MATE_PROOF_BUDGET`."""


def no_mate_within_2(board: chess.Board) -> bool:
    """Exhaustive: no move mates at once and none forces mate in 2."""
    if mating_moves(board, first_only=True):
        return False
    return not any(forces_mate_in_2(board, m) for m in list(board.legal_moves))


def mate_in_3_line(board: chess.Board, key: chess.Move) -> list[chess.Move] | None:
    """The line of a mate in 3 starting with `key`, proved, or None.

    Proved by search: `key` does not mate, and every reply leaves a mate within two more
    moves (so `key` forces mate in 3). The stored reply is one that leaves no mate in 1
    and exactly one move forcing mate in 2 (so the learner's second move is unique too);
    then the hardest defence and a mate. That no *other* first move forces mate in 3 is
    the engine's claim (`chess_gen`), too costly to prove here.
    """
    budget = [MATE_PROOF_BUDGET]
    board.push(key)
    try:
        if board.is_game_over():
            return None
        chosen: tuple[chess.Move, chess.Move] | None = None
        for reply in sorted(board.legal_moves, key=lambda m: m.uci()):
            board.push(reply)
            try:
                if not mate_within_2(board, budget):
                    return None
                if chosen is None and not mating_moves(board, first_only=True):
                    second = unique_mate_in_2(board)
                    if second is not None:
                        chosen = (reply, second)
            finally:
                board.pop()
        if chosen is None:
            return None
        reply, second = chosen
        board.push(reply)
        try:
            last_reply, mate = hardest_defence(board, second)
        finally:
            board.pop()
        return [key, reply, second, last_reply, mate]
    except _OverBudgetError:
        return None
    finally:
        board.pop()


def hardest_defence(board: chess.Board, move: chess.Move) -> tuple[chess.Move, chess.Move]:
    """After a mate-in-2 key `move`: the reply leaving fewest mates, and a mate after it."""
    board.push(move)
    try:
        best: tuple[int, str, chess.Move, chess.Move] | None = None
        for reply in board.legal_moves:
            board.push(reply)
            mates = sorted(mating_moves(board), key=lambda m: m.uci())
            board.pop()
            key = (len(mates), reply.uci(), reply, mates[0])
            if best is None or key[:2] < best[:2]:
                best = key
        assert best is not None, "a mate-in-2 key leaves the opponent a reply"
        return best[2], best[3]
    finally:
        board.pop()


def check_puzzle(puzzle: Puzzle, *, prove: bool = True) -> str | None:
    """Why `puzzle` is not sound (invalid position, illegal line, unproved mate), or None.

    With `prove=False` a mate claim is checked only by the line ending in mate; the
    uniqueness proof (milliseconds for a mate in 1, up to a second for a mate in 2) is left out.
    """
    board = chess.Board(puzzle.fen)
    if not board.is_valid():
        return f"invalid position ({board.status()!r})"
    for ply, uci in enumerate(puzzle.solution):
        try:
            move = chess.Move.from_uci(uci)
        except ValueError:
            return f"ply {ply + 1}: not a UCI move: {uci!r}"
        if move not in board.legal_moves:
            return f"ply {ply + 1}: illegal move {uci}"
        board.push(move)
    if len(puzzle.solution) % 2 == 0:
        return "the line ends on the opponent's move"
    depth = MATE_MOTIFS.get(puzzle.motif)
    if depth is None and puzzle.motif in MATE_LINE_MOTIFS:
        depth = (len(puzzle.solution) + 1) // 2
    if depth is None:
        return None
    if not board.is_checkmate():
        return "the line does not end in mate"
    if (len(puzzle.solution) + 1) // 2 != depth:
        return f"a {puzzle.motif} line of {len(puzzle.solution)} plies"
    if not prove:
        return None
    return _prove_mate(puzzle, depth)


def _prove_mate(puzzle: Puzzle, depth: int) -> str | None:
    """Why the mate's first move is not proved the unique key (see `mate_in_3_line`)."""
    start = chess.Board(puzzle.fen)
    line = [chess.Move.from_uci(m) for m in puzzle.solution]
    if depth == 1:
        key = unique_mate_in_1(start)
    elif depth == 2:
        key = unique_mate_in_2(start)
    else:  # forced from the start and unique at the second step; see mate_in_3_line
        middle = start.copy(stack=False)
        middle.push(line[0])
        middle.push(line[1])
        proved = (
            no_mate_within_2(start)
            and mate_in_3_line(start, line[0]) is not None
            and not mating_moves(middle, first_only=True)
            and unique_mate_in_2(middle) == line[2]
        )
        key = line[0] if proved else None
    if key is None or key != line[0]:
        return f"the first move is not the only way to force a {puzzle.motif}"
    return None


# --- files ----------------------------------------------------------------------------------


PUZZLE_FILE_LIMIT = 1 << 30
"""A puzzle file, and its text once decompressed, is at most a gigabyte (the whole Lichess
database is about 300 MB of puzzles): a bigger one is not a puzzle file."""


def load_puzzles(path: Path) -> list[Puzzle]:
    """Read a puzzle file (.jsonl or .jsonl.gz); every puzzle's line must be legal.

    Only a regular file is read (a FIFO or a device is refused, not waited on). Raises
    OSError or ValueError, whose message names the file and the line."""
    raw = read_regular(path, PUZZLE_FILE_LIMIT)
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = _gunzip(raw, PUZZLE_FILE_LIMIT + 1)
        except (OSError, EOFError, zlib.error) as err:
            raise ValueError(f"{path}: not a readable gzip file ({err})") from None
        if len(raw) > PUZZLE_FILE_LIMIT:
            raise ValueError(f"{path}: more than {PUZZLE_FILE_LIMIT >> 30} GB of puzzles")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a puzzle file (expected UTF-8 JSON lines)") from None
    puzzles = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise TypeError(f"expected a JSON object, got {type(obj).__name__}")
            puzzle = Puzzle.from_json(obj)
            problem = _line_problem(puzzle)
        except (ValueError, KeyError, TypeError) as err:
            problem = f"missing {err}" if isinstance(err, KeyError) else str(err)
        if problem:
            raise ValueError(f"{path}:{number}: not a puzzle ({problem[:200]})")
        puzzles.append(puzzle)
    return puzzles


def _gunzip(data: bytes, limit: int) -> bytes:
    """Decompress, stopping after `limit` bytes (a gzip bomb stops there). Raises EOFError
    for a file cut short, OSError for one that is not gzip."""
    chunks, total = [], 0
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipped:
        while total < limit:
            chunk = unzipped.read(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    return b"".join(chunks)


def _line_problem(puzzle: Puzzle) -> str | None:
    """Why a loaded puzzle's line cannot be drilled (empty, not UCI), or None. Cheap on
    purpose (a deck loads thousands): the position and the first move's legality are
    checked where the items are made, the proofs of `check_puzzle` are for generated sets."""
    if not puzzle.solution:
        return "the solution is empty"
    for ply, uci in enumerate(puzzle.solution):
        try:
            chess.Move.from_uci(uci)
        except ValueError:
            return f"ply {ply + 1}: not a UCI move: {uci!r}"
    also = puzzle.extra.get("also")
    if also is not None:
        steps = (len(puzzle.solution) + 1) // 2
        if not isinstance(also, list) or len(also) > steps:
            return f"also: expected a list of at most {steps} lists of UCI moves"
        for moves in also:
            if not isinstance(moves, list) or not all(isinstance(m, str) for m in moves):
                return "also: expected a list of UCI moves for each learner move"
            for uci in moves:
                try:
                    chess.Move.from_uci(uci)
                except ValueError:
                    return f"also: not a UCI move: {uci!r}"
    return None


def dump_puzzles(puzzles: Iterable[Puzzle]) -> bytes:
    """The JSON Lines text of `puzzles`, gzip-compressed with a fixed header (reproducible)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as gz:
        for puzzle in puzzles:
            gz.write(json.dumps(puzzle.to_json(), separators=(",", ":")).encode() + b"\n")
    return buffer.getvalue()


def save_puzzles(path: Path, puzzles: Iterable[Puzzle]) -> None:
    """Write a puzzle file atomically (gzip if the name ends in .gz). Raises OSError."""
    data = dump_puzzles(puzzles)
    if not path.name.endswith(".gz"):
        data = gzip.decompress(data)
    write_atomic(path, data)


def iter_lines(puzzles: Iterable[Puzzle]) -> Iterator[str]:
    for puzzle in puzzles:
        yield json.dumps(puzzle.to_json(), separators=(",", ":"))
