"""Everything drill writes to history: sessions, attempts with their events and the
engine's snapshot, events outside a session, and deck states.

`SessionPort` is the protocol's `HistoryPort`, bound to one learner, variant and
session: what the engine writes through.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Table,
    bindparam,
    case,
    delete,
    func,
    insert,
    select,
    update,
)

from drill.protocol.records import AttemptRecord, EventRecord, Result
from drill.store.base import Store, utcnow
from drill.store.dialect import stored_response, upsert
from drill.store.learners import add_learner, find_learner
from drill.store.models import BLOCK, Attempt, DeckState, DrillSession, Event, ExposureBlock
from drill.store.schema import BLOCKS_BACKFILL_SQL

ATTEMPTS, EVENTS, BLOCKS, STATES = (
    cast(Table, model.__table__) for model in (Attempt, Event, ExposureBlock, DeckState)
)
ADD_ATTEMPT = insert(ATTEMPTS)
ADD_EVENTS = insert(EVENTS)
"""Built once: an answer's statements are Core on the table with the values given at
execution, so SQLAlchemy neither rebuilds them nor runs the ORM's bookkeeping on each answer
(three quarters of an answer's CPU before; docs/benchmarks.md, "An answer's cost")."""
STATES_C = STATES.c
REPLACE_STATE = (
    update(STATES)
    .where(STATES_C.learner_id == bindparam("w_learner"))
    .where(STATES_C.deck_fingerprint == bindparam("w_fingerprint"))
    .values(
        state=bindparam("w_state", type_=STATES_C.state.type),
        deck=bindparam("w_deck"),
        updated_at=bindparam("w_updated_at", type_=STATES_C.updated_at.type),
    )
)
BLOCK_KEY = ("learner_id", "deck_fingerprint", "block", "probe")


class HistoryWriter:
    """The writes of one history database, each its own short transaction."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._block_upserts: dict[tuple[str, ...], Any] = {}

    def _block_upsert(self, names: tuple[str, ...]) -> Any:
        """The upsert adding a block's totals, built once per set of columns written: every
        column but the key, the deck and `first_at` is a running total."""
        statement = self._block_upserts.get(names)
        if statement is None:
            new = upsert(self.store.engine, BLOCKS)
            old, added = BLOCKS.c, new.excluded
            totals = [n for n in names if n not in (*BLOCK_KEY, "deck", "first_at")]
            changes: dict[str, Any] = {name: old[name] + added[name] for name in totals}
            earlier = added.first_at < old.first_at
            changes["first_at"] = case((earlier, added.first_at), else_=old.first_at)
            statement = new.on_conflict_do_update(index_elements=list(BLOCK_KEY), set_=changes)
            self._block_upserts[names] = statement
        return statement

    def learner_id(self, name: str, *, create: bool = True) -> int | None:
        """The learner's id, created on first use (unless `create` is False)."""
        return add_learner(self.store, name) if create else find_learner(self.store, name)

    def start_session(
        self,
        learner_id: int,
        *,
        deck: str,
        fingerprint: str,
        domain: str,
        params: dict[str, Any],
        kind: str,
        at: datetime | None = None,
    ) -> int:
        """Open a session row, first closing any this learner left open on the deck."""
        started = at or utcnow()

        def add(conn: Connection) -> int:
            _close_interrupted(conn, learner_id, deck)
            row = conn.execute(
                insert(DrillSession)
                .values(
                    learner_id=learner_id,
                    deck=deck,
                    deck_fingerprint=fingerprint,
                    domain=domain,
                    params=params,
                    kind=kind,
                    started_at=started,
                )
                .returning(DrillSession.id)
            )
            return int(row.scalar_one())

        return self.store.write(add)

    def end_session(self, session_id: int, reason: str, at: datetime | None = None) -> None:
        ended = at or utcnow()

        def close(conn: Connection) -> None:
            conn.execute(
                update(DrillSession)
                .where(DrillSession.id == session_id, DrillSession.ended_at.is_(None))
                .values(ended_at=ended, end_reason=reason)
            )

        self.store.write(close)

    def record(
        self,
        session_id: int,
        learner_id: int,
        deck: str,
        attempt: AttemptRecord,
        events: Sequence[EventRecord] = (),
        state: Mapping[str, Any] | None = None,
        *,
        fingerprint: str,
    ) -> None:
        """One transaction: the attempt, the events it caused, and the engine's snapshot,
        for the variant `fingerprint` of `deck`."""
        values = asdict(attempt)
        values["result"] = attempt.result.value
        values["session_id"] = session_id
        values["response"] = stored_response(self.store.engine, attempt.response)
        rows = [_event_values(e, learner_id, deck, fingerprint, session_id) for e in events]

        def write(conn: Connection) -> None:
            conn.execute(ADD_ATTEMPT, values)
            self._count_block(conn, learner_id, deck, fingerprint, attempt)
            if rows:
                conn.execute(ADD_EVENTS, rows)
            if state is not None:
                _save_state(conn, learner_id, deck, fingerprint, dict(state))

        self.store.write(write)

    def record_attempt(self, session_id: int, attempt: AttemptRecord) -> None:
        """An attempt alone (the store's tests and bulk tools; the engine uses `record`)."""
        learner = select(
            DrillSession.learner_id, DrillSession.deck, DrillSession.deck_fingerprint
        ).where(DrillSession.id == session_id)
        with self.store.translated_errors(), self.store.read() as conn:
            learner_id, deck, fingerprint = conn.execute(learner).one()
        self.record(session_id, learner_id, deck, attempt, fingerprint=fingerprint)

    def _count_block(
        self,
        conn: Connection,
        learner_id: int,
        deck: str,
        fingerprint: str,
        attempt: AttemptRecord,
    ) -> None:
        """Add one attempt to its exposure block's running totals (see ExposureBlock)."""
        if attempt.result is Result.UNREADABLE:
            return
        first, ok, right = attempt.step == 0, attempt.success, attempt.correct
        timed = first and attempt.response_ms is not None
        # Per exposure: one first step, and at most one failing step (a failing step ends
        # the item), so a later step that fails takes back what its first step counted.
        right_n = int(first and right) - int(not first and not right)
        fluent_n = int(first and ok) - int(not first and not ok)
        untaught = attempt.untaught
        values = {
            "learner_id": learner_id,
            "deck_fingerprint": fingerprint,
            "deck": deck,
            "block": (attempt.exposure - 1) // BLOCK,
            "probe": attempt.probe,
            "n": int(first),
            "ok": int(first and ok),
            "rt_sum": (attempt.response_ms or 0) if timed else 0,
            "rt_n": int(timed),
            "deadline_sum": attempt.deadline_ms if first else 0,
            "later_fail": int(not first and not ok),
            "first_at": attempt.shown_at,
            "right_n": right_n,
            "untaught_n": int(first and untaught),
            "untaught_right": right_n if untaught else 0,
            "untaught_fluent": fluent_n if untaught else 0,
        }
        conn.execute(self._block_upsert(tuple(values)), values)

    def rebuild_blocks(self) -> None:
        """Recompute every exposure block from the attempts (after writing them in bulk)."""

        def rebuild(conn: Connection) -> None:
            conn.execute(delete(ExposureBlock))
            conn.exec_driver_sql(BLOCKS_BACKFILL_SQL)

        self.store.write(rebuild)

    def record_event(
        self, event: EventRecord, *, learner_id: int, deck: str, fingerprint: str
    ) -> None:
        """An event outside a session (e.g. `drill rule --force`), on one variant of a deck."""
        values = _event_values(event, learner_id, deck, fingerprint, None)
        self.store.write(lambda conn: conn.execute(insert(Event).values(values)))

    def save_deck_state(
        self, learner_id: int, deck: str, state: dict[str, Any], *, fingerprint: str
    ) -> None:
        """Keep the engine's snapshot for this learner and variant (one row, replaced)."""
        self.store.write(lambda conn: _save_state(conn, learner_id, deck, fingerprint, state))

    def port(self, learner_id: int, deck: str, session_id: int, *, fingerprint: str) -> SessionPort:
        """The engine's view: a HistoryPort bound to one learner, variant and session."""
        return SessionPort(self, learner_id, deck, session_id, fingerprint)


class SessionPort:
    """`HistoryPort` for one learner, variant and session: what the engine writes through."""

    def __init__(
        self, writer: HistoryWriter, learner_id: int, deck: str, session_id: int, fingerprint: str
    ) -> None:
        self.writer = writer
        self.learner_id = learner_id
        self.deck = deck
        self.session_id = session_id
        self.fingerprint = fingerprint

    def record(
        self,
        attempt: AttemptRecord,
        events: Sequence[EventRecord] = (),
        state: Mapping[str, Any] | None = None,
    ) -> None:
        self.writer.record(
            self.session_id,
            self.learner_id,
            self.deck,
            attempt,
            events,
            state,
            fingerprint=self.fingerprint,
        )

    def end(self, reason: str, at: datetime | None = None) -> None:
        """End the session now, or at `at` (a simulated session's own clock)."""
        self.writer.end_session(self.session_id, reason, at)


def _close_interrupted(conn: Connection, learner_id: int, deck: str) -> None:
    """A session still open was cut off (a crash, a kill): end it at its last attempt."""
    open_ids = conn.execute(
        select(DrillSession.id, DrillSession.started_at).where(
            DrillSession.learner_id == learner_id,
            DrillSession.deck == deck,
            DrillSession.ended_at.is_(None),
        )
    ).all()
    for session_id, started_at in open_ids:
        last = conn.execute(
            select(func.max(Attempt.shown_at)).where(Attempt.session_id == session_id)
        ).scalar()
        ended = last.replace(tzinfo=UTC) if isinstance(last, datetime) else started_at
        conn.execute(
            update(DrillSession)
            .where(DrillSession.id == session_id)
            .values(ended_at=ended, end_reason="interrupted")
        )


def _event_values(
    event: EventRecord, learner_id: int, deck: str, fingerprint: str, session_id: int | None
) -> dict[str, Any]:
    return {
        "learner_id": learner_id,
        "deck": deck,
        "deck_fingerprint": fingerprint,
        "session_id": event.session_id or session_id,
        "kind": str(event.kind),
        "exposure": event.exposure,
        "at": event.at,
        "data": dict(event.data),
    }


def _save_state(
    conn: Connection, learner_id: int, deck: str, fingerprint: str, state: dict[str, Any]
) -> None:
    now = utcnow()
    done = conn.execute(
        REPLACE_STATE,
        {
            "w_learner": learner_id,
            "w_fingerprint": fingerprint,
            "w_state": state,
            "w_deck": deck,
            "w_updated_at": now,
        },
    )
    if done.rowcount == 0:
        conn.execute(
            insert(DeckState).values(
                learner_id=learner_id,
                deck=deck,
                deck_fingerprint=fingerprint,
                state=state,
                updated_at=now,
            )
        )
