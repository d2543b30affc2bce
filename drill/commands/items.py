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
    import csv
    import json
    import sys

    from drill.domains.base import split_items

    deck = deck_from_args(args)
    items = split_items(deck.items, args.split)
    if args.format == "jsonl":
        for item in items:
            sys.stdout.write(json.dumps(item.to_json(), ensure_ascii=False) + "\n")
        return 0
    data_keys = sorted({key for item in items for key in item.data})
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["id", "split", "prompt", "answer", *(f"data.{k}" for k in data_keys)])
    for item in items:
        values = [item.data.get(k, "") for k in data_keys]
        cells = [json.dumps(v) if isinstance(v, list | dict) else v for v in values]
        writer.writerow([item.id, item.split, item.prompt, item.answer, *cells])
    return 0
