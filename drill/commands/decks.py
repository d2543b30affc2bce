"""List every deck: its domain, and how many training and held-out items it has."""

from __future__ import annotations

import argparse

from drill.decks import DeckError, deck_names, load_deck


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON lines instead")


def run(args: argparse.Namespace) -> int:
    import json

    from rich.console import Console
    from rich.table import Table

    table = Table("deck", "domain", "train", "held-out", "title", box=None)
    rows: list[dict[str, object]] = []
    for name in deck_names():
        try:
            deck = load_deck(name)
            train, heldout = deck.split_counts()
        except DeckError as err:
            table.add_row(name, "[red]error[/]", "", "", str(err))
            rows.append({"deck": name, "error": str(err)})
            continue
        table.add_row(name, deck.domain_name, f"{train:,}", f"{heldout:,}", deck.title)
        rows.append({"deck": name, "domain": deck.domain_name, "train": train, "heldout": heldout})
    if args.json:
        for row in rows:
            print(json.dumps(row))
    else:
        Console().print(table)
    return 0
