"""Finding puzzles in games that look like games: the move policy and the motif finders.

A game starts from an opening line (`chess_openings`), then each side plays one of the
moves a shallow Stockfish search considers (`CHOICES` lines), near the best, into the
endgame. Each considered move that is clearly worse is a plausible mistake: the position
after it is examined for the opponent's tactic, while the game itself goes on soundly.

- mates in 1, 2 and 3: the search flags a mate; the proofs in `chess_puzzles` decide
  uniqueness (a mate in 3's other first moves excepted: see docs/chess.md);
- material motifs: a refutation far better than the rest, confirmed by a deeper multipv-2
  search, lengthened while the learner's next move stays unique, and named by its shape
  (`chess_motifs`, each motif by its definition).

The run keeps its mix (no motif over `CAP`, enough long lines and endgames) by rules on
the puzzles taken so far. Without an engine (`use_engine=False`) the policy is greedy on
material with random blunders and only mates in 1 and 2 are found, by exhaustive search.
Everything is a function of (seed, game index): the same seed gives the same puzzles.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import math
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

from drill.domains.chess_motifs import is_back_rank_mate, material_motif
from drill.domains.chess_openings import OPENINGS
from drill.domains.chess_puzzles import (
    PIECE_VALUES,
    Puzzle,
    hardest_defence,
    mate_in_3_line,
    material_balance,
    no_mate_within_2,
    position_key,
    unique_mate_in_1,
    unique_mate_in_2,
)
from drill.domains.chess_stats import piece_count

MOTIFS = (
    "mate-in-1",
    "mate-in-2",
    "mate-in-3",
    "back-rank-mate",
    "hanging-piece",
    "fork",
    "pin",
    "skewer",
    "discovered-attack",
    "promotion",
)
"""Motifs the generator finds (the shipped set's)."""
EXTRA_MOTIFS: tuple[str, ...] = ()
"""Motifs found only when asked for; none now (skewers are found by default)."""
ALL_MOTIFS = MOTIFS + EXTRA_MOTIFS
NO_ENGINE_MOTIFS = ("mate-in-1", "mate-in-2", "back-rank-mate")
"""Motifs proved by search alone, found without an engine."""
MATE_DEPTHS = {"mate-in-1": 1, "mate-in-2": 2, "mate-in-3": 3}

SCREEN_NODES = 1_500
"""Nodes of the shallow search that chooses moves, names plausible mistakes and flags
candidates."""
CHOICES = 5
"""The shallow search's lines: the moves a player would consider."""
VERIFY_NODES = 8_000
"""Nodes of the multipv-2 search that confirms a material puzzle and each later step."""
VARIETY_CP = 25
"""The game plays any of its considered moves within this much of the best, at random."""
MISTAKE_CP = 120
"""A considered move this much worse than the best is a plausible mistake: it is probed
(played aside) and the position after it examined for the opponent's tactic."""
MAX_PLIES = 240
DECIDED_CP = 600
"""The game stops when the search gives one side this much: it is decided."""
MATERIAL_SLACK = 2
"""Material motifs: at most this many pawns of imbalance before the puzzle."""
MATE_SLACK = 5
"""Mate motifs: the side to move is at most this many pawns ahead."""
MATE_SCORE = 100_000
PER_GAME = 3
"""At most this many puzzles of one motif from one game, ..."""
SPACING = 8
"""... at least this many plies apart."""
CAP = 0.30
"""No motif fills more than this share of a run's puzzles (plus `CAP_START`)."""
CAP_START = 10
ENDGAME_PIECES = 12
SHARES = {"short": 0.69, "full": 0.845}
"""At most 69 % one-ply lines and 84.5 % boards of more than 12 pieces: so at least 31 %
lines of three plies or more and 15.5 % endgames (12 pieces or fewer)."""
CHECKPOINT = 250
MARGIN_CP = 200
"""A material puzzle's move beats every other by this much at `VERIFY_NODES` (two pawns)."""
STEP_MARGIN_CP = 200
"""A later step of a material line is kept only if its move beats every other by this."""
MAX_LEARNER_MOVES = 3
"""A material line has at most this many learner moves."""
ALSO_WINS_CP = 200
"""A move that keeps the learner two pawns ahead (or mates) wins too: a material puzzle
accepts it beside its line's move, and ends there (`also` in the puzzle file)."""
ALSO_LINES = 5
"""How many of the engine's best moves are looked at for those that win too."""
ALSO_NODES = 40_000
"""Nodes of that search: deeper than `VERIFY_NODES`, at which the lists of 809 of the
shipped puzzles were different (a budget: a deeper search still finds a few more)."""
BLUNDER_RATE = 0.03
"""Without an engine: the share of moves the greedy policy plays at random."""
GREEDY_PLIES = 120


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


def classify_material(board: chess.Board, move: chess.Move) -> str | None:
    """The material motif of a one-move line (`chess_motifs.material_motif`), or None."""
    return material_motif(board, [move])


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


def rating(motif: str, solution: tuple[str, ...], board: chess.Board) -> int:
    """A rough difficulty: the motif's base, more for each of the learner's moves, and
    more when the first move is quiet (neither a capture nor a check). See docs/chess.md."""
    first = chess.Move.from_uci(solution[0])
    quiet = not board.is_capture(first) and not board.gives_check(first)
    moves = (len(solution) + 1) // 2
    return RATING_BASE.get(motif, 1200) + 250 * (moves - 1) + (150 if quiet else 0)


RATING_BASE = {
    "mate-in-1": 700,
    "hanging-piece": 800,
    "back-rank-mate": 900,
    "mate-in-2": 1000,
    "fork": 1100,
    "promotion": 1100,
    "pin": 1200,
    "skewer": 1200,
    "discovered-attack": 1300,
    "mate-in-3": 1400,
}
"""Ratings before the line's length: the motifs a beginner sees first are lowest."""


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
    found: dict[str, list[int]] = field(default_factory=dict)

    def puzzle(self, motif: str, solution: list[chess.Move], extra: dict[str, Any]) -> None:
        last = self.board.move_stack[-1].uci() if self.board.move_stack else None
        info: dict[str, Any] = {"source": "generated", "seed": self.seed, "game": self.index}
        info["ply"] = self.board.ply()
        info.update(extra)
        line = tuple(m.uci() for m in solution)
        info["rating"] = rating(motif, line, self.board)
        self.result.puzzles.append(Puzzle(self.board.fen(), line, motif, last, info))
        self.found.setdefault(motif, []).append(self.board.ply())

    def wants(self, motif: str) -> bool:
        if motif not in self.motifs:
            return False
        plies = self.found.get(motif, [])
        ply = self.board.ply()
        return len(plies) < PER_GAME and all(abs(ply - p) >= SPACING for p in plies)

    def search(self, nodes: int, multipv: int) -> list[chess.engine.InfoDict]:
        assert self.engine is not None
        infos = self.engine.analyse(
            self.board, chess.engine.Limit(nodes=nodes), multipv=multipv, game=self.key
        )
        return [i for i in infos if i.get("pv")]


def _mate_label(game: _Game, board: chess.Board, line: list[chess.Move], depth: int) -> str:
    end = board.copy(stack=False)
    for move in line:
        end.push(move)
    if is_back_rank_mate(end) and game.wants("back-rank-mate"):
        return "back-rank-mate"
    return f"mate-in-{depth}"


def _try_mates(game: _Game, depth_hint: int | None, second: int | None = None) -> bool:
    """Mate motifs at the current position; `depth_hint` is the engine's mate distance
    (None: try mates in 1 and 2 by search alone), `second` the mate distance of its second
    line (a mate in 3 needs none within 3 there)."""
    board = game.board
    if material_balance(board, board.turn) > MATE_SLACK:
        return False
    if not any(game.wants(m) for m in (*MATE_DEPTHS, "back-rank-mate")):
        return False
    line: list[chess.Move] | None = None
    depth = 0
    if depth_hint in (None, 1):
        key = unique_mate_in_1(board)
        if key is not None:
            line, depth = [key], 1
    if line is None and depth_hint in (None, 2):
        key = unique_mate_in_2(board)
        if key is not None:
            line, depth = [key, *hardest_defence(board, key)], 2
    if line is None and depth_hint == 3 and game.engine is not None and second is None:
        if not game.wants("mate-in-3") and not game.wants("back-rank-mate"):
            return False
        game.result.verified += 1
        deep = game.search(VERIFY_NODES, 2)
        if (
            deep
            and _mate(deep[0], board.turn) == 3
            and (len(deep) < 2 or _mate(deep[1], board.turn) is None)
            and no_mate_within_2(board)
        ):
            line, depth = mate_in_3_line(board, deep[0]["pv"][0]), 3
    if line is None:
        return False
    motif = _mate_label(game, board, line, depth)
    if not game.wants(motif):
        return False
    game.puzzle(motif, line, {})
    return True


def _margin(infos: list[chess.engine.InfoDict], turn: chess.Color) -> tuple[int, int] | None:
    """(best, best - second) in centipawns, or None if either line is a mate."""
    if len(infos) < 2 or _mate(infos[0], turn) is not None or _mate(infos[1], turn) is not None:
        return None
    best = _cp(infos[0], turn)
    return best, best - _cp(infos[1], turn)


def _extend(game: _Game, line: list[chess.Move], pv: list[chess.Move]) -> list[chess.Move]:
    """Lengthen a material line while the learner's next move is unique: the engine's best
    reply, then a move that beats every other by `STEP_MARGIN_CP` at `VERIFY_NODES`."""
    board = game.board
    pushed = 0
    try:
        board.push(line[0])
        pushed = 1
        while len(line) < 2 * MAX_LEARNER_MOVES - 1 and len(pv) > len(line):
            reply = pv[len(line)]
            board.push(reply)
            pushed += 1
            if board.is_game_over():
                break
            infos = game.search(VERIFY_NODES, 2)
            game.result.verified += 1
            scored = _margin(infos, board.turn)
            if scored is None or scored[1] < STEP_MARGIN_CP:
                break
            move = infos[0]["pv"][0]
            line = [*line, reply, move]
            pv = [*line, *infos[0]["pv"][1:]]
            board.push(move)
            pushed += 1
    finally:
        for _ in range(pushed):
            board.pop()
    return line


def _flags_material(game: _Game, infos: list[chess.engine.InfoDict]) -> bool:
    """The shallow search's best move is far better than the next and has a motif's shape."""
    scored = _margin(infos, game.board.turn)
    if scored is None or scored[1] < STEP_MARGIN_CP:
        return False
    return _has_shape(game, list(infos[0]["pv"]))


def _has_shape(game: _Game, pv: list[chess.Move]) -> bool:
    """The line's first move (or a promotion in it) names a motif this game still wants."""
    board = game.board
    if abs(material_balance(board, board.turn)) > MATERIAL_SLACK or not pv:
        return False
    motif = material_motif(board, pv[:1]) or (
        "promotion" if any(m.promotion for m in pv[:5:2]) else None
    )
    return motif is not None and game.wants(motif)


def _verify_material(game: _Game) -> None:
    """A material puzzle at the current position, confirmed by a deeper search."""
    board, turn = game.board, game.board.turn
    game.result.verified += 1
    deep = game.search(VERIFY_NODES, 2)
    scored = _margin(deep, turn)
    if scored is None or scored[1] < MARGIN_CP or scored[0] < 150:
        return
    pv = list(deep[0]["pv"])
    line = _extend(game, pv[:1], pv)
    motif = material_motif(board, line)
    if motif is None or not game.wants(motif):
        return
    gain = material_gain(board, line + pv[len(line) :] if pv[: len(line)] == line else line)
    if gain < 2:
        return
    extra = {"material_gain": gain, "margin_cp": scored[1], "eval_cp": scored[0]}
    game.puzzle(motif, line, extra)


def _examine(game: _Game, infos: list[chess.engine.InfoDict]) -> None:
    """Look for puzzles at the game's current position, given its shallow search."""
    board = game.board
    if not infos:
        return
    mate = _mate(infos[0], board.turn)
    if mate is not None and 1 <= mate <= 3:
        second = _mate(infos[1], board.turn) if len(infos) > 1 else None
        _try_mates(game, mate, second if second is not None and second > 0 else None)
    elif mate is None and _flags_material(game, infos):
        _verify_material(game)


def _probe(game: _Game, info: chess.engine.InfoDict, loss: int) -> None:
    """After the plausible mistake `info` names (its line from the shallow search, `loss`
    centipawns worse than the best), look for the opponent's tactic: the line's second
    move is the refutation the search saw, so no new shallow search is needed."""
    board = game.board
    pv = list(info["pv"])
    mated = _mate(info, board.turn)
    board.push(pv[0])
    try:
        if board.is_game_over():
            return
        game.result.positions += 1
        if mated is not None and -3 <= mated < 0:
            _try_mates(game, -mated)
        elif mated is None and loss >= STEP_MARGIN_CP and _has_shape(game, pv[1:]):
            _verify_material(game)
    finally:
        board.pop()


def _engine_move(game: _Game) -> tuple[chess.Move, int]:
    """Examine the position and its plausible mistakes, then choose the move to play.

    The shallow search considers `CHOICES` moves. The game plays one within `VARIETY_CP`
    of the best (so games differ and stay sound); each considered move at least
    `MISTAKE_CP` worse is a mistake a player might make, and the position after it is
    examined for the opponent's tactic (the game itself does not take that turn).
    """
    board, rng = game.board, game.rng
    infos = game.search(SCREEN_NODES, CHOICES)
    if not infos:
        return rng.choice(sorted(board.legal_moves, key=lambda m: m.uci())), 0
    _examine(game, infos[:2])
    turn = board.turn
    best = _cp(infos[0], turn)
    near = [i["pv"][0] for i in infos if best - _cp(i, turn) <= VARIETY_CP]
    for info in infos[1:]:
        loss = best - _cp(info, turn)
        if loss >= MISTAKE_CP and len(info["pv"]) >= 2:
            _probe(game, info, loss)
    return rng.choice(near), best


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
    limit = MAX_PLIES if engine is not None else GREEDY_PLIES
    while not board.is_game_over(claim_draw=True) and board.ply() < limit:
        result.positions += 1
        if engine is None:
            if abs(material_balance(board, chess.WHITE)) > 4:
                break
            board.push(_greedy_move(game))
            continue
        move, score = _engine_move(game)
        if abs(score) >= DECIDED_CP:
            break
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
    checkpoint: Callable[[list[Puzzle]], None] | None = None,
) -> Generation:
    """`count` puzzles from games (seed, 0), (seed, 1), ... taken in order of game index.

    Games run in `workers` processes but are consumed in index order, and a position
    already taken is skipped, so the result depends only on the seed; a smaller count
    gives a prefix of a larger one's puzzles. `checkpoint` is given the puzzles so far
    every `CHECKPOINT` puzzles (a long run's partial result).
    """
    chosen = tuple(m for m in ALL_MOTIFS if m in set(motifs))
    if not use_engine:
        chosen = tuple(m for m in chosen if m in NO_ENGINE_MOTIFS)
    if not chosen:
        raise ValueError("no motif to generate (without an engine only mates can be proved)")
    started = time.perf_counter()
    puzzles: list[Puzzle] = []
    seen: set[str] = set()
    taken: dict[str, int] = {}
    games = positions = 0
    saved = 0
    jobs = ((seed, index) for index in itertools.count())
    with _pool(workers, use_engine, chosen) as run:
        for result in run(jobs):
            games += 1
            positions += result.positions
            for puzzle in result.puzzles:
                key = position_key(puzzle.board())
                if key in seen or len(puzzles) >= count:
                    continue
                if len(chosen) > 1 and not _room(puzzle, taken, len(puzzles)):
                    continue
                seen.add(key)
                for kind in _kinds(puzzle):
                    taken[kind] = taken.get(kind, 0) + 1
                puzzles.append(puzzle)
            if progress is not None:
                progress(len(puzzles), games)
            if checkpoint is not None and len(puzzles) >= saved + CHECKPOINT:
                saved = len(puzzles)
                checkpoint(list(puzzles))
            if len(puzzles) >= count:
                break
    if use_engine:  # after the games, on an engine of its own: their searches stay as they were
        engine = open_engine()
        try:
            puzzles = [with_also(engine, puzzle) for puzzle in puzzles]
        finally:
            engine.quit()
    return Generation(puzzles, games, positions, time.perf_counter() - started)


