"""A study's arms in the app: the narrated arm tells the rule first and on request; the
untimed arm says it has no deadline; other arms never offer the rule."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from drill.app.practice import Practice, start_practice
from drill.app.study import BUILTIN_ARMS, StudySpec
from drill.decks import load_deck
from drill.protocol.pressure import UNTIMED_MS
from drill.store.history import History
from drill.tui.app import make_app
from drill.tui.screens.rule import RuleScreen
from drill.tui.screens.session import SessionScreen
from drill.tui.widgets.ready import ready_text
from tests.tui.test_session import FakeClock, begin, text_of


def app_for(db_path: Path, arm: str) -> object:
    spec = StudySpec("s", "modarith", (BUILTIN_ARMS[arm],), 1, 1)
    deck = spec.deck_for(BUILTIN_ARMS[arm], ["session.length=5"])
    history = History.open(str(db_path))

    def start() -> Practice:
        practice = start_practice(deck, history, "ann")
        practice.narration = deck.rule_text if BUILTIN_ARMS[arm].narrated else None
        return practice

    return make_app(start, clock=FakeClock())


async def test_the_narrated_arm_shows_the_rule_before_the_first_item_and_on_request(
    db_path: Path,
) -> None:
    """The rule is on screen before the ready card; Ctrl+R brings it back mid-session."""
    app = app_for(db_path, "narrated")
    rule = load_deck("modarith").rule_text.split(":")[0].strip()
    async with app.run_test(size=(80, 24)) as pilot:  # type: ignore[attr-defined]
        await pilot.pause()
        assert isinstance(app.screen, RuleScreen)  # type: ignore[attr-defined]
        assert rule.split()[0] in text_of(app, "#rule-text")  # type: ignore[arg-type]
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen  # type: ignore[attr-defined]
        card = ready_text(
            "t", 5, 8000, first_session=True, narrated=bool(screen.practice.narration)
        )
        console = Console(width=100, file=io.StringIO(), record=True)
        console.print(card)
        assert "Ctrl+R shows it again" in console.export_text()  # not "never tells it"
        assert "never tells it" not in console.export_text()
        await begin(pilot)
        assert isinstance(app.screen, SessionScreen)  # type: ignore[attr-defined]
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, RuleScreen)  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)  # type: ignore[attr-defined]


async def test_other_arms_never_offer_the_rule_and_untimed_says_no_deadline(
    db_path: Path,
) -> None:
    """In the untimed arm Ctrl+R does nothing, and the ready card says there is no deadline."""
    app = app_for(db_path, "untimed")
    async with app.run_test(size=(100, 40)) as pilot:  # type: ignore[attr-defined]
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)  # type: ignore[attr-defined]
        screen = app.screen  # type: ignore[attr-defined]
        card = ready_text(
            "t",
            5,
            screen.engine.deadline.deadline_ms,
            first_session=True,
            untimed=screen.engine.settings.floor_ms >= UNTIMED_MS,
        )
        console = Console(width=100, file=io.StringIO(), record=True)
        console.print(card)
        assert "no deadline" in console.export_text()
        await begin(pilot)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)  # type: ignore[attr-defined]


async def test_the_untimed_arm_draws_no_bar_and_speaks_of_no_speed(db_path: Path) -> None:
    """Under `untimed` the item has no time bar, the counters say "no deadline", and the
    coach never asks for speed."""
    from drill.tui.widgets.timebar import TimeBar

    app = app_for(db_path, "untimed")
    async with app.run_test(size=(80, 24)) as pilot:  # type: ignore[attr-defined]
        await begin(pilot)
        screen = app.screen  # type: ignore[attr-defined]
        assert str(screen.query_one(TimeBar).render()) == ""
        assert "no deadline" in text_of(app, "#counters")  # type: ignore[arg-type]
        coach = text_of(app, "#coach")  # type: ignore[arg-type]
        assert "fast" not in coach
        assert "deadline" not in coach
