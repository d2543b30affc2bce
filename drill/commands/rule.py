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
from typing import TYPE_CHECKING

from drill.commands.common import add_deck_argument, add_history_options

if TYPE_CHECKING:
    from drill.decks import Deck
    from drill.store.reader import HistoryReader


def configure(parser: argparse.ArgumentParser) -> None:
    add_deck_argument(parser)
    add_history_options(parser)
    parser.add_argument(
        "--force", action="store_true", help="reveal it now, and record that it was early"
    )


def run(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from drill.app.standing import seal_of
    from drill.commands.common import deck_from_args, learner_name, open_existing
    from drill.protocol.records import EventKind, EventRecord
    from drill.text import cell, visible

    deck = deck_from_args(args)
    learner = learner_name(args)
    if not args.force:  # only reads: a SQLite file at head is read without SQLAlchemy
        from drill.store.glance import Glance, open_glance

        glance = open_glance(args.db)
        if isinstance(glance, Glance):
            try:
                return _show(glance, learner, deck, args.learner is not None)
            finally:
                glance.close()
    from drill.store.history import History

    opened = History.open(args.db) if args.force else open_existing(args.db)  # --force writes
    with opened as history:
        learner_id = history.writer.learner_id(learner, create=args.force)
        seal = seal_of(history.reader, learner_id, deck)
        view = seal.view
        if seal.revealed or view.open or not args.force:
            return _show(history.reader, learner, deck, args.learner is not None)
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
        print(f"\n(revealed early, at {view.message}; recorded in {cell(learner)}'s history)")
        return 0


def _show(reader: HistoryReader, learner: str, deck: Deck, named: bool) -> int:
    """The rule if it is open for the learner (0), else how far they are (1)."""
    from drill.app.earned import earned_for, reveal_command
    from drill.app.standing import seal_of
    from drill.text import cell, visible

    learner_id = reader.learner_id(learner)
    seal = seal_of(reader, learner_id, deck)
    view = seal.view
    if seal.revealed or view.open:
        print(visible(deck.rule_text.strip()))
        earned = earned_for(reader, learner_id, deck)
        if earned:
            print(f"\n{earned}")
        return 0
    print(f"The rule of {cell(deck.name)} is sealed for {cell(learner)}: {view.message}.")
    command = reveal_command(deck, learner if named else None)
    print(f"Keep drilling; `{command}` reveals it early (and records that).")
    older = deck.older_split
    if older is not None and seal_of(reader, learner_id, older).revealed:
        option = deck.older_split_option()
        print(
            f"You opened it on this deck's older split: `drill rule {deck.name} "
            f"{option}` shows it, and `drill start {deck.name} {option}` goes on there."
        )
    return 1
