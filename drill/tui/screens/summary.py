"""The end of a session: what was done, in figures, and what to do next."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer, Static

from drill.app.practice import Practice
from drill.app.standing import Standing, weak_spots
from drill.errors import UserError
from drill.protocol.coach import end_of_session_advice
from drill.protocol.pressure import UNTIMED_MS
from drill.text import cell
from drill.tui.messages import AnotherBlockAsked, ReviewAsked, SummaryLeft
from drill.tui.views import shown_title


def percent(successes: int, n: int) -> str:
    return f"{successes / n:.0%} ({successes}/{n})" if n else "–"


class SummaryScreen(Screen[None]):
    """Shows the session's figures; Enter or n starts another block, r reviews the misses."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n,enter", "another", "Another block"),
        Binding("r", "review", "Review misses"),
        Binding("q,escape", "leave", "Done"),
    ]

    def __init__(self, practice: Practice, reason: str, rule_found_at: int | None = None) -> None:
        """`rule_found_at`: the exposure at which the rule opened in this session, if it did."""
        super().__init__()
        self.practice = practice
        self.reason = reason
        self.rule_found_at = rule_found_at
        self.standing: Standing | None = None
        """Today's count and the run of days: read from the store in a worker."""

    def _standing(self) -> Standing | None:
        from drill.app.standing import standing
        from drill.clock import local_zone

        try:
            history = self.practice.link.history
            return standing(
                history.reader,
                self.practice.learner,
                self.practice.deck,
                datetime.now(UTC),
                local_zone(),
            )
        except UserError:  # a store that fails here must not cost the summary its figures
            return None

    def on_mount(self) -> None:
        self.read_history(self.app.size.width, self.app.size.height)

    @work(thread=True, exclusive=True, group="summary")
    def read_history(self, width: int, height: int) -> None:
        """The figures that come from the store, read in a thread: a slow disk never
        freezes the screen, whose session figures are already there."""
        standing, curve = self._standing(), self._curve(width, height)
        self.app.call_from_thread(self._show_history, standing, curve)

    def _show_history(self, standing: Standing | None, curve: RenderableType) -> None:
        self.standing = standing
        try:
            self.query_one("#summary-table", Static).update(self._table())
            self.query_one("#summary-curve", Static).update(curve)
        except NoMatches:  # the learner has already moved on
            pass

    def compose(self) -> ComposeResult:
        # What was missed most and what to do next stay in view at 80x24, under the box,
        # which takes the rest and scrolls when the table, the curve and the advice are taller.
        with VerticalScroll(id="summary-box"):
            yield Static(self._heading(), id="summary-head")
            yield Static(self._table(), id="summary-table")
            yield Static("", id="summary-curve")
            engine = self.practice.engine
            advice = end_of_session_advice(engine.tracker.state, control=engine.settings.control)
            yield Static(Text(advice or "", style="bold"), id="summary-advice")
        yield Static(self._weak_spots(), id="summary-weak")
        yield Static(self._next_steps(), id="summary-next")
        yield Footer()

    def _curve(self, width: int, height: int) -> RenderableType:
        """Accuracy against epochs, as `drill report` draws it, in small."""
        from drill.app.report import session_curves
        from drill.report.terminal import small_curve

        width, rows = width - 10, height - 20  # room the rest leaves
        if rows < 3:
            return Text("")
        try:
            small = session_curves(
                self.practice.link.history, self.practice.learner, self.practice.deck
            )
        except UserError:  # a courtesy, like the standing: never lose the summary over it
            return Text("")
        if small is None:
            return Text("")
        return small_curve(small.curves, small.network, min(60, width), min(6, rows))

    def _heading(self) -> Text:
        done = "Session complete" if self.reason == "finished" else "Session ended"
        kind = " (review)" if not self.practice.engine.save_state else ""
        title = shown_title(self.practice.deck)
        heading = Text(f"{done}{kind}: {cell(title)}", style="bold")
        if self.rule_found_at is not None:
            heading.append(f"\nFound it at exposure {self.rule_found_at:,}, this session ✓")
        return heading

    def _table(self) -> Table:
        engine = self.practice.engine
        c = engine.counters
        table = Table(show_header=False, box=None, padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        table.add_row("exposures this session", f"{c.session_exposures:,}")
        table.add_row("exposures in all", f"{c.total_exposures:,}")
        table.add_row("training accuracy", percent(c.train_success, c.train_seen))
        table.add_row("held-out (untaught)", percent(c.untaught_right, c.untaught))
        if engine.settings.floor_ms < UNTIMED_MS:  # a study's untimed arm has none
            table.add_row("deadline now", f"{engine.deadline.deadline_ms / 1000:.1f} s")
        minutes = (datetime.now(UTC) - self.practice.started_at).total_seconds() / 60
        table.add_row("time", f"{minutes:.0f} min")
        s = self.standing
        if s is not None:
            met = " ✓ target met" if s.target and s.today >= s.target else ""
            table.add_row("today", f"{s.today:,} of {s.target:,} exposures{met}")
            run = f"{s.run_days} day{'s' * (s.run_days != 1)} in a row"
            if s.target and s.today < s.target:
                run += f"; today counts at {s.target:,}"
            table.add_row("days at target", run)
            table.add_row("state", s.learner_state.text)
            if s.seal_line and not s.rule_open:
                table.add_row("the seal", s.seal_line)
        return table

    def _weak_spots(self) -> Text:
        spots = weak_spots(self.practice.deck, self.practice.engine.counters.missed)
        if not spots:
            return Text("")
        listed = " · ".join(f"{name} ({n})" for name, n in spots)  # names hold commas
        return Text(f"Missed most this session: {listed}")

    def _next_steps(self) -> Text:
        misses = len(self.practice.engine.counters.missed)
        review = f"r: review the {misses} missed item{'s' * (misses != 1)}   " if misses else ""
        return Text(f"Enter: another block   {review}q: done", style="dim")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer a review only when there is something to review."""
        if action == "review":
            return bool(self.practice.engine.counters.missed)
        return True

    def action_another(self) -> None:
        """Start another block of the same deck."""
        self.post_message(AnotherBlockAsked())

    def action_review(self) -> None:
        """Replay this session's missed training items, once each, under the same deadline."""
        if self.practice.engine.counters.missed:
            self.post_message(ReviewAsked(self.practice))

    def action_leave(self) -> None:
        self.post_message(SummaryLeft())
