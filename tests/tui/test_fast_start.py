"""`drill start` answered at once (Enter held down while it starts): one session row."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import Static

from drill.app.practice import Practice, quick_start
from drill.decks import load_deck
from drill.store.history import History
from drill.store.models import DrillSession
from drill.tui.app import make_app
from drill.tui.screens import session as session_screen
from tests.tui.test_session import FakeClock, begin, current, type_answer


def session_rows(db_path: Path) -> list[str | None]:
    """The end reason of every session row, oldest first (None: still open)."""
    history = History.open(str(db_path))
    query = select(DrillSession.end_reason).order_by(DrillSession.id)
    with history.engine.connect() as conn:
        reasons = [reason for (reason,) in conn.execute(query)]
    history.close()
    return reasons


async def test_an_answer_before_the_store_warms_makes_one_session(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first answer is written before the background opening starts; the opening then
    finds the store open, and the session is one row, closed when the learner quits."""
    History.open(str(db_path)).close()  # at head, so the fast start reads it with sqlite3
    monkeypatch.setattr(session_screen, "WARM_AFTER_S", 2.0)  # answer well before it
    deck = load_deck("modarith", ["session.length=5", "probe_rate=0"])

    def start() -> Practice:
        return quick_start(deck, str(db_path), "ann")

    app = make_app(start, clock=FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)  # past the ready card: the first item, its clock running
        first = current(app)
        await type_answer(pilot, first.item.answer)  # before the store has warmed
        assert session_rows(db_path) == [None]  # written: the store was opened for it
        await pilot.pause(2.5)  # the warm-up runs now
        await pilot.press("enter")
        await type_answer(pilot, current(app).item.answer)
        await pilot.press("escape")
        await pilot.pause()
    assert session_rows(db_path) == ["quit"]
    history = History.open(str(db_path))
    assert {r["exposure"] for r in history.export("ann")} == {1, 2}
    history.close()


async def test_a_fast_typist_at_the_first_items_of_a_launch_is_stored_answer_by_answer(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the store is still opening (slow, as on a busy machine), 20 right answers typed
    as fast as the items come are each judged at once and stored as 20 right answers."""
    import threading

    History.open(str(db_path)).close()
    opened = threading.Event()
    real_open = History.open

    def slow_open(db: str | None = None) -> History:
        opened.wait(30)  # held until the typist is done: every write waits for the store
        return real_open(db)

    monkeypatch.setattr(History, "open", staticmethod(slow_open))
    deck = load_deck("modarith", ["session.length=20", "probe_rate=0"])

    def start() -> Practice:
        return quick_start(deck, str(db_path), "ann")

    app = make_app(start, clock=FakeClock())
    answers = []
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        session = app.screen
        for n in range(20):
            shown = current(app)
            answers.append(shown.item.answer)
            await pilot.press(*shown.item.answer, "enter")
            said = session.query_one("#feedback", Static).render()
            assert "✓ right" in str(said)  # judged at once, before the store opened
            if n < 19:
                await pilot.press("enter")  # on at once (or past the rule, if it opens)
        assert not opened.is_set()
        opened.set()
        await pilot.pause()
    rows = [r for r in real_open(str(db_path)).export("ann")]
    assert [(r["response"], r["result"]) for r in rows] == [(a, "correct") for a in answers]
