"""The chess domain: items from a puzzle file, the answer parser, and multi-step judging."""

from __future__ import annotations

from pathlib import Path

import chess
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drill.domains import get_domain
from drill.domains.base import Item, Verdict
from drill.domains.chess import Chess, puzzle_id
from drill.domains.chess_moves import parse_move
from drill.domains.chess_puzzles import Puzzle, save_puzzles
from tests.strategies import chess_positions

SCHOLAR = "r1bqkb1r/pppp1ppp/2n2n2/4p2Q/2B1P3/8/PPPP1PPP/RNB1K1NR w KQkq - 4 4"
MATE_IN_2 = Puzzle(
    "r5k1/1p2R3/2p1q1P1/p1p3p1/5rB1/2B4P/PP2QP2/6K1 w - - 6 31",
    ("e2e6", "f4f7", "e6f7"),
    "mate-in-2",
    "d5e6",
)
PUZZLES = [
    Puzzle(SCHOLAR, ("h5f7",), "mate-in-1", "g8f6"),
    MATE_IN_2,
    Puzzle(
        "rn1qkbnr/pp3ppp/4p3/3pP3/2pP4/1P2BN2/P1b1BPPP/RN1Q1RK1 w kq - 0 9",
        ("d1c2",),
        "hanging-piece",
        "g6c2",
        {"material_gain": 3},
    ),
]


@pytest.fixture
def deck_params(tmp_path: Path) -> dict[str, object]:
    path = tmp_path / "few.jsonl.gz"
    save_puzzles(path, PUZZLES)
    return Chess().resolve({"puzzles": str(path)})  # type: ignore[return-value]


def items_of(params: dict[str, object]) -> tuple[Item, ...]:
    return Chess().items(params, seed=1, heldout_fraction=0.34)  # type: ignore[arg-type]


def test_registry_finds_chess() -> None:
    """The registry's one line makes `domain = "chess"` resolve to the Chess domain."""
    assert isinstance(get_domain("chess"), Chess)


def test_items_carry_the_contract_fields(deck_params: dict[str, object]) -> None:
    """Every item has fen, solution, motif; the answer is the SAN of the first move."""
    for item in items_of(deck_params):
        board = chess.Board(item.data["fen"])
        assert item.answer == board.san(chess.Move.from_uci(item.data["solution"][0]))
        assert item.data["motif"] in {"mate-in-1", "mate-in-2", "hanging-piece"}
        assert item.id == puzzle_id(Puzzle(item.data["fen"], tuple(item.data["solution"]), ""))
        assert Item.from_json(item.to_json()) == item


def test_prompt_never_names_the_motif(deck_params: dict[str, object]) -> None:
    """The prompt states the side to move and the last move, and no motif word."""
    for item in items_of(deck_params):
        assert item.prompt.startswith(("White to move.", "Black to move."))
        for word in ("mate", "fork", "hanging", "piece", "#"):
            assert word not in item.prompt.lower()


def test_ids_and_splits_are_stable(deck_params: dict[str, object]) -> None:
    """The same file and seed give the same ids and splits, with both splits used."""
    first, second = items_of(deck_params), items_of(deck_params)
    assert [(i.id, i.split) for i in first] == [(i.id, i.split) for i in second]
    assert {i.split for i in first} == {"train", "heldout"}


def test_motif_filter(deck_params: dict[str, object]) -> None:
    """`motifs` keeps only the named motifs."""
    params = {**deck_params, "motifs": "mate-in-1,mate-in-2"}
    assert {i.data["motif"] for i in items_of(params)} == {"mate-in-1", "mate-in-2"}


def test_missing_puzzle_file_is_a_value_error() -> None:
    """A puzzle file that is not there is a one-line ValueError naming the parameter."""
    params = Chess().resolve({"puzzles": "/nonexistent/p.jsonl.gz"})
    with pytest.raises(ValueError, match=r"^puzzles: cannot read"):
        Chess().items(params, 1, 0.2)


@pytest.mark.parametrize(
    ("text", "uci"),
    [
        ("Qxf7#", "h5f7"),
        ("Qxf7+", "h5f7"),
        ("Qxf7", "h5f7"),
        ("qxf7", "h5f7"),
        ("QXF7", "h5f7"),
        ("Qxf7!!", "h5f7"),
        ("h5f7", "h5f7"),
        ("H5F7", "h5f7"),
        ("♕xf7", "h5f7"),
        ("  Qh5xf7 ", "h5f7"),
        ("nc3", "b1c3"),
        ("Ke2", "e1e2"),
    ],
)
def test_parser_reads_san_uci_and_sloppy_case(text: str, uci: str) -> None:
    """SAN with or without marks, in any case, figurines, long SAN and UCI all parse."""
    move, why = parse_move(chess.Board(SCHOLAR), text)
    assert move == chess.Move.from_uci(uci), why


@pytest.mark.parametrize("text", ["", "xyz", "Qz9", "a1a1", "Ke3", "O-O", "hello world", "e2e5"])
def test_parser_refuses_garbage_and_illegal_moves(text: str) -> None:
    """Garbage and illegal moves give no move and a note."""
    move, why = parse_move(chess.Board(SCHOLAR), text)
    assert move is None
    assert why


