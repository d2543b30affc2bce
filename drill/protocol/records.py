"""What the engine hands to history: one attempt, one event. Plain data, no database."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from drill.domains.base import Split


class Result(enum.Enum):
    """How one attempt ended, as stored in `attempts.verdict`."""

    CORRECT = "correct"
    WRONG = "wrong"
    TIMEOUT = "timeout"
    """The deadline passed: an answer after it, or none at all (response is then None)."""
    UNREADABLE = "unreadable"
    """Not an answer; the item stays on screen and this attempt is not an exposure."""


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """One response to one item, committed before the next item appears.

    It names no session: the `HistoryPort` it is written through is bound to one.
    """

    item_id: str
    split: Split
    probe: bool
    exposure: int
    """The learner's exposure count on this deck that this presentation is (1-based)."""
    response: str | None
    result: Result
    correct: bool
    """The response was right, whether or not it was in time."""
    timed_out: bool
    response_ms: int | None
    deadline_ms: int
    shown_at: datetime
    """Wall-clock time (UTC) the item appeared; durations come from a monotonic clock."""
    step: int = 0
    """For multi-step items (a mate in two), which step this response answered."""
    untaught: bool = False
    """The item had never been shown with its answer to this learner (drill.protocol.measure):
    decided as the item appeared, and kept, so it never changes afterwards."""

    @property
    def success(self) -> bool:
        """What the protocol counts as a hit: right and in time."""
        return self.correct and not self.timed_out


class EventKind(StrEnum):
    """Every kind of event history holds, as stored in `events.kind` (the strings are the
    schema's: renaming one is a migration)."""

    PLATEAU_STARTED = "plateau_started"
    PLATEAU_ENDED = "plateau_ended"
    TRANSITION_DETECTED = "transition_detected"
    GENERALIZATION_CONFIRMED = "generalization_confirmed"
    RULE_UNSEALED = "rule_unsealed"
    """Held-out accuracy opened the rule (the seal's test)."""
    EARLY_REVEAL = "early_reveal"
    """The learner asked for the rule before earning it (`drill rule --force`)."""
    BREAK_KEPT = "break_kept"
    """A study arm's break between its two halves was kept (drill.app.breaks)."""


GROK_KINDS = (EventKind.TRANSITION_DETECTED, EventKind.GENERALIZATION_CONFIRMED)
"""The events that say a learner grokked."""
RULE_OPENED = (EventKind.RULE_UNSEALED, EventKind.EARLY_REVEAL)
"""The events that put the rule on record as open: earned, or revealed early."""


@dataclass(frozen=True, slots=True)
class EventRecord:
    """Something the protocol noticed or did: a plateau, a transition, an unsealed rule."""

    kind: str
    exposure: int
    at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)
    session_id: int | None = None
    """Filled in by history (the engine does not know it); None for `drill rule --force`."""


class HistoryPort(Protocol):
    """The part of history the engine writes to, bound to one learner, deck and session.

    The store implements it; the tests fake it in memory."""

    def record(
        self,
        attempt: AttemptRecord,
        events: Sequence[EventRecord] = (),
        state: Mapping[str, Any] | None = None,
    ) -> None:
        """Durably store an attempt, the events it caused and the engine's snapshot, all in
        one transaction, before returning."""


@dataclass(frozen=True, slots=True)
class PastOutcome:
    """One past exposure, as much as the engine needs to pick up where a learner left off."""

    exposure: int
    item_id: str
    probe: bool
    success: bool
    """Right and in time: what the deadline counts, and fluency."""
    correct: bool | None = None
    """Right, in time or late: what the measure counts (None: as `success`)."""
    untaught: bool | None = None
    """Untaught evidence, as recorded when it was answered (None: not recorded; the measure
    works it out from the order of exposures)."""
    response: str | None = None
    """What was typed, for a domain whose seal reads how it was answered (`evidence`)."""

    @property
    def right(self) -> bool:
        return self.success if self.correct is None else self.correct
