"""Messages the app's widgets and screens send: past-tense events, each about one thing
that happened.

Screens never reach for the app to move on: they post one of the navigation messages
below, which bubble up to `DrillApp`, and the app decides which screen comes next. So no
screen imports the app, and the app is the one place that knows the way between screens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from drill.app.practice import Practice
    from drill.protocol.engine import Outcome


@dataclass
class AnswerSubmitted(Message):
    """The learner pressed Enter on an answer."""

    response: str
    at: float
    """Monotonic time of the Enter key event, in seconds."""


@dataclass
class KeysDropped(Message):
    """Keys were typed while no item was up to take them; they were not kept."""


@dataclass
class ItemJudged(Message):
    """The engine judged a response and recorded it; the screen shows what may be shown."""

    outcome: Outcome


@dataclass
class DeckChosen(Message):
    """On the home screen the learner chose a deck to drill; another block repeats it."""

    deck: str


@dataclass
class AnotherBlockAsked(Message):
    """On a summary the learner asked for another block of the same deck."""


@dataclass
class ReviewAsked(Message):
    """On a summary the learner asked to review the block's missed training items."""

    done: Practice
    """The block just ended, whose misses are reviewed."""


@dataclass
class SummaryLeft(Message):
    """The learner is done with a summary: back home, or out if drill started on a deck."""
