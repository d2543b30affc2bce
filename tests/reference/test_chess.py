"""The chess encoder: a board as a bag of tokens, a move as from- and to-square rows."""

from __future__ import annotations

from pathlib import Path

import chess
import numpy as np
import pytest

from drill.app.simulate import simulate
from drill.decks import Deck, load_deck
from drill.domains.base import Verdict
from drill.domains.chess import Chess
from drill.reference.chess_encoder import FROM, N_OUT, N_TOKENS, TO, ChessEncoder
from drill.reference.encoders import get_encoder
from drill.reference.network import NetworkConfig
from drill.reference.online import OnlineLearner
from drill.reference.train import TrainConfig, train_fresh
from drill.store.history import History


@pytest.fixture(scope="module")
def deck() -> Deck:
    return load_deck("chess")


@pytest.fixture(scope="module")
def encoder(deck: Deck) -> ChessEncoder:
    enc = get_encoder("chess", deck.items)
    assert isinstance(enc, ChessEncoder)
    return enc


@pytest.mark.slow
def test_every_shipped_item_round_trips_to_its_answer(deck: Deck, encoder: ChessEncoder) -> None:
    """Two rows an item, tokens and targets in range, and the targets spell `item.answer`."""
    encoded = encoder.encode(deck.items)
    assert encoded.n == len(deck.items)
    assert encoded.inputs.max() < N_TOKENS
    assert encoded.targets.max() < N_OUT
    assert set(encoded.inputs[0::2].max(axis=1).tolist()) == {FROM}  # markers sort last
    assert set(encoded.inputs[1::2].max(axis=1).tolist()) == {TO}
    for i, item in enumerate(deck.items):
        assert encoder.spell(item, encoded.targets[2 * i : 2 * i + 2].tolist()) == item.answer


def test_black_to_move_is_the_mirror_of_white(encoder: ChessEncoder, deck: Deck) -> None:
    """A position and its colour-flipped mirror are the same tokens and the same targets."""
    item = next(it for it in deck.items if it.data["side"] == "white")
    board = chess.Board(item.data["fen"])
    move = chess.Move.from_uci(item.data["solution"][0])
    mirrored = board.mirror()
    mirrored_move = chess.Move(
        chess.square_mirror(move.from_square), chess.square_mirror(move.to_square)
    )
    assert encoder.position(board, None)[:-1] == encoder.position(mirrored, None)[:-1]
    assert encoder.targets(board, move) == encoder.targets(mirrored, mirrored_move)


def test_underpromotions_have_their_own_target(encoder: ChessEncoder) -> None:
    board = chess.Board("8/1P6/8/8/8/8/k7/4K3 w - - 0 1")
    targets = {encoder.targets(board, m) for m in board.legal_moves if m.promotion}
    assert len(targets) == 4  # queen (the square itself), rook, bishop, knight


def test_choices_are_the_legal_moves_and_accept_the_solution(
    deck: Deck, encoder: ChessEncoder
) -> None:
    """Every legal move is a candidate; the solution's first move is accepted, as is any mate."""
    for item in deck.items[:200]:
        board = chess.Board(item.data["fen"])
        allowed = encoder.choices(item)
        assert len(allowed) == board.legal_moves.count()
        solution = encoder.targets(board, chess.Move.from_uci(item.data["solution"][0]))
        assert (solution, True) in allowed
        for targets, accepted in allowed:
            if accepted:
                assert Chess().judge(item, encoder.spell(item, targets)).correct


def test_predictions_are_legal_moves_judged_readable_and_deterministic(deck: Deck) -> None:
    """Restricted to legal moves, every answer reads; the same seed answers the same."""
    items = deck.items[:60]
    a = OnlineLearner("chess", deck.items, seed=3, network=NetworkConfig(hidden=16))
    b = OnlineLearner("chess", deck.items, seed=3, network=NetworkConfig(hidden=16))
    for item in items[:20]:
        a.observe(item)
        b.observe(item)
    domain = Chess()
    for item in items:
        answer = a.predict(item)
        assert answer == b.predict(item)
        assert domain.judge(item, answer).verdict is not Verdict.UNREADABLE


def test_online_accuracy_agrees_with_predict(deck: Deck) -> None:
    """`accuracy` (batched, restricted to legal moves) counts what `predict` + judge count."""
    items = deck.items[:80]
    learner = OnlineLearner("chess", deck.items, seed=0, network=NetworkConfig(hidden=32))
    for _ in range(3):
        for item in items[:40]:
            learner.observe(item)
    domain = Chess()
    judged = np.mean([domain.judge(it, learner.predict(it)).correct for it in items])
    assert learner.accuracy(items) == pytest.approx(judged)
    assert judged > 0  # it learned some of what it was shown


def test_a_mate_in_two_is_answered_step_by_step(deck: Deck) -> None:
    """The second step is answered from the position on screen, with a move the judge reads
    there (never the first move again), and a simulated network finishes mates in two."""
    item = next(it for it in deck.items if it.data["motif"] == "mate-in-2")
    learner = OnlineLearner("chess", deck.items, seed=0, network=NetworkConfig(hidden=32))
    for _ in range(60):  # memorize this one item's first move
        learner.observe(item)
    assert learner.predict(item) == item.answer
    domain = Chess()
    follow = domain.judge(item, item.answer).follow_up
    assert follow is not None
    second = learner.predict(item, {**item.data, **follow.data})
    assert domain.judge(item, second, follow.progress).verdict is not Verdict.UNREADABLE


@pytest.mark.slow
def test_a_fresh_run_restricts_accuracy_to_legal_moves(deck: Deck) -> None:
    """A short run reports item accuracies and row accuracies; chance is ~3.6 % of items."""
    config = TrainConfig(steps=20, eval_every=10, network=NetworkConfig(hidden=16))
    result = train_fresh(deck, 0.8, config)
    assert result.n_train == 4000  # 80 % of the shipped set's 5,000
    assert result.n_train_rows == 8000
    assert result.final_train_row_accuracy is not None
    assert 0 <= result.final_heldout_accuracy <= 1


def test_simulate_chess_network_writes_history(deck: Deck, tmp_path: Path) -> None:
    """`drill simulate chess --kind network --items 200`, through the engine and store."""
    history = History.open(str(tmp_path / "h.db"))
    try:
        result = simulate(deck, history, kind="network", items=200, seed=0, learner="net")
        learner_id = history.reader.learner_id("net", create=False)
        assert learner_id is not None
        outcomes = history.reader.outcomes(learner_id, deck.fingerprint)
    finally:
        history.close()
    assert result.exposures == 200
    assert len(outcomes) == 200
