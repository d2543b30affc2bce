"""The report's data read from history, aggregated in SQL: a few thousand rows at most.

Attempts are grouped in SQL into bins of `width` consecutive exposures (and by probe or
not), with counts and sums per bin (drill.report.data). Per exposure, the protocol's rules
(docs/history.md) hold: exactly one step-0 row that is not `unreadable`, and at most one
failing row (a failing step ends the item), so per bin

    exposures = step-0 rows that are not unreadable
    successes = step-0 successes − later steps (not unreadable) that failed

The held-out figures are the one measure (drill.protocol.measure): untaught exposures
(`attempts.untaught`), right whenever the answer came, and fluent (right and in time).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import chain
from typing import Any

import numpy as np
from sqlalchemy import Select, and_, case, func, not_, or_, select

from drill.protocol.records import Result
from drill.report.data import Bins, DeckHistory, DeckSummary, FloatArray
from drill.store.base import Store, aware
from drill.store.models import BLOCK, Attempt, DrillSession, ExposureBlock
from drill.store.runs import ReferenceRuns
from drill.store.standing import StandingReads

BINS_TARGET = 20_000
"""At most this many bins: one exposure each up to 20,000 exposures, then wider."""

_A = Attempt.__table__.c
_S = DrillSession.__table__.c


def _sessions_of(learner_id: int, variant: str | None) -> Select[tuple[int]]:
    """The learner's sessions on one variant of a deck (its fingerprint), or on all decks."""
    query = select(_S.id).where(_S.learner_id == learner_id)
    return query if variant is None else query.where(_S.deck_fingerprint == variant)


def _attempt_filter(learner_id: int, variant: str | None, since: datetime | None) -> Any:
    condition: Any = _A.session_id.in_(_sessions_of(learner_id, variant))
    if since is not None:
        condition = and_(condition, _A.shown_at >= since)
    return condition


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


_FINAL = _A.result != Result.UNREADABLE.value
_FIRST = and_(_FINAL, _A.step == 0)
_FAIL = and_(_FINAL, or_(not_(_A.correct), _A.timed_out))
_TRAIN = not_(_A.probe)


