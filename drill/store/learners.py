"""Learners: looking a name up, adding it on first use, and the list `drill learners` shows."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, func, insert, select

from drill.names import check_learner_name
from drill.protocol.records import Result
from drill.store.base import Store, utcnow
from drill.store.models import Attempt, DrillSession, Learner


def find_learner(store: Store, name: str) -> int | None:
    """The id of the learner called `name`, or None (no stored name has non-UTF-8 bytes)."""
    if not _encodable(name):
        return None
    with store.translated_errors(), store.read() as conn:
        found = conn.execute(select(Learner.id).where(Learner.name == name)).scalar()
    return None if found is None else int(found)


def add_learner(store: Store, name: str) -> int:
    """The learner's id, created on first use. A name no backend should store raises
    LearnerNameError, on SQLite as on PostgreSQL."""
    check_learner_name(name, "learner name")
    found = find_learner(store, name)
    if found is not None:
        return found

    def add(conn: Connection) -> int:
        existing = conn.execute(select(Learner.id).where(Learner.name == name)).scalar()
        if existing is not None:
            return int(existing)
        row = conn.execute(
            insert(Learner).values(name=name, created_at=utcnow()).returning(Learner.id)
        )
        return int(row.scalar_one())

    return store.write(add)


def learner_list(store: Store) -> list[tuple[str, int, int, datetime | None]]:
    """(name, sessions, exposures, last seen) for every learner, by name."""
    exposures = (
        select(
            DrillSession.learner_id,
            func.count(Attempt.id).label("n"),
            func.max(Attempt.shown_at).label("last"),
        )
        .join(Attempt, Attempt.session_id == DrillSession.id)
        .where(Attempt.result != Result.UNREADABLE.value, Attempt.step == 0)
        .group_by(DrillSession.learner_id)
        .subquery()
    )
    sessions = (
        select(DrillSession.learner_id, func.count(DrillSession.id).label("n"))
        .group_by(DrillSession.learner_id)
        .subquery()
    )
    query = (
        select(Learner.name, sessions.c.n, exposures.c.n, exposures.c.last)
        .outerjoin(sessions, sessions.c.learner_id == Learner.id)
        .outerjoin(exposures, exposures.c.learner_id == Learner.id)
        .order_by(Learner.name)
    )
    with store.translated_errors(), store.read() as conn:
        return [
            (name, int(s or 0), int(e or 0), last.replace(tzinfo=UTC) if last else None)
            for name, s, e, last in conn.execute(query)
        ]


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
