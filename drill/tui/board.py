"""The teacher's phase board as a small Textual app (`drill class`, and served by
`drill serve` at /teacher): one row per learner and deck, sortable, refreshing itself."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Static

from drill.app.board import SORTS, BoardRow, sort_rows
from drill.text import cell

REFRESH_SECONDS = 3.0
COLUMNS = tuple(SORTS)


class BoardApp(App[int]):
    """Reads the rows with `read()` in a worker every REFRESH_SECONDS and redraws them."""

    TITLE = "drill: the class"
    CSS = """
    #heading { padding: 0 1; color: $text-muted; height: 1; }
    DataTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "next_sort", "sort by next column"),
        Binding("r", "reverse", "reverse"),
        Binding("q", "quit", "quit"),
    ]

    def __init__(self, read: Callable[[], Sequence[BoardRow]], now: Callable[[], datetime]) -> None:
        super().__init__()
        self.read = read
        self.now = now
        self.rows: Sequence[BoardRow] = ()
        self.sort_column = "learner"
        self.descending = False
        self.error = ""

    def compose(self) -> ComposeResult:
        yield Static("reading the class…", id="heading")
        yield DataTable(zebra_stripes=True, cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for name in COLUMNS:
            table.add_column(name, key=name)
        self.refresh_rows()
        self.set_interval(REFRESH_SECONDS, self.refresh_rows)

    @work(thread=True, exclusive=True)
    def refresh_rows(self) -> None:
        try:
            rows, error = list(self.read()), ""
        except Exception as err:  # a busy or unreachable database: say so, keep the last rows
            rows, error = list(self.rows), str(err).splitlines()[0][:200]
        self.call_from_thread(self._show, rows, error)

    def _show(self, rows: Sequence[BoardRow], error: str) -> None:
        self.rows, self.error = rows, error
        self._draw()

    def _draw(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        now = self.now()
        for row in sort_rows(self.rows, self.sort_column, self.descending):
            table.add_row(*row_cells(row, now))
        learners = len({r.learner for r in self.rows})
        arrow = "↓" if self.descending else "↑"
        line = (
            f"{learners} learner{'s' if learners != 1 else ''}, {len(self.rows)} rows · "
            f"sorted by {self.sort_column} {arrow} · s: next column, r: reverse · "
            f"as of {now.astimezone():%H:%M:%S}"
        )
        if self.error:
            line = f"could not refresh ({self.error}); showing the last rows · " + line
        self.query_one("#heading", Static).update(Text(line))

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        if column == self.sort_column:
            self.descending = not self.descending
        else:
            self.sort_column, self.descending = column, False
        self._draw()

    def action_next_sort(self) -> None:
        index = (COLUMNS.index(self.sort_column) + 1) % len(COLUMNS)
        self.sort_column, self.descending = COLUMNS[index], False
        self._draw()

    def action_reverse(self) -> None:
        self.descending = not self.descending
        self._draw()


def row_cells(row: BoardRow, now: datetime) -> tuple[Text | str, ...]:
    """A row as the board shows it (names escaped: they are data)."""
    untaught = "–" if row.untaught is None else f"{row.untaught:.0%} ({row.untaught_n})"
    found = "–" if row.found_at is None else f"at {row.found_at:,}"
    if row.found_on is not None:
        on = row.found_on.astimezone()
        same_day = on.date() == now.astimezone().date()
        found += f" · {on:%H:%M}" if same_day else f" · {on:%d %b}"
    return (
        Text(cell(row.learner)),
        Text(cell(row.deck) or "–"),
        row.state,
        f"{row.today:,}",
        f"{row.exposures:,}",
        untaught,
        found,
        _ago(row.last_seen, now),
    )


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "–"
    seconds = max(0, int((now - when).total_seconds()))
    if seconds < 90:
        return "just now"
    if seconds < 90 * 60:
        return f"{seconds // 60} min"
    if seconds < 36 * 3600:
        return f"{seconds // 3600} h"
    return when.astimezone().strftime("%Y-%m-%d")
