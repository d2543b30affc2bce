"""Print a deck's items, one per line: id, split and prompt; with --spoil, the answers too.

The answers (and the domain's data, which holds them and names the rule) are printed only
when asked for with --spoil: this is for researchers and tools, and a learner who wants to
find the rule should not read them.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from drill.commands.common import add_deck_argument, deck_from_args

if TYPE_CHECKING:
    from drill.decks import Deck

SPOILERS = ("answer", "data")
"""The fields that only --spoil prints."""
WITHHELD = "drill: answers and item data left out (they give the rule away); add --spoil"


def configure(parser: argparse.ArgumentParser) -> None:
    add_deck_argument(parser)
    parser.add_argument(
        "--split", choices=("train", "heldout", "all"), default="all", help="default: all"
    )
    parser.add_argument(
        "--format", choices=("jsonl", "csv"), default="jsonl", help="default: jsonl"
    )
    parser.add_argument(
        "--stats",
        action="store_true",
        help="print the items' make-up instead (chess: motifs, line lengths, pieces); "
        "it names the motifs",
    )
    parser.add_argument(
        "--spoil",
        action="store_true",
        help="print each item's answer and data too (this names the rule)",
    )


def run(args: argparse.Namespace) -> int:
    """JSON lines are printed as the items are made (`drill items chess | head -2` answers
    at once); CSV needs every item's data keys for its header first."""
    import csv
    import json
    import sys

    from drill.decks import DeckError

    deck = deck_from_args(args)
    if args.stats:
        return print_stats(deck, args.split)
    if not args.spoil:
        print(WITHHELD, file=sys.stderr)
    made = deck.domain.iter_items(deck.params, deck.seed, deck.heldout_fraction)
    try:
        items = (it for it in made if args.split == "all" or it.split == args.split)
        if args.format == "jsonl":
            for item in items:
                obj = item.to_json()
                if not args.spoil:
                    obj = {k: v for k, v in obj.items() if k not in SPOILERS}
                sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
            sys.stdout.flush()
            return 0
        listed = list(items)
        data_keys = sorted({key for item in listed for key in item.data}) if args.spoil else []
        spoiled = ["answer", *(f"data.{k}" for k in data_keys)] if args.spoil else []
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["id", "split", "prompt", *spoiled])
        for item in listed:
            values = [item.data.get(k, "") for k in data_keys]
            cells = [json.dumps(v) if isinstance(v, list | dict) else v for v in values]
            answer = [item.answer, *cells] if args.spoil else []
            writer.writerow([item.id, item.split, item.prompt, *answer])
        sys.stdout.flush()
    except (ValueError, OSError) as err:
        if isinstance(err, BrokenPipeError):
            return closed_pipe()
        raise DeckError(f"{deck.path}: {err}") from None
    return 0


def print_stats(deck: Deck, split: str) -> int:
    """`--stats`: the count of items by split, then the domain's tables, with shares."""
    from drill.decks import DeckError

    try:
        items = [it for it in deck.items if split == "all" or it.split == split]
    except (ValueError, OSError) as err:
        raise DeckError(f"{deck.path}: {err}") from None
    train = sum(1 for it in items if it.split == "train")
    lines = [f"{deck.name}: {len(items)} items ({train} train, {len(items) - train} held out)"]
    for title, rows in deck.domain.stats(items):
        total = sum(n for _value, n in rows) or 1
        cells = ", ".join(f"{value} {n} ({100 * n / total:.1f} %)" for value, n in rows)
        lines.append(f"{title}: {cells}")
    print("\n".join(lines))
    return 0


def closed_pipe() -> int:
    """The reader went away (`| head`): stop quietly, as `cat` does."""
    import os
    import sys

    # Python flushes stdout again at exit; point it at nothing so that flush cannot fail.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 0
