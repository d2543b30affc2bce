"""Puzzle soundness, over the shipped set and over freshly generated puzzles."""

from __future__ import annotations

import functools
import random
import shutil
from collections import Counter
from pathlib import Path

import chess
import chess.engine
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drill.decks import load_deck
from drill.domains.base import Verdict
from drill.domains.chess import SHIPPED_PUZZLES, Chess, puzzle_id, resolve_puzzle_path
from drill.domains.chess_gen import (
    MARGIN_CP,
    NO_ENGINE_MOTIFS,
    VERIFY_NODES,
    classify_material,
    find_stockfish,
    generate,
)
from drill.domains.chess_motifs import MATERIAL_ORDER, has_motif
from drill.domains.chess_puzzles import (
    Puzzle,
    check_puzzle,
    dump_puzzles,
    load_puzzles,
    mate_in_3_line,
    position_key,
)
from drill.domains.chess_stats import piece_count

NO_STOCKFISH = pytest.mark.skipif(
    find_stockfish() is None and shutil.which("stockfish") is None,
    reason="stockfish is not installed (apt-get install stockfish); engine checks skipped",
)
SHIPPED_PATH = resolve_puzzle_path(SHIPPED_PUZZLES)
GOLDEN_IDS = {
    0: "chess-dc6eb173b79e2e7a",
    1: "chess-28379d1384b4628c",
    2: "chess-18532d13f87a7dba",
    2003: "chess-1e348a7b6d8a8793",  # the last of the set before it: a longer run is a prefix
    4999: "chess-59d7566f180d1e30",
}
"""Pinned ids of shipped puzzles: a change of output is a decision."""
SHIPPED_AT_LEAST = 5000
"""The shipped set's size: the first 5,000 puzzles of seed 1."""
SHIPPED_STOCKFISH = "Stockfish 15.1"
"""The engine that made the shipped set (Debian bookworm's); others search differently."""


@functools.cache
def shipped() -> tuple[Puzzle, ...]:
    return tuple(load_puzzles(SHIPPED_PATH))


def by_motif(motif: str) -> list[Puzzle]:
    return [p for p in shipped() if p.motif == motif]


def test_shipped_set_size_and_motifs() -> None:
    """The shipped set is like real tactics (issue 18): at least eight motifs, none over
    35 %, three in ten lines of three plies or more, one in seven boards of 12 pieces or
    fewer; in a file of a few MB at most."""
    puzzles = shipped()
    counts = Counter(p.motif for p in puzzles)
    assert len(puzzles) >= SHIPPED_AT_LEAST
    assert len(counts) >= 8, counts
    required = {"mate-in-3", "pin", "skewer", "discovered-attack", "back-rank-mate"}
    assert required | {"promotion"} <= set(counts), counts
    assert max(counts.values()) <= 0.35 * len(puzzles), counts
    assert sum(len(p.solution) >= 3 for p in puzzles) >= 0.30 * len(puzzles)
    assert sum(piece_count(p.fen) <= 12 for p in puzzles) >= 0.15 * len(puzzles)
    assert SHIPPED_PATH.stat().st_size < 4_000_000


def test_every_shipped_label_holds_by_its_definition() -> None:
    """Each puzzle's motif is true of its line: a pin is a pin, a back-rank mate a mate on
    the home rank, a mate in 3 a mate after the learner's third move."""
    wrong = [
        (p.fen, p.motif)
        for p in shipped()
        if not has_motif(p.board(), [chess.Move.from_uci(m) for m in p.solution], p.motif)
    ]
    assert wrong == []


def test_shipped_positions_are_valid_and_lines_legal() -> None:
    """Every position is valid and every line legal, ending on the learner's move in mate
    for the mate motifs."""
    problems = [(p.fen, why) for p in shipped() if (why := check_puzzle(p, prove=False))]
    assert problems == []


def test_shipped_positions_never_repeat() -> None:
    """No two shipped puzzles share a position; ids are unique."""
    keys = [position_key(p.board()) for p in shipped()]
    assert len(set(keys)) == len(keys)
    ids = [puzzle_id(p) for p in shipped()]
    assert len(set(ids)) == len(ids)


def test_shipped_ids_are_pinned() -> None:
    """The first puzzles' ids match the pinned golden ids."""
    for index, expected in GOLDEN_IDS.items():
        assert puzzle_id(shipped()[index]) == expected


def test_shipped_mate_in_1_all_unique() -> None:
    """Every shipped mate in 1 has exactly one mating move (proved for all of them)."""
    problems = [(p.fen, why) for p in by_motif("mate-in-1") if (why := check_puzzle(p))]
    assert problems == []


