"""Every answer of a learner on a variant of a deck, one row per exposure, for the dating
of change-points (drill.report.changes): the binned report data cannot say how each item
was answered, and a change-point needs each one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select

from drill.protocol.records import Result
from drill.store.base import Store, aware
from drill.store.models import Attempt, DrillSession

_A = Attempt.__table__.c
_S = DrillSession.__table__.c


def first_answers(
    store: Store, learner_id: int, fingerprint: str, since: datetime | None = None
) -> list[tuple[int, str, str | None, int | None, bool]]:
    """(exposure, item id, response, response ms, right) of each exposure's first step that
    was an answer, in exposure order."""
    sessions = select(_S.id).where(_S.learner_id == learner_id, _S.deck_fingerprint == fingerprint)
    condition: Any = and_(
        _A.session_id.in_(sessions), _A.step == 0, _A.result != Result.UNREADABLE.value
    )
    if since is not None:
        condition = and_(condition, _A.shown_at >= since)
    query = (
        select(_A.exposure, _A.item_id, _A.response, _A.response_ms, _A.correct)
        .where(condition)
        .order_by(_A.exposure, _A.id)
    )
    with store.translated_errors(), store.read() as conn:
        rows = conn.execute(query).all()
    return [
        (int(e), str(i), r, None if ms is None else int(ms), bool(c)) for e, i, r, ms, c in rows
    ]


def sessions_of(
    store: Store, learner_id: int, fingerprint: str
) -> list[tuple[datetime, datetime | None, int]]:
    """(started, last item shown, attempts) of each of the learner's sessions on a variant,
    oldest first (the last item's time, not the session's end: a simulated session's clock
    is its own)."""
    count = select(func.count(_A.id)).where(_A.session_id == _S.id).scalar_subquery()
    last = select(func.max(_A.shown_at)).where(_A.session_id == _S.id).scalar_subquery()
    query = (
        select(_S.started_at, last, count)
        .where(_S.learner_id == learner_id, _S.deck_fingerprint == fingerprint)
        .order_by(_S.started_at, _S.id)
    )
    with store.translated_errors(), store.read() as conn:
        rows = conn.execute(query).all()
    return [(_utc(s), None if e is None else _utc(e), int(n)) for s, e, n in rows]


def _utc(value: Any) -> datetime:
    """A stored time (a subquery's comes back as text or naive on SQLite) as aware UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return aware(value)
