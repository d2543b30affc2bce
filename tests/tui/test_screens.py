"""The learner's screens around the items: the ready card, the reveal and what follows it,
keys typed between items, the feedback line, Ctrl+C, the help's words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from drill.app.earned import earned_line
from drill.app.practice import Practice, start_practice
from drill.decks import load_deck
from drill.protocol.records import EventRecord
from drill.store.history import History
from drill.tui.app import make_app
from drill.tui.screens.rule import RuleScreen
from drill.tui.screens.session import SessionScreen
from drill.tui.screens.summary import SummaryScreen
from drill.tui.widgets.answer import AnswerInput
from tests.tui.test_session import (
    FakeClock,
    bar_text,
    begin,
    current,
    make,
    text_of,
    type_answer,
    wrong_answer,
)


def card_text(app: object) -> str:
    """The ready card as the learner sees it on the screen, border and all."""
    screen = app.screen  # type: ignore[attr-defined]
    region = screen.query_one("#ready").region
    strips = screen._compositor.render_strips()
    rows = strips[region.y : region.bottom]
    return "\n".join(row.text[region.x : region.right].rstrip() for row in rows)


async def test_the_ready_card_comes_first_and_its_time_is_never_charged(db_path: Path) -> None:
    """Before Enter no item is chosen and no clock runs; the first answer's time starts then."""
    app, clock, history = make(db_path, "probe_rate=0")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert "Press Enter to begin" in card_text(app)
        assert app.practice is not None
        assert app.practice.engine.current is None  # nothing is shown, nothing is timed
        clock.now += 600  # ten minutes reading the card
        await pilot.pause(0.25)
        assert list(history.export()) == []  # no item expired behind the card
        await pilot.press("enter")
        await pilot.pause()
        shown = current(app)
        assert shown.prompt in text_of(app, "#prompt")
        clock.now += 1.5
        await type_answer(pilot, shown.item.answer)
    (row,) = list(history.export())
    assert row["response_ms"] == 1500


async def test_a_first_session_card_explains_itself_in_80_by_24(db_path: Path) -> None:
    """With no past exposures the card says what to do, that tests get no feedback, that the
    deadline tightens and that the rule is told only once shown; later sessions do not."""
    app, clock, _ = make(db_path, "probe_rate=0", "session.length=1")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        card = " ".join(card_text(app).split())
        assert "first session" in card
        assert "press Enter" in card
        assert "no feedback" in card
        assert "deadline" in card
        assert "tightens" in card
        assert "never tells it until" in card
        region = app.screen.query_one("#ready").region
        assert region.right <= 80
        assert region.bottom <= 24
        await pilot.press("enter")
        await pilot.pause()
        clock.now += 1
        await type_answer(pilot, current(app).item.answer)
        await pilot.press("enter")  # skip the pause: the session's one item is done
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("n")  # another block: no longer a first session
        await pilot.pause()
        card = " ".join(card_text(app).split())
        assert "Press Enter to begin" in card
        assert "first session" not in card
        assert "no feedback" not in card


def reveal_app(db_path: Path, length: int) -> tuple[object, FakeClock, History]:
    """A deck whose seal opens on the first twenty right untaught answers."""
    history = History.open(str(db_path))
    deck = load_deck(
        "modarith",
        ["probe_rate=0.5", f"session.length={length}"],
    )
    clock = FakeClock()

    def start() -> Practice:
        return start_practice(deck, history, "eve")

    return make_app(start, clock=clock), clock, history


async def answer_until_the_rule(pilot: object, app: object, clock: FakeClock) -> int:
    """Answer every item right until the rule screen opens; how many were answered."""
    for n in range(1, 80):
        clock.now += 1
        await type_answer(pilot, current(app).item.answer)  # type: ignore[arg-type]
        await pilot.pause()  # type: ignore[attr-defined]
        if isinstance(app.screen, RuleScreen):  # type: ignore[attr-defined]
            return n
        await pilot.press("enter")  # type: ignore[attr-defined]
    raise AssertionError("the rule never opened")


