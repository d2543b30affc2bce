"""An in-memory history for driving the engine without a database."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from drill.protocol.records import AttemptRecord, EventRecord, PastOutcome, Result


class MemoryHistory:
    """Implements `HistoryPort`; keeps what it is given, in order."""

    def __init__(self) -> None:
        self.attempts: list[AttemptRecord] = []
        self.events: list[EventRecord] = []
        self.state: dict[str, Any] | None = None

    def record(
        self,
        attempt: AttemptRecord,
        events: Sequence[EventRecord] = (),
        state: Mapping[str, Any] | None = None,
    ) -> None:
        self.attempts.append(attempt)
        self.events.extend(events)
        if state is not None:
            self.state = json.loads(json.dumps(state))  # as it would come back from storage

    def outcomes(self) -> list[PastOutcome]:
        """One outcome per exposure (the last non-unreadable attempt), as the store returns."""
        final: dict[int, PastOutcome] = {}
        for a in self.attempts:
            if a.result is not Result.UNREADABLE:
                final[a.exposure] = PastOutcome(
                    a.exposure, a.item_id, a.probe, a.success, a.correct,
                    untaught=a.untaught, response=a.response,
                )  # fmt: skip
        return list(final.values())
