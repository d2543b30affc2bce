"""Reference-network runs made on a learner's items (drill reference --history)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from drill.store.base import Store, utcnow
from drill.store.models import ReferenceRun


class ReferenceRuns:
    """Saving a run and reading a learner's runs back."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def save(
        self,
        learner_id: int,
        *,
        deck: str,
        fingerprint: str,
        exposures: int,
        result: dict[str, Any],
        at: datetime | None = None,
    ) -> int:
        """Store a reference-network run (RunResult.to_json()) made on a learner's items."""
        columns = {c.name for c in ReferenceRun.__table__.columns}
        values = {k: v for k, v in result.items() if k in columns}
        values.update(
            learner_id=learner_id,
            deck=deck,
            deck_fingerprint=fingerprint,
            exposures=exposures,
            created_at=at or utcnow(),
            curve=list(result.get("curve") or []),
        )
        return self.store.write(
            lambda conn: int(
                conn.execute(
                    insert(ReferenceRun).values(values).returning(ReferenceRun.id)
                ).scalar_one()
            )
        )

    def of(self, learner_id: int, deck: str) -> list[dict[str, Any]]:
        """Every stored run for a learner and deck, oldest first, as plain dicts."""
        table = ReferenceRun.__table__
        query = (
            select(table)
            .where(table.c.learner_id == learner_id, table.c.deck == deck)
            .order_by(table.c.id)
        )
        with self.store.translated_errors(), self.store.read() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]