async def test_the_reveal_says_when_it_was_earned_and_goes_on_to_the_next_item(
    db_path: Path,
) -> None:
    """The rule screen names the exposure and the evidence; Enter shows a fresh item with
    a running clock at once, no answered probe left standing; the summary keeps the moment."""
    app, clock, history = reveal_app(db_path, 100)
    async with app.run_test(size=(80, 24)) as pilot:  # type: ignore[attr-defined]
        await begin(pilot)
        answered = await answer_until_the_rule(pilot, app, clock)
        earned = " ".join(text_of(app, "#rule-earned").split())  # type: ignore[arg-type]
        assert f"Earned at exposure {answered}" in earned
        assert "right" in earned
        assert "Enter: on to the next item" in text_of(app, "#rule-next")  # type: ignore[arg-type]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)  # type: ignore[attr-defined]
        shown = current(app)  # type: ignore[arg-type]
        assert shown.exposure == answered + 1
        assert text_of(app, "#feedback").strip() == ""  # type: ignore[arg-type]
        assert "s left" in bar_text(app)  # type: ignore[arg-type]
        clock.now += 2
        await type_answer(pilot, shown.item.answer)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)  # type: ignore[attr-defined]
        head = text_of(app, "#summary-head")  # type: ignore[arg-type]
        assert f"Found it at exposure {answered}, this session" in head
    assert [r["exposure"] for r in history.export()][-1] == answered + 1


@pytest.mark.slow
async def test_a_reveal_on_the_last_item_goes_on_to_the_summary(db_path: Path) -> None:
    """When the rule opens on the session's last item, closing it shows the summary."""
    app, clock, _ = reveal_app(db_path, 100)
    async with app.run_test(size=(80, 24)) as pilot:  # type: ignore[attr-defined]
        await begin(pilot)
        answered = await answer_until_the_rule(pilot, app, clock)
    # The same history again, with a session that ends on exactly that item.
    db_again = db_path.with_name("again.db")
    app, clock, _ = reveal_app(db_again, answered)
    async with app.run_test(size=(80, 24)) as pilot:  # type: ignore[attr-defined]
        await begin(pilot)
        assert await answer_until_the_rule(pilot, app, clock) == answered
        assert "Enter: on to the summary" in text_of(app, "#rule-next")  # type: ignore[arg-type]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)  # type: ignore[attr-defined]
        assert "Session complete" in text_of(app, "#summary-head")  # type: ignore[arg-type]


def test_the_earned_line_reads_whatever_evidence_was_recorded() -> None:
    """Untaught counts when the seal records them (the test's own, and all of them when they
    differ), probes when only they are, none at all."""
    began = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    at = began + timedelta(minutes=7, seconds=10)
    untaught = EventRecord("rule_unsealed", 42, at, {"untaught": 25, "untaught_right": 24})
    assert earned_line(untaught, began) == (
        "Earned at exposure 42, 7 minutes after you began this deck: the test rested on "
        "your last 25 untaught answers, 24 of them right."
    )
    data = {"untaught": 20, "untaught_right": 20, "untaught_total": 23, "untaught_total_right": 20}
    assert earned_line(EventRecord("rule_unsealed", 42, at, data), began).endswith(
        "your last 20 untaught answers, 20 of them right (20 of 23 right in all)."
    )
    probes = EventRecord("rule_unsealed", 42, at, {"probes": 30, "accuracy": 0.9})
    assert earned_line(probes, began).endswith("on 30 probes, 27 of them right.")
    bare = EventRecord("rule_unsealed", 3, began + timedelta(seconds=20), {})
    assert earned_line(bare, began) == (
        "Earned at exposure 3, less than a minute after you began this deck."
    )


