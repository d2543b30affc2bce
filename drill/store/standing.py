"""A learner's standing, read with SQLAlchemy: the `HistoryReader` of any database.

The SQL text the quick path shares (schema.OUTCOMES_SQL and the rest) is run here as it
is, so the two readers cannot disagree; the rest is built with SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import func, select

from drill.protocol.records import RULE_OPENED, EventRecord, PastOutcome, Result
from drill.store.base import Store
from drill.store.dialect import driver_sql, minute_of
from drill.store.learners import find_learner
from drill.store.models import Attempt, DeckState, DrillSession, Event
from drill.store.quick import outcomes_from_rows, variants_of
from drill.store.schema import OUTCOMES_SQL, TAUGHT_SQL, UNSEALED_SQL, VARIANTS_SQL


class StandingReads:
    """The reads behind a standing, the seal and the engine's resumption."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def learner_id(self, name: str, *, create: Literal[False] = False) -> int | None:
        return find_learner(self.store, name)

    def _shared(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """Rows of a shared SQL text (schema.py), in this driver's placeholder style."""
        with self.store.translated_errors(), self.store.read() as conn:
            rows = conn.exec_driver_sql(driver_sql(self.store.engine, sql), args).all()
        return [tuple(row) for row in rows]

    def simulated_until(self, learner_id: int, era_end: datetime) -> datetime | None:
        """When this learner's last simulated session before `era_end` ended (or began,
        if it never ended); None if there is none (drill.app.simulate's simulated era)."""
        end = func.coalesce(DrillSession.ended_at, DrillSession.started_at)
        query = select(func.max(end, type_=DrillSession.started_at.type)).where(
            DrillSession.learner_id == learner_id,
            DrillSession.kind == "simulate",
            DrillSession.started_at < era_end,
        )
        with self.store.translated_errors(), self.store.read() as conn:
            found = conn.execute(query).scalar()
        if not isinstance(found, datetime):
            return None
        return found.replace(tzinfo=UTC) if found.tzinfo is None else found.astimezone(UTC)

    def outcomes(self, learner_id: int, fingerprint: str) -> list[PastOutcome]:
        """Every exposure's final outcome on one variant of a deck (its fingerprint), in
        order (for resuming the protocol)."""
        return outcomes_from_rows(self._shared(OUTCOMES_SQL, (learner_id, fingerprint)))

    def variants(self, learner_id: int, deck: str) -> list[str]:
        """The fingerprints of every variant of the deck named `deck` this learner drilled."""
        query = (
            select(DrillSession.deck_fingerprint)
            .where(DrillSession.learner_id == learner_id, DrillSession.deck == deck)
            .distinct()
        )
        with self.store.translated_errors(), self.store.read() as conn:
            return sorted(str(fp) for fp in conn.execute(query).scalars())

    def variant_params(self, learner_id: int, deck: str) -> list[tuple[str, dict[str, Any]]]:
        """(fingerprint, domain parameters) of every variant of `deck` the learner drilled."""
        return variants_of(self._shared(VARIANTS_SQL, (learner_id, deck)))

    def taught_ids(self, learner_id: int, domain: str, *, elsewhere: str = "") -> frozenset[str]:
        """The items this learner was ever taught in `domain`, in any deck or variant, or
        in any but the variant `elsewhere` names (see schema.TAUGHT_SQL): they are never
        again untaught evidence, so never probed."""
        rows = self._shared(TAUGHT_SQL, (learner_id, domain, elsewhere, learner_id))
        return frozenset(str(row[0]) for row in rows)

    def rule_revealed(self, learner_id: int, fingerprint: str) -> bool:
        """Is the rule open on record: earned, or revealed early with `drill rule --force`?"""
        return bool(self.events(learner_id, fingerprint, kinds=RULE_OPENED))

    def rule_unsealed(self, learner_id: int, fingerprint: str) -> bool:
        """Has held-out accuracy opened this variant's rule?"""
        return bool(self._shared(UNSEALED_SQL, (learner_id, fingerprint)))

    def load_deck_state(self, learner_id: int, fingerprint: str) -> dict[str, Any] | None:
        """The engine's snapshot for this learner on one variant (Deck.fingerprint)."""
        query = select(DeckState.state).where(
            DeckState.learner_id == learner_id, DeckState.deck_fingerprint == fingerprint
        )
        with self.store.translated_errors(), self.store.read() as conn:
            found = conn.execute(query).scalar()
        return dict(found) if found is not None else None

    def exposures_per_minute(
        self,
        learner_id: int,
        deck: str | None = None,
        since: datetime | None = None,
        *,
        fingerprint: str | None = None,
    ) -> list[tuple[datetime, int]]:
        """(UTC minute, exposures) for every minute with any, grouped in SQL: a day's count
        in any time zone follows exactly (offsets are whole minutes: India's +5:30, Nepal's
        +5:45), and the rows are bounded by the minutes actually practised."""
        minute = minute_of(self.store.engine, Attempt.shown_at)
        query = (
            select(minute.label("minute"), func.count())
            .join(DrillSession, Attempt.session_id == DrillSession.id)
            .where(
                DrillSession.learner_id == learner_id,
                Attempt.step == 0,
                Attempt.result != Result.UNREADABLE.value,
            )
            .group_by(minute)
            .order_by(minute)
        )
        if deck is not None:
            query = query.where(DrillSession.deck == deck)
        if fingerprint is not None:
            query = query.where(DrillSession.deck_fingerprint == fingerprint)
        if since is not None:
            query = query.where(Attempt.shown_at >= since)
        with self.store.translated_errors(), self.store.read() as conn:
            return [
                (datetime.fromisoformat(f"{str(at)[:16]}:00").replace(tzinfo=UTC), int(n))
                for at, n in conn.execute(query)
            ]

    def events(
        self, learner_id: int, fingerprint: str, kinds: Sequence[str] = ()
    ) -> list[EventRecord]:
        """The events of one variant of a deck (its fingerprint), in exposure order."""
        return self._events(Event.deck_fingerprint == fingerprint, learner_id, kinds)

    def deck_events(
        self, learner_id: int, deck: str, kinds: Sequence[str] = ()
    ) -> list[EventRecord]:
        """The events of every variant of the deck named `deck` (the all-decks report)."""
        return self._events(Event.deck == deck, learner_id, kinds)

    def _events(self, where: Any, learner_id: int, kinds: Sequence[str]) -> list[EventRecord]:
        query = (
            select(Event.kind, Event.exposure, Event.at, Event.session_id, Event.data)
            .where(Event.learner_id == learner_id, where)
            .order_by(Event.exposure, Event.id)
        )
        if kinds:
            query = query.where(Event.kind.in_([str(kind) for kind in kinds]))
        with self.store.translated_errors(), self.store.read() as conn:
            return [
                EventRecord(kind, exposure, at, data, session_id)
                for kind, exposure, at, session_id, data in conn.execute(query)
            ]
