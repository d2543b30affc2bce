"""The app under hostile input: pasted newlines and odd text, and a terminal resized mid-answer."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from textual import events

from drill.store.history import History
from drill.tui.screens.session import SessionScreen
from drill.tui.widgets.answer import AnswerInput
from tests.tui.test_session import begin, current, make, text_of, type_answer


def answer_box(app: object) -> AnswerInput:
    return app.screen.query_one(AnswerInput)  # type: ignore[attr-defined,no-any-return]


async def test_a_pasted_newline_is_not_an_enter(db_path: Path) -> None:
    """A paste with newlines keeps its first line in the box and submits nothing by itself."""
    app, clock, history = make(db_path, "probe_rate=0")
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        shown = current(app)
        answer_box(app).post_message(events.Paste(f"{shown.item.answer}\n99\r\nmore\x00\x1b[A"))
        await pilot.pause()
        assert answer_box(app).value == shown.item.answer
        assert list(history.export()) == []  # nothing was submitted by the paste
        clock.now += 1
        await pilot.press("enter")
        assert "✓ right" in text_of(app, "#feedback")
    (row,) = list(history.export())
    assert row["response"] == shown.item.answer


async def test_enter_inside_typed_text_submits_what_came_before(db_path: Path) -> None:
    """A paste sent as keystrokes (no bracketed paste): each Enter submits the text before it."""
    app, clock, history = make(db_path, "probe_rate=0")
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        shown = current(app)
        clock.now += 1
        await type_answer(pilot, "x y")  # unreadable: the item stays, the box is cleared
        assert current(app) is shown
        await type_answer(pilot, shown.item.answer)
        assert "✓ right" in text_of(app, "#feedback")
    rows = list(history.export())
    assert [(r["response"], r["result"]) for r in rows] == [
        ("x y", "unreadable"),
        (shown.item.answer, "correct"),
    ]


async def test_odd_text_typed_is_kept_exactly(db_path: Path) -> None:
    """Unicode and spaces typed into the box are judged without a crash and saved as typed."""
    app, clock, history = make(db_path, "probe_rate=0")
    typed = "\uff17 é 😀 ∘"
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        shown = current(app)
        clock.now += 1
        answer_box(app).insert_text_at_cursor(typed)
        await pilot.press("enter")
        await pilot.pause()
        assert current(app) is shown
        assert isinstance(app.screen, SessionScreen)
    (row,) = list(history.export())
    assert row["response"] == typed
    assert row["result"] == "unreadable"


async def test_many_resizes_mid_answer_keep_the_item_and_the_typing(db_path: Path) -> None:
    """Shrinking below the minimum and back, several times while typing, loses nothing."""
    app, clock, history = make(db_path, "probe_rate=0")
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        shown = current(app)
        answer = shown.item.answer
        await pilot.press(answer[0])
        for width, height in ((40, 10), (59, 18), (60, 17), (120, 40), (20, 5), (60, 18)):
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            small = width < 60 or height < 18
            assert app.screen.has_class("too-small") is small
            if small:
                said = " ".join(text_of(app, "#too-small").split())
                assert f"The terminal is {width}×{height}; drill needs at least 60×18" in said
                clock.now += 30  # time spent too small is given back
                await pilot.pause(0.15)  # and the ticker runs while the item is hidden
            else:
                clock.now += 0.5
            assert current(app) is shown, (width, height)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert answer_box(app).value == answer[0]
        for ch in answer[1:]:
            await pilot.press(ch)
        await pilot.press("enter")
        assert "✓ right" in text_of(app, "#feedback")
    (row,) = list(history.export())
    assert (row["item_id"], row["response"], row["result"]) == (shown.item.id, answer, "correct")
    assert row["response_ms"] == 1000  # two half-seconds at a usable size; the rest given back


async def test_a_full_disk_mid_session_ends_the_app_with_its_message(db_path: Path) -> None:
    """When the history stops taking writes, the app ends (status 2); what was saved stays."""
    app, clock, history = make(db_path, "probe_rate=0", "session.length=500")

    @event.listens_for(history.engine, "connect")
    def _cap(dbapi_connection: object, _record: object) -> None:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages + 8}")

    history.engine.dispose()
    said: list[object] = []
    exit_app = app.exit

    def exit_and_keep_the_message(*args: object, **kwargs: object) -> None:
        said.append(kwargs.get("message"))
        exit_app(*args, **kwargs)  # type: ignore[arg-type]

    app.exit = exit_and_keep_the_message  # type: ignore[method-assign]
    typed = 0
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        while app.return_code is None and typed < 200:
            clock.now += 1
            answer_box(app).insert_text_at_cursor("x" * 2000)  # unreadable, and large
            await pilot.press("enter")
            await pilot.pause()
            typed += 1
    assert app.return_code == 2
    assert said == [f"drill: {db_path}: the disk is full; free some space and try again"]
    saved = list(History.open(str(db_path)).export())
    assert 0 < len(saved) < typed
    assert all(row["response"] == "x" * 2000 for row in saved)
