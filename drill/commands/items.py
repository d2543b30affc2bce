"""Print a deck's items, one per line: id and prompt; with --spoil, split, answers and data.

Without --spoil nothing printed may give the rule away: no answer, no domain data (which
holds the answer and names the rule), no split (which tells the probes from the drilled
items), and no order (items are made in the order of their parts, so glyph prompts in that
order spell out the glyph-to-number mapping): the prompts come in a shuffle seeded by the
deck, the same on every run. --split needs --spoil, since choosing a split lists the probes.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from drill.commands.common import add_deck_argument, deck_from_args

if TYPE_CHECKING:
    from collections.abc import Iterator

    from drill.decks import Deck
    from drill.domains.base import Item

SPOILERS = ("answer", "data", "split")
"""The fields that only --spoil prints."""
WITHHELD = (
    "drill: answers, item data and splits left out, prompts shuffled (they give the rule "
    "away); add --spoil"
)
SPLIT_NEEDS_SPOIL = "--split lists which items are the held-out probes; it needs --spoil"


def configure(parser: argparse.ArgumentParser) -> None:
    add_deck_argument(parser)
    parser.add_argument(
        "--split",
        choices=("train", "heldout", "all"),
        default=None,
        help="only these items (default: all); needs --spoil or --stats",
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
    from drill.errors import UserError

    split = args.split or "all"
    if args.split is not None and not (args.spoil or args.stats):
        raise UserError(SPLIT_NEEDS_SPOIL)
    deck = deck_from_args(args)
    if args.stats:
        return print_stats(deck, split)
    if not args.spoil:
        print(WITHHELD, file=sys.stderr)
    try:
        items = _spoiled(deck, split) if args.spoil else _shuffled(deck)
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
        writer.writerow(["id", "split", "prompt", *spoiled] if args.spoil else ["id", "prompt"])
        for item in listed:
            if not args.spoil:
                writer.writerow([item.id, item.prompt])
                continue
            values = [item.data.get(k, "") for k in data_keys]
            cells = [json.dumps(v) if isinstance(v, list | dict) else v for v in values]
            writer.writerow([item.id, item.split, item.prompt, item.answer, *cells])
        sys.stdout.flush()
    except (ValueError, OSError) as err:
        if isinstance(err, BrokenPipeError):
            return closed_pipe()
        raise DeckError(f"{deck.path}: {err}") from None
    return 0


def _spoiled(deck: Deck, split: str) -> Iterator[Item]:
    """--spoil: the items as made (streamed, so `| head` answers at once), of one split."""
    made = deck.domain.iter_items(deck.params, deck.seed, deck.heldout_fraction)
    return (it for it in made if split == "all" or it.split == split)


def _shuffled(deck: Deck) -> Iterator[Item]:
    """Every item, in a shuffle seeded by the deck's seed: the same on every run and
    machine, and no order that follows the items' parts."""
    import random

    from drill.hashing import stable_hash

    items = list(deck.items)
    random.Random(stable_hash(deck.seed, "drill items")).shuffle(items)
    return iter(items)


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
