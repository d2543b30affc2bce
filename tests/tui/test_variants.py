"""The app tells the learner, once, when a variant's held-out items were taught elsewhere."""

from __future__ import annotations

from pathlib import Path

from drill.app.practice import start_practice
from drill.app.simulate import simulate
from drill.decks import load_deck
from drill.store.history import History
from drill.tui.app import make_app
from tests.tui.test_session import FakeClock


async def test_the_session_says_which_held_out_items_will_not_be_probed(db_path: Path) -> None:
    """After a run on seed 2, the shipped variant's first item comes with one notice that
    some of its held-out items were taught in another variant, said once."""
    history = History.open(str(db_path))
    simulate(load_deck("modarith", ["seed=2"]), history, kind="lookup", items=200, seed=0,
             learner="x")  # fmt: skip
    deck = load_deck("modarith", ["session.length=3"])
    app = make_app(lambda: start_practice(deck, history, "x"), clock=FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert len(said) == 1
        assert said[0].endswith(
            "of this deck's held-out items were taught to you in another variant; "
            "they will not be probed"
        )
        assert app.practice is not None
        assert app.practice.notice is None  # said once