async def test_a_miss_waits_for_enter_and_keys_typed_meanwhile_are_not_kept(
    db_path: Path,
) -> None:
    """The answer to a miss stays until Enter, however long; keys typed while it is up are
    dropped, the screen says so, and the next item's box starts empty, its clock unstarted."""
    app, clock, history = make(db_path, "probe_rate=0")
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        first = current(app)
        clock.now += 1
        await type_answer(pilot, wrong_answer(first))
        assert app.practice is not None
        assert "Enter: next item" in bar_text(app)
        clock.now += 30
        await pilot.pause(3.0)  # longer than any pause there ever was
        assert app.practice.engine.current is None  # still the miss, not the next item
        assert first.item.answer in text_of(app, "#feedback")
        await pilot.press("4", "2")
        assert "not kept" in bar_text(app)
        await pilot.press("enter")
        await pilot.pause()
        second = current(app)
        assert second.exposure == 2
        assert app.screen.query_one(AnswerInput).value == ""
        clock.now += 1
        await type_answer(pilot, second.item.answer)
        assert "✓ right" in text_of(app, "#feedback")
    rows = list(history.export())
    assert [r["response"] for r in rows] == [wrong_answer(first), second.item.answer]
    assert rows[1]["response_ms"] == 1000  # the 30 s spent on the miss are not charged


async def test_keys_typed_right_after_an_answer_never_join_the_next_one(db_path: Path) -> None:
    """A fast typist's keys after Enter, before the next item is up, are not kept: the next
    answer is stored as typed for the next item, never as two answers run together."""
    app, clock, history = make(db_path, "probe_rate=0")
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        first = current(app)
        clock.now += 1
        await pilot.press(*first.item.answer, "enter", "1", "2", "enter")
        await pilot.pause()
        second = current(app)
        assert second.exposure == 2
        assert app.screen.query_one(AnswerInput).value == ""
        await type_answer(pilot, second.item.answer)
    rows = list(history.export())
    assert [r["response"] for r in rows] == [first.item.answer, second.item.answer]


async def test_late_probes_say_no_more_than_any_probe(db_path: Path) -> None:
    """A probe answered late reads exactly like one answered in time, right or wrong."""
    app, clock, _ = make(db_path, "probe_rate=0.5", "session.length=40")
    lines, bars, probes = set(), set(), 0
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        while probes < 4:
            shown = current(app)
            if not shown.probe:
                clock.now += 1
                await type_answer(pilot, shown.item.answer)
            else:
                late = probes % 2 == 1
                clock.now += (shown.deadline_ms / 1000 + 1) if late else 1
                await type_answer(pilot, shown.item.answer if probes < 2 else wrong_answer(shown))
                lines.add(text_of(app, "#feedback").strip())
                bars.add(bar_text(app).strip())
                probes += 1
            await pilot.press("enter")
            await pilot.pause()
    assert lines == {"• answer taken"}
    assert bars == {""}


async def test_an_over_long_number_is_told_it_is_too_long(db_path: Path) -> None:
    """Thirteen digits are not "not a whole number": the message says what is wrong."""
    app, clock, _ = make(db_path, "probe_rate=0")
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        clock.now += 1
        await type_answer(pilot, "1234567890123")
        said = text_of(app, "#feedback")
        assert "too long" in said
        assert "whole number" not in said


async def test_glyph_feedback_shows_the_glyph_and_its_key(db_path: Path) -> None:
    """In glyph mode a miss names the key typed and the right glyph with its key."""
    from drill.domains.modarith import glyph_legend

    app, clock, _ = make(db_path, "probe_rate=0", "presentation=glyphs")
    async with app.run_test(size=(100, 30)) as pilot:
        await begin(pilot)
        assert app.practice is not None
        deck = app.practice.deck
        keys = dict(glyph_legend(int(deck.params["modulus"]), deck.seed))
        shown = current(app)
        wrong = next(key for glyph, key in keys.items() if glyph != shown.item.answer)
        clock.now += 1
        await type_answer(pilot, wrong)
        said = text_of(app, "#feedback")
        assert f"you typed {wrong}" in said
        assert f"the answer is {shown.item.answer} (key {keys[shown.item.answer]})" in said


