"""Drill a deck in the terminal app.

Items come one at a time under a deadline. Type the answer and press Enter; Escape ends
the session. Every answer is saved before the next item appears. A learner drills a deck
in one place at a time: while it is open in another drill, this one says so and stops.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from drill.commands.common import (
    add_deck_argument,
    add_history_options,
    deck_from_args,
    learner_name,
    require_terminal,
    run_app,
)

if TYPE_CHECKING:
    from drill.decks import Deck
    from drill.tui.lifeline import Lifeline


def configure(parser: argparse.ArgumentParser) -> None:
    add_deck_argument(parser)
    add_history_options(parser)


def _keep_break(db: str | None, learner: str, deck: Deck, arm: str, hours: float) -> None:
    """A study arm's break between its halves: refused in one line before it is over."""
    from datetime import UTC, datetime

    from drill.app.breaks import keep_break
    from drill.store.history import History

    with History.open(db) as history:
        keep_break(history, learner, deck, hours, datetime.now(UTC), arm)


def run(args: argparse.Namespace) -> int:
    require_terminal("drill start")
    from drill.tui.lifeline import lifeline

    with lifeline() as line:  # a closed terminal ends drill from here on (drill.tui.lifeline)
        return _run(args, line)


def _run(args: argparse.Namespace, line: Lifeline) -> int:
    deck = deck_from_args(args)
    learner = learner_name(args)

    from drill.app.joined import arm_for_start
    from drill.app.practice import Practice, quick_start, start_practice
    from drill.tui.app import make_app
    from drill.tui.lifeline import Stopped

    joined = arm_for_start(args.db, learner, deck.name, list(args.param))
    narration = None
    if joined is not None:  # the study's arm sets the deck; nothing is said of other arms
        deck = joined.deck
        narration = deck.rule_text if joined.arm.narrated else None
        if joined.consent and not _consents(args.db, joined.study, learner, joined.consent):
            print("You did not consent, so nothing was drilled or recorded in the study.")
            return 1
        if joined.arm.break_hours is not None:
            _keep_break(args.db, learner, deck, joined.arm.name, joined.arm.break_hours)
    opened = quick_start(deck, args.db, learner)
    line.last_words = lambda: opened.close("interrupted")
    try:
        opened.narration = narration
        if opened.notice:
            import sys

            print(f"drill: {opened.notice}", file=sys.stderr)  # stays on the terminal after
        first: Practice | None = opened

        def next_block() -> Practice:
            nonlocal first
            if first is not None:
                block, first = first, None
                return block
            if joined is not None and joined.arm.break_hours is not None:  # another block
                _keep_break(args.db, learner, deck, joined.arm.name, joined.arm.break_hours)
            block = start_practice(deck, opened.link.history, learner)
            block.narration = narration
            return block

        app = make_app(next_block, lifeline=line)
    except Stopped:  # told to stop before the app ran: the session is closed as cut off
        opened.close("interrupted")
        raise
    code = run_app(app, lambda: opened.link.history)
    if joined is not None:
        from drill.app.study import completion_line

        done = completion_line(joined.completion)
        if done:
            print(done)  # stays on the terminal after the app
    return code


def _consents(db: str | None, study: str, learner: str, text: str) -> bool:
    """Show the study's consent text before the first item; record acceptance."""
    import textwrap

    from drill.app.study import record_consent
    from drill.store.history import History

    print(f"Study {study}: before you start, please read this.\n")
    for paragraph in text.split("\n\n"):
        print(textwrap.fill(" ".join(paragraph.split()), 78) + "\n")
    try:
        answer = input("Type yes to agree and start (anything else leaves): ")
    except EOFError:
        return False
    if answer.strip().lower() not in ("yes", "y"):
        return False
    with History.open(db) as history:
        record_consent(history, study, learner)
    return True