def test_shipped_mate_in_2_sample_unique() -> None:
    """A seeded sample of shipped mates in 2: no mate in 1, exactly one key, proved."""
    sample = random.Random(6).sample(by_motif("mate-in-2"), 20)
    problems = [(p.fen, why) for p in sample if (why := check_puzzle(p))]
    assert problems == []


def test_shipped_mate_in_3_sample_proved() -> None:
    """A seeded sample of shipped mates in 3: no mate within 2, the key forces mate
    against every reply, and the second move is the only mate in 2 after the reply."""
    sample = random.Random(8).sample(by_motif("mate-in-3"), 3)
    problems = [(p.fen, why) for p in sample if (why := check_puzzle(p))]
    assert problems == []


def test_shipped_back_rank_mates_proved() -> None:
    """Every shipped back-rank mate in one or two is unique, proved by search."""
    mates = [p for p in by_motif("back-rank-mate") if len(p.solution) <= 3]
    problems = [(p.fen, why) for p in mates if (why := check_puzzle(p))]
    assert problems == []


@pytest.mark.slow
def test_shipped_mate_in_2_all_unique() -> None:
    """Every shipped mate in 2 is proved unique by exhaustive search."""
    problems = [(p.fen, why) for p in by_motif("mate-in-2") if (why := check_puzzle(p))]
    assert problems == []


def material() -> list[Puzzle]:
    return [p for p in shipped() if p.motif in MATERIAL_ORDER]


def test_shipped_material_puzzles_have_their_shape() -> None:
    """Each material puzzle has a recorded margin over every other move of two pawns or
    more and a material gain of two pawns or more."""
    for puzzle in material():
        assert puzzle.extra["margin_cp"] >= MARGIN_CP, puzzle.fen
        assert puzzle.extra["material_gain"] >= 2, puzzle.fen


@pytest.mark.stockfish
@NO_STOCKFISH
def test_shipped_material_puzzles_rechecked_by_engine() -> None:
    """A fresh Stockfish, on a sample, still finds the solution best by a wide margin."""
    sample = random.Random(7).sample(material(), 8)
    engine = chess.engine.SimpleEngine.popen_uci(find_stockfish() or "stockfish")
    try:
        for puzzle in sample:
            board = puzzle.board()
            infos = engine.analyse(board, chess.engine.Limit(nodes=VERIFY_NODES), multipv=2)
            scores = [i["score"].pov(board.turn).score(mate_score=100_000) for i in infos]
            assert infos[0]["pv"][0].uci() == puzzle.solution[0], puzzle.fen
            # a fresh hash searches a little differently from the generator's: allow slack
            assert scores[0] - scores[1] >= MARGIN_CP - 100, (puzzle.fen, scores)
    finally:
        engine.quit()


def test_puzzle_file_round_trips_byte_for_byte(tmp_path: Path) -> None:
    """Loading and dumping the shipped set gives the same puzzles and the same bytes."""
    some = list(shipped()[:200])
    path = tmp_path / "p.jsonl.gz"
    path.write_bytes(dump_puzzles(some))
    assert load_puzzles(path) == some
    assert dump_puzzles(load_puzzles(path)) == path.read_bytes()


@given(st.integers(min_value=0, max_value=10_000))
def test_any_shipped_item_accepts_its_own_line(index: int) -> None:
    """For any shipped item, playing its solution through `judge` is correct at each step."""
    item = shipped_items()[index % len(shipped_items())]
    progress = ""
    for uci in item.data["solution"][::2]:
        judgement = Chess().judge(item, uci, progress)
        assert judgement.verdict is Verdict.CORRECT
        if judgement.follow_up is None:
            break
        progress = judgement.follow_up.progress
    assert Chess().judge(item, item.answer).verdict is Verdict.CORRECT


def test_shipped_moves_that_win_too_are_legal_other_moves_of_material_puzzles() -> None:
    """Every `also` move is legal at its learner step and is not the line's move; only
    material puzzles have them (a mate is the answer; any other mate already counts)."""
    with_also = [p for p in shipped() if "also" in p.extra]
    assert with_also
    for puzzle in with_also:
        assert puzzle.motif not in ("mate-in-1", "mate-in-2", "mate-in-3", "back-rank-mate")
        board = puzzle.board()
        steps = iter(puzzle.extra["also"])
        for ply, uci in enumerate(puzzle.solution):
            if ply % 2 == 0:
                for other in next(steps, []):
                    assert other != uci, puzzle.fen
                    assert chess.Move.from_uci(other) in board.legal_moves, puzzle.fen
            board.push_uci(uci)


@functools.cache
def shipped_items() -> tuple[object, ...]:
    return load_deck("chess").items  # type: ignore[return-value]