async def test_ctrl_c_ends_the_session_as_quit_with_its_summary(db_path: Path) -> None:
    """Ctrl+C mid-item: the summary, the session row closed as quit, no toast on screen."""
    app, clock, history = make(db_path, "probe_rate=0")
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        clock.now += 1
        await type_answer(pilot, current(app).item.answer)
        await pilot.press("enter")
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "Session ended" in text_of(app, "#summary-head")
        assert not app._notifications
        with history.engine.connect() as conn:
            reason = conn.exec_driver_sql("SELECT end_reason FROM sessions").scalar()
        assert reason == "quit"
        await pilot.press("ctrl+c")  # on the summary it quits
        await pilot.pause()
    assert app.return_code == 0
    assert len(list(history.export())) == 1


async def test_ctrl_c_under_the_help_ends_the_session_too(db_path: Path) -> None:
    """With the help open over an item, Ctrl+C still ends the session and shows its summary."""
    app, _, _ = make(db_path, "probe_rate=0")
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)


async def test_help_explains_the_words_the_screens_use(db_path: Path) -> None:
    """? lists the keys and says what probe, held-out, exposure, epoch, deadline, untaught
    and seal mean, all on an 80×24 screen."""
    app, _, _ = make(db_path, "probe_rate=0")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        words = text_of(app, "#help-words")
        for word in ("probe", "held-out", "exposure", "epoch", "deadline", "untaught", "seal"):
            assert word in words
        box = app.screen.query_one("#help-box")
        assert box.virtual_size.height <= box.size.height  # nothing scrolled out of sight


async def test_the_control_decks_first_card_promises_no_rule(db_path: Path) -> None:
    """The control deck has no rule, and its first card says so instead of promising one."""
    history = History.open(str(db_path))
    deck = load_deck("control")
    app = make_app(lambda: start_practice(deck, history, "cal"), clock=FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        card = " ".join(card_text(app).split())
        assert "no rule behind its answers" in card
        assert "There is a rule" not in card


@pytest.mark.slow
async def test_time_on_the_rule_screen_is_neither_charged_nor_given(db_path: Path) -> None:
    """The item after the reveal is timed from when it appears, however long the rule was
    read."""
    app, clock, history = reveal_app(db_path, 100)
    async with app.run_test(size=(80, 24)) as pilot:  # type: ignore[attr-defined]
        await begin(pilot)
        await answer_until_the_rule(pilot, app, clock)
        clock.now += 90  # a minute and a half with the rule
        await pilot.press("enter")
        await pilot.pause()
        shown = current(app)  # type: ignore[arg-type]
        clock.now += 2
        await type_answer(pilot, shown.item.answer)
    assert [r["response_ms"] for r in history.export()][-1] == 2000


async def test_keys_typed_on_the_ready_card_are_refused_in_words(db_path: Path) -> None:
    """Typing before Enter says the item is not up yet; nothing is answered or timed."""
    app, _, history = make(db_path, "probe_rate=0")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("4")
        assert "press Enter to begin" in text_of(app, "#ready-note")
        assert app.practice is not None
        assert app.practice.engine.current is None
    assert list(history.export()) == []


async def test_a_long_rule_keeps_when_it_was_earned_and_the_way_on_in_view() -> None:
    """At 80×24 the chord rule is taller than the screen: the earned line and "Enter: on to
    the next item" are shown without scrolling, with a hint that more is below until the
    end is reached."""
    from textual.app import App
    from textual.widgets import Static

    from drill.tui.app import DrillApp

    class RuleOnly(App[None]):
        CSS_PATH = DrillApp.CSS_PATH

        def on_mount(self) -> None:
            rule = load_deck("chords").rule_text
            self.push_screen(RuleScreen(rule, earned="Earned at 21.", then="the next item"))

    app = RuleOnly()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        for name in ("#rule-head", "#rule-earned", "#rule-next"):
            shown = screen.query_one(name, Static)
            assert shown.region.height > 0, name
            assert screen.region.contains_region(shown.region), name
        assert "Enter: on to the next item" in text_of(app, "#rule-next")
        assert "the rest of the rule" in text_of(app, "#rule-next")
        await pilot.press("end")
        await pilot.pause()
        assert "the rest of the rule" not in text_of(app, "#rule-next")


async def test_a_probe_left_unanswered_says_no_answer(db_path: Path) -> None:
    """A probe that times out with nothing typed says "no answer", not "answer taken"."""
    app, clock, history = make(db_path, "probe_rate=0.5", "session.length=40")
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        while not current(app).probe:
            clock.now += 1
            await type_answer(pilot, current(app).item.answer)
            await pilot.press("enter")
            await pilot.pause()
        shown = current(app)
        clock.now += (shown.deadline_ms + max(5000, shown.deadline_ms)) / 1000 + 1
        for _ in range(100):  # the screen's own tick notices the expiry; a busy machine is slow
            await pilot.pause(0.05)
            if text_of(app, "#feedback").strip():
                break
        assert text_of(app, "#feedback").strip() == "• no answer"
        assert shown.item.answer not in text_of(app, "#feedback")
    assert [r["response"] for r in history.export() if r["probe"]] == [None]


async def test_escape_on_the_ready_card_asks_then_leaves_without_a_summary(
    db_path: Path,
) -> None:
    """Escape on the ready card says what a second one does; the second leaves, no summary."""
    app, _, history = make(db_path, "probe_rate=0")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert "Escape again" in text_of(app, "#ready-note")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SummaryScreen)
    assert app.return_code == 0
    assert list(history.export()) == []