def test_pawn_reading_wins_over_bishop_when_both_are_legal() -> None:
    """`bxc3` is the b-pawn's capture when legal, `Bxc3` the bishop's."""
    board = chess.Board("4k3/8/8/8/8/2n5/1P1B4/4K3 w - - 0 1")
    assert parse_move(board, "bxc3")[0] == chess.Move.from_uci("b2c3")
    assert parse_move(board, "Bxc3")[0] == chess.Move.from_uci("d2c3")


def test_castling_and_promotion_spellings() -> None:
    """0-0, o-o and O-O castle; b8=q, b8=Q and b7b8q promote."""
    board = chess.Board("4k3/1P6/8/8/8/8/8/4K2R w K - 0 1")
    for text in ("0-0", "o-o", "O-O", "e1g1"):
        assert parse_move(board, text)[0] == chess.Move.from_uci("e1g1")
    for text in ("b8=q", "b8=Q", "b7b8q", "B8=Q"):
        assert parse_move(board, text)[0] == chess.Move.from_uci("b7b8q")


def one(params: dict[str, object], motif: str) -> Item:
    return next(i for i in items_of(params) if i.data["motif"] == motif)


def test_judge_single_step(deck_params: dict[str, object]) -> None:
    """The solution is correct, another legal move wrong, an illegal one unreadable."""
    domain = Chess()
    item = one(deck_params, "hanging-piece")
    assert domain.judge(item, "Qxc2").verdict is Verdict.CORRECT
    assert domain.judge(item, "d1c2").follow_up is None
    assert domain.judge(item, "a3").verdict is Verdict.WRONG
    unreadable = domain.judge(item, "Qxh7")
    assert unreadable.verdict is Verdict.UNREADABLE
    assert unreadable.note


def test_judge_mate_in_2_plays_the_reply_then_accepts_the_mate(
    deck_params: dict[str, object],
) -> None:
    """A correct first move returns a FollowUp with the reply; the mate ends the item."""
    domain = Chess()
    item = one(deck_params, "mate-in-2")
    first = domain.judge(item, "Qxe6")
    assert first.verdict is Verdict.CORRECT
    follow = first.follow_up
    assert follow is not None
    assert follow.progress == "2"
    assert follow.data["reply"] == {"san": "Rf7", "uci": "f4f7"}
    board = chess.Board(follow.data["fen"])
    assert board.turn == chess.WHITE
    assert follow.prompt == "White to move. Black played Rf4-f7."  # as the first step reads
    last = domain.judge(item, "Qxf7#", follow.progress)
    assert last.verdict is Verdict.CORRECT
    assert last.follow_up is None
    assert domain.judge(item, "Re8+", follow.progress).verdict is Verdict.WRONG
    assert domain.judge(item, "Nf3", follow.progress).verdict is Verdict.UNREADABLE


def test_any_mate_is_correct_on_the_last_move(deck_params: dict[str, object]) -> None:
    """On the last step any mating move counts, not only the stored one."""
    item = one(deck_params, "mate-in-2")
    board = chess.Board(item.data["fen"])
    for uci in item.data["solution"][:2]:
        board.push_uci(uci)
    for move in board.legal_moves:
        board.push(move)
        mates = board.is_checkmate()
        board.pop()
        if mates:
            verdict = Chess().judge(item, move.uci(), "2").verdict
            assert verdict is Verdict.CORRECT


def test_the_answer_at_each_step_is_that_steps_move(deck_params: dict[str, object]) -> None:
    """After a miss the learner is told the move for the step they were on: the key at the
    first, the mate at the second (the item's answer is only the first)."""
    domain = Chess()
    item = one(deck_params, "mate-in-2")
    assert domain.answer_at(item) == item.answer == "Qxe6+"
    assert domain.answer_at(item, "2") == "Qxf7#"
    assert domain.judge(item, domain.answer_at(item, "2"), "2").verdict is Verdict.CORRECT


def test_shipped_mates_in_two_tell_a_second_move_that_mates() -> None:
    """For every shipped mate in two, the answer told at the second step is judged right."""
    from drill.decks import load_deck

    deck = load_deck("chess", [])
    mates = [it for it in deck.items if it.data["motif"] == "mate-in-2"]
    assert mates
    for item in mates:
        second = deck.domain.answer_at(item, "2")
        assert deck.domain.judge(item, second, "2").verdict is Verdict.CORRECT, item.id


def test_wrong_first_move_of_mate_in_2(deck_params: dict[str, object]) -> None:
    """A legal first move other than the key is wrong, with no follow-up."""
    judgement = Chess().judge(one(deck_params, "mate-in-2"), "Kh1")
    assert judgement.verdict is Verdict.WRONG
    assert judgement.follow_up is None


