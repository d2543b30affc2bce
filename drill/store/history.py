"""The repository every driver and report calls: learners, sessions, attempts, events.

Each write is its own short transaction, committed before the call returns, so an
answered attempt is on disk before the next item appears. Writes take SQLite's write
lock up front (BEGIN IMMEDIATE) and retry while another writer holds it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, case, delete, func, insert, select, text, update

from drill.hashing import stable_hash
from drill.names import check_learner_name
from drill.protocol.records import AttemptRecord, EventRecord, PastOutcome, Result
from drill.store.claim import Claim, busy, claim
from drill.store.database import DatabaseLocation, locate, open_engine, retry_busy
from drill.store.database import translated_errors as _translated
from drill.store.models import (
    BLOCK,
    Attempt,
    DeckState,
    DrillSession,
    Event,
    ExposureBlock,
    Learner,
    ReferenceRun,
)
from drill.store.quick import outcomes_from_rows
from drill.store.schema import BLOCKS_BACKFILL_SQL, OUTCOMES_SQL, TAUGHT_SQL, UNSEALED_SQL

T = TypeVar("T")

EXPORT_FIELDS = (
    "learner",
    "deck",
    "session",
    "item_id",
    "split",
    "probe",
    "response",
    "correct",
    "timed_out",
    "response_ms",
    "deadline_ms",
    "shown_at",
    "result",
    "exposure",
    "step",
    "deck_fingerprint",
)
"""The columns of `drill export`, in order: the design's contract, then drill's extras
(`deck_fingerprint` names the variant: domain, parameters, seed and split)."""


ADVISORY_SPACE = 0x6472696C  # "dril": the first key of drill's PostgreSQL advisory locks
NUL_MARK = "\uffff"
"""Starts a response stored escaped: PostgreSQL's text cannot hold NUL, and nothing typed
may be lost. Only a response holding NUL (or starting with this non-character) is escaped;
every other is stored as it is."""


def escape_nul(text: str | None) -> str | None:
    """The response as PostgreSQL can store it: backslash and NUL escaped behind NUL_MARK."""
    if text is None or ("\x00" not in text and not text.startswith(NUL_MARK)):
        return text
    return NUL_MARK + text.replace("\\", "\\\\").replace("\x00", "\\0")


def unescape_nul(text: str | None) -> str | None:
    """The inverse of `escape_nul`."""
    if text is None or not text.startswith(NUL_MARK):
        return text
    return re.sub(r"\\(.)", lambda m: "\x00" if m[1] == "0" else m[1], text[1:], flags=re.S)


def utcnow() -> datetime:
    return datetime.now(UTC)


class History:
    """A learner-aware view of one history database."""

    def __init__(self, engine: Engine, location: DatabaseLocation) -> None:
        self.engine = engine
        self.location = location
        self._writer = engine.execution_options(drill_write=True)

    @classmethod
    def open(cls, db: str | None = None, *, upgrade_schema: bool = True) -> History:
        """Open (creating or upgrading) the database named by `--db` or the environment."""
        location = locate(db)
        return cls(open_engine(location, upgrade_schema=upgrade_schema), location)

    def close(self) -> None:
        self.engine.dispose()

    def claim(self, learner: str, deck: str) -> Claim:
        """Hold (learner, deck) while a session is live (see drill.store.claim): a file lock
        beside a SQLite file; on PostgreSQL a session-level advisory lock on a connection
        kept for it, which the server drops if the connection dies. Raises DeckBusyError."""
        if self.engine.dialect.name != "postgresql":
            return claim(self.location.path, learner, deck)
        # Two 32-bit keys: drill's own namespace, then (learner, deck).
        keys = {"space": ADVISORY_SPACE, "key": stable_hash(learner, deck) % 2**31}
        with self.translated_errors():
            conn = self.engine.connect()
            try:
                got = conn.execute(text("SELECT pg_try_advisory_lock(:space, :key)"), keys)
                held = bool(got.scalar())
                conn.commit()  # the lock outlives the transaction; no idle transaction
            except BaseException:
                conn.close()
                raise
        if not held:
            conn.close()
            raise busy(learner, deck)

        def release() -> None:
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:space, :key)"), keys)
                conn.commit()
            finally:
                conn.close()  # the server drops the lock with the connection in any case

        return Claim(release)

    # -- plumbing -------------------------------------------------------------------

    def _write(self, action: Callable[[Connection], T]) -> T:
        def attempt() -> T:
            with self._writer.begin() as conn:
                return action(conn)

        return retry_busy(attempt, self.location)

    def _read(self) -> AbstractContextManager[Connection]:
        return self.engine.connect()

    def translated_errors(self) -> AbstractContextManager[None]:
        return _translated(self.location)

    def _driver_sql(self, sql: str) -> str:
        """The shared SQL text (qmark, as sqlite3 wants) in this driver's placeholder style."""
        if self.engine.dialect.paramstyle in ("format", "pyformat"):
            return sql.replace("?", "%s")
        return sql

    # -- learners and sessions ------------------------------------------------------

    def learner_id(self, name: str, *, create: bool = True) -> int | None:
        """The learner's id, created on first use (unless `create` is False). A name no
        backend should store raises LearnerNameError, on SQLite as on PostgreSQL."""
        if create:  # a name already stored (by an older drill) may still be looked up
            check_learner_name(name, "learner name")
        elif not _encodable(name):
            return None  # no stored name has bytes that are not UTF-8
        with self.translated_errors(), self._read() as conn:
            found = conn.execute(select(Learner.id).where(Learner.name == name)).scalar()
        if found is not None or not create:
            return found

        def add(conn: Connection) -> int:
            existing = conn.execute(select(Learner.id).where(Learner.name == name)).scalar()
            if existing is not None:
                return int(existing)
            row = conn.execute(
                insert(Learner).values(name=name, created_at=utcnow()).returning(Learner.id)
            )
            return int(row.scalar_one())

        return self._write(add)

    def learners(self) -> list[tuple[str, int, int, datetime | None]]:
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
        with self.translated_errors(), self._read() as conn:
            return [
                (name, int(s or 0), int(e or 0), last.replace(tzinfo=UTC) if last else None)
                for name, s, e, last in conn.execute(query)
            ]

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
            self._close_interrupted(conn, learner_id, deck)
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

        return self._write(add)

    def _close_interrupted(self, conn: Connection, learner_id: int, deck: str) -> None:
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

    def end_session(self, session_id: int, reason: str, at: datetime | None = None) -> None:
        ended = at or utcnow()

        def close(conn: Connection) -> None:
            conn.execute(
                update(DrillSession)
                .where(DrillSession.id == session_id, DrillSession.ended_at.is_(None))
                .values(ended_at=ended, end_reason=reason)
            )

        self._write(close)

    # -- attempts and events ----------------------------------------------------------

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
        if self.engine.dialect.name == "postgresql":
            values["response"] = escape_nul(attempt.response)
        rows = [self._event_values(e, learner_id, deck, fingerprint, session_id) for e in events]

        def write(conn: Connection) -> None:
            conn.execute(insert(Attempt).values(values))
            self._count_block(conn, learner_id, deck, fingerprint, attempt)
            if rows:
                conn.execute(insert(Event), rows)
            if state is not None:
                self._save_state(conn, learner_id, deck, fingerprint, dict(state))

        self._write(write)

    def record_attempt(self, session_id: int, attempt: AttemptRecord) -> None:
        """An attempt alone (the store's tests and bulk tools; the engine uses `record`)."""
        learner = select(
            DrillSession.learner_id, DrillSession.deck, DrillSession.deck_fingerprint
        ).where(DrillSession.id == session_id)
        with self.translated_errors(), self._read() as conn:
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
        first, ok = attempt.step == 0, attempt.success
        timed = first and attempt.response_ms is not None
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
        }
        statement: Any
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects import postgresql

            statement = postgresql.insert(ExposureBlock).values(values)
        else:
            from sqlalchemy.dialects import sqlite

            statement = sqlite.insert(ExposureBlock).values(values)
        new, old = statement.excluded, ExposureBlock.__table__.c
        totals = ("n", "ok", "rt_sum", "rt_n", "deadline_sum", "later_fail")
        changes: dict[str, Any] = {name: old[name] + new[name] for name in totals}
        changes["first_at"] = case((new.first_at < old.first_at, new.first_at), else_=old.first_at)
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=["learner_id", "deck_fingerprint", "block", "probe"],
                set_=changes,
            )
        )

    def rebuild_blocks(self) -> None:
        """Recompute every exposure block from the attempts (after writing them in bulk)."""

        def rebuild(conn: Connection) -> None:
            conn.execute(delete(ExposureBlock))
            conn.exec_driver_sql(BLOCKS_BACKFILL_SQL)

        self._write(rebuild)

    @staticmethod
    def _event_values(
        event: EventRecord, learner_id: int, deck: str, fingerprint: str, session_id: int | None
    ) -> dict[str, Any]:
        return {
            "learner_id": learner_id,
            "deck": deck,
            "deck_fingerprint": fingerprint,
            "session_id": event.session_id or session_id,
            "kind": event.kind,
            "exposure": event.exposure,
            "at": event.at,
            "data": dict(event.data),
        }

    def record_event(
        self, event: EventRecord, *, learner_id: int, deck: str, fingerprint: str
    ) -> None:
        """An event outside a session (e.g. `drill rule --force`), on one variant of a deck."""
        values = self._event_values(event, learner_id, deck, fingerprint, None)
        self._write(lambda conn: conn.execute(insert(Event).values(values)))

    # -- reference runs and deck states ---------------------------------------------------

    def save_reference_run(
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
        return self._write(
            lambda conn: int(
                conn.execute(
                    insert(ReferenceRun).values(values).returning(ReferenceRun.id)
                ).scalar_one()
            )
        )

    def reference_runs(self, learner_id: int, deck: str) -> list[dict[str, Any]]:
        """Every stored run for a learner and deck, oldest first, as plain dicts."""
        table = ReferenceRun.__table__
        query = (
            select(table)
            .where(table.c.learner_id == learner_id, table.c.deck == deck)
            .order_by(table.c.id)
        )
        with self.translated_errors(), self._read() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def save_deck_state(
        self, learner_id: int, deck: str, state: dict[str, Any], *, fingerprint: str
    ) -> None:
        """Keep the engine's snapshot for this learner and variant (one row, replaced)."""
        self._write(lambda conn: self._save_state(conn, learner_id, deck, fingerprint, state))

    @staticmethod
    def _save_state(
        conn: Connection, learner_id: int, deck: str, fingerprint: str, state: dict[str, Any]
    ) -> None:
        now = utcnow()
        done = conn.execute(
            update(DeckState)
            .where(DeckState.learner_id == learner_id, DeckState.deck_fingerprint == fingerprint)
            .values(state=state, deck=deck, updated_at=now)
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

    def load_deck_state(self, learner_id: int, fingerprint: str) -> dict[str, Any] | None:
        """The engine's snapshot for this learner on one variant (Deck.fingerprint)."""
        query = select(DeckState.state).where(
            DeckState.learner_id == learner_id, DeckState.deck_fingerprint == fingerprint
        )
        with self.translated_errors(), self._read() as conn:
            found = conn.execute(query).scalar()
        return dict(found) if found is not None else None

    def port(
        self, learner_id: int, deck: str, session_id: int, *, fingerprint: str
    ) -> SessionHistory:
        """The engine's view: a HistoryPort bound to one learner, variant and session."""
        return SessionHistory(self, learner_id, deck, session_id, fingerprint)

    # -- reading --------------------------------------------------------------------------

    def outcomes(self, learner_id: int, fingerprint: str) -> list[PastOutcome]:
        """Every exposure's final outcome on one variant of a deck (its fingerprint), in
        order (for resuming the protocol)."""
        with self.translated_errors(), self._read() as conn:
            sql = self._driver_sql(OUTCOMES_SQL)
            rows = conn.exec_driver_sql(sql, (learner_id, fingerprint)).all()
        return outcomes_from_rows([tuple(row) for row in rows])

    def variants(self, learner_id: int, deck: str) -> list[str]:
        """The fingerprints of every variant of the deck named `deck` this learner drilled."""
        query = (
            select(DrillSession.deck_fingerprint)
            .where(DrillSession.learner_id == learner_id, DrillSession.deck == deck)
            .distinct()
        )
        with self.translated_errors(), self._read() as conn:
            return sorted(str(fp) for fp in conn.execute(query).scalars())

    def taught_ids(self, learner_id: int, domain: str, *, elsewhere: str = "") -> frozenset[str]:
        """The items this learner was ever taught in `domain`, in any deck or variant, or
        in any but the variant `elsewhere` names (see schema.TAUGHT_SQL): they are never
        again untaught evidence, so never probed."""
        with self.translated_errors(), self._read() as conn:
            sql = self._driver_sql(TAUGHT_SQL)
            args = (learner_id, domain, elsewhere, learner_id)
            rows = conn.exec_driver_sql(sql, args).all()
        return frozenset(str(row[0]) for row in rows)

    def rule_revealed(self, learner_id: int, fingerprint: str) -> bool:
        """Is the rule open on record: earned, or revealed early with `drill rule --force`?"""
        return bool(self.events(learner_id, fingerprint, kinds=("rule_unsealed", "early_reveal")))

    def rule_unsealed(self, learner_id: int, fingerprint: str) -> bool:
        """Has held-out accuracy opened this variant's rule?"""
        with self.translated_errors(), self._read() as conn:
            sql = self._driver_sql(UNSEALED_SQL)
            return conn.exec_driver_sql(sql, (learner_id, fingerprint)).first() is not None

    def exposures_per_minute(
        self, learner_id: int, deck: str | None = None, since: datetime | None = None
    ) -> list[tuple[datetime, int]]:
        """(UTC minute, exposures) for every minute with any, grouped in SQL: a day's count
        in any time zone follows exactly (offsets are whole minutes: India's +5:30, Nepal's
        +5:45), and the rows are bounded by the minutes actually practised."""
        if self.engine.dialect.name == "postgresql":
            minute = func.to_char(
                func.date_trunc("minute", Attempt.shown_at), "YYYY-MM-DD HH24:MI:00"
            )
        else:
            # SQLite keeps these as ISO text: the first 16 characters are the date, hour and
            # minute, which groups a million rows far faster than parsing each with strftime.
            minute = func.substr(Attempt.shown_at, 1, 16)
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
        if since is not None:
            query = query.where(Attempt.shown_at >= since)
        with self.translated_errors(), self._read() as conn:
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
            query = query.where(Event.kind.in_(kinds))
        with self.translated_errors(), self._read() as conn:
            return [
                EventRecord(kind, exposure, at, data, session_id)
                for kind, exposure, at, session_id, data in conn.execute(query)
            ]

    def export(self, learner: str | None = None) -> Iterator[dict[str, Any]]:
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
        with self.translated_errors(), self._read() as conn:
            for row in conn.execute(query.execution_options(yield_per=2000)):
                values = dict(zip(EXPORT_FIELDS, row, strict=True))
                values["probe"] = bool(values["probe"])
                values["correct"] = bool(values["correct"])
                values["timed_out"] = bool(values["timed_out"])
                values["shown_at"] = values["shown_at"].isoformat()
                if self.engine.dialect.name == "postgresql":
                    values["response"] = unescape_nul(values["response"])
                yield values


class SessionHistory:
    """`HistoryPort` for one learner, variant and session: what the engine writes through."""

    def __init__(
        self, history: History, learner_id: int, deck: str, session_id: int, fingerprint: str
    ) -> None:
        self.history = history
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
        self.history.record(
            self.session_id,
            self.learner_id,
            self.deck,
            attempt,
            events,
            state,
            fingerprint=self.fingerprint,
        )

    def end(self, reason: str) -> None:
        self.history.end_session(self.session_id, reason)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
