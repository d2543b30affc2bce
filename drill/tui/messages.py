"""Messages the app's widgets send: past-tense events, each about one thing that happened."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from drill.protocol.engine import Outcome


@dataclass
class AnswerSubmitted(Message):
    """The learner pressed Enter on an answer."""

    response: str
    at: float
    """Monotonic time of the Enter key event, in seconds."""


@dataclass
class ItemJudged(Message):
    """The engine judged a response and recorded it; the screen shows what may be shown."""

    outcome: Outcome
