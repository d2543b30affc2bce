"""Exposure blocks: the running totals kept with each attempt equal a count of the attempts."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from drill.app.simulate import simulate
from drill.decks import load_deck
from drill.store.history import History
from drill.store.schema import BLOCKS_BACKFILL_SQL

COLUMNS = "learner_id, deck, block, probe, n, ok, rt_sum, rt_n, deadline_sum, later_fail, first_at"


def blocks(history: History) -> list[tuple[object, ...]]:
    with history.engine.connect() as conn:
        return [
            tuple(row)
            for row in conn.execute(
                text(
                    f"SELECT {COLUMNS} FROM exposure_blocks ORDER BY learner_id, deck, block, probe"
                )
            )
        ]


def recounted(history: History) -> list[tuple[object, ...]]:
    """The blocks as the migration's backfill computes them from the attempts alone."""
    with history.engine.begin() as conn:
        conn.execute(text("CREATE TEMP TABLE saved AS SELECT * FROM exposure_blocks"))
        conn.execute(text("DELETE FROM exposure_blocks"))
        conn.exec_driver_sql(BLOCKS_BACKFILL_SQL)
        rows = [
            tuple(row)
            for row in conn.execute(
                text(
                    f"SELECT {COLUMNS} FROM exposure_blocks ORDER BY learner_id, deck, block, probe"
                )
            )
        ]
        conn.execute(text("DELETE FROM exposure_blocks"))
        conn.execute(text("INSERT INTO exposure_blocks SELECT * FROM saved"))
        conn.execute(text("DROP TABLE saved"))
    return rows


@pytest.mark.slow
def test_running_totals_match_the_attempts(db_path: Path) -> None:
    """After real sessions (with unreadable answers, timeouts, probes), the blocks kept as
    each answer was written equal the blocks recounted from the attempts."""
    history = History.open(str(db_path))
    simulate(load_deck("modarith"), history, kind="lookup", items=730, seed=2, learner="ann")
    simulate(load_deck("control"), history, kind="lookup", items=120, seed=2, learner="ann")
    simulate(load_deck("modarith"), history, kind="network", items=260, seed=2, learner="bo")
    kept = blocks(history)
    assert kept == recounted(history)
    assert sum(int(row[4]) for row in kept) == 730 + 120 + 260  # first steps, all exposures
    assert len(kept) > 30


def test_multi_step_failures_are_counted(db_path: Path) -> None:
    """A chess puzzle failed on its second move counts once as answered, once as failed."""
    from drill.app.practice import start_practice

    deck = load_deck("chess", ["probe_rate=0", "motifs=mate-in-2"])
    history = History.open(str(db_path))
    engine = start_practice(deck, history, "cy").engine
    shown = engine.next_item()
    assert shown is not None
    outcome = engine.answer(shown.item.answer, 900)
    assert outcome.next_step is not None
    import chess

    board = chess.Board(str(outcome.next_step.data["fen"]))
    quiet = next(m for m in board.legal_moves if not board.gives_check(m))
    engine.answer("a1a1", 900)  # unreadable (not a legal move): not counted
    engine.answer(quiet.uci(), 900)  # legal, and not the mate
    (row,) = blocks(history)
    assert row[4:10] == (1, 1, 900, 1, row[8], 1)
    assert blocks(history) == recounted(history)
