"""A session's lifecycle: one session row per start, closed and unclaimed whatever happens."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from drill.app import practice as practice_module
from drill.app.practice import quick_start, start_practice, start_review
from drill.app.simulate import simulate
from drill.decks import load_deck
from drill.store.history import History
from drill.store.models import DrillSession


def sessions_of(history: History) -> list[tuple[str, str | None]]:
    """(kind, end_reason) of every session row, oldest first."""
    query = select(DrillSession.kind, DrillSession.end_reason).order_by(DrillSession.id)
    with history.engine.connect() as conn:
        return [(kind, reason) for kind, reason in conn.execute(query)]


@pytest.fixture
def history(db_path: Path) -> History:
    """A database at the head revision, so `quick_start` takes its fast path."""
    return History.open(str(db_path))


def test_a_fast_first_answer_makes_one_session(db_path: Path, history: History) -> None:
    """An answer written before the store has warmed, then the warm-up: one session row."""
    practice = quick_start(load_deck("modarith"), str(db_path), "ann")
    shown = practice.engine.next_item()
    assert shown is not None
    practice.engine.answer(shown.item.answer, 900)  # the first write opens the store
    practice.link.warm()  # the app's warm-up comes after it: it must not open another
    practice.close("quit")
    assert sessions_of(history) == [("drill", "quit")]
    assert len(list(history.export("ann"))) == 1


def test_a_failed_start_closes_its_session_and_frees_the_deck(
    history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review block whose engine cannot be built leaves no open session and no claim."""
    deck = load_deck("modarith", ["session.length=3"])
    done = start_practice(deck, history, "ann")
    for _ in range(3):
        shown = done.engine.next_item()
        assert shown is not None
        done.engine.answer("nonsense 12", 900)
        done.engine.expire()
    done.close("finished")

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("the engine cannot start")

    monkeypatch.setattr(practice_module, "_engine", broken)
    with pytest.raises(RuntimeError):
        start_review(done)
    assert sessions_of(history) == [("drill", "finished"), ("review", "interrupted")]
    history.claim("ann", "modarith").release()  # free: no DeckBusyError


def test_a_failing_simulation_closes_its_session_and_frees_the_deck(history: History) -> None:
    """An error in the middle of `drill simulate` closes the session and gives up the claim."""

    def fail_at_five(result: object) -> None:
        if getattr(result, "exposures", 0) == 5:
            raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        simulate(
            load_deck("modarith"), history, kind="lookup", items=50, seed=0, learner="ann",
            progress=fail_at_five,
        )  # fmt: skip
    assert sessions_of(history) == [("simulate", "interrupted")]
    history.claim("ann", "modarith").release()
    assert len({r["exposure"] for r in history.export("ann")}) == 5
