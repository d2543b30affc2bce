"""Drill a deck in the terminal app.

Items come one at a time under a deadline. Type the answer and press Enter; Escape ends
the session. Every answer is saved before the next item appears.
"""

from __future__ import annotations

import argparse

from drill.commands.common import (
    add_deck_argument,
    add_history_options,
    deck_from_args,
    learner_name,
)


def configure(parser: argparse.ArgumentParser) -> None:
    add_deck_argument(parser)
    add_history_options(parser)


def run(args: argparse.Namespace) -> int:
    import sys

    from drill.errors import UserError

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UserError("drill start needs an interactive terminal (stdin and stdout)")
    deck = deck_from_args(args)
    learner = learner_name(args)

    from drill.practice import Practice, quick_start, start_practice
    from drill.tui.app import make_app

    opened = quick_start(deck, args.db, learner)
    first: Practice | None = opened

    def next_block() -> Practice:
        nonlocal first
        if first is not None:
            block, first = first, None
            return block
        return start_practice(deck, opened.link.history, learner)

    app = make_app(next_block)
    try:
        app.run()
    finally:
        if app.return_code in (0, None):
            opened.link.history.close()
    return app.return_code or 0
