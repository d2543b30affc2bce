"""The drill screen: one item at a time, under a deadline, with feedback only where allowed.

The screen is a driver of the protocol engine and nothing more: it shows what the engine
gives it, times the learner, and renders each `Outcome`. All session logic (what comes
next, what counts, what may be revealed) is in drill.protocol.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.events import Key, Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from drill.app.practice import Practice
from drill.errors import UserError
from drill.protocol.coach import quit_warning
from drill.protocol.engine import Feedback, Outcome, Presentation
from drill.protocol.pressure import UNTIMED_MS
from drill.protocol.records import EventKind, EventRecord
from drill.text import cell, visible
from drill.tui.feedback import Said, feedback_text
from drill.tui.messages import AnswerSubmitted, ItemJudged, KeysDropped, SummaryLeft
from drill.tui.views import shown_title, view_for
from drill.tui.widgets.answer import AnswerInput
from drill.tui.widgets.ready import ready_text
from drill.tui.widgets.timebar import TimeBar

MIN_SIZE = (60, 18)
"""Below this the screen hides the item and says how large the terminal must be."""
TICK_S = 0.1
PAUSE_AFTER_PROBE = 0.6
"""Seconds before the next item after a probe (nothing to study: every probe looks the
same). After a right answer the view says how long; a miss stays until Enter, so the time
spent studying the answer is the learner's and is never charged to the next item."""
WARM_AFTER_S = 0.15
"""How long after the ready card appears the store starts opening in the background."""
NEXT_HINT = "Enter: next item"
DROPPED_HINT = "Enter: next item · keys typed before it is up are not kept"
"""Shown once a key typed between items was dropped (see AnswerInput)."""
LEAVE_HINT = "Escape again: leave without drilling · Enter: begin"
GRACE_MIN_MS = 5000
"""After the deadline the learner may still answer (late) until max(this, deadline)."""


def grace_ms(deadline_ms: int) -> int:
    """How long past the deadline an item waits before it is recorded as unanswered."""
    return max(GRACE_MIN_MS, deadline_ms)


