"""The terminal app, driven by Textual's pilot: what the learner sees and what is saved."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region
from textual.widgets import Static

from drill.app.practice import Practice, start_practice
from drill.decks import load_deck
from drill.protocol.engine import Presentation
from drill.store.history import History
from drill.tui.app import DrillApp, make_app
from drill.tui.screens.session import SessionScreen
from drill.tui.screens.summary import SummaryScreen


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def text_of(app: DrillApp, selector: str) -> str:
    """The text a widget shows on screen, line by line, as the learner reads it."""
    widget = app.screen.query_one(selector, Static)
    size = widget.content_region.size
    lines = widget.render_lines(Region(0, 0, size.width, max(size.height, 1)))
    return "\n".join(line.text.rstrip() for line in lines)


def bar_text(app: DrillApp) -> str:
    """The time bar's line: the bar, or what Enter does between items."""
    from drill.tui.widgets.timebar import TimeBar

    return str(app.screen.query_one(TimeBar).render())


def current(app: DrillApp) -> Presentation:
    assert app.practice is not None
    shown = app.practice.engine.current
    assert shown is not None
    return shown


def wrong_answer(shown: Presentation) -> str:
    return str((int(shown.item.data["result"]) + 1) % int(shown.item.data["modulus"]))


def make(db_path: Path, *params: str) -> tuple[DrillApp, FakeClock, History]:
    deck = load_deck("modarith", ["session.length=5", *params])
    history = History.open(str(db_path))
    clock = FakeClock()

    def start() -> Practice:
        return start_practice(deck, history, "ann")

    return make_app(start, clock=clock), clock, history


async def begin(pilot: object) -> None:
    """Enter on the ready card: the first item comes up and its clock starts."""
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


async def type_answer(pilot: object, text: str) -> None:
    for ch in text:
        await pilot.press(ch)  # type: ignore[attr-defined]
    await pilot.press("enter")  # type: ignore[attr-defined]


async def test_right_wrong_late_unreadable_and_quit(db_path: Path) -> None:
    """A short session: each response is shown as it should be and saved as it was typed."""
    app, clock, history = make(db_path, "probe_rate=0")
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        assert isinstance(app.screen, SessionScreen)
        first = current(app)
        assert first.prompt in text_of(app, "#prompt")
        clock.now += 1.2
        await type_answer(pilot, first.item.answer)
        assert "✓ right" in text_of(app, "#feedback")

        await pilot.press("enter")  # skip the pause
        second = current(app)
        clock.now += 2.0
        await type_answer(pilot, wrong_answer(second))
        feedback = text_of(app, "#feedback")
        typed, right = wrong_answer(second), second.item.answer
        assert f"✗ you typed {typed} · the answer is {right}" in feedback

        await pilot.press("enter")
        third = current(app)
        clock.now += 0.5
        await type_answer(pilot, "twelve")
        assert "couldn't read that" in text_of(app, "#feedback")
        assert current(app) is third  # the item stays
        clock.now += third.deadline_ms / 1000 + 1
        await type_answer(pilot, third.item.answer)
        assert "right, but too late" in text_of(app, "#feedback")

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        summary = text_of(app, "#summary-table")
        assert "exposures this session    3" in summary
        # Training accuracy: one right in time of three. The three were first answers,
        # untaught: right whenever they came, the late one counts (the one measure).
        assert "training accuracy         33% (1/3)" in summary
        assert "held-out (untaught)       67% (2/3)" in summary

    rows = list(history.export("ann"))
    assert [(r["item_id"], r["response"], r["result"]) for r in rows] == [
        (first.item.id, first.item.answer, "correct"),
        (second.item.id, wrong_answer(second), "wrong"),
        (third.item.id, "twelve", "unreadable"),
        (third.item.id, third.item.answer, "timeout"),
    ]
    assert rows[0]["response_ms"] == 1200
    assert rows[3]["timed_out"] is True
    assert rows[3]["correct"] is True
    with history.engine.connect() as conn:
        reason = conn.exec_driver_sql("SELECT end_reason FROM sessions").scalar()
    assert reason == "quit"


async def test_probes_get_no_feedback(db_path: Path) -> None:
    """A held-out probe, right or wrong, only says the answer was taken, never the answer."""
    app, clock, history = make(db_path, "probe_rate=0.5", "session.length=30")
    seen = 0
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        while seen < 4:
            shown = current(app)
            clock.now += 1
            text = wrong_answer(shown) if seen % 2 else shown.item.answer
            await type_answer(pilot, text)
            feedback = text_of(app, "#feedback")
            if shown.probe:
                seen += 1
                assert feedback.strip() == "• answer taken"
                assert shown.item.answer not in feedback or shown.item.answer in "• answer taken"
            await pilot.press("enter")
    probes = [r for r in history.export() if r["probe"]]
    assert len(probes) == 4
    assert all(r["split"] == "heldout" for r in probes)


