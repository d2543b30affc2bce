"""The home screen: every deck, where the learner stands on it, and what to do next."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from drill.errors import UserError
from drill.text import cell
from drill.tui.messages import DeckChosen

if TYPE_CHECKING:
    from rich.console import RenderableType

    from drill.app.home import Home
    from drill.app.standing import Standing

KEYS_NOTE = " Enter: start the deck   r: its report   u: its rule, once earned   ?: keys"
COLUMNS = ("deck", "state", "today", "total", "run", "held-out", "rule")
WAITING = ("…", "", "", "", "", "")
"""A deck's cells before its standing is read."""


def row_cells(s: Standing, plain: bool = False) -> tuple[Text | str, ...]:
    """One table row. State words and marks, so colour is never the only signal; `plain`
    (NO_COLOR) drops the colours, which Textual's NO_COLOR filter would paint black."""
    from drill.app.standing import sparkline

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
        Text(cell(s.deck), style="bold"),
        Text(f"{marks.get(phase, ' ')} {s.label}", style="" if plain else styles.get(phase, "")),
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

    def __init__(self, home: Home) -> None:
        super().__init__()
        self.home = home

    def compose(self) -> ComposeResult:
        yield Static("", id="home-title")
        yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
        yield Static("", id="home-seal")
        yield Static("", id="home-about")
        yield Static("", id="home-note")
        yield Footer()

    def on_mount(self) -> None:
        home = self.home
        title = Text(" drill", style="bold")
        title.append(f"   learner: {cell(home.learner)}", style="dim")
        self.query_one("#home-title", Static).update(title)
        table = self.query_one(DataTable)
        self.query_one("#home-note", Static).update(Text(KEYS_NOTE))
        table.focus()
        self._shown = False
        early = home.early_standings()
        if early is not None:  # read while the app loaded: one frame, the whole table
            self.show_standings(early)
            self._after_standings(home.preparing())
            return
        waiting = [(Text(cell(name), style="bold"), *WAITING) for name in home.names()]
        self._fill(table, home.names(), waiting)  # every deck at once; their standing follows
        self.refresh_standings()  # now, while the first frame is laid out and drawn

    def on_screen_resume(self) -> None:
        """Back from a session: read again. (Textual also resumes the first screen as it
        is first shown, which on_mount has seen to.)"""
        if self._shown:
            self.refresh_standings()
        self._shown = True

    @work(thread=True, exclusive=True, group="standings")
    def refresh_standings(self) -> None:
        """Read every deck and the learner's standing in a thread: a slow disk, or a
        database that must be created or upgraded first, never freezes the screen."""
        home, app = self.home, self.app
        try:
            preparing = home.preparing()
            if preparing is not None:
                app.call_from_thread(self._note, preparing)
            app.call_from_thread(self.show_standings, home.standings())
            app.call_from_thread(self._after_standings, preparing)
        except UserError as err:  # a damaged or locked database: one line, as anywhere
            app.call_from_thread(app.exit, return_code=err.exit_code, message=f"drill: {err}")

    def _show_seal(self) -> None:
        """Where the highlighted deck's seal stands (as of whole blocks of probes)."""
        deck = self._selected()
        s = getattr(self, "standings", {}).get(deck) if deck is not None else None
        line = (
            f" {cell(s.deck)}: {s.seal_line}"
            if s is not None and s.seal_line and not s.rule_open
            else ""
        )
        self.query_one("#home-seal", Static).update(Text(line))

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_seal()

    @work(thread=True, exclusive=True, group="store")
    def open_store(self, then: str | None = None) -> None:
        """Open (create, upgrade) the store so that Enter starts at once; after the
        standings are drawn, as importing SQLAlchemy holds the interpreter meanwhile."""
        app = self.app
        try:
            self.home.history  # noqa: B018
        except UserError as err:
            app.call_from_thread(app.exit, return_code=err.exit_code, message=f"drill: {err}")
            return
        if then is not None:
            app.call_from_thread(self._note, then, "")

    def _after_standings(self, preparing: str | None) -> None:
        """Once the standings are drawn, open the store (saying so where it must be made
        or upgraded first), so that Enter starts at once."""
        if preparing is not None:
            self._note(preparing)
            self.call_after_refresh(self.open_store, KEYS_NOTE)
        elif not self.home.store_open:
            self.call_after_refresh(self.open_store)

    def _note(self, text: str, style: str = "bold") -> None:
        self.query_one("#home-note", Static).update(Text(text, style=style))

    def show_standings(self, standings: Sequence[Standing]) -> None:
        """Fill the table, keeping the cursor on the same row, and each deck's line."""
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        self.standings = {s.deck: s for s in standings}
        plain = bool(self.app.no_color)
        self._fill(table, [s.deck for s in standings], [row_cells(s, plain) for s in standings])
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        self._show_seal()
        width = max((len(s.deck) for s in standings), default=0) + 2
        lines = [
            Text.assemble((f" {cell(s.deck):<{width}}", "bold"), cell(s.description))
            for s in standings
            if s.description
        ]
        listing = Text("\n", no_wrap=True, overflow="ellipsis").join(lines)
        self.query_one("#home-about", Static).update(listing)

    @staticmethod
    def _fill(
        table: DataTable[Text | str], keys: Sequence[str], rows: Sequence[Sequence[Text | str]]
    ) -> None:
        """Put `rows` in the table, each column as wide as its widest cell. The widths are
        set here, not measured later by the table: it measures on idle, and rows that
        replace others under the same keys before it does kept the old widths."""
        table.clear(columns=True)
        for i, label in enumerate(COLUMNS):
            width = max([len(label), *(Text(str(r[i])).cell_len for r in rows)])
            table.add_column(label, width=width, key=label)
        for key, cells in zip(keys, rows, strict=True):
            table.add_row(*cells, key=key)

    def _selected(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value)

    def action_start(self) -> None:
        deck = self._selected()
        if deck is not None:
            self.post_message(DeckChosen(deck))

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

            screen = RuleScreen(message.text, heading=f"The rule of {deck}:", earned=message.earned)
            self.app.push_screen(screen)
        else:
            self.query_one("#home-note", Static).update(Text(f" {message.text}", style="bold"))

    def action_report(self) -> None:
        deck = self._selected()
        if deck is None:
            return
        from drill.app.report import report_inputs
        from drill.report.page import Report
        from drill.tui.screens.report import ReportScreen

        home = self.home
        inputs = report_inputs(home.history, home.learner, home.deck(deck))
        if inputs is None:
            page: RenderableType = Text(
                f"{home.learner} has not drilled {deck} yet: press Enter on it to begin."
            )
        else:
            page = Report.of(inputs).render(self.app.size.width - 2, self.app.size.height)
        self.app.push_screen(ReportScreen(page))
