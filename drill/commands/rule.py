"""Show a deck's rule, but only once your held-out accuracy proves you have found it.

The rule opens when your untaught answers (held-out probes, and first answers to items
never shown with their answer) prove it, by the sequential test of docs/statistics.md, or
once it was revealed early. Until then this says how far you are, prints no part of the
rule, and exits with status 1.
`--force` shows it anyway and records an early reveal in your history; reports mark
everything after it.
"""

from __future__ import annotations

import argparse

from drill.commands.common import add_deck_argument, add_history_options


def configure(parser: argparse.ArgumentParser) -> None:
    add_deck_argument(parser)
    add_history_options(parser)
    parser.add_argument(
        "--force", action="store_true", help="reveal it now, and record that it was early"
    )


def run(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from drill.app.earned import earned_for, reveal_command
    from drill.app.standing import seal_of
    from drill.commands.common import deck_from_args, learner_name, open_existing
    from drill.protocol.records import EventKind, EventRecord
    from drill.store.history import History
    from drill.text import visible

    deck = deck_from_args(args)
    learner = learner_name(args)
    opened = History.open(args.db) if args.force else open_existing(args.db)  # --force writes
    with opened as history:
        learner_id = history.writer.learner_id(learner, create=args.force)
        seal = seal_of(history.reader, learner_id, deck)
        view = seal.view
        if seal.revealed or view.open:
            print(visible(deck.rule_text.strip()))
            earned = earned_for(history.reader, learner_id, deck)
            if earned:
                print(f"\n{earned}")
            return 0
        if not args.force:
            print(f"The rule of {deck.name} is sealed for {learner}: {view.message}.")
            command = reveal_command(deck, learner if args.learner is not None else None)
            print(f"Keep drilling; `{command}` reveals it early (and records that).")
            return 1
        assert learner_id is not None
        history.writer.record_event(
            EventRecord(
                kind=EventKind.EARLY_REVEAL,
                exposure=seal.exposures,
                at=datetime.now(UTC),
                data={"untaught": view.answered, "untaught_right": view.right},
            ),
            learner_id=learner_id,
            deck=deck.name,
            fingerprint=deck.fingerprint,
        )
        print(visible(deck.rule_text.strip()))
        print(f"\n(revealed early, at {view.message}; recorded in {learner}'s history)")
        return 0