async def test_an_unanswered_item_times_out_and_waits(db_path: Path) -> None:
    """With no answer at all, the item is recorded as a timeout and the app waits for Enter."""
    app, clock, history = make(db_path, "probe_rate=0")
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        shown = current(app)
        clock.now += (shown.deadline_ms + max(5000, shown.deadline_ms)) / 1000 + 1
        await pilot.pause(0.25)  # let the ticker notice
        assert f"⏱ no answer · the answer is {shown.item.answer}" in text_of(app, "#feedback")
        assert "paused · Enter: next item" in bar_text(app)
        assert app.practice is not None
        assert app.practice.engine.current is None
        await pilot.press("enter")
        assert current(app).exposure == 2
    (row,) = list(history.export())
    assert row["result"] == "timeout"
    assert row["response"] is None


async def test_the_session_ends_after_its_length(db_path: Path) -> None:
    """After the deck's session length the summary appears, and n starts another block."""
    app, clock, history = make(db_path, "probe_rate=0", "session.length=2")
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        for _ in range(2):
            clock.now += 1
            await type_answer(pilot, current(app).item.answer)
            await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "Session complete" in text_of(app, "#summary-head")
        await pilot.press("n")
        await begin(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert current(app).exposure == 3
    with history.engine.connect() as conn:
        reasons = [r for (r,) in conn.exec_driver_sql("SELECT end_reason FROM sessions")]
    assert reasons == ["finished", "quit"]


async def test_a_small_terminal_is_told_and_the_item_kept(db_path: Path) -> None:
    """Below the minimum size the app says so; back at size, the same item is still there."""
    app, clock, history = make(db_path, "probe_rate=0")
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        shown = current(app)
        await pilot.resize_terminal(50, 12)
        await pilot.pause()
        assert "drill needs at least 60×18" in text_of(app, "#too-small")
        clock.now += 100  # time spent too small is given back
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert current(app) is shown
        clock.now += 1
        await type_answer(pilot, shown.item.answer)
        assert "✓ right" in text_of(app, "#feedback")
    (row,) = list(history.export())
    assert row["result"] == "correct"
    assert row["response_ms"] == 1000


def test_feedback_never_relies_on_colour() -> None:
    """Every kind of feedback carries a mark and a word; under NO_COLOR it has no colour."""
    from drill.protocol.engine import Feedback, Outcome
    from drill.tui.feedback import Said, feedback_text

    expected = {
        Feedback.CORRECT: ("✓", "right"),
        Feedback.WRONG: ("✗", "you typed 3 · the answer is 7"),
        Feedback.LATE: ("⏱", "too late · you typed 3 · the answer is 7"),
        Feedback.TAKEN: ("•", "answer taken"),
        Feedback.UNREADABLE: ("?", "read"),
        Feedback.CONTINUE: ("✓", "go on"),
    }
    for feedback, (mark, words) in expected.items():
        for plain in (False, True):
            text = feedback_text(Outcome(feedback, answer="7"), Said(typed="3"), plain)
            assert mark in text.plain
            assert words in text.plain
            if plain:
                styles = [str(span.style) for span in text.spans] + [str(text.style)]
                assert not any(c in s for s in styles for c in ("red", "green", "yellow"))


async def test_no_color_is_honoured(db_path: Path, monkeypatch: object) -> None:
    """With NO_COLOR set the app runs without colour and the marks are still there."""
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("NO_COLOR", "1")
    app, clock, _ = make(db_path, "probe_rate=0")
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        assert app.no_color
        clock.now += 1
        await type_answer(pilot, current(app).item.answer)
        assert "✓ right" in text_of(app, "#feedback")


async def test_the_footer_lists_the_keys_once_the_item_is_up(db_path: Path) -> None:
    """The footer comes just after the first frame, and it lists the session's keys."""
    from textual.widgets import Footer

    app, _, _ = make(db_path, "probe_rate=0")
    async with app.run_test(size=(80, 24)) as pilot:
        shown = ""
        for _ in range(100):  # it follows the first frame; a loaded machine takes longer
            await pilot.pause(0.1)
            footers = app.screen.query(Footer)
            shown = " ".join(str(c.render()) for f in footers for c in f.children)
            if shown:
                break
        assert "End session" in shown


async def test_enter_on_an_empty_box_is_not_an_answer(db_path: Path) -> None:
    """An Enter meant for the item before (which went on by itself) records nothing and
    says nothing: the new item stays, its clock running."""
    app, clock, history = make(db_path, "session.probe_rate=0")
    async with app.run_test() as pilot:
        await begin(pilot)
        shown = current(app)
        clock.now += 1
        await pilot.press("enter")
        await pilot.press("space", "enter")  # blanks are as empty
        await pilot.pause()
        assert current(app) is shown
        assert "read" not in text_of(app, "#feedback")
        await type_answer(pilot, shown.item.answer)
        await pilot.pause()
    rows = list(history.export())
    assert [(r["item_id"], r["result"]) for r in rows] == [(shown.item.id, "correct")]
