"""The class board's reads: every learner on every deck from the running figures.

A teacher's board refreshes every few seconds for a whole class, so it never reads every
attempt: totals and recent untaught answers come from `exposure_blocks` (a row per 50
exposures), today's count from the attempts of sessions begun since the day before (today's
work, and a session begun before midnight), and the found-it and transition marks from the
few events.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select

from drill.protocol.records import EventRecord, Result
from drill.store.base import Store, aware
from drill.store.models import Attempt, DrillSession, Event, ExposureBlock, Learner

_DAY = timedelta(days=1)
RECENT_BLOCKS = 4
"""The untaught column counts the untaught answers of a variant's last 4 blocks (200
exposures): the one measure (drill.protocol.measure), right whenever they came."""


@dataclass
class BoardFigures:
    """One learner on one deck (all its variants together), as the running figures say;
    a learner who joined and has not drilled yet has one, with the deck ""."""

    learner: str
    deck: str
    exposures: int = 0
    today: int = 0
    untaught_n: int = 0
    """Untaught answers in the recent blocks (probes and first answers)..."""
    untaught_right: int = 0
    """... and how many of them were right, whenever they came."""
    last_seen: datetime | None = None
    events: list[EventRecord] = field(default_factory=list)


class BoardReads:
    def __init__(self, store: Store) -> None:
        self.store = store

    def figures(self, day_start: datetime) -> list[BoardFigures]:
        """Every (learner, deck) with any exposure; `day_start` is when today began."""
        b = ExposureBlock.__table__.c
        top = (
            select(b.learner_id, b.deck_fingerprint, func.max(b.block).label("top"))
            .group_by(b.learner_id, b.deck_fingerprint)
            .subquery()
        )
        recent = b.block > top.c.top - RECENT_BLOCKS
        blocks = (
            select(
                Learner.name, b.deck, func.sum(b.n),
                func.sum(case((recent, b.untaught_n), else_=0)),
                func.sum(case((recent, b.untaught_right), else_=0)),
                func.max(b.first_at),
            )
            .join(Learner.__table__, Learner.id == b.learner_id)
            .join(top, and_(top.c.learner_id == b.learner_id,
                            top.c.deck_fingerprint == b.deck_fingerprint))
            .group_by(Learner.name, b.deck)
        )  # fmt: skip
        a, s = Attempt.__table__.c, DrillSession.__table__.c
        today = (
            select(Learner.name, s.deck, func.count(), func.max(a.shown_at))
            .select_from(Attempt.__table__)
            .join(DrillSession.__table__, s.id == a.session_id)
            .join(Learner.__table__, Learner.id == s.learner_id)
            .where(s.started_at >= day_start - _DAY)  # today's sessions: not every attempt
            .where(a.shown_at >= day_start, a.step == 0, a.result != Result.UNREADABLE.value)
            .group_by(Learner.name, s.deck)
        )
        e = Event.__table__.c
        events = (
            select(Learner.name, e.deck, e.kind, e.exposure, e.at, e.session_id, e.data)
            .join(Learner.__table__, Learner.id == e.learner_id)
            .order_by(e.exposure, e.id)
        )
        rows: dict[tuple[str, str], BoardFigures] = {}
        with self.store.translated_errors(), self.store.read() as conn:
            for name, deck, n, untaught, right, last in conn.execute(blocks):
                rows[(name, deck)] = BoardFigures(
                    name, deck, int(n or 0), 0, int(untaught or 0), int(right or 0),
                    aware(last) if isinstance(last, datetime) else None,
                )  # fmt: skip
            for name, deck, count, last in conn.execute(today):
                row = rows.setdefault((name, deck), BoardFigures(name, deck))
                row.today = int(count)
                if isinstance(last, datetime):
                    seen = aware(last)
                    row.last_seen = max(seen, row.last_seen) if row.last_seen else seen
            by_pair: dict[tuple[str, str], list[EventRecord]] = defaultdict(list)
            for name, deck, kind, exposure, at, session_id, data in conn.execute(events):
                by_pair[(name, deck)].append(
                    EventRecord(kind, int(exposure), aware(at), dict(data or {}), session_id)
                )
            names = [name for (name,) in conn.execute(select(Learner.name))]
        drilled = {learner for learner, _ in rows}
        for name in names:
            if name not in drilled:
                rows[(name, "")] = BoardFigures(name, "")
        for pair, found in by_pair.items():
            if pair in rows:
                rows[pair].events = found
        return sorted(rows.values(), key=lambda r: (r.learner.casefold(), r.deck))
