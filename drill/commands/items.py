"""Print a deck's items, one per line: id, split, prompt, answer and the domain's data.

The held-out answers are printed too: this is for researchers and tools. A learner who
wants to find the rule should not read it.
"""

from __future__ import annotations

import argparse

from drill.commands.common import add_deck_argument, deck_from_args


def configure(parser: argparse.ArgumentParser) -> None:
    add_deck_argument(parser)
    parser.add_argument(
        "--split", choices=("train", "heldout", "all"), default="all", help="default: all"
    )
    parser.add_argument(
        "--format", choices=("jsonl", "csv"), default="jsonl", help="default: jsonl"
    )


def run(args: argparse.Namespace) -> int:
    """JSON lines are printed as the items are made (`drill items chess | head -2` answers
    at once); CSV needs every item's data keys for its header first."""
    import csv
    import json
    import sys

    from drill.decks import DeckError

    deck = deck_from_args(args)
    made = deck.domain.iter_items(deck.params, deck.seed, deck.heldout_fraction)
    try:
        items = (it for it in made if args.split == "all" or it.split == args.split)
        if args.format == "jsonl":
            for item in items:
                sys.stdout.write(json.dumps(item.to_json(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
            return 0
        listed = list(items)
        data_keys = sorted({key for item in listed for key in item.data})
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["id", "split", "prompt", "answer", *(f"data.{k}" for k in data_keys)])
        for item in listed:
            values = [item.data.get(k, "") for k in data_keys]
            cells = [json.dumps(v) if isinstance(v, list | dict) else v for v in values]
            writer.writerow([item.id, item.split, item.prompt, item.answer, *cells])
        sys.stdout.flush()
    except (ValueError, OSError) as err:
        if isinstance(err, BrokenPipeError):
            return closed_pipe()
        raise DeckError(f"{deck.path}: {err}") from None
    return 0


def closed_pipe() -> int:
    """The reader went away (`| head`): stop quietly, as `cat` does."""
    import os
    import sys

    # Python flushes stdout again at exit; point it at nothing so that flush cannot fail.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 0
