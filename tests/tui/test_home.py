"""The daily loop in the app: the home screen's states, resuming, and reviewing misses."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from drill.app.home import Home
from drill.app.simulate import simulate
from drill.app.standing import Standing
from drill.decks import deck_names as load_deck_names
from drill.decks import load_deck
from drill.store.history import History
from drill.tui.app import DrillApp, make_app
from drill.tui.screens.home import HomeScreen
from drill.tui.screens.session import SessionScreen
from drill.tui.screens.summary import SummaryScreen
from tests.tui.test_session import (
    FakeClock,
    begin,
    current,
    text_of,
    type_answer,
    wrong_answer,
)

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def seeded() -> History:
    """ann: found modarith's rule, drilled the control, memorized some chords, new to the rest."""
    history = History.open("sqlite://")
    start = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    for deck, kind, items in (
        ("modarith", "network", 1600),
        ("control", "lookup", 500),
        ("chords", "lookup", 60),
    ):
        simulate(
            load_deck(deck), history, kind=kind, items=items, seed=1, learner="ann", start=start
        )
    return history


async def settle(pilot: Pilot[None]) -> None:
    """Let the screens' workers finish their reads, then let the screen catch up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press_on(pilot: Pilot[None], deck: str, key: str) -> None:
    """Highlight `deck`'s row on the home screen, press `key`, and let the screen settle."""
    names = list(rows(pilot.app))  # type: ignore[arg-type]
    pilot.app.screen.query_one(DataTable).move_cursor(row=names.index(deck))
    await pilot.press(key)
    await settle(pilot)


def rows(app: DrillApp) -> dict[str, list[str]]:
    table = app.screen.query_one(DataTable)
    return {str(key.value): [str(cell) for cell in table.get_row(key)] for key in table.rows}


def app_for(history: History, learner: str = "ann") -> DrillApp:
    return make_app(home=Home(history, learner, now=lambda: NOW, zone=UTC), clock=FakeClock())


@pytest.mark.slow
async def test_home_lists_every_deck_with_its_state() -> None:
    """found it, control, plateau and new, with today's count, totals and the rule; the
    highlighted deck's progress toward its seal under the table."""
    app = app_for(seeded())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        table = rows(app)
        assert "✓ found it at" in table["modarith"][1]
        assert table["modarith"][6] == "open"
        assert table["control"][1] == "○ control"  # a memorizer's plateau, but no rule to find
        # Its misses came back and were right, its first answers were wrong: a plateau early.
        assert "plateau (" in table["chords"][1]
        grid = app.screen.query_one(DataTable)
        grid.move_cursor(row=list(table).index("chords"))
        await pilot.pause()
        assert "chords: untaught answers:" in text_of(app, "#home-seal")
        assert table["control"][2].startswith("500/300")
        assert table["chords"][3] == "60"
        for name, cells in table.items():
            if name not in ("modarith", "control", "chords"):
                assert "new" in cells[1]
                assert cells[3] == "0"


async def test_enter_drills_and_q_comes_home() -> None:
    """Enter on a deck starts it; after the session, q returns home with the count updated."""
    history = History.open("sqlite://")
    app = app_for(history, "bob")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        names = list(rows(app))
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=names.index("modarith"))
        await pilot.press("enter")
        await settle(pilot)
        await begin(pilot)
        assert isinstance(app.screen, SessionScreen)
        await type_answer(pilot, current(app).item.answer)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert rows(app)["modarith"][3] == "1"


async def test_quitting_and_resuming_keeps_deadline_and_pass(db_path: Path) -> None:
    """Back from home, the deck continues with the same deadline and the rest of the pass."""
    history = History.open(str(db_path))
    app = app_for(history, "cy")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        names = list(rows(app))
        app.screen.query_one(DataTable).move_cursor(row=names.index("modarith"))
        await pilot.press("enter")
        await settle(pilot)
        await begin(pilot)
        for _ in range(6):
            shown = current(app)
            await type_answer(pilot, shown.item.answer)
            await pilot.press("enter")
        assert app.practice is not None
        engine = app.practice.engine
        deadline, queue = engine.deadline.deadline_ms, list(engine.scheduler.queue)
        showing = current(app).item.id
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await begin(pilot)
        assert app.practice is not None
        resumed = app.practice.engine
        assert resumed.deadline.deadline_ms == deadline
        # The item on screen when she quit was never answered: it comes first, then the
        # rest of the pass exactly as it stood.
        assert current(app).item.id == showing
        assert resumed.scheduler.queue == queue


