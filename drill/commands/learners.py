"""List the learners in the history with their sessions, exposures, last practice, and
their state on each deck (the same word as the home screen's and the report's)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drill.store.history import History


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", default=None, help="the history database")
    parser.add_argument("--json", action="store_true", help="print JSON lines instead")


def run(args: argparse.Namespace) -> int:
    import json

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from drill.commands.common import open_existing
    from drill.text import cell

    with open_existing(args.db) as history:
        learners = history.learners()
        states = {name: deck_states(history, name) for name, *_ in learners}
    if args.json:
        for name, sessions, exposures, last in learners:
            seen = last.isoformat() if last else None
            row = {"learner": name, "sessions": sessions, "exposures": exposures, "last": seen}
            row["states"] = dict(states[name])
            print(json.dumps(row))
        return 0
    if not learners:
        print("No learners yet: `drill start modarith` makes you the first.")
        return 0
    table = Table("learner", "sessions", "exposures", "last practice", "state", box=None)
    for name, sessions, exposures, last in learners:
        when = last.astimezone().strftime("%Y-%m-%d %H:%M") if last else "–"
        state = "\n".join(f"{cell(deck)}: {word}" for deck, word in states[name]) or "–"
        table.add_row(Text(cell(name)), f"{sessions:,}", f"{exposures:,}", when, Text(state))
    Console().print(table)
    return 0


def deck_states(history: History, learner: str) -> list[tuple[str, str]]:
    """(deck, state word) for every deck the learner has drilled, most recent first, and
    each other variant of it as its own entry ("modarith · glyphs"), as the home screen
    shows them: the one state function, for each variant's own history."""
    from drill.app.standing import variant_states
    from drill.decks import DeckError, load_deck
    from drill.report.curves import current_state

    learner_id = history.reader.learner_id(learner, create=False)
    if learner_id is None:
        return []
    found: list[tuple[str, str]] = []
    for s in history.report.summaries(learner_id):
        try:
            deck = load_deck(s.deck)
        except DeckError:  # a deck file gone: its events across variants are all there is
            found.append((s.deck, current_state(s.events, s.last_exposure).phase))
            continue
        states = variant_states(history.reader, learner_id, deck)
        words: list[tuple[str, str]] = [(name, state.name) for name, state in states]
        if not words:  # drilled only in variants its parameters do not make (another seed)
            state = current_state(s.events, s.last_exposure, control=deck.control)
            words = [(s.deck, state.phase)]
        found.extend(words)
    return found