def also_winning(engine: chess.engine.SimpleEngine, puzzle: Puzzle) -> list[list[str]]:
    """For each learner move of a material puzzle, the other moves (UCI) that win too:
    the engine keeps the learner `ALSO_WINS_CP` ahead, or mating, after them, at
    `ALSO_NODES`, multipv `ALSO_LINES`. Each search starts from a cleared hash (a new
    game), so the answer depends only on the position, as it must for the set to be made
    again byte for byte."""
    board = puzzle.board()
    steps: list[list[str]] = []
    for ply, uci in enumerate(puzzle.solution):
        move = chess.Move.from_uci(uci)
        if ply % 2 == 0:
            infos = engine.analyse(
                board, chess.engine.Limit(nodes=ALSO_NODES), multipv=ALSO_LINES, game=object()
            )
            turn = board.turn
            steps.append(sorted(
                info["pv"][0].uci() for info in infos
                if info.get("pv") and info["pv"][0] != move
                and ((_mate(info, turn) or 0) > 0 or _cp(info, turn) >= ALSO_WINS_CP)
            ))  # fmt: skip
        board.push(move)
    return steps


def with_also(engine: chess.engine.SimpleEngine, puzzle: Puzzle) -> Puzzle:
    """`puzzle` with its `also` moves, if it is a material puzzle and has any."""
    if puzzle.motif in MATE_DEPTHS or puzzle.motif == "back-rank-mate":
        return puzzle  # a mate is the only right answer; any other mate already counts
    also = also_winning(engine, puzzle)
    extra = {k: v for k, v in puzzle.extra.items() if k != "also"}
    if any(also):
        extra["also"] = also
    return dataclasses.replace(puzzle, extra=extra)


def _kinds(puzzle: Puzzle) -> list[str]:
    """What a puzzle counts against: its motif, and `short` (one ply) or `full` (more
    than `ENDGAME_PIECES` pieces on the board) if it is so."""
    kinds = [puzzle.motif]
    if len(puzzle.solution) == 1:
        kinds.append("short")
    if piece_count(puzzle.fen) > ENDGAME_PIECES:
        kinds.append("full")
    return kinds


def _room(puzzle: Puzzle, taken: dict[str, int], so_far: int) -> bool:
    """Whether the run may take `puzzle` when it holds `so_far` puzzles: each of its kinds
    stays within its share of the puzzles so far (`SHARES`, plus `CAP_START`), so the set
    keeps its mix and the rule depends only on the past (a smaller count is a prefix)."""
    return all(
        taken.get(kind, 0) < CAP_START + math.floor(SHARES.get(kind, CAP) * so_far)
        for kind in _kinds(puzzle)
    )


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
