"""List the learners in the history with their sessions, exposures and last practice."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", default=None, help="the history database")
    parser.add_argument("--json", action="store_true", help="print JSON lines instead")


def run(args: argparse.Namespace) -> int:
    import json

    from rich.console import Console
    from rich.table import Table

    from drill.store.history import History

    history = History.open(args.db)
    try:
        learners = history.learners()
    finally:
        history.close()
    if args.json:
        for name, sessions, exposures, last in learners:
            seen = last.isoformat() if last else None
            row = {"learner": name, "sessions": sessions, "exposures": exposures, "last": seen}
            print(json.dumps(row))
        return 0
    if not learners:
        print("No learners yet: `drill start modarith` makes you the first.")
        return 0
    table = Table("learner", "sessions", "exposures", "last practice", box=None)
    for name, sessions, exposures, last in learners:
        when = last.astimezone().strftime("%Y-%m-%d %H:%M") if last else "–"
        table.add_row(name, f"{sessions:,}", f"{exposures:,}", when)
    Console().print(table)
    return 0