def load_bins(
    store: Store, learner_id: int, variant: str, since: datetime | None, top: int
) -> Bins:
    """Bin the learner's attempts on a variant of a deck (its fingerprint), exposures 1 …
    `top`, in one scan in SQL.

    First steps give the counts, times and deadlines per (bin, probe); later steps count
    only where they failed (a multi-step item that went wrong after its first move). A
    history longer than BINS_TARGET is read from its exposure blocks (a row per BLOCK
    exposures, kept as attempts are written) instead of from every attempt."""
    width = max(1, -(-top // BINS_TARGET))
    if width > 1 and since is None:
        width = -(-width // BLOCK) * BLOCK  # whole blocks per bin
        raw = _scan_blocks(store, learner_id, variant, width // BLOCK)
    else:
        raw = _scan_attempts(store, learner_id, variant, since, width)
    return _bins(raw, width, top)


def _scan_blocks(store: Store, learner_id: int, variant: str, per_bin: int) -> list[Any]:
    """Rows shaped like `_scan_attempts`', summed from the exposure blocks."""
    _B = ExposureBlock.__table__.c  # noqa: N806 (a table's columns, like _A and _S)
    key = _B.block // per_bin if per_bin > 1 else _B.block
    scan = (
        select(
            key, _B.probe, func.sum(_B.n), func.sum(_B.ok), func.sum(_B.rt_sum),
            func.sum(_B.rt_n), func.sum(_B.deadline_sum), func.sum(_B.later_fail),
            func.min(_B.first_at), func.sum(_B.untaught_n), func.sum(_B.untaught_right),
            func.sum(_B.untaught_fluent),
        )
        .where(_B.learner_id == learner_id, _B.deck_fingerprint == variant)
        .group_by(key, _B.probe)
    )  # fmt: skip
    with store.translated_errors(), store.read() as conn:
        return [row for row in conn.execute(scan).all() if row[2]]


def _scan_attempts(
    store: Store, learner_id: int, variant: str, since: datetime | None, width: int
) -> list[Any]:
    """Per (bin, probe): first steps, right ones, response and deadline sums, later failures,
    and the first time shown."""
    where = _attempt_filter(learner_id, variant, since)
    key = ((_A.exposure - 1) // width) if width > 1 else (_A.exposure - 1)
    ok = and_(_A.correct, not_(_A.timed_out))
    first = _A.step == 0

    def when_first(value: Any) -> Any:
        return case((first, value), else_=None)

    def untaught(good: Any) -> Any:
        """Untaught exposures that were `good`: a later step that was not takes one back."""
        return func.sum(
            case(
                (not_(_A.untaught), 0), (and_(first, good), 1), (and_(not_(first), not_(good)), -1),
                else_=0,
            )
        )  # fmt: skip

    scan = (
        select(
            key, _A.probe, func.count(when_first(1)), func.sum(case((and_(first, ok), 1), else_=0)),
            func.coalesce(func.sum(when_first(_A.response_ms)), 0),
            func.count(when_first(_A.response_ms)),
            func.coalesce(func.sum(when_first(_A.deadline_ms)), 0),
            func.sum(case((and_(not_(first), not_(ok)), 1), else_=0)),
            func.min(_A.shown_at),
            func.sum(case((and_(first, _A.untaught), 1), else_=0)),
            untaught(_A.correct), untaught(ok),
        )
        .where(where, _FINAL)
        .group_by(key, _A.probe)
    )  # fmt: skip
    with store.translated_errors(), store.read() as conn:
        return [row for row in conn.execute(scan).all() if row[2]]  # bins with a first step


def _bins(raw: list[Any], width: int, top: int) -> Bins:
    """Scanned rows, summed per bin, as arrays."""
    rows = _matrix([row[:7] for row in raw], 7).astype(np.float64)
    late = np.array([(row[0], row[1], row[7]) for row in raw if row[7]], dtype=np.int64)
    late = late.reshape(-1, 3)
    index = rows[:, 0].astype(np.int64)
    present = np.unique(index)
    slot = np.searchsorted(present, index)
    probe = rows[:, 1] > 0

    def per_bin(values: Any, mask: Any, dtype: Any = np.int64) -> Any:
        out = np.zeros(len(present), dtype=dtype)
        np.add.at(out, slot[mask], np.asarray(values, dtype=dtype)[mask])
        return out

    failed_later = np.zeros((len(present), 2), dtype=np.int64)
    if len(late):
        # Column 1 for probes: an integer index (a boolean array here would be a mask).
        column = (late[:, 1] > 0).astype(np.intp)
        np.add.at(failed_later, (np.searchsorted(present, late[:, 0]), column), late[:, 2])
    everything = np.ones(len(rows), dtype=bool)
    first_at: list[datetime | None] = [None] * len(present)
    for at_slot, row in zip(slot.tolist(), raw, strict=True):
        at = aware(row[8]) if isinstance(row[8], datetime) else _parse_utc(row[8])
        seen = first_at[at_slot]
        if seen is None or at < seen:
            first_at[at_slot] = at
    return Bins(
        width=width,
        first=present * width + 1,
        last=np.minimum((present + 1) * width, max(top, 1)),
        train_n=per_bin(rows[:, 2], ~probe),
        train_ok=per_bin(rows[:, 3], ~probe) - failed_later[:, 0],
        probe_n=per_bin(rows[:, 2], probe),
        probe_ok=per_bin(rows[:, 3], probe) - failed_later[:, 1],
        rt_sum=per_bin(rows[:, 4], everything, np.float64),
        rt_n=per_bin(rows[:, 5], everything),
        deadline_sum=per_bin(rows[:, 6], everything, np.float64),
        first_at=[at for at in first_at if at is not None],
        untaught_n=per_bin([row[9] for row in raw], everything),
        untaught_right=per_bin([row[10] for row in raw], everything),
        untaught_fluent=per_bin([row[11] for row in raw], everything),
    )


def _matrix(rows: Sequence[Any], columns: int) -> FloatArray:
    """Result rows (one per bin) as a 2-D array, without NumPy asking each Row for itself."""
    flat = chain.from_iterable(rows)
    values = np.fromiter(flat, dtype=np.float64, count=len(rows) * columns)
    return values.reshape(-1, columns)


def _train_before(store: Store, learner_id: int, variant: str, since: datetime) -> int:
    condition = and_(_A.session_id.in_(_sessions_of(learner_id, variant)), _A.shown_at < since)
    query = select(_count(and_(_FIRST, _TRAIN))).where(condition)
    with store.translated_errors(), store.read() as conn:
        return int(conn.execute(query).scalar() or 0)


def _last_exposure(store: Store, learner_id: int, variant: str) -> int:
    """The learner's latest exposure on the variant: it is in one of their latest sessions."""
    latest = _sessions_of(learner_id, variant).order_by(_S.id.desc()).limit(3)
    with store.translated_errors(), store.read() as conn:
        found = conn.execute(
            select(func.max(_A.exposure)).where(_A.session_id.in_(latest.scalar_subquery()))
        ).scalar()
        if found is None:
            found = conn.execute(
                select(func.max(_A.exposure)).where(_attempt_filter(learner_id, variant, None))
            ).scalar()
    return int(found or 0)


def _session_time(
    store: Store, learner_id: int, variant: str, since: datetime | None
) -> tuple[int, float]:
    """(sessions, seconds) of the sessions that ended after `since`, from start to end.

    A session still open, or whose end is before its start (a simulated clock runs ahead
    of the real one that closes it), is timed from its first to its last item instead."""
    query = select(_S.id, _S.started_at, _S.ended_at).where(
        _S.learner_id == learner_id, _S.deck_fingerprint == variant
    )
    count, seconds = 0, 0.0
    with store.translated_errors(), store.read() as conn:
        for session_id, started, ended in conn.execute(query).all():  # sessions, not attempts
            if ended is None or ended < started:
                first, last = conn.execute(
                    select(func.min(_A.shown_at), func.max(_A.shown_at)).where(
                        _A.session_id == session_id
                    )
                ).one()
                if first is None:
                    continue
                started, ended = aware(first), aware(last)
            if since is not None and ended < since:
                continue
            count += 1
            seconds += (ended - max(started, since or started)).total_seconds()
    return count, seconds


class ReportReads:
    """The report's reads: one variant's whole history, and every deck in one line each."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.standing = StandingReads(store)
        self.runs = ReferenceRuns(store)

    def deck_history(
        self,
        learner: str,
        learner_id: int,
        deck: str,
        *,
        n_train: int,
        fingerprint: str,
        since: datetime | None = None,
    ) -> DeckHistory:
        """Read everything the report of one variant of a deck (its fingerprint) needs."""
        last_exposure = _last_exposure(self.store, learner_id, fingerprint)
        bins = load_bins(self.store, learner_id, fingerprint, since, last_exposure)
        sessions, seconds = _session_time(self.store, learner_id, fingerprint, since)
        all_events = self.standing.events(learner_id, fingerprint)
        events = [e for e in all_events if since is None or aware(e.at) >= since]
        run = self.runs.stream_run(learner_id, deck, fingerprint)
        return DeckHistory(
            learner=learner,
            deck=deck,
            n_train=max(1, n_train),
            bins=bins,
            train_before=_train_before(self.store, learner_id, fingerprint, since) if since else 0,
            sessions=sessions,
            seconds=seconds,
            last_exposure=last_exposure,
            events=events,
            all_events=all_events,
            reference=run,
            since=since,
        )

    def summaries(self, learner_id: int, since: datetime | None = None) -> list[DeckSummary]:
        """One summary per deck the learner has drilled (since `since`), by most recent first."""
        where = _attempt_filter(learner_id, None, since)
        query = (
            select(
                _S.deck,
                func.count(func.distinct(_S.id)),
                _count(and_(_FIRST, _TRAIN)),
                _count(and_(_FAIL, _TRAIN)),
                _count(and_(_FIRST, _A.probe)),
                _count(and_(_FAIL, _A.probe)),
                func.max(_A.shown_at),
                func.max(_A.exposure),
                _count(and_(_FIRST, _A.untaught)),
                _count(and_(_FINAL, _A.untaught, not_(_A.correct))),
            )
            .join(DrillSession.__table__, _S.id == _A.session_id)
            .where(where)
            .group_by(_S.deck)
            .order_by(func.max(_A.shown_at).desc())
        )
        with self.store.translated_errors(), self.store.read() as conn:
            rows = conn.execute(query).all()
        summaries = []
        for row in rows:
            deck, sessions, train_n, train_fail, probe_n, _, last, top, untaught, wrong = row
            # Held-out accuracy is the one measure: untaught answers right, whenever they
            # came (a multi-step item's one wrong step makes it wrong).
            summaries.append(
                DeckSummary(
                    deck=deck,
                    sessions=int(sessions),
                    exposures=int(train_n) + int(probe_n),
                    train_accuracy=(train_n - train_fail) / train_n if train_n else None,
                    probes=int(probe_n),
                    heldout_accuracy=(untaught - wrong) / untaught if untaught else None,
                    last_seen=aware(last) if isinstance(last, datetime) else None,
                    last_exposure=int(top or 0),
                    events=self.standing.deck_events(learner_id, deck),
                    untaught=int(untaught),
                )
            )
        return summaries


def _parse_utc(text: object) -> datetime:
    return datetime.fromisoformat(str(text)).replace(tzinfo=UTC)
