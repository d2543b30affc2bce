"""Finding puzzles in games that look like games: the move policy and the motif finders.

A game starts from an opening line (`chess_openings`), then each side plays the move a
shallow Stockfish search prefers, now and then a random legal move. Every position after
the opening is examined, and so are the positions after two random moves from it (the
blunders a tactic punishes), while the game itself goes on soundly:

- mate in 1 / mate in 2: the shallow search flags a mate, and the exhaustive proofs in
  `chess_puzzles` decide uniqueness (no engine is trusted for a mate claim);
- hanging piece / fork: the shallow search flags a move far better than the rest, a deeper
  search (multipv 2) confirms the best move beats every other move by at least a minor
  piece's worth, and the move's shape names the motif.

Without an engine (`use_engine=False`) the policy is greedy on material with random
blunders and only the mate motifs are found, each by exhaustive search.
Everything is a function of (seed, game index): the same seed gives the same puzzles.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import random
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import chess
import chess.engine

from drill.domains.chess_openings import OPENINGS
from drill.domains.chess_puzzles import (
    MINOR_PIECE_CP,
    PIECE_VALUES,
    Puzzle,
    hardest_defence,
    material_balance,
    position_key,
    unique_mate_in_1,
    unique_mate_in_2,
)

MOTIFS = ("mate-in-1", "mate-in-2", "hanging-piece", "fork")
"""Motifs the generator finds by default (the shipped set's)."""
EXTRA_MOTIFS = ("skewer",)
"""Motifs found only when asked for (`--motif skewer`); the default output is unchanged."""
ALL_MOTIFS = MOTIFS + EXTRA_MOTIFS

SCREEN_NODES = 2_000
"""Nodes of the shallow search that chooses moves and flags candidates."""
VERIFY_NODES = 60_000
"""Nodes of the multipv-2 search that confirms a material puzzle."""
BLUNDER_RATE = 0.03
"""Share of moves the game plays at random."""
PROBES = 2
"""Random moves tried from each position of a game, each examined for the reply's tactic."""
MAX_PLIES = 120
MATERIAL_SLACK = 2
"""Material motifs: at most this many pawns of imbalance before the puzzle."""
MATE_SLACK = 5
"""Mate motifs: the side to move is at most this many pawns ahead."""
MATE_SCORE = 100_000


def find_stockfish() -> str | None:
    """The Stockfish binary on PATH or in Debian's /usr/games, or None."""
    found = shutil.which("stockfish")
    if found:
        return found
    debian = Path("/usr/games/stockfish")
    return str(debian) if debian.is_file() else None


def open_engine(path: str | None = None) -> chess.engine.SimpleEngine:
    """A single-threaded Stockfish with a small hash, so its searches are reproducible."""
    binary = path or find_stockfish()
    if binary is None:
        raise FileNotFoundError("stockfish is not installed (apt-get install stockfish)")
    engine = chess.engine.SimpleEngine.popen_uci(binary)
    engine.configure({"Threads": 1, "Hash": 16})
    return engine


@dataclass
class GameResult:
    """What one game gave: its puzzles and some counts for the rate."""

    index: int
    puzzles: list[Puzzle] = field(default_factory=list)
    positions: int = 0
    verified: int = 0
    """Deep verifications run (material candidates)."""
    seconds: float = 0.0


def _cp(info: chess.engine.InfoDict, turn: chess.Color) -> int:
    score = info.get("score")
    assert score is not None
    return score.pov(turn).score(mate_score=MATE_SCORE)


def _mate(info: chess.engine.InfoDict, turn: chess.Color) -> int | None:
    score = info.get("score")
    return None if score is None else score.pov(turn).mate()


def _defended(board: chess.Board, square: chess.Square) -> bool:
    piece = board.piece_at(square)
    return piece is not None and bool(board.attackers(piece.color, square))


def classify_material(board: chess.Board, move: chess.Move) -> str | None:
    """`hanging-piece`, `fork`, `skewer`, or None, from the shape of the winning move."""
    mover = board.piece_at(move.from_square)
    assert mover is not None
    victim = board.piece_at(move.to_square)
    hanging = victim is not None and victim.piece_type != chess.PAWN
    if hanging and not _defended(board, move.to_square):
        return "hanging-piece"
    after = board.copy(stack=False)
    after.push(move)
    targets = 0
    for square in after.attacks(move.to_square):
        piece = after.piece_at(square)
        if piece is None or piece.color == mover.color or piece.piece_type == chess.PAWN:
            continue
        worth = PIECE_VALUES[piece.piece_type] > PIECE_VALUES[mover.piece_type]
        if piece.piece_type == chess.KING or worth or not _defended(after, square):
            targets += 1
    if targets >= 2:
        return "fork"
    return "skewer" if _skewers(after, move.to_square) else None


def _worth(piece: chess.Piece) -> int:
    return 100 if piece.piece_type == chess.KING else PIECE_VALUES[piece.piece_type]


def _skewers(after: chess.Board, square: chess.Square) -> bool:
    """The slider on `square` hits a king, queen or rook with a lesser piece behind it on
    the same line, one worth more than the slider or undefended."""
    mover = after.piece_at(square)
    if mover is None or mover.piece_type not in (chess.BISHOP, chess.ROOK, chess.QUEEN):
        return False
    for target in after.attacks(square):
        front = after.piece_at(target)
        if front is None or front.color == mover.color or _worth(front) < 5:
            continue
        beyond = [
            s
            for s in chess.SquareSet(chess.ray(square, target))
            if s != target and target in chess.SquareSet(chess.between(square, s))
        ]
        beyond.sort(key=lambda s: chess.square_distance(target, s))
        behind = next((after.piece_at(s) for s in beyond if after.piece_at(s)), None)
        if behind is None or behind.color == mover.color or behind.piece_type == chess.PAWN:
            continue
        if _worth(behind) >= _worth(front):
            continue
        behind_square = next(s for s in beyond if after.piece_at(s))
        if _worth(behind) > _worth(mover) or not _defended(after, behind_square):
            return True
    return False


def material_gain(board: chess.Board, pv: Iterable[chess.Move], plies: int = 10) -> int:
    """Pawns the side to move is up at the last quiet point of the line, versus now."""
    color = board.turn
    start = material_balance(board, color)
    line = board.copy(stack=False)
    moves = list(pv)[:plies]
    gain = 0
    for i, move in enumerate(moves):
        line.push(move)
        following = moves[i + 1] if i + 1 < len(moves) else None
        if following is None or not line.is_capture(following):
            gain = material_balance(line, color) - start
    return gain


@dataclass
class _Game:
    board: chess.Board
    rng: random.Random
    engine: chess.engine.SimpleEngine | None
    key: object
    seed: int
    index: int
    result: GameResult
    motifs: frozenset[str]
    found: set[str] = field(default_factory=set)

    def puzzle(self, motif: str, solution: list[chess.Move], extra: dict[str, Any]) -> None:
        last = self.board.move_stack[-1].uci() if self.board.move_stack else None
        info = {"source": "generated", "seed": self.seed, "game": self.index}
        info["ply"] = self.board.ply()
        info.update(extra)
        self.result.puzzles.append(
            Puzzle(self.board.fen(), tuple(m.uci() for m in solution), motif, last, info)
        )
        self.found.add(motif)

    def wants(self, motif: str) -> bool:
        return motif in self.motifs and motif not in self.found


def _try_mates(game: _Game, depth_hint: int | None) -> bool:
    """Mate motifs at the current position; `depth_hint` is the engine's mate distance."""
    board = game.board
    if material_balance(board, board.turn) > MATE_SLACK:
        return False
    if game.wants("mate-in-1") and depth_hint in (None, 1):
        key = unique_mate_in_1(board)
        if key is not None:
            game.puzzle("mate-in-1", [key], {})
            return True
    if game.wants("mate-in-2") and depth_hint in (None, 2):
        key = unique_mate_in_2(board)
        if key is not None:
            reply, mate = hardest_defence(board, key)
            game.puzzle("mate-in-2", [key, reply, mate], {})
            return True
    return False


def _try_material(game: _Game, infos: list[chess.engine.InfoDict]) -> None:
    """A material puzzle at the current position, confirmed by a deeper search."""
    board, turn = game.board, game.board.turn
    if len(infos) < 2 or abs(material_balance(board, turn)) > MATERIAL_SLACK:
        return
    if _mate(infos[0], turn) is not None or _cp(infos[0], turn) - _cp(infos[1], turn) < 200:
        return
    shape = classify_material(board, infos[0]["pv"][0])
    if shape is None or not game.wants(shape):
        return  # the deep search rarely disagrees with the shallow one on the best move
    assert game.engine is not None
    game.result.verified += 1
    deep = game.engine.analyse(
        board, chess.engine.Limit(nodes=VERIFY_NODES), multipv=2, game=game.key
    )
    if len(deep) < 2 or _mate(deep[0], turn) is not None or _mate(deep[1], turn) is not None:
        return
    best, other = _cp(deep[0], turn), _cp(deep[1], turn)
    if best - other < MINOR_PIECE_CP or best < 150:
        return
    move = deep[0]["pv"][0]
    motif = classify_material(board, move)
    if motif is None or not game.wants(motif):
        return
    gain = material_gain(board, deep[0]["pv"])
    if gain < 2:
        return
    extra = {"material_gain": gain, "margin_cp": best - other, "eval_cp": best}
    game.puzzle(motif, [move], extra)


def _examine(game: _Game) -> chess.Move | None:
    """Look for puzzles at the game's current position; return the shallow search's best."""
    assert game.engine is not None
    board = game.board
    infos = game.engine.analyse(
        board, chess.engine.Limit(nodes=SCREEN_NODES), multipv=2, game=game.key
    )
    infos = [i for i in infos if i.get("pv")]
    if not infos:
        return None
    mate = _mate(infos[0], board.turn)
    if mate in (1, 2):
        _try_mates(game, mate)
    elif mate is None:
        _try_material(game, infos)
    best: chess.Move = infos[0]["pv"][0]
    return best


def _engine_move(game: _Game) -> chess.Move:
    """Examine the position and a few blunders from it, then choose the move to play.

    The game itself is played by the shallow search (rarely a random move), so it stays
    balanced and natural; each probed blunder is a position
    one mistake away from it, where the opponent may have a tactic.
    """
    board, rng = game.board, game.rng
    best = _examine(game)
    legal = sorted(board.legal_moves, key=lambda m: m.uci())
    for blunder in rng.sample(legal, min(PROBES, len(legal))):
        if blunder == best or game.found >= game.motifs:
            continue
        board.push(blunder)
        if not board.is_game_over():
            game.result.positions += 1
            _examine(game)
        board.pop()
    roll = rng.random()
    if roll < BLUNDER_RATE or best is None:
        return rng.choice(legal)
    return best


def _greedy_move(game: _Game) -> chess.Move:
    """Without an engine: look for mates, then take the most material, sometimes blunder."""
    _try_mates(game, None)
    board, rng = game.board, game.rng
    legal = sorted(board.legal_moves, key=lambda m: m.uci())
    if rng.random() < BLUNDER_RATE:
        return rng.choice(legal)

    def score(move: chess.Move) -> float:
        victim = board.piece_at(move.to_square)
        mover = board.piece_at(move.from_square)
        assert mover is not None
        gain = PIECE_VALUES[victim.piece_type] if victim else 0
        if board.is_attacked_by(not board.turn, move.to_square):
            gain -= PIECE_VALUES[mover.piece_type]
        return gain + (8 if move.promotion else 0) + rng.random() * 0.5

    return max(legal, key=score)


def play_game(
    seed: int,
    index: int,
    engine: chess.engine.SimpleEngine | None,
    motifs: Iterable[str] = MOTIFS,
) -> GameResult:
    """Play game `index` of the run seeded `seed` and collect its puzzles."""
    started = time.perf_counter()
    rng = random.Random(f"chess-game:{seed}:{index}")
    board = chess.Board()
    for san in rng.choice(OPENINGS).split():
        board.push_san(san)
    result = GameResult(index)
    game = _Game(board, rng, engine, object(), seed, index, result, frozenset(motifs))
    while not board.is_game_over(claim_draw=True) and board.ply() < MAX_PLIES:
        if abs(material_balance(board, chess.WHITE)) > 4:
            break
        result.positions += 1
        move = _engine_move(game) if engine is not None else _greedy_move(game)
        board.push(move)
    result.seconds = time.perf_counter() - started
    return result


ProgressCallback = Callable[[int, int], None]
"""Called with (puzzles so far, games so far)."""

_WORKER_ENGINE: chess.engine.SimpleEngine | None = None
_WORKER_MOTIFS: tuple[str, ...] = MOTIFS


def _worker_init(use_engine: bool, motifs: tuple[str, ...]) -> None:
    global _WORKER_ENGINE, _WORKER_MOTIFS
    _WORKER_ENGINE = open_engine() if use_engine else None
    _WORKER_MOTIFS = motifs


def _worker_game(job: tuple[int, int]) -> GameResult:
    seed, index = job
    return play_game(seed, index, _WORKER_ENGINE, _WORKER_MOTIFS)


@dataclass
class Generation:
    """A finished run: the puzzles in a reproducible order, and how long it took."""

    puzzles: list[Puzzle]
    games: int
    positions: int
    seconds: float


def generate(
    count: int,
    seed: int,
    *,
    workers: int = 1,
    use_engine: bool = True,
    motifs: Iterable[str] = MOTIFS,
    progress: ProgressCallback | None = None,
) -> Generation:
    """`count` puzzles from games (seed, 0), (seed, 1), ... taken in order of game index.

    Games run in `workers` processes but are consumed in index order, and a position
    already taken is skipped, so the result depends only on the seed and `count`.
    """
    chosen = tuple(m for m in ALL_MOTIFS if m in set(motifs))
    if not use_engine:
        chosen = tuple(m for m in chosen if m.startswith("mate-"))
    if not chosen:
        raise ValueError("no motif to generate (without an engine only mates can be proved)")
    started = time.perf_counter()
    puzzles: list[Puzzle] = []
    seen: set[str] = set()
    games = positions = 0
    jobs = ((seed, index) for index in itertools.count())
    with _pool(workers, use_engine, chosen) as run:
        for result in run(jobs):
            games += 1
            positions += result.positions
            for puzzle in result.puzzles:
                key = position_key(puzzle.board())
                if key not in seen and len(puzzles) < count:
                    seen.add(key)
                    puzzles.append(puzzle)
            if progress is not None:
                progress(len(puzzles), games)
            if len(puzzles) >= count:
                break
    return Generation(puzzles, games, positions, time.perf_counter() - started)


@contextlib.contextmanager
def _pool(
    workers: int, use_engine: bool, motifs: tuple[str, ...]
) -> Iterator[Callable[[Iterator[tuple[int, int]]], Iterator[GameResult]]]:
    """Something that maps jobs to game results in order, in-process or in a pool."""
    if workers <= 1:
        _worker_init(use_engine, motifs)
        try:
            yield lambda jobs: map(_worker_game, jobs)
        finally:
            if _WORKER_ENGINE is not None:
                _WORKER_ENGINE.quit()
        return
    pool = multiprocessing.get_context().Pool(
        workers, initializer=_worker_init, initargs=(use_engine, motifs)
    )
    try:
        yield lambda jobs: pool.imap(_worker_game, jobs, chunksize=1)
    finally:
        pool.terminate()
        pool.join()
