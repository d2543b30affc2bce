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
    first exposure on the deck, and the untaught answers that proved it (when recorded)."""
    minutes = round((event.at - first_at).total_seconds() / 60)
    after = f"{_count(minutes, 'minute')} after" if minutes >= 1 else "less than a minute after"
    line = f"Earned at exposure {event.exposure:,}, {after} you began"
    data = event.data or {}
    untaught, right = data.get("untaught"), data.get("untaught_right")
    if untaught is None and data.get("probes") is not None:  # an older seal: probes only
        untaught = data["probes"]
        accuracy = data.get("accuracy")
        right = round(float(accuracy) * int(untaught)) if accuracy is not None else None
        what = "probe"
    else:
        what = "untaught answer"
    if untaught is not None:
        line += f", on {_count(int(untaught), what)}"
        if right is not None:  # what counted: right, or the deck's own ("by the shortcut")
            line += f", {int(right):,} of them {data.get('counted', 'right')}"
    return line + "."


def earned_for(history: HistoryReader, learner_id: int | None, deck: Deck) -> str:
    """The earned line of the learner's rule on this variant of `deck`, timed from their
    first minute on the deck; "" when no untaught answers opened it (not yet, or only
    revealed early)."""
    if learner_id is None:
        return ""
    events = history.events(learner_id, deck.fingerprint, kinds=(EventKind.RULE_UNSEALED,))
    if not events:
        return ""
    return earned_line(events[0], first_minute(history, learner_id, deck.name) or events[0].at)


def first_minute(history: HistoryReader, learner_id: int, deck: str) -> datetime | None:
    """The UTC minute of the learner's first exposure on the deck (any variant), or None."""
    minutes = history.exposures_per_minute(learner_id, deck)
    return minutes[0][0] if minutes else None
