"""The teacher's phase board: every learner of the class on every deck, refreshing itself.

One row per learner and deck: the state word (as `drill learners` gives it), exposures
today and in all, recent accuracy on untaught answers, when the rule was found, and when the
learner was last seen. Press s to sort by the next column (or click a column's heading), r
to reverse, q to quit. `drill serve` serves the same board to the teacher's browser.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drill.app.board import BoardRow


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=None,
        help="the class's history database (default: $DRILL_DB, $DRILL_DATABASE_URL, "
        "or drill.db in your user data folder)",
    )
    parser.add_argument(
        "--class",
        dest="class_code",
        metavar="CODE",
        default=None,
        help="the class code (shown in the heading; the board lists the whole history)",
    )
    parser.add_argument(
        "--once", action="store_true", help="print the board once as a table instead"
    )


def run(args: argparse.Namespace) -> int:
    from datetime import UTC

    from drill.app.board import board_rows
    from drill.clock import local_zone
    from drill.commands.common import open_existing, require_terminal

    zone = local_zone()

    def now() -> datetime:
        return datetime.now(UTC)

    history = open_existing(args.db)
    if args.once:
        with history:
            _print(board_rows(history, now(), zone), now())
        return 0
    require_terminal("drill class", "; try `drill class --once`")
    from drill.tui.board import BoardApp

    with history:
        app = BoardApp(lambda: board_rows(history, now(), zone), now)
        app.run()
    return 0


def _print(rows: list[BoardRow], now: datetime) -> None:
    from rich.console import Console
    from rich.table import Table

    from drill.tui.board import COLUMNS, row_cells

    if not rows:
        print("No learner has drilled yet.")
        return
    table = Table(box=None)
    for name in COLUMNS:
        table.add_column(name, no_wrap=name not in ("learner", "deck"))
    for row in rows:
        table.add_row(*row_cells(row, now))
    Console().print(table)
