"""The drill screen: one item at a time, under a deadline, with feedback only where allowed.

The screen is a driver of the protocol engine and nothing more: it shows what the engine
gives it, times the learner, and renders each `Outcome`. All session logic (what comes
next, what counts, what may be revealed) is in drill.protocol.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from drill.errors import UserError
from drill.practice import Practice
from drill.protocol.coach import coach_line, quit_warning
from drill.protocol.engine import Feedback, Outcome, Presentation
from drill.tui.messages import AnswerSubmitted, ItemJudged
from drill.tui.widgets.answer import AnswerInput
from drill.tui.widgets.timebar import TimeBar

MIN_SIZE = (60, 18)
"""Below this the screen hides the item and says how large the terminal must be."""
TICK_S = 0.1
PAUSE_AFTER = {Feedback.CORRECT: 0.6, Feedback.TAKEN: 0.6}
"""Seconds before the next item; wrong or late answers stay until Enter or 2.5 s."""
PAUSE_AFTER_MISS = 2.5
WARM_AFTER_S = 0.15
"""How long after the first item appears the store starts opening in the background."""
GRACE_MIN_MS = 5000
"""After the deadline the learner may still answer (late) until max(this, deadline)."""


def grace_ms(deadline_ms: int) -> int:
    """How long past the deadline an item waits before it is recorded as unanswered."""
    return max(GRACE_MIN_MS, deadline_ms)


class SessionScreen(Screen[None]):
    """Drives one `Practice` from its first item to its summary."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "finish", "End session"),
        Binding("ctrl+q", "app.quit", "Quit drill", show=False, priority=True),
    ]
    HELP_EXTRA: ClassVar[list[tuple[str, str]]] = [
        ("enter", "submit your answer (or skip a pause)"),
        ("ctrl+t", "light or dark theme"),
    ]

    def __init__(self, practice: Practice, clock: Callable[[], float]) -> None:
        super().__init__()
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

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="title")
        with Vertical(id="stage"):
            first = self.engine.next_item()  # composed in, so the first frame shows it
            prompt = Static(Text(first.prompt if first else "", style="bold"), id="prompt")
            if self._has_board():
                from drill.tui.widgets.board import Board

                with Horizontal(id="item"):
                    yield Board(id="board")
                    yield prompt
            else:
                yield prompt
            with Center():
                yield AnswerInput(self.clock, id="answer", placeholder="your answer")
            yield Static(self.engine.domain.hint(self.practice.deck.params), id="hint")
            if self.practice.deck.params.get("presentation") == "glyphs":
                yield Static(self._legend(), id="legend")
            yield TimeBar(id="timebar")
            yield Static("", id="feedback")
        yield Static("", id="counters")
        yield Static("", id="coach")
        # The footer (the keys) is mounted just after the first frame is out: item first.

    def _has_board(self) -> bool:
        """Decks whose items are positions (chess) draw a board beside the prompt."""
        return any("fen" in item.data for item in self.practice.deck.items[:1])

    def _title(self) -> Text:
        title = Text(f" {self.practice.deck.title}", style="bold")
        title.append(f"   learner: {self.practice.learner}", style="dim")
        return title

    def on_mount(self) -> None:
        self.set_class(self._has_board(), "with-board")
        self.set_interval(TICK_S, self._tick)
        self._check_size(self.app.size.width, self.app.size.height)
        self._next_item()

    def _legend(self) -> str:
        """Glyph decks: which key types which glyph, in glyph order (it tells no arithmetic)."""
        from drill.domains.modarith import glyph_legend

        params = self.practice.deck.params
        pairs = glyph_legend(int(params["modulus"]), self.practice.deck.seed)
        return "  ".join(f"{glyph}={key}" for glyph, key in pairs)

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
        self.query_one("#prompt", Static).update(Text(presentation.prompt, style="bold"))
        if "fen" in presentation.data:
            from drill.tui.widgets.board import Board

            last = presentation.data.get("last_move")
            self.query_one(Board).show(str(presentation.data["fen"]), last and str(last))
        answer = self.query_one(AnswerInput)
        answer.value = ""
        answer.disabled = False
        answer.focus()
        timebar = self.query_one(TimeBar)
        timebar.deadline_ms = presentation.deadline_ms
        timebar.remaining_ms = presentation.deadline_ms
        timebar.paused = False
        self._update_counters()
        # The clock starts when the item is on screen, not when it was chosen.
        self.shown_mono = None
        self.call_after_refresh(self._start_clock)

    def _start_clock(self) -> None:
        if self.shown is not None and self.shown_mono is None:
            self.shown_mono = self.clock()
            if not self.shown_once:
                self.shown_once = True
                self._update_coach()
            # Open the store once this frame has reached the terminal: its import would hold
            # the interpreter while Textual's writer thread flushes the first frame.
            self.set_timer(WARM_AFTER_S, self._after_first_frame)

    def _after_first_frame(self) -> None:
        self.practice.link.warm()
        if not self.query(Footer):
            self.mount(Footer())
            self.call_after_refresh(self.refresh_bindings)  # a late footer lists the keys too

    def _elapsed_ms(self, at: float | None = None) -> float:
        if self.shown_mono is None:
            return 0.0
        return ((at if at is not None else self.clock()) - self.shown_mono) * 1000

    def _tick(self) -> None:
        if self.shown is None or self.shown_mono is None or self.paused_since is not None:
            return
        elapsed = self._elapsed_ms()
        self.query_one(TimeBar).remaining_ms = self.shown.deadline_ms - elapsed
        if elapsed > self.shown.deadline_ms + grace_ms(self.shown.deadline_ms):
            with self.app_guard():
                outcome = self.engine.expire()
                self.away = True
                self.post_message(ItemJudged(outcome))

    @on(AnswerSubmitted)
    def _answered(self, message: AnswerSubmitted) -> None:
        message.stop()
        if self.waiting_next:
            self._next_item()
            return
        if self.shown is None or self.shown_mono is None or self.paused_since is not None:
            return
        response_ms = max(0.0, self._elapsed_ms(message.at))
        with self.app_guard():
            outcome = self.engine.answer(message.response, response_ms)
            self.post_message(ItemJudged(outcome))

    @on(ItemJudged)
    def _judged(self, message: ItemJudged) -> None:
        outcome = message.outcome
        self.query_one("#feedback", Static).update(feedback_text(outcome))
        answer = self.query_one(AnswerInput)
        if outcome.feedback is Feedback.UNREADABLE:
            answer.value = ""
            return
        if outcome.feedback is Feedback.CONTINUE:
            assert outcome.next_step is not None
            self._present(outcome.next_step)
            return
        self.shown = None
        self.shown_mono = None
        self.waiting_next = True
        answer.value = ""
        self._update_counters()
        if outcome.rule_unsealed:
            # The reward comes first; the next item waits for Enter after it.
            from drill.tui.screens.rule import RuleScreen

            self.app.push_screen(RuleScreen(self.practice.deck.rule_text))
            return
        if self.away:
            self.query_one(TimeBar).paused = True
            self.query_one("#feedback", Static).update(
                feedback_text(outcome).append("   paused: press Enter for the next item")
            )
            return
        delay = PAUSE_AFTER.get(outcome.feedback, PAUSE_AFTER_MISS)
        self._advance_timer = self.set_timer(delay, self._next_item)

    def _cancel_advance(self) -> None:
        if self._advance_timer is not None:
            self._advance_timer.stop()
            self._advance_timer = None

    def _update_coach(self) -> None:
        line = coach_line(self.engine.tracker.state)
        coach = "\n".join(f" {part}" for part in line.splitlines()) if line else ""
        self.query_one("#coach", Static).update(Text(coach, style="italic"))

    def _update_counters(self) -> None:
        if self.shown_once:
            self._update_coach()  # the first item's coach line waits for the first frame
        c = self.engine.counters
        text = Text(
            f" exposures {c.session_exposures}/{self.engine.settings.length} this session"
            f" · {c.total_exposures:,} in all · streak {c.streak}"
            f" · deadline {self.engine.deadline.deadline_ms / 1000:.1f} s"
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
        self.set_class(small, "too-small")
        if not small:
            self.query_one(AnswerInput).focus()

    # -- ending -----------------------------------------------------------------------------

    def action_finish(self) -> None:
        """Escape: end the session here (every answer so far is already saved).

        On a plateau the first Escape asks for confirmation instead, once per session.
        """
        warning = quit_warning(self.engine.tracker.state)
        if warning and not self.quit_warned:
            self.quit_warned = True
            text = "\n".join(f" {part}" for part in warning.splitlines())
            self.query_one("#coach", Static).update(Text(text, style="bold"))
            return
        self._cancel_advance()
        self._finished("quit")

    def _finished(self, reason: str) -> None:
        from drill.tui.screens.summary import SummaryScreen

        with self.app_guard():
            self.practice.close(reason)
            self.shown = None  # nothing more is timed on this screen
            summary = SummaryScreen(self.practice, reason)
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


def feedback_text(outcome: Outcome) -> Text:
    """What the learner is told. Marks and words, never colour alone."""
    match outcome.feedback:
        case Feedback.CORRECT:
            text = Text("✓ right", style="bold green")
        case Feedback.WRONG:
            text = Text("✗ wrong", style="bold red")
            text.append(f": the answer is {outcome.answer}")
        case Feedback.LATE:
            text = Text("⏱ too late", style="bold yellow")
            if outcome.correct:
                text = Text("⏱ right, but too late", style="bold yellow")
            if outcome.answer is not None:
                text.append(f": the answer is {outcome.answer}")
        case Feedback.TAKEN:
            text = Text("• answer taken", style="bold")
        case Feedback.UNREADABLE:
            text = Text("? couldn't read that", style="bold magenta")
            if outcome.note:
                text.append(f": {outcome.note}")
            return text
        case Feedback.CONTINUE:
            text = Text("✓ right, go on", style="bold green")
    if outcome.note and outcome.feedback is not Feedback.TAKEN:
        text.append(f" ({outcome.note})", style="italic")
    return text