@settings(max_examples=15)
@given(chess_positions(60))
def test_every_legal_move_reads_back_from_san_and_uci(board: chess.Board) -> None:
    """In positions of random games, each legal move's SAN and UCI read back as that move,
    and its lower-case SAN as a move with the same lower-case SAN (marks aside)."""
    for move in board.legal_moves:
        san = board.san(move)
        assert parse_move(board, san)[0] == move
        assert parse_move(board, move.uci())[0] == move
        assert parse_move(board, san.upper() if san[0] in "KQRN" else san)[0] == move
        lowered = parse_move(board, san.lower())[0]
        assert lowered is not None
        assert board.san(lowered).lower().rstrip("+#") == san.lower().rstrip("+#")


NULL_MOVES = ["--", "0000", "Z0", "@@@@", "z0"]


@settings(max_examples=15)
@given(chess_positions(60), st.sampled_from(NULL_MOVES))
def test_a_null_move_is_never_read_as_a_move(board: chess.Board, null: str) -> None:
    """`--`, `0000`, `Z0` and `@@@@` pass the turn: in any position they are not a move."""
    move, why = parse_move(board, null)
    assert move is None
    assert why


CASTLE = "r3k2r/pppq1ppp/2n1bn2/8/8/2N1BN2/PPPQ1PPP/R3K2R w KQkq - 0 9"


@pytest.mark.parametrize(
    ("solution", "spellings"),
    [("e1g1", ["e1h1", "O-O", "e1g1", "E1H1"]), ("e1c1", ["e1a1", "O-O-O", "e1c1"])],
)
def test_king_takes_rook_castles_where_the_solution_castles(
    tmp_path: Path, solution: str, spellings: list[str]
) -> None:
    """Castling typed as the king taking its rook (python-chess's reading) is the castling,
    and a null move is unreadable, not a miss."""
    path = tmp_path / "castle.jsonl.gz"
    save_puzzles(path, [Puzzle(CASTLE, (solution,), "hanging-piece")])
    domain = Chess()
    params = domain.resolve({"puzzles": str(path)})
    (item,) = domain.items(params, seed=1, heldout_fraction=0.0)  # type: ignore[arg-type]
    for text in spellings:
        assert domain.judge(item, text).verdict is Verdict.CORRECT, text
    for null in NULL_MOVES:
        judged = domain.judge(item, null)
        assert judged.verdict is Verdict.UNREADABLE, null
        assert judged.note
    assert domain.judge(item, "a2a3").verdict is Verdict.WRONG


def test_items_are_made_once_and_again_when_the_file_changes(
    deck_params: dict[str, object],
) -> None:
    """A second deck on the same file shares the items made for the first; a file changed
    on disk is read again, never served from memory."""
    import os

    first = items_of(deck_params)
    assert items_of(deck_params) is first
    assert first == tuple(Chess().iter_items(deck_params, seed=1, heldout_fraction=0.34))  # type: ignore[arg-type]
    path = Path(str(deck_params["puzzles"]))
    stamp = path.stat().st_mtime_ns
    save_puzzles(path, PUZZLES[:2])
    os.utime(path, ns=(stamp + 1_000_000, stamp + 1_000_000))
    assert len(items_of(deck_params)) == 2


def test_a_move_that_wins_too_is_right_and_ends_the_puzzle(tmp_path: Path) -> None:
    """A material puzzle's `also` moves (ones the engine found win as well) are right, with
    the line's move named, and end the puzzle; any other move is still wrong."""
    hanging = Puzzle(
        "rn1qkbnr/pp3ppp/4p3/3pP3/2pP4/1P2BN2/P1b1BPPP/RN1Q1RK1 w kq - 0 9",
        ("d1c2", "b8c6", "c2a4"),
        "hanging-piece",
        "g6c2",
        {"also": [["b3c4"], ["a2a3"]]},
    )
    path = tmp_path / "also.jsonl.gz"
    save_puzzles(path, [hanging])
    params = Chess().resolve({"puzzles": str(path)})
    (item,) = Chess().items(params, seed=1, heldout_fraction=0.0)
    also = Chess().judge(item, "bxc4")
    assert also.verdict is Verdict.CORRECT
    assert also.follow_up is None
    assert also.note == "that wins too; the line was Qxc2"
    assert Chess().judge(item, "Qxc2").follow_up is not None  # the line itself goes on
    assert Chess().judge(item, "a3").verdict is Verdict.WRONG
    assert Chess().judge(item, "a3", progress="2").verdict is Verdict.CORRECT  # step two's


@pytest.mark.parametrize(
    ("also", "problem"),
    [
        ("e2e4", "also: expected a list"),
        ([["e2e4"], ["e7e5"]], "also: expected a list of at most 1 lists"),
        ([["nonsense"]], "also: not a UCI move"),
        ([[1]], "also: expected a list of UCI moves for each learner move"),
    ],
)
def test_a_bad_also_field_names_the_file_and_the_line(
    tmp_path: Path, also: object, problem: str
) -> None:
    from drill.domains.chess_puzzles import load_puzzles

    path = tmp_path / "bad.jsonl"
    save_puzzles(path, [Puzzle(SCHOLAR, ("h5f7",), "fork", None, {"also": also})])
    with pytest.raises(ValueError, match=rf"bad.jsonl:1: not a puzzle \({problem}"):
        load_puzzles(path)
