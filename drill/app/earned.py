"""When the rule was earned, in words: the reveal, the home screen and `drill rule` say it
the same way."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from drill.protocol.records import EventKind, EventRecord

if TYPE_CHECKING:
    from drill.decks import Deck
    from drill.store.reader import HistoryReader


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


def earned_line(event: EventRecord, first_at: datetime) -> str:
    """When and on what the rule opened: its exposure, the minutes since the learner's
    first exposure on this variant of the deck, and the untaught answers the seal's test
    rested on, counted as it counted them (right whenever they came), beside all of them."""
    minutes = round((event.at - first_at).total_seconds() / 60)
    after = f"{_count(minutes, 'minute')} after" if minutes >= 1 else "less than a minute after"
    line = f"Earned at exposure {event.exposure:,}, {after} you began this deck"
    data = event.data or {}
    untaught, right = data.get("untaught"), data.get("untaught_right")
    if untaught is None and data.get("probes") is not None:  # an older seal: probes only
        probes = int(data["probes"])
        accuracy = data.get("accuracy")
        line += f", on {_count(probes, 'probe')}"
        if accuracy is not None:
            line += f", {round(float(accuracy) * probes):,} of them right"
        return line + "."
    if untaught is not None:
        line += f": the test rested on your last {_count(int(untaught), 'untaught answer')}"
        if right is not None:  # what counted: right, or the deck's own ("by the shortcut")
            line += f", {int(right):,} of them {data.get('counted', 'right')}"
        total, total_right = data.get("untaught_total"), data.get("untaught_total_right")
        if total is not None and int(total) != int(untaught):
            line += f" ({int(total_right or 0):,} of {int(total):,} right in all)"
    return line + "."


def earned_for(history: HistoryReader, learner_id: int | None, deck: Deck) -> str:
    """The earned line of the learner's rule on this variant of `deck`, timed from their
    first minute on this variant; "" when no untaught answers opened it (not yet, or only
    revealed early)."""
    if learner_id is None:
        return ""
    events = history.events(learner_id, deck.fingerprint, kinds=(EventKind.RULE_UNSEALED,))
    if not events:
        return ""
    began = first_minute(history, learner_id, deck.name, deck.fingerprint)
    return earned_line(events[0], began or events[0].at)


def first_minute(
    history: HistoryReader, learner_id: int, deck: str, fingerprint: str | None = None
) -> datetime | None:
    """The UTC minute of the learner's first exposure on the deck (on its variant
    `fingerprint`, if given), or None."""
    minutes = history.exposures_per_minute(learner_id, deck, fingerprint=fingerprint)
    return minutes[0][0] if minutes else None


def reveal_command(deck: Deck, learner: str | None = None) -> str:
    """The `drill rule ... --force` that reveals this variant's rule early, as one would
    type it: the deck, each parameter that differs from the shipped deck, the learner."""
    from drill.decks import DeckError, load_deck

    parts = ["drill rule", deck.name]
    try:
        shipped = dict(load_deck(deck.name).params)
    except DeckError:
        shipped = {}
    for key, value in deck.params.items():
        if shipped.get(key) != value:
            shown = str(value).lower() if isinstance(value, bool) else str(value)
            parts.append(f"-p {key}={shown}")
    if learner is not None:
        parts.append(f"--learner {learner}")
    parts.append("--force")
    return " ".join(parts)
