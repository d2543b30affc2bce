"""The plateau coach in the app: it speaks on a plateau and asks once before quitting one."""

from __future__ import annotations

from pathlib import Path

import pytest

from drill.app.practice import Practice, start_practice
from drill.app.simulate import simulate
from drill.decks import load_deck
from drill.store.history import History
from drill.tui.app import make_app
from drill.tui.screens.session import SessionScreen
from drill.tui.screens.summary import SummaryScreen
from tests.tui.test_session import FakeClock, begin, text_of


def plateau_history(db_path: Path) -> History:
    """A learner who memorized the training items and is at chance on held-out ones."""
    history = History.open(str(db_path))
    simulate(load_deck("modarith"), history, kind="lookup", items=500, seed=3, learner="ann")
    return history


async def test_coach_speaks_on_the_plateau_and_quitting_asks_once(db_path: Path) -> None:
    """On a plateau: the coach line says so; Escape warns once; a second Escape ends it."""
    history = plateau_history(db_path)
    deck = load_deck("modarith")

    def start() -> Practice:
        return start_practice(deck, history, "ann")

    app = make_app(start, clock=FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        coach = text_of(app, "#coach")
        assert "Plateau," in coach
        assert "untaught ones not yet" in coach
        for word in ("add", "sum", "mod", "plus", "clock"):
            assert word not in coach.lower()  # never a hint at the rule

        await pilot.press("escape")
        assert isinstance(app.screen, SessionScreen)
        assert "Press Escape again to end the session anyway" in text_of(app, "#coach")

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "ended on the plateau" in text_of(app, "#summary-advice")


async def test_a_new_learner_hears_the_coach_but_no_question(db_path: Path) -> None:
    """The coach speaks in the memorizing stage too, without a word of the rule; Escape
    ends a new learner's session at once."""
    history = History.open(str(db_path))
    deck = load_deck("modarith")
    app = make_app(lambda: start_practice(deck, history, "new"), clock=FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        coach = text_of(app, "#coach").strip()
        assert coach
        assert "Plateau" not in coach
        for word in ("add", "sum", "mod", "plus", "clock", "rule forms"):
            assert word not in coach.lower()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert text_of(app, "#summary-advice").strip() == ""


@pytest.mark.slow
async def test_the_rule_is_shown_as_the_reward(db_path: Path) -> None:
    """When probes first prove the rule, the app shows it; the next item waits for Enter."""
    from drill.tui.screens.rule import RuleScreen
    from tests.tui.test_session import current, type_answer

    history = History.open(str(db_path))
    deck = load_deck("modarith", ["probe_rate=0.5", "length=100"])
    app = make_app(lambda: start_practice(deck, history, "eve"), clock=FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        for _ in range(60):
            await type_answer(pilot, current(app).item.answer)
            await pilot.pause()
            if isinstance(app.screen, RuleScreen):
                break
            await pilot.press("enter")
        assert isinstance(app.screen, RuleScreen)
        assert "(a + b) mod 13" in text_of(app, "#rule-text")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
    learner_id = history.reader.learner_id("eve", create=False)
    assert learner_id is not None
    assert history.reader.rule_unsealed(learner_id, deck.fingerprint)


async def test_the_control_deck_coach_never_says_a_rule_forms(db_path: Path) -> None:
    """On the control deck, even deep in a memorizer's plateau, the coach says what the
    control is for, and quitting is not argued with."""
    history = History.open(str(db_path))
    deck = load_deck("control")
    simulate(deck, history, kind="lookup", items=500, seed=3, learner="cal")
    app = make_app(lambda: start_practice(deck, history, "cal"), clock=FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        coach = text_of(app, "#coach")
        assert "Control deck" in coach
        assert "rule forms" not in coach
        assert "Plateau" not in coach
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)


def test_rule_text_reflows_prose_and_keeps_tables() -> None:
    """Prose paragraphs join into one line to wrap; indented tables keep their lines."""
    from rich.text import Text

    from drill.tui.screens.rule import Hanging, reflow

    text = (
        "A rule in\ntwo lines.\n\nThe patterns:\n  major 1 3 5\n  minor 1 b3 5"
        "\n\n- a list\n- of two"
    )
    prose, table, listed = reflow(text)
    assert isinstance(prose, Text)
    assert prose.plain == "A rule in two lines."
    assert isinstance(table, Hanging)
    assert isinstance(listed, Hanging)
    assert table.lines == ["The patterns:", "  major 1 3 5", "  minor 1 b3 5"]
    assert listed.lines == ["- a list", "- of two"]


def test_a_long_list_item_wraps_under_its_own_words() -> None:
    """A list item or indented line longer than the width wraps under its own text, never
    back at the margin."""
    from rich.console import Console

    from drill.tui.screens.rule import Hanging

    long = "- " + " ".join(["harmony"] * 12)
    console = Console(width=30, record=True, color_system=None)
    console.print(Hanging(f"{long}\n    " + " ".join(["stem"] * 10)))
    lines = console.export_text().splitlines()
    assert lines[0].startswith("- harmony")
    assert all(len(line) <= 30 for line in lines)
    item, indented = lines[: lines.index("    stem stem stem stem stem")], lines[-2:]
    assert all(line.startswith("  harmony") for line in item[1:])
    assert all(line.startswith("    stem") for line in indented)