@pytest.mark.slow
def test_shipped_deck_splits_by_position() -> None:
    """The chess deck loads with no engine, holds out about a fifth, and is stable."""
    deck = load_deck("chess")
    train, heldout = deck.split_counts()
    assert train + heldout == len(shipped())
    assert 0.15 < heldout / (train + heldout) < 0.25
    again = Chess().items(deck.params, deck.seed, deck.heldout_fraction)
    assert [(i.id, i.split) for i in again] == [(i.id, i.split) for i in deck.items]


@pytest.fixture(scope="module")
def mates_without_engine() -> list[Puzzle]:
    return generate(2, 1, workers=1, use_engine=False).puzzles


def test_generated_mates_are_proved(mates_without_engine: list[Puzzle]) -> None:
    """Puzzles generated without an engine are mates, each proved unique."""
    assert len(mates_without_engine) == 2
    for puzzle in mates_without_engine:
        assert puzzle.motif in NO_ENGINE_MOTIFS
        assert check_puzzle(puzzle) is None


def test_generation_is_reproducible_on_any_worker_count(
    mates_without_engine: list[Puzzle],
) -> None:
    """The same seed gives the same puzzles in one process or two."""
    assert generate(2, 1, workers=2, use_engine=False).puzzles == mates_without_engine


@pytest.mark.stockfish
@NO_STOCKFISH
def test_generated_material_puzzles_are_sound() -> None:
    """With the engine, material puzzles come out legal, shaped and with their margin."""
    result = generate(3, 5, workers=1, motifs=("hanging-piece", "fork", "pin"))
    assert len(result.puzzles) == 3
    keys = {position_key(p.board()) for p in result.puzzles}
    assert len(keys) == 3
    for puzzle in result.puzzles:
        assert check_puzzle(puzzle) is None
        assert puzzle.extra["margin_cp"] >= MARGIN_CP
        line = [chess.Move.from_uci(m) for m in puzzle.solution]
        assert has_motif(puzzle.board(), line, puzzle.motif)


def stockfish_name() -> str:
    path = find_stockfish()
    if path is None:
        return ""
    engine = chess.engine.SimpleEngine.popen_uci(path)
    try:
        return str(engine.id.get("name", ""))
    finally:
        engine.quit()


@pytest.mark.slow
@pytest.mark.stockfish
@NO_STOCKFISH
def test_shipped_set_is_reproduced_from_its_seed() -> None:
    """`generate(n, seed=1)` gives the shipped set's first n puzzles, on two workers."""
    if stockfish_name() != SHIPPED_STOCKFISH:
        pytest.skip(f"the shipped set was made with {SHIPPED_STOCKFISH}; searches differ")
    assert generate(12, 1, workers=2).puzzles == list(shipped()[:12])


@pytest.mark.parametrize(
    ("fen", "uci", "motif"),
    [
        ("4k3/8/8/3n4/8/8/8/3RK3 w - - 0 1", "d1d5", "hanging-piece"),
        ("r3k3/8/8/8/8/8/8/4K1N1 w - - 0 1", "g1f3", None),
        ("r3k3/8/8/1N6/8/8/8/4K3 w - - 0 1", "b5c7", "fork"),
        ("r3k3/8/8/8/8/8/8/4K2R w - - 0 1", "h1h8", "skewer"),
        ("4k3/8/8/3n4/8/8/3P4/3RK3 w - - 0 1", "d2d3", None),
    ],
)
def test_move_shapes(fen: str, uci: str, motif: str | None) -> None:
    """Taking an undefended piece is a hanging piece; hitting two targets a fork; a check
    along a line with a rook behind the king a skewer; a quiet move nothing."""
    assert classify_material(chess.Board(fen), chess.Move.from_uci(uci)) == motif


def mirror_move(move: chess.Move) -> chess.Move:
    return chess.Move(
        chess.square_mirror(move.from_square), chess.square_mirror(move.to_square), move.promotion
    )


@settings(max_examples=4, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_mate_in_3_proof_holds_for_either_colour(index: int) -> None:
    """A shipped mate in 3's proof gives back its own line, and the colour-mirrored
    position is proved a mate in 3 by the mirrored key too, ending in mate."""
    mates = by_motif("mate-in-3")
    puzzle = mates[index % len(mates)]
    board = puzzle.board()
    line = [chess.Move.from_uci(m) for m in puzzle.solution]
    assert mate_in_3_line(board, line[0]) == line
    mirrored = board.mirror()
    proved = mate_in_3_line(mirrored, mirror_move(line[0]))
    assert proved is not None
    assert len(proved) == 5
    for move in proved:
        mirrored.push(move)
    assert mirrored.is_checkmate()
