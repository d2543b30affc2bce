"""An in-memory history for driving the engine without a database."""

from __future__ import annotations

from drill.protocol.records import AttemptRecord, EventRecord, PastOutcome, Result


class MemoryHistory:
    """Implements `HistoryPort`; keeps what it is given, in order."""

    def __init__(self) -> None:
        self.attempts: list[AttemptRecord] = []
        self.events: list[EventRecord] = []

    def record_attempt(self, attempt: AttemptRecord) -> None:
        self.attempts.append(attempt)

    def record_event(self, event: EventRecord) -> None:
        self.events.append(event)

    def outcomes(self) -> list[PastOutcome]:
        """One outcome per exposure (the last non-unreadable attempt), as the store returns."""
        final: dict[int, PastOutcome] = {}
        for a in self.attempts:
            if a.result is not Result.UNREADABLE:
                final[a.exposure] = PastOutcome(a.exposure, a.item_id, a.probe, a.success)
        return list(final.values())
