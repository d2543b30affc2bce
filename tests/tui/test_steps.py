"""The number reduction task's screen: a response per key, shown as typed, final at any
step, and every response saved with its time."""

from __future__ import annotations

from pathlib import Path

from drill.app.practice import Practice, start_practice
from drill.decks import load_deck
from drill.domains.nrt import reach
from drill.store.history import History
from drill.tui.app import DrillApp, make_app
from drill.tui.widgets.steps import StepsInput
from tests.tui.test_session import FakeClock, begin, current, text_of


def make(db_path: Path) -> tuple[DrillApp, FakeClock, History]:
    deck = load_deck("nrt", ["session.length=5", "probe_rate=0"])
    history = History.open(str(db_path))
    clock = FakeClock()

    def start() -> Practice:
        return start_practice(deck, history, "ann")

    return make_app(start, clock=clock), clock, history


async def test_responses_one_key_at_a_time_and_final_at_any_step(db_path: Path) -> None:
    """Seven keys end an item by themselves; "f" ends one after two; both are saved with
    each response's time, and a wrong final answer shows the answer."""
    app, clock, history = make(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        first = current(app)
        steps = first.item.data["steps"]
        for i, digit in enumerate(steps[:3]):
            clock.now += 1.0
            await pilot.press(digit)
            assert app.screen.query_one(StepsInput).value == " ".join(steps[: i + 1])
        for digit in steps[3:]:
            clock.now += 0.5
            await pilot.press(digit)
        assert "✓ right" in text_of(app, "#feedback")

        await pilot.press("enter")  # skip the pause
        second = current(app)
        clock.now += 0.8
        await pilot.press(second.item.data["steps"][0])
        clock.now += 0.7
        await pilot.press(second.item.answer)
        clock.now += 0.3
        await pilot.press("f")
        assert "✓ right" in text_of(app, "#feedback")

        await pilot.press("enter")
        third = current(app)
        wrong = next(d for d in "149" if d != third.item.answer)
        clock.now += 1.0
        await pilot.press(wrong)
        await pilot.press("x")  # not a response: nothing happens
        await pilot.press("enter")
        feedback = text_of(app, "#feedback")
        assert f"you typed ={wrong}" in feedback
        assert "@" not in feedback, "the times are saved, not shown"

        await pilot.press("enter")
        fourth = current(app)
        clock.now += 2.0
        await pilot.press(fourth.item.data["steps"][0])
        clock.now += fourth.deadline_ms / 1000 * 3  # past the deadline and its grace
        assert app.practice is not None
        for _ in range(100):  # the screen's tick finds the item expired (slower when busy)
            await pilot.pause(0.05)
            if app.practice.engine.current is not fourth:
                break
        assert app.practice.engine.current is not fourth
        await pilot.press("escape")
        await pilot.pause()

    rows = list(history.export("ann"))
    assert [r["result"] for r in rows] == ["correct", "correct", "wrong", "timeout"]
    assert rows[3]["response"] == f"{fourth.item.data['steps'][0]}@2000", "kept, never final"
    early = [f"{d}@{1000 * (i + 1)}" for i, d in enumerate(steps[:3])]
    later = [f"{d}@{3000 + 500 * (i + 1)}" for i, d in enumerate(steps[3:6])]
    first_typed = " ".join([*early, *later, f"={steps[6]}@5000"])
    assert rows[0]["response"] == first_typed
    assert rows[0]["response_ms"] == 5000
    assert rows[1]["response"] == f"{second.item.data['steps'][0]}@800 ={second.item.answer}@1500"
    assert rows[1]["response_ms"] == 1800
    assert [reach(r["response"]) for r in rows] == [7, 2, 1, 1]
