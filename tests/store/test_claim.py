"""One live session per learner and deck: a second drill is refused, a dead one is not feared."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from drill.app.home import Home
from drill.app.practice import Practice, quick_start, start_practice
from drill.decks import load_deck
from drill.store.claim import DeckBusyError, claim, claim_file
from drill.store.history import History
from drill.store.models import DrillSession
from drill.tui.app import make_app
from drill.tui.screens.home import HomeScreen
from tests.tui.test_session import FakeClock

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="claims need fcntl")


def sessions(db: Path) -> list[tuple[int, str | None]]:
    """(id, end reason) of every session, oldest first (None: still open)."""
    history = History.open(str(db))
    try:
        with history.engine.connect() as conn:
            query = select(DrillSession.id, DrillSession.end_reason).order_by(DrillSession.id)
            return [(int(i), reason) for i, reason in conn.execute(query)]
    finally:
        history.close()


def answer_one(practice: Practice) -> None:
    shown = practice.engine.next_item()
    assert shown is not None
    practice.engine.answer(shown.item.answer, 900)


def test_a_second_claim_is_refused_until_the_first_is_released(db_path: Path) -> None:
    """The same learner and deck clash; another learner or deck does not."""
    first = claim(db_path, "ann", "modarith")
    assert first.held
    with pytest.raises(DeckBusyError, match="ann is already drilling modarith in another drill"):
        claim(db_path, "ann", "modarith")
    for learner, deck in (("bob", "modarith"), ("ann", "chords")):
        other = claim(db_path, learner, deck)
        assert other.held
        other.release()
    first.release()
    first.release()  # twice is harmless
    again = claim(db_path, "ann", "modarith")
    assert again.held
    again.release()


def test_a_killed_drill_leaves_its_claim_behind_it(db_path: Path) -> None:
    """The kernel drops the claim of a process that dies, so a crash never locks a deck out."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from drill.store.claim import claim;"
            f"c = claim(Path({str(db_path)!r}), 'ann', 'modarith'); print(c.held, flush=True);"
            "time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "True"
        with pytest.raises(DeckBusyError):
            claim(db_path, "ann", "modarith")
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    after = claim(db_path, "ann", "modarith")
    assert after.held
    after.release()


def test_a_second_terminal_leaves_the_first_session_running(db_path: Path) -> None:
    """The second `drill start` is refused in one line; the first session is not closed as
    interrupted, goes on recording, and once it ends the deck can be drilled again."""
    deck = load_deck("modarith", [])
    history = History.open(str(db_path))
    first = start_practice(deck, history, "ann")
    answer_one(first)
    with pytest.raises(DeckBusyError) as refused:
        quick_start(deck, str(db_path), "ann")
    assert "\n" not in str(refused.value)
    with pytest.raises(DeckBusyError):
        start_practice(deck, history, "ann")
    assert sessions(db_path) == [(1, None)]  # still open, not "interrupted"
    answer_one(first)
    first.close("quit")
    second = quick_start(deck, str(db_path), "ann")
    answer_one(second)  # the store opens (in the background) and closes nothing live
    second.close("quit")
    second.link.history.close()
    assert sessions(db_path) == [(1, "quit"), (2, "quit")]
    written = [(row["session"], row["exposure"]) for row in history.export("ann")]
    assert written == [(1, 1), (1, 2), (2, 3)]  # one count of exposures, never two
    history.close()


def test_a_session_left_open_by_a_crash_is_still_closed_as_interrupted(db_path: Path) -> None:
    """No claim held (the process died) and the row still open: the next start closes it."""
    deck = load_deck("modarith", [])
    history = History.open(str(db_path))
    crashed = start_practice(deck, history, "ann")
    answer_one(crashed)
    assert crashed.claim is not None
    crashed.claim.release()  # what the kernel does when the process dies
    start_practice(deck, history, "ann").close("quit")
    assert sessions(db_path) == [(1, "interrupted"), (2, "quit")]
    history.close()


def test_claims_live_beside_the_database_under_any_names(db_path: Path) -> None:
    """Odd learner and deck names make safe file names in `<database>.live/`."""
    held = claim(db_path, "ann/../x\0y", "my deck: ÿ")
    assert held.held
    path = claim_file(db_path, "ann/../x\0y", "my deck: ÿ")
    assert path.parent == db_path.with_name("history.db.live")
    assert path.exists()
    held.release()


def test_no_file_means_no_claim() -> None:
    """A server database (no file) starts sessions unclaimed, as before claims existed."""
    assert not claim(None, "ann", "modarith").held


async def test_home_says_a_busy_deck_is_busy_and_stays_home(db_path: Path) -> None:
    """Enter on a deck drilled in another terminal: a notice, and the home screen stays."""
    history = History.open(str(db_path))
    other = claim(db_path, "ann", "modarith")
    app = make_app(home=Home(history, "ann"), clock=FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.start_deck("modarith")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        notices = [n.message for n in app._notifications]
        assert any("ann is already drilling modarith" in m for m in notices)
    other.release()
    history.close()
