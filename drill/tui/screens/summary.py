"""The end of a session: what was done, in figures, and what to do next."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from drill.practice import Practice
from drill.protocol.coach import end_of_session_advice


def percent(successes: int, n: int) -> str:
    return f"{successes / n:.0%} ({successes}/{n})" if n else "–"


class SummaryScreen(Screen[None]):
    """Shows the session's figures; Enter or n starts another block, q quits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n,enter", "another", "Another block"),
        Binding("q,escape", "app.quit", "Quit"),
    ]

    def __init__(self, practice: Practice, reason: str) -> None:
        super().__init__()
        self.practice = practice
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(id="summary-box"):
            yield Static(self._heading(), id="summary-head")
            yield Static(self._table(), id="summary-table")
            advice = end_of_session_advice(self.practice.engine.tracker.state)
            yield Static(Text(advice or "", style="bold"), id="summary-advice")
            yield Static(
                Text("Every answer is saved. `drill export` prints them all.", style="dim")
            )
        yield Footer()

    def _heading(self) -> Text:
        done = "Session complete" if self.reason == "finished" else "Session ended"
        return Text(f"{done}: {self.practice.deck.title}", style="bold")

    def _table(self) -> Table:
        engine = self.practice.engine
        c = engine.counters
        table = Table(show_header=False, box=None, padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        table.add_row("exposures this session", f"{c.session_exposures:,}")
        table.add_row("exposures in all", f"{c.total_exposures:,}")
        table.add_row("training accuracy", percent(c.train_success, c.train_seen))
        table.add_row("held-out probes", percent(c.probe_success, c.probes))
        table.add_row("deadline now", f"{engine.deadline.deadline_ms / 1000:.1f} s")
        started = self.practice.started_at
        minutes = (datetime.now(UTC) - started).total_seconds() / 60
        table.add_row("time", f"{minutes:.0f} min")
        return table

    def action_another(self) -> None:
        """Start another block of the same deck."""
        from drill.tui.app import DrillApp

        app = self.app
        assert isinstance(app, DrillApp)
        app.start_block()