async def test_ctrl_r_on_a_sealed_rule_says_so_and_how_to_read_it_early(db_path: Path) -> None:
    """Ctrl+R where the rule is sealed: one line says it is sealed, the next how to reveal
    it early, with a command that names the deck; no rule is shown."""
    app, _clock, _ = make(db_path, "probe_rate=0")
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        await pilot.press("ctrl+r")
        await pilot.pause()
        said = text_of(app, "#coach")
        assert "sealed" in said
        assert "drill rule modarith" in said
        assert "--force" in said
        assert isinstance(app.screen, SessionScreen)


async def test_a_grammar_summary_shows_what_was_missed_and_what_next_at_80_by_24(
    db_path: Path,
) -> None:
    """At 80×24 the grammar summary's "Missed most" line and its next steps are whole and in
    view, under a table and curve that scroll when taller."""
    deck = load_deck("grammar", ["session.length=12", "probe_rate=0"])
    history = History.open(str(db_path))
    clock = FakeClock()
    app = make_app(lambda: start_practice(deck, history, "ann"), clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        for _ in range(12):
            clock.now += 1
            await type_answer(pilot, "zzz")
            await pilot.press("enter")
            await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        screen = app.screen
        for name in ("#summary-weak", "#summary-next"):
            shown = screen.query_one(name)
            assert shown.region.height > 0, name
            assert screen.region.contains_region(shown.region), name
        weak = text_of(app, "#summary-weak")
        assert weak.lstrip().startswith("Missed most this session:")
        assert weak.rstrip().endswith(")")  # the last spot's count: nothing cut
        assert "Enter: another block" in text_of(app, "#summary-next")


async def test_a_glyph_session_is_named_glyphs_from_title_to_summary(db_path: Path) -> None:
    """The drill screen's title and the summary's heading both say "in glyphs": a glyph
    session is never named like the numeral one."""
    app, _clock, _ = make(db_path, "probe_rate=0", "presentation=glyphs")
    async with app.run_test(size=(80, 24)) as pilot:
        await begin(pilot)
        assert "Modular arithmetic in glyphs" in text_of(app, "#title")
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "Session ended: Modular arithmetic in glyphs" in text_of(app, "#summary-head")
