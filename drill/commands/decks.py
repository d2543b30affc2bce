"""List every deck: its domain and title, and, once its rule is open for you, its size.

While a deck's rule is sealed for you, its number of items is not shown: the size of a
deck can give its rule away.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from drill.commands.common import add_history_options

if TYPE_CHECKING:
    from drill.store.reader import HistoryReader


def configure(parser: argparse.ArgumentParser) -> None:
    add_history_options(parser)
    parser.add_argument("--json", action="store_true", help="print JSON lines instead")


def run(args: argparse.Namespace) -> int:
    import json

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from drill.commands.common import learner_name
    from drill.decks import DeckError, deck_names, load_deck
    from drill.decks.counts import split_counts
    from drill.text import cell

    opened = open_rules(args.db, learner_name(args))
    table = Table("deck", "domain", "train", "held-out", "title", box=None)
    rows: list[dict[str, object]] = []
    for name in deck_names():
        try:
            deck = load_deck(name)
            counts = split_counts(deck) if opened(deck.fingerprint) else None
        except DeckError as err:
            table.add_row(Text(cell(name)), Text("error", "red"), "", "", Text(cell(str(err))))
            rows.append({"deck": name, "error": str(err)})
            continue
        row: dict[str, object] = {"deck": name, "domain": deck.domain_name, "title": deck.title}
        title = Text(cell(deck.title))
        if counts is None:
            table.add_row(Text(cell(name)), deck.domain_name, "sealed", "sealed", title)
            row["sealed"] = True
        else:
            train, heldout = f"{counts[0]:,}", f"{counts[1]:,}"
            table.add_row(Text(cell(name)), deck.domain_name, train, heldout, title)
            row.update(train=counts[0], heldout=counts[1])
        rows.append(row)
    if args.json:
        for row in rows:
            print(json.dumps(row))
    else:
        Console().print(table)
    return 0


def open_rules(db: str | None, learner: str) -> Callable[[str], bool]:
    """Is the rule of a deck's variant (its fingerprint) open for `learner`? Read without
    SQLAlchemy where possible."""
    from drill.store.glance import open_glance

    def full() -> HistoryReader:
        from drill.commands.common import open_existing

        return open_existing(db).reader

    reader = open_glance(db) or full()
    learner_id = reader.learner_id(learner, create=False)
    if learner_id is None:
        return lambda _variant: False
    return lambda variant: bool(reader.rule_revealed(learner_id, variant))
