"""The main screens as the learner sees them, pinned as pictures (pytest-textual-snapshot).

Each test drives the app as a learner would and compares the screen with its SVG under
__snapshots__/; on a difference the run writes snapshot_report.html, the two side by side.
Everything that varies is fixed: the wall clock (frozen), the app's clock, the seeds, the
learner, the time zone, the theme and the cursor's blink. A change of what a screen shows
is then a decision: look at the report, and if it is meant, rewrite the pictures with

    pytest tests/tui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from textual.pilot import Pilot
from textual.widgets import DataTable, Footer, Input

from drill.app.home import Home
from drill.app.practice import Practice, start_practice
from drill.app.simulate import simulate
from drill.decks import load_deck
from drill.store.history import History
from drill.tui.app import DrillApp, make_app
from drill.tui.screens.report import ReportScreen
from drill.tui.screens.session import SessionScreen
from drill.tui.screens.summary import SummaryScreen
from drill.tui.widgets.timebar import TimeBar
from tests.tui.test_session import FakeClock, current, wrong_answer

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
"""The wall clock, frozen for every test here: shown times, today and the calendar."""
LEARNER = "ann"

Compare = Callable[..., bool]
Steps = Callable[[Pilot[None]], Awaitable[None]]


@pytest.fixture(autouse=True)
def fixed_world(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The same screen on every machine: frozen time, UTC, the dark theme, colour on."""
    monkeypatch.setenv("TZ", "UTC")
    for name in ("DRILL_THEME", "NO_COLOR", "TEXTUAL_THEME"):
        monkeypatch.delenv(name, raising=False)
    with time_machine.travel(NOW, tick=False):
        yield


def seeded(db_path: Path) -> History:
    """ann found modarith's rule this morning and drilled the control; the rest are new."""
    history = History.open(str(db_path))
    start = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    for deck, kind, items in (("modarith", "rule", 160), ("control", "lookup", 60)):
        simulate(
            load_deck(deck), history, kind=kind, items=items, seed=1, learner=LEARNER, start=start
        )
    return history


def home_app(history: History) -> DrillApp:
    return make_app(home=Home(history, LEARNER, now=lambda: NOW, zone=UTC), clock=FakeClock())


def drill_app(db_path: Path, deck: str, *params: str) -> tuple[DrillApp, FakeClock]:
    """`drill start DECK` for a learner new to it, on a clock the test moves."""
    loaded = load_deck(deck, list(params))
    history = History.open(str(db_path))
    clock = FakeClock()

    def start() -> Practice:
        return start_practice(loaded, history, LEARNER)

    return make_app(start, clock=clock), clock


async def settle(pilot: Pilot[None]) -> None:
    """A still screen: every worker done, the late footer mounted, every table laid out,
    no cursor blinking, and two frames in a row alike (a loaded machine is slow, not
    different)."""
    app = pilot.app
    await app.workers.wait_for_complete()
    for _ in range(100):  # the session screen mounts its footer just after the first frame
        tables = app.screen.query(DataTable)
        if app.screen.query(Footer) and not any(laying_out(t) for t in tables):
            break
        await pilot.pause(0.05)
    for box in app.screen.query(Input):
        box.cursor_blink = False
    last = None
    for _ in range(100):
        await pilot.pause(0.05)
        frame = app.export_screenshot()
        if frame == last:
            break
        last = frame


def laying_out(table: DataTable[object]) -> bool:
    """The table has new rows whose column widths it has not measured yet (on idle)."""
    return bool(getattr(table, "_require_update_dimensions", False))


async def item_up(pilot: Pilot[None]) -> SessionScreen:
    """Wait until the item on screen has its clock running (it starts once drawn)."""
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen)
    for _ in range(100):
        if screen.shown_mono is not None:
            break
        await pilot.pause(0.05)
    return screen


async def shown_for(pilot: Pilot[None], clock: FakeClock, seconds: float) -> None:
    """The item on screen has been up `seconds` on the app's clock, and its bar says so."""
    screen = await item_up(pilot)
    clock.now += seconds
    bar = screen.query_one(TimeBar)
    for _ in range(100):  # the bar follows the clock on its next tick
        if screen.shown is not None and screen.shown_mono is not None:
            left = screen.shown.deadline_ms - (clock.now - screen.shown_mono) * 1000
            if abs(bar.remaining_ms - left) < 1:
                break
        await pilot.pause(0.05)


async def answer(pilot: Pilot[None], clock: FakeClock, text: str, after: float) -> None:
    """Type `text` and Enter, `after` seconds on the item's clock."""
    await item_up(pilot)
    clock.now += after
    await pilot.press(*text, "enter")
    await pilot.pause()


@pytest.mark.slow
def test_home(snap_compare: Compare, db_path: Path) -> None:
    """Every deck with where ann stands on it: found it, control, new; the keys below."""

    async def steps(pilot: Pilot[None]) -> None:
        await settle(pilot)

    assert snap_compare(home_app(seeded(db_path)), run_before=steps, terminal_size=(80, 24))


def test_drill_mid_session(snap_compare: Compare, db_path: Path) -> None:
    """A modarith item mid-session: prompt, a half-typed answer, the bar, the counters."""
    app, clock = drill_app(db_path, "modarith", "probe_rate=0")

    async def steps(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("enter")  # the ready card
        await pilot.pause()
        await answer(pilot, clock, current(app).item.answer, after=1.5)
        await pilot.press("enter")  # on at once
        await answer(pilot, clock, wrong_answer(current(app)), after=2.0)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(current(app).item.answer[0])
        await shown_for(pilot, clock, 2.5)
        await settle(pilot)

    assert snap_compare(app, run_before=steps, terminal_size=(80, 24))


def test_summary(snap_compare: Compare, db_path: Path) -> None:
    """The end of a five-item session: its figures, today's, the curve, what next."""
    app, clock = drill_app(db_path, "modarith", "probe_rate=0", "session.length=5")

    async def steps(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        for n in range(5):
            shown = current(app)
            text = wrong_answer(shown) if n == 2 else shown.item.answer
            await answer(pilot, clock, text, after=1.5 + n / 2)
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await settle(pilot)

    assert snap_compare(app, run_before=steps, terminal_size=(80, 24))


def test_chess_board(snap_compare: Compare, db_path: Path) -> None:
    """The first chess position: the board beside its prompt, at 100×30."""
    app, clock = drill_app(db_path, "chess")

    async def steps(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        await shown_for(pilot, clock, 4.0)
        await settle(pilot)

    assert snap_compare(app, run_before=steps, terminal_size=(100, 30))


def test_report(snap_compare: Compare, db_path: Path) -> None:
    """r on modarith at home: the report's first screen, as `drill report modarith` has it."""
    app = home_app(seeded(db_path))

    async def steps(pilot: Pilot[None]) -> None:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index("modarith"))
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)

    assert snap_compare(app, run_before=steps, terminal_size=(80, 24))