class SessionScreen(Screen[None]):
    """Drives one `Practice` from its ready card, through its items, to its summary."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "begin", show=False),  # the ready card; listed in HELP_EXTRA
        Binding("escape", "finish", "End session"),
        Binding("ctrl+r", "show_rule", "The rule"),  # only where the rule is narrated
        Binding("ctrl+q", "app.quit", "Quit drill", show=False, priority=True),
    ]
    HELP_EXTRA: ClassVar[list[tuple[str, str]]] = [
        ("enter", "begin; submit your answer; after it, the next item"),
        ("ctrl+c", "end the session and see its summary"),
        ("ctrl+t", "light or dark theme"),
    ]

    def __init__(self, practice: Practice, clock: Callable[[], float]) -> None:
        super().__init__(classes="ready")
        self.practice = practice
        self.engine = practice.engine
        self.clock = clock
        self.shown: Presentation | None = None
        self.shown_mono: float | None = None
        self.waiting_next = False
        self.away = False
        """The item expired with no answer: wait for Enter before the next one."""
        self.paused_since: float | None = None
        """When the clock stopped (terminal too small, or a screen on top), if it is stopped."""
        self._advance_timer: Timer | None = None
        self.quit_warned = False
        self.shown_once = False
        self.ready = True
        """The ready card is up: no item yet, no clock running."""
        self.typed: str | None = None
        """What the learner submitted for the item on screen (None: nothing yet)."""
        self.rule_found_at: int | None = None
        """The exposure at which the rule opened in this session, if it did."""
        self.view = view_for(practice.deck)
        """How this deck's items are drawn (the domain's spec names the kind)."""
        self.leave_asked = False
        """Escape was pressed once on the ready card: a second one leaves."""

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="title")
        first_session = self.engine.counters.total_exposures == 0
        card = ready_text(
            self._deck_title(),
            self.engine.settings.length,
            self.engine.deadline.deadline_ms,
            untimed=self._untimed(),
            narrated=bool(self.practice.narration),
            first_session=first_session,
            control=self.engine.settings.control,  # a deck with no rule ([rule] control)
            how=self.engine.domain.procedure(self.practice.deck.params),
        )
        with Vertical(id="ready-box"):
            yield Static(card, id="ready", classes="first" if first_session else "")
            yield Static("", id="ready-note")
        with Vertical(id="stage"):
            # The first item is chosen when Enter is pressed, so its clock and its shown_at
            # both start then; the card is the first frame.
            yield from self.view.item_area(Static("", id="prompt"))
            with Center():
                yield self.view.answer_input(self.clock, self._item_ms)
            yield Static(self.engine.domain.hint(self.practice.deck.params), id="hint")
            yield from self.view.aids()
            yield TimeBar(id="timebar", untimed=self._untimed())
            yield Static("", id="feedback")
        yield Static("", id="counters")
        yield Static("", id="coach")
        # The footer (the keys) is mounted just after the first frame is out: item first.

    def _deck_title(self) -> str:
        """The deck's title, and "in glyphs" when its numbers are shown as glyphs."""
        return shown_title(self.practice.deck, self.view)

    def _title(self) -> Text:
        title = Text(f" {cell(self._deck_title())}", style="bold")
        title.append(f"   learner: {cell(self.practice.learner)}", style="dim")
        return title

    def on_mount(self) -> None:
        if self.view.screen_class:
            self.add_class(self.view.screen_class)
        self.set_interval(TICK_S, self._tick)
        self._check_size(self.app.size.width, self.app.size.height)
        self._update_counters()
        self.call_after_refresh(self._card_shown)
        if self.practice.narration:  # told before the first item: the arm's whole point
            self.call_after_refresh(self.action_show_rule)

    def _untimed(self) -> bool:
        """A study's untimed arm: no bar, no deadline in the counters (see UNTIMED_MS)."""
        return self.engine.settings.floor_ms >= UNTIMED_MS

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The rule is on request only where it is narrated (a study's arm)."""
        return bool(self.practice.narration) if action == "show_rule" else True

    def action_show_rule(self) -> None:
        """Ctrl+R in a narrated arm: the rule on top; the item's clock stops meanwhile."""
        from drill.tui.screens.rule import RuleScreen

        if self.practice.narration:
            self.app.push_screen(RuleScreen(self.practice.narration, "The rule of this deck:"))

    def _card_shown(self) -> None:
        # Open the store once the card has reached the terminal: its import would hold the
        # interpreter while Textual's writer thread flushes the first frame.
        self.set_timer(WARM_AFTER_S, self._after_first_frame)

    def on_key(self, event: Key) -> None:
        """A key typed on the ready card is refused in words, not silently dropped; Ctrl+R
        on a sealed rule says it is sealed and how to read it early."""
        if event.key == "ctrl+r" and not self.practice.narration:
            event.stop()
            self._say_sealed()
            return
        if self.ready and event.is_printable and event.character not in (None, "?"):
            event.stop()
            self._ready_note("The item is not up yet: press Enter to begin, then type.")

    def _say_sealed(self) -> None:
        from drill.app.earned import reveal_command

        command = reveal_command(self.practice.deck, self.practice.learner)
        said = (
            " The rule is sealed until your untaught answers show you have it. To read it"
            f"\n early (recorded as early): {command}"
        )
        target = "#ready-note" if self.ready else "#coach"
        self.query_one(target, Static).update(Text(said, style="bold"))

    def _ready_note(self, note: str) -> None:
        self.query_one("#ready-note", Static).update(Text(note, style="bold"))

    @on(KeysDropped)
    def _keys_dropped(self, message: KeysDropped) -> None:
        """Say once, where Enter's hint is, that keys typed between items were not kept."""
        message.stop()
        if self.waiting_next:
            self.query_one(TimeBar).message = DROPPED_HINT

    def action_begin(self) -> None:
        """Enter on the ready card: the first item appears and its clock starts."""
        if not self.ready:
            return
        self.ready = False
        self.remove_class("ready")
        self.query_one(AnswerInput).disabled = False
        self._next_item()

    # -- items --------------------------------------------------------------------------

    def _next_item(self) -> None:
        self._cancel_advance()
        self.waiting_next = False
        self.away = False
        presentation = self.engine.next_item()
        if presentation is None:
            self.app.call_later(self._finished, "finished")
            return
        self._present(presentation)

    def _present(self, presentation: Presentation) -> None:
        if presentation.step == 0:
            self.query_one("#feedback", Static).update("")
        self.shown = presentation
        self.typed = None
        self.query_one("#prompt", Static).update(Text(visible(presentation.prompt), style="bold"))
        self.view.show(presentation.data)
        answer = self.query_one(AnswerInput)
        answer.value = ""  # nothing typed before the item was up is kept (see AnswerInput)
        answer.accepting = self.paused_since is None
        answer.focus()
        timebar = self.query_one(TimeBar)
        timebar.deadline_ms = presentation.deadline_ms
        timebar.remaining_ms = presentation.deadline_ms
        timebar.paused = False
        timebar.message = ""
        self._update_counters()
        # The clock starts when the item is on screen, not when it was chosen.
        self.shown_mono = None
        self.call_after_refresh(self._start_clock)

    def _start_clock(self) -> None:
        if self.paused_since is not None:
            return  # hidden (a screen on top, a small terminal): it starts when shown
        if self.shown is not None and self.shown_mono is None:
            self.shown_mono = self.clock()
            if not self.shown_once:
                self.shown_once = True
                self._update_coach()

    def _after_first_frame(self) -> None:
        self.practice.link.warm()
        if not self.query(Footer):
            self.mount(Footer())
            self.call_after_refresh(self.refresh_bindings)  # a late footer lists the keys too

    def _elapsed_ms(self, at: float | None = None) -> float:
        if self.shown_mono is None:
            return 0.0
        return ((at if at is not None else self.clock()) - self.shown_mono) * 1000

    def _item_ms(self, at: float) -> float | None:
        """The item's clock at `at`, or None while no item's clock runs."""
        return None if self.shown_mono is None else self._elapsed_ms(at)

    def _tick(self) -> None:
        if self.shown is None or self.shown_mono is None or self.paused_since is not None:
            return
        elapsed = self._elapsed_ms()
        self.query_one(TimeBar).remaining_ms = self.shown.deadline_ms - elapsed
        if elapsed > self.shown.deadline_ms + grace_ms(self.shown.deadline_ms):
            with self.app_guard():
                self.typed = None
                self.query_one(AnswerInput).accepting = False
                outcome = self.engine.expire(self.query_one(AnswerInput).unfinished())
                self.away = True
                self.post_message(ItemJudged(outcome))

    @on(AnswerSubmitted)
    def _answered(self, message: AnswerSubmitted) -> None:
        message.stop()
        if self.waiting_next:
            self._next_item()
            return
        if self.shown is None or self.paused_since is not None:
            return
        if not message.response.strip():
            # Enter on an empty box is not an answer: most often it was meant for the item
            # before, which went on by itself a moment earlier.
            return
        if self.shown_mono is None:  # answered before its first frame was out: no time
            self.shown_mono = message.at
        response_ms = max(0.0, self._elapsed_ms(message.at))
        self.typed = message.response
        with self.app_guard():
            outcome = self.engine.answer(message.response, response_ms)
            self.post_message(ItemJudged(outcome))

    @on(ItemJudged)
    def _judged(self, message: ItemJudged) -> None:
        outcome = message.outcome
        answer = self.query_one(AnswerInput)
        said = Said(
            probe=self.shown is not None and self.shown.probe,
            typed=self.typed,
            keys=self.view.keys,
            glyphs=self.view.glyphs,
        )
        self.query_one("#feedback", Static).update(feedback_text(outcome, said, self._plain()))
        self.view.judged(outcome, self.typed or "")
        if outcome.feedback is Feedback.UNREADABLE:
            answer.accepting = self.paused_since is None  # the item stays: try again
            return
        if outcome.feedback is Feedback.CONTINUE:
            assert outcome.next_step is not None
            self._present(outcome.next_step)
            return
        self.shown = None
        self.shown_mono = None
        self.waiting_next = True
        self._update_counters()
        timebar = self.query_one(TimeBar)
        if outcome.rule_unsealed:
            self._reveal(outcome)
            return
        if self.away:
            timebar.message = f"paused · {NEXT_HINT}"
            return
        if said.probe:
            timebar.message = " "  # every probe looks the same, in time or late
            delay = PAUSE_AFTER_PROBE
        elif outcome.feedback is Feedback.CORRECT:
            timebar.message = " "
            delay = self.view.pause_after_right
        else:
            timebar.message = NEXT_HINT  # the learner studies the answer as long as needed
            return
        self._advance_timer = self.set_timer(delay, self._next_item)

    def _plain(self) -> bool:
        """NO_COLOR: marks and weight only. Textual's NO_COLOR filter paints named colours
        black, which on a dark ground would hide the ✗ line."""
        return bool(getattr(self.app, "no_color", False))

    def _reveal(self, outcome: Outcome) -> None:
        """The reward comes first; closing it goes straight on to the next item."""
        from drill.app.earned import earned_line
        from drill.tui.screens.rule import RuleScreen

        event = next((e for e in outcome.events if e.kind == EventKind.RULE_UNSEALED), None)
        earned = ""
        if event is not None:
            self.rule_found_at = event.exposure
            earned = earned_line(event, self._first_exposure_at(event))
        then = "the summary" if self.engine.finished else "the next item"
        heading = "You found it. The rule:"
        if self.practice.narration:  # told it first: the seal shows it is applied, not found
            heading = "Your untaught answers show you apply it. The rule:"
        screen = RuleScreen(self.practice.deck.rule_text, heading, earned=earned, then=then)
        self.app.push_screen(screen, lambda _: self._next_item())

    def _first_exposure_at(self, event: EventRecord) -> datetime:
        """When this learner first drilled this variant of the deck (to the minute), or this
        session's start."""
        from drill.app.earned import first_minute

        link = self.practice.link
        if not link.is_open:  # the rule opened in the first seconds: never wait on the store
            return self.practice.started_at
        try:
            link = self.practice.link
            deck = self.practice.deck
            first = first_minute(
                link.history.reader, link.port.learner_id, deck.name, deck.fingerprint
            )
        except (UserError, AttributeError):
            first = None
        started = self.practice.started_at
        if first is None or started - first < timedelta(minutes=1):
            return started  # a first session: its start is exact, the minute is not
        return first

    def _cancel_advance(self) -> None:
        if self._advance_timer is not None:
            self._advance_timer.stop()
            self._advance_timer = None

    def _update_coach(self) -> None:
        line = self.engine.coach()
        coach = "\n".join(f" {part}" for part in line.splitlines()) if line else ""
        self.query_one("#coach", Static).update(Text(coach, style="italic"))

    def _update_counters(self) -> None:
        if self.shown_once:
            self._update_coach()  # the first item's coach line waits for the first frame
        c = self.engine.counters
        text = Text(
            f" exposures {c.session_exposures}/{self.engine.settings.length} this session"
            f" · {c.total_exposures:,} in all · streak {c.streak}"
            + (
                " · no deadline"
                if self._untimed()
                else f" · deadline {self.engine.deadline.deadline_ms / 1000:.1f} s"
            )
        )
        self.query_one("#counters", Static).update(text)

    # -- pauses: a screen on top (help, the rule) or a terminal too small stops the clock --

    def on_screen_suspend(self) -> None:
        if self.paused_since is None:
            self.paused_since = self.clock()

    def on_screen_resume(self) -> None:
        self._check_size(self.app.size.width, self.app.size.height)

    # -- size ------------------------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        small = width < MIN_SIZE[0] or height < MIN_SIZE[1]
        if small:
            found = self.query("#too-small")
            notice = found.first(Static) if found else Static("", id="too-small")
            if not found:
                self.mount(notice, before=self.query_one("#counters"))
            notice.update(
                f"The terminal is {width}×{height}; drill needs at least "
                f"{MIN_SIZE[0]}×{MIN_SIZE[1]}. Enlarge it to go on: the item and its "
                "clock are kept."
            )
            if self.paused_since is None:
                self.paused_since = self.clock()
        elif self.paused_since is not None:
            # Give back the time the item spent hidden.
            if self.shown_mono is not None:
                self.shown_mono += self.clock() - self.paused_since
            self.paused_since = None
            if self.shown is not None and self.shown_mono is None:
                self.call_after_refresh(self._start_clock)  # it came up while hidden
        self.set_class(small, "too-small")
        if not small and not self.ready:
            self.query_one(AnswerInput).focus()
        if not self.ready:
            answer = self.query_one(AnswerInput)
            answer.accepting = not small and self.shown is not None

    # -- ending -----------------------------------------------------------------------------

    def action_finish(self) -> None:
        """Escape: end the session here (every answer so far is already saved).

        On a plateau the first Escape asks for confirmation instead, once per session.
        """
        if self.ready:  # nothing drilled yet: ask once, then go back without a summary
            if not self.leave_asked:
                self.leave_asked = True
                self._ready_note(LEAVE_HINT)
                return
            with self.app_guard():
                self.practice.close("quit")
            self.post_message(SummaryLeft())
            return
        warning = quit_warning(self.engine.tracker.state, control=self.engine.settings.control)
        if warning and not self.quit_warned:
            self.quit_warned = True
            text = "\n".join(f" {part}" for part in warning.splitlines())
            self.query_one("#coach", Static).update(Text(text, style="bold"))
            return
        self._cancel_advance()
        self._finished("quit")

    def end_now(self) -> None:
        """Ctrl+C: end the session at once, no questions (every answer is already saved)."""
        if self.practice.closed:
            return
        self._cancel_advance()
        self._finished("quit")

    def _finished(self, reason: str) -> None:
        from drill.tui.screens.summary import SummaryScreen

        with self.app_guard():
            self.practice.close(reason)
            self.shown = None  # nothing more is timed on this screen
            summary = SummaryScreen(self.practice, reason, rule_found_at=self.rule_found_at)
            if len(self.app.screen_stack) == 1:  # the app's first screen cannot be swapped out
                self.app.push_screen(summary)
            else:
                self.app.switch_screen(summary)

    @contextmanager
    def app_guard(self) -> Iterator[None]:
        """A history that cannot be written ends the app with its one-line message."""
        try:
            yield
        except UserError as err:
            self.app.exit(return_code=err.exit_code, message=f"drill: {err}")
