"""`drill export`: every attempt as one flat row, streamed, through SQLAlchemy.

The path for PostgreSQL and the reference the SQLite fast path (drill.store.lines) is
checked against, byte for byte."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from drill.store.base import Store
from drill.store.dialect import read_response
from drill.store.lines import EXPORT_FIELDS
from drill.store.models import Attempt, DrillSession, Learner


class Export:
    """Called as `history.export(learner)`: the rows, oldest first."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __call__(self, learner: str | None = None) -> Iterator[dict[str, Any]]:
        """Every attempt (of one learner, or all), oldest first, as `EXPORT_FIELDS`."""
        query = (
            select(
                Learner.name,
                DrillSession.deck,
                DrillSession.id,
                Attempt.item_id,
                Attempt.split,
                Attempt.probe,
                Attempt.response,
                Attempt.correct,
                Attempt.timed_out,
                Attempt.response_ms,
                Attempt.deadline_ms,
                Attempt.shown_at,
                Attempt.result,
                Attempt.exposure,
                Attempt.step,
                DrillSession.deck_fingerprint,
            )
            .join(DrillSession, Attempt.session_id == DrillSession.id)
            .join(Learner, DrillSession.learner_id == Learner.id)
            .order_by(Attempt.id)
        )
        if learner is not None:
            query = query.where(Learner.name == learner)
        engine = self.store.engine
        with self.store.translated_errors(), self.store.read() as conn:
            for row in conn.execute(query.execution_options(yield_per=2000)):
                values = dict(zip(EXPORT_FIELDS, row, strict=True))
                values["probe"] = bool(values["probe"])
                values["correct"] = bool(values["correct"])
                values["timed_out"] = bool(values["timed_out"])
                values["shown_at"] = values["shown_at"].isoformat()
                values["response"] = read_response(engine, values["response"])
                yield values
