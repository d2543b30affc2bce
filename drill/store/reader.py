"""The reads a learner's standing needs, as one interface with two implementations.

`drill.store.glance.Glance` answers them with stdlib sqlite3 (the home screen's first
frame must not wait for SQLAlchemy); `drill.store.standing.StandingReads` with
SQLAlchemy, on SQLite or PostgreSQL. The use cases (drill.app.standing) take either.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal, Protocol

from drill.protocol.records import EventRecord, PastOutcome


class HistoryReader(Protocol):
    """A learner's history on the variants of a deck, read-only."""

    def learner_id(self, name: str, *, create: Literal[False] = False) -> int | None:
        """The learner's id, or None for a learner with no history (never created here)."""

    def outcomes(self, learner_id: int, fingerprint: str) -> list[PastOutcome]:
        """Every exposure's final outcome on one variant (its fingerprint), in order."""

    def load_deck_state(self, learner_id: int, fingerprint: str) -> dict[str, Any] | None:
        """The engine's snapshot for this learner on one variant."""

    def taught_ids(self, learner_id: int, domain: str, *, elsewhere: str = "") -> frozenset[str]:
        """The items this learner was ever taught in `domain` (see schema.TAUGHT_SQL)."""

    def variant_params(self, learner_id: int, deck: str) -> list[tuple[str, dict[str, Any]]]:
        """(fingerprint, domain parameters) of every variant of `deck` the learner drilled,
        oldest first."""

    def rule_unsealed(self, learner_id: int, fingerprint: str) -> bool:
        """Has held-out accuracy opened this variant's rule?"""

    def rule_revealed(self, learner_id: int, fingerprint: str) -> bool:
        """Is the rule open on record: earned, or revealed early?"""

    def exposures_per_minute(
        self,
        learner_id: int,
        deck: str | None = None,
        since: datetime | None = None,
        *,
        fingerprint: str | None = None,
    ) -> list[tuple[datetime, int]]:
        """(UTC minute, exposures) for every minute with any (of one variant, if given)."""

    def events(
        self, learner_id: int, fingerprint: str, kinds: Sequence[str] = ()
    ) -> list[EventRecord]:
        """The events of one variant (its fingerprint), in exposure order."""
