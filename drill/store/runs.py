"""Reference-network runs made on a learner's items (`drill reference --learner`), and the
run that follows a learner's stream (drill.reference.stream), kept with its state so the
next report resumes it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, not_, select, update

from drill.protocol.records import PastOutcome, Result
from drill.store.base import Store, utcnow
from drill.store.models import Attempt, DrillSession, ReferenceRun

STREAM = "stream"
"""The `kind` in a stream run's config key (drill.reference.stream.StreamConfig.key)."""


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
        """Every stored run for a learner and deck, oldest first, as plain dicts (without
        a stream run's kept state: `stream_state` reads it)."""
        table = ReferenceRun.__table__
        columns = [c for c in table.c if c.name != "state"]
        query = (
            select(*columns)
            .where(table.c.learner_id == learner_id, table.c.deck == deck)
            .order_by(table.c.id)
        )
        with self.store.translated_errors(), self.store.read() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def stream_run(self, learner_id: int, deck: str, fingerprint: str) -> dict[str, Any] | None:
        """The kept run on the learner's stream on this variant (None: none yet)."""
        runs = [
            run
            for run in self.of(learner_id, deck)
            if run["deck_fingerprint"] == fingerprint and is_stream(run)
        ]
        return runs[-1] if runs else None

    def stream_state(self, run_id: int) -> bytes | None:
        table = ReferenceRun.__table__
        query = select(table.c.state).where(table.c.id == run_id)
        with self.store.translated_errors(), self.store.read() as conn:
            state = conn.execute(query).scalar()
        return bytes(state) if state is not None else None

    def save_stream(
        self,
        learner_id: int,
        *,
        deck: str,
        fingerprint: str,
        result: dict[str, Any],
        state: bytes,
        run_id: int | None = None,
    ) -> int:
        """Keep a stream run and its state: a new row, or `run_id`'s row replaced."""
        if run_id is None:
            run_id = self.save(
                learner_id,
                deck=deck,
                fingerprint=fingerprint,
                exposures=int(result["exposures"]),
                result=result,
            )
        columns = {c.name for c in ReferenceRun.__table__.columns} - {"id", "learner_id"}
        values = {k: v for k, v in result.items() if k in columns}
        values.update(state=state, created_at=utcnow(), curve=list(result.get("curve") or []))
        self.store.write(
            lambda conn: conn.execute(
                update(ReferenceRun).where(ReferenceRun.id == run_id).values(values)
            )
        )
        return run_id

    def exposures_after(
        self, learner_id: int, fingerprint: str, after: int, upto: int
    ) -> list[PastOutcome]:
        """The learner's exposures on a variant after exposure `after` up to `upto`, in
        order: the item and whether it was a probe (the first step of each; `success` is
        not read)."""
        a, s = Attempt.__table__.c, DrillSession.__table__.c
        sessions = select(s.id).where(s.learner_id == learner_id, s.deck_fingerprint == fingerprint)
        query = (
            select(a.exposure, a.item_id, a.probe)
            .where(
                a.session_id.in_(sessions),
                a.exposure > after,
                a.exposure <= upto,
                a.step == 0,
                not_(a.result == Result.UNREADABLE.value),
            )
            .order_by(a.exposure, a.id)
        )
        with self.store.translated_errors(), self.store.read() as conn:
            rows = conn.execute(query).all()
        seen: dict[int, PastOutcome] = {}
        for exposure, item_id, probe in rows:
            seen.setdefault(
                int(exposure), PastOutcome(int(exposure), str(item_id), bool(probe), False)
            )
        return list(seen.values())


def is_stream(run: dict[str, Any]) -> bool:
    """Whether a stored run followed a learner's stream (else: a full-batch run)."""
    key = dict(run.get("config") or {}).get("key")
    return isinstance(key, dict) and key.get("kind") == STREAM
