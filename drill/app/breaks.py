"""A study arm's break (`break_hours`): the participant drills in two halves with at least
that many hours between them, as in Wagner et al. (2004), where a night's sleep between
training and test more than doubled the share who found the shortcut.

The first half is the participant's first session on the arm's deck. A session started
before the break is over is refused, in one line saying when the second half may begin;
the first session after it records the break as kept (an event `break_kept` holding the
hours required and the hours taken), so the export and the report show the design.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from drill.errors import UserError
from drill.protocol.records import EventKind, EventRecord

if TYPE_CHECKING:
    from drill.decks import Deck
    from drill.store.history import History

BREAK_KEPT = EventKind.BREAK_KEPT


class BreakNotOverError(UserError):
    """The arm's break between its halves is not over yet."""


def keep_break(
    history: History, learner: str, deck: Deck, hours: float, now: datetime, arm: str = ""
) -> None:
    """Refuse a session of the second half before the break is over; record the break once
    the second half begins. `now` is when the session starts (aware)."""
    from drill.store.series import sessions_of

    learner_id = history.writer.learner_id(learner)
    assert learner_id is not None
    drilled = [s for s in sessions_of(history.store, learner_id, deck.fingerprint) if s[2]]
    if not drilled:
        return  # the first half is yet to come
    first_end = drilled[0][1] or drilled[0][0]  # its last item, shown
    later = drilled[1:]
    if later:
        return  # the second half has begun: its break was checked when it did
    due = first_end + timedelta(hours=hours)
    if now < due:
        left = due - now
        h, m = divmod(round(left.total_seconds() / 60), 60)
        raise BreakNotOverError(  # the arm is not named: a participant is told no arm
            f"your study drills {deck.name} in two halves: the second begins after a break "
            f"of {hours:g} hours, "
            f"at {due:%Y-%m-%d %H:%M} UTC (in {h} h {m:02d} min)"
        )
    if any(e.kind == BREAK_KEPT for e in history.reader.events(learner_id, deck.fingerprint)):
        return  # kept already (its first session after the break drilled nothing)
    exposures = history.reader.outcomes(learner_id, deck.fingerprint)
    taken = (now - first_end).total_seconds() / 3600
    history.writer.record_event(
        EventRecord(
            kind=BREAK_KEPT,
            exposure=exposures[-1].exposure if exposures else 0,
            at=now,
            data={"required_hours": hours, "hours": round(taken, 3), "arm": arm},
        ),
        learner_id=learner_id,
        deck=deck.name,
        fingerprint=deck.fingerprint,
    )
