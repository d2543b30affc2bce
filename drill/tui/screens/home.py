"""The home screen: every deck, where the learner stands on it, and what to do next."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from drill.standing import Standing, sparkline

if TYPE_CHECKING:
    from drill.tui.app import DrillApp


def row_cells(s: Standing) -> tuple[Text | str, ...]:
    """One table row. State words and marks, so colour is never the only signal."""
    styles = {"new": "dim", "memorizing": "", "plateau": "yellow", "grokked": "bold green"}
    marks = {"new": "·", "memorizing": "…", "plateau": "═", "grokked": "✓"}
    phase = s.state.phase
    today = f"{s.today:,}/{s.target:,}" + (" ✓" if s.target and s.today >= s.target else "")
    run = f"{s.run_days} d" if s.run_days else "–"
    return (
        Text(s.deck, style="bold"),
        Text(f"{marks.get(phase, ' ')} {s.label}", style=styles.get(phase, "")),
        today,
        f"{s.exposures:,}",
        run,
        sparkline(s.heldout[-8:]),
        "open" if s.rule_open else "–",
    )


class HomeScreen(Screen[None]):
    """Arrow keys choose a deck; Enter starts it; r, u and ? do the rest."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Start the deck"),
        Binding("r", "report", "Its report"),
        Binding("u", "rule", "Its rule, once earned"),
        Binding("ctrl+t", "app.toggle_theme", "Light or dark theme", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="home-title")
        yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
        yield Static("", id="home-note")
        yield Footer()

    @property
    def drill(self) -> DrillApp:
        from drill.tui.app import DrillApp

        assert isinstance(self.app, DrillApp)
        return self.app

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("deck", "state", "today", "total", "run", "held-out", "rule")
        self.refresh_standings()
        table.focus()

    def on_screen_resume(self) -> None:
        self.refresh_standings()

    def refresh_standings(self) -> None:
        home = self.drill.home
        assert home is not None
        title = Text(" drill", style="bold")
        title.append(f"   learner: {home.learner}", style="dim")
        self.query_one("#home-title", Static).update(title)
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for s in home.standings():
            table.add_row(*row_cells(s), key=s.deck)
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        self.query_one("#home-note", Static).update(
            Text(" Enter: start the deck   r: its report   u: its rule, once earned   ?: keys")
        )

    def _selected(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value)

    def action_start(self) -> None:
        deck = self._selected()
        if deck is not None:
            self.drill.start_deck(deck)

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_start()

    def action_rule(self) -> None:
        deck = self._selected()
        home = self.drill.home
        if deck is None or home is None:
            return
        message = home.rule_or_reason(deck)
        if message.opened:
            from drill.tui.screens.rule import RuleScreen

            self.app.push_screen(RuleScreen(message.text, heading=f"The rule of {deck}:"))
        else:
            self.query_one("#home-note", Static).update(Text(f" {message.text}", style="bold"))

    def action_report(self) -> None:
        deck = self._selected()
        home = self.drill.home
        if deck is None or home is None:
            return
        from drill.tui.screens.report import ReportScreen

        page = home.report(deck, self.app.size.width - 2, self.app.size.height)
        self.app.push_screen(ReportScreen(page))
