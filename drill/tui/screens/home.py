"""The home screen: every deck, where the learner stands on it, and what to do next."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from drill.errors import UserError

if TYPE_CHECKING:
    from drill.home import Home
    from drill.standing import Standing
    from drill.tui.app import DrillApp

STORE_DELAY_S = 0.15
"""How long after the standings are handed to the screen the store starts to open."""
KEYS_NOTE = " Enter: start the deck   r: its report   u: its rule, once earned   ?: keys"
WAITING = ("…", "", "", "", "", "")
"""A deck's cells before its standing is read."""


def row_cells(s: Standing) -> tuple[Text | str, ...]:
    """One table row. State words and marks, so colour is never the only signal."""
    from drill.standing import sparkline

    styles = {
        "new": "dim", "memorizing": "", "plateau": "yellow", "rising": "green",
        "found it": "bold green", "early reveal": "magenta", "control": "dim",
    }  # fmt: skip
    marks = {
        "new": "·", "memorizing": "…", "plateau": "═", "rising": "↗", "found it": "✓",
        "early reveal": "!", "control": "○",
    }  # fmt: skip
    phase = s.learner_state.name
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

    standings: dict[str, Standing]

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
        yield Static("", id="home-seal")
        yield Static("", id="home-about")
        yield Static("", id="home-note")
        yield Footer()

    @property
    def drill(self) -> DrillApp:
        from drill.tui.app import DrillApp

        assert isinstance(self.app, DrillApp)
        return self.app

    def on_mount(self) -> None:
        home = self.home
        title = Text(" drill", style="bold")
        title.append(f"   learner: {home.learner}", style="dim")
        self.query_one("#home-title", Static).update(title)
        table = self.query_one(DataTable)
        table.add_columns("deck", "state", "today", "total", "run", "held-out", "rule")
        for name in home.names():  # every deck at once; where the learner stands follows
            table.add_row(Text(name, style="bold"), *WAITING, key=name)
        self.query_one("#home-note", Static).update(Text(KEYS_NOTE))
        table.focus()
        self.refresh_standings()

    def on_screen_resume(self) -> None:
        self.refresh_standings()

    @property
    def home(self) -> Home:
        home = self.drill.home
        assert home is not None
        return home

    @work(thread=True, exclusive=True, group="standings")
    def refresh_standings(self) -> None:
        """Read every deck and the learner's standing in a thread: a slow disk, or a
        database that must be created or upgraded first, never freezes the screen."""
        home, app = self.home, self.app
        try:
            preparing = home.preparing()
            if preparing is not None:
                app.call_from_thread(self._note, preparing)
            standings = home.standings()
            about = [d.description for d in home.decks()]
            app.call_from_thread(self.show_standings, standings, about)
            if not home.store_open:
                # Open the store now, so Enter starts at once; once the standings are
                # drawn, as importing SQLAlchemy would hold the interpreter meanwhile.
                time.sleep(STORE_DELAY_S)
                home.history  # noqa: B018
                if preparing is not None:
                    app.call_from_thread(self._note, KEYS_NOTE, style="")
        except UserError as err:  # a damaged or locked database: one line, as anywhere
            app.call_from_thread(app.exit, return_code=err.exit_code, message=f"drill: {err}")

    def _show_seal(self) -> None:
        """Where the highlighted deck's seal stands (as of whole blocks of probes)."""
        deck = self._selected()
        s = getattr(self, "standings", {}).get(deck) if deck is not None else None
        line = (
            f" {s.deck}: {s.seal_line}" if s is not None and s.seal_line and not s.rule_open else ""
        )
        self.query_one("#home-seal", Static).update(Text(line))

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_seal()

    def _note(self, text: str, style: str = "bold") -> None:
        self.query_one("#home-note", Static).update(Text(text, style=style))

    def show_standings(self, standings: Sequence[Standing], about: Sequence[str]) -> None:
        """Fill the table, keeping the cursor on the same row."""
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        self.standings = {s.deck: s for s in standings}
        for s in standings:
            table.add_row(*row_cells(s), key=s.deck)
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        self._show_seal()
        width = max((len(s.deck) for s in standings), default=0) + 2
        lines = [
            Text.assemble((f" {s.deck:<{width}}", "bold"), line)
            for s, line in zip(standings, about, strict=True)
            if line
        ]
        listing = Text("\n", no_wrap=True, overflow="ellipsis").join(lines)
        self.query_one("#home-about", Static).update(listing)

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
        if deck is None:
            return
        home = self.home
        message = home.rule_or_reason(deck)
        if message.opened:
            from drill.tui.screens.rule import RuleScreen

            self.app.push_screen(RuleScreen(message.text, heading=f"The rule of {deck}:"))
        else:
            self.query_one("#home-note", Static).update(Text(f" {message.text}", style="bold"))

    def action_report(self) -> None:
        deck = self._selected()
        if deck is None:
            return
        home = self.home
        from drill.tui.screens.report import ReportScreen

        page = home.report(deck, self.app.size.width - 2, self.app.size.height)
        self.app.push_screen(ReportScreen(page))