async def test_review_replays_exactly_the_missed_training_items(db_path: Path) -> None:
    """r after a session shows the missed training items, once each, and nothing else."""
    from drill.app.practice import start_practice

    history = History.open(str(db_path))
    deck = load_deck("modarith", ["probe_rate=0", "session.length=6"])
    clock = FakeClock()
    app = make_app(lambda: start_practice(deck, history, "dee"), clock=clock)
    missed: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await begin(pilot)
        for i in range(6):
            shown = current(app)
            if i in (1, 4):
                missed.append(shown.item.id)
                await type_answer(pilot, wrong_answer(shown))
            elif i == 2:
                missed.append(shown.item.id)
                clock.now += shown.deadline_ms / 1000 + 1  # late
                await type_answer(pilot, shown.item.answer)
            else:
                await type_answer(pilot, shown.item.answer)
            await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        assert "review the 3 missed items" in text_of(app, "#summary-next")
        await pilot.press("r")
        await settle(pilot)
        await begin(pilot)
        reviewed = []
        while isinstance(app.screen, SessionScreen):
            shown = current(app)
            assert not shown.probe
            reviewed.append(shown.item.id)
            await type_answer(pilot, shown.item.answer)
            await pilot.press("enter")
            await settle(pilot)
        assert sorted(reviewed) == sorted(missed)
        assert "(review)" in text_of(app, "#summary-head")
    with history.engine.connect() as conn:
        kinds = [k for (k,) in conn.exec_driver_sql("SELECT kind FROM sessions ORDER BY id")]
    assert kinds == ["drill", "review"]


@pytest.mark.slow
async def test_r_opens_the_report_and_escape_comes_back() -> None:
    """r shows the highlighted deck's report in the app; Escape returns home."""
    from drill.tui.screens.report import ReportScreen

    app = app_for(seeded())
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press_on(pilot, "modarith", "r")
        assert isinstance(app.screen, ReportScreen)
        assert "transition began at exposure" in text_of(app, "#report-page")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_u_shows_an_earned_rule_with_when_it_was_earned() -> None:
    """u on a deck whose untaught answers opened the rule shows it with the earned line;
    on a sealed deck it shows how far the learner is, and no rule."""
    from drill.tui.screens.rule import RuleScreen

    history = History.open("sqlite://")
    simulate(load_deck("modarith"), history, kind="rule", items=120, seed=1, learner="ann")
    app = app_for(history)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_on(pilot, "modarith", "u")
        assert isinstance(app.screen, RuleScreen)
        assert "(a + b) mod 13" in text_of(app, "#rule-text")
        assert "Earned at exposure" in text_of(app, "#rule-earned")
        await pilot.press("escape")
        await settle(pilot)
        await press_on(pilot, "chords", "u")
        assert isinstance(app.screen, HomeScreen)


async def test_home_shows_each_decks_description() -> None:
    """Under the table, every deck's one-line description, as its deck file gives it."""
    app = app_for(History.open("sqlite://"))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        about = text_of(app, "#home-about")
        for deck in load_deck_names():
            description = load_deck(deck).description
            assert description
            assert f"{deck}  " in about
            assert description[:40] in about


async def test_every_deck_is_listed_before_its_standing_is_read() -> None:
    """The first frame lists every deck; the standings come from a worker off the loop."""
    home = Home(History.open("sqlite://"), "ann", now=lambda: NOW, zone=UTC)
    release = threading.Event()
    standings = home.standings

    def slow_standings() -> list[Standing]:
        release.wait(10)  # a slow disk
        return standings()

    home.standings = slow_standings  # type: ignore[method-assign]
    app = make_app(home=home, clock=FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert set(rows(app)) == set(load_deck_names())
        assert all(cells[1] == "…" for cells in rows(app).values())
        await pilot.press("down")  # the screen still answers keys
        assert app.screen.query_one(DataTable).cursor_row == 1
        release.set()
        await settle(pilot)
        states = {name: cells[1] for name, cells in rows(app).items()}
        assert states.pop("control") == "○ control"  # a control is a control from the start
        assert all("new" in state for state in states.values())


async def test_standings_read_before_the_app_starts_are_in_its_first_frame(
    db_path: Path,
) -> None:
    """Read while Textual loads (as `drill` does), the standings fill the table as the
    screen mounts, with no placeholder row and no worker left to wait for."""
    history = History.open(str(db_path))
    simulate(load_deck("control"), history, kind="lookup", items=60, seed=1, learner="ann")
    history.close()
    home = Home(lambda: History.open(str(db_path)), "ann", db=str(db_path), now=lambda: NOW)
    home.read_early()
    for thread in threading.enumerate():  # the read is in (what `drill` hopes for)
        if thread.name == "drill-home-read":
            thread.join(timeout=30)
    app = make_app(home=home, clock=FakeClock())
    async with app.run_test(size=(100, 30)):
        shown = rows(app)
        assert shown["control"][3] == "60"
        assert all(cells[1] != "…" for cells in shown.values())
    home.close()
