"""The home screen's fast path: a learner's standing read with stdlib sqlite3.

SQLAlchemy takes about a quarter of a second to import, longer than a bare Textual app
takes to draw. `Glance` answers the reads that a standing needs (`drill.app.standing`) with the
same SQL and the same return types as the SQLAlchemy store (both are a
`drill.store.reader.HistoryReader`), from a SQLite file at this drill's head, read-only.
`open_glance` returns None for anything else (another revision, a server URL, any error),
and the caller opens the full store, which explains problems.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from drill.protocol.records import EventRecord, PastOutcome
from drill.store.quick import _uri_path, outcomes_from_rows, sqlite_path
from drill.store.schema import (
    HEAD,
    LEARNER_SQL,
    OPENED_KINDS_SQL,
    OUTCOMES_SQL,
    SCHEMA_REVISIONS,
    STATE_SQL,
    TAUGHT_SQL,
    UNSEALED_SQL,
)

MINUTES_SQL = """
SELECT substr(a.shown_at, 1, 16) AS minute, count(*)
FROM attempts AS a JOIN sessions AS s ON a.session_id = s.id
WHERE s.learner_id = ? AND a.step = 0 AND a.result != 'unreadable'{deck}{since}
GROUP BY minute ORDER BY minute
"""
EVENTS_SQL = """
SELECT kind, exposure, at, session_id, data FROM events
WHERE learner_id = ? AND deck_fingerprint = ?{kinds}
ORDER BY exposure, id
"""
REVEALED_SQL = (
    "SELECT 1 FROM events WHERE learner_id = ? AND deck_fingerprint = ? "
    f"AND kind IN ({OPENED_KINDS_SQL}) LIMIT 1"
)


def _stored(at: datetime) -> str:
    """An aware instant as the store writes it to SQLite: naive UTC, with microseconds."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(str(text)).replace(tzinfo=UTC)


class Glance:
    """Read-only reads of one SQLite history file: a `HistoryReader`."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._outcomes: dict[tuple[int, str], list[PastOutcome]] = {}

    def close(self) -> None:
        self._conn.close()

    def learner_id(self, name: str, *, create: Literal[False] = False) -> int | None:
        row = self._conn.execute(LEARNER_SQL, (name,)).fetchone()
        return None if row is None else int(row[0])

    def outcomes(self, learner_id: int, fingerprint: str) -> list[PastOutcome]:
        """Read once per variant: a glance is one moment's view, and a standing asks twice."""
        key = (learner_id, fingerprint)
        if key not in self._outcomes:
            rows = self._conn.execute(OUTCOMES_SQL, key).fetchall()
            self._outcomes[key] = outcomes_from_rows(rows)
        return list(self._outcomes[key])

    def load_deck_state(self, learner_id: int, fingerprint: str) -> dict[str, Any] | None:
        row = self._conn.execute(STATE_SQL, (learner_id, fingerprint)).fetchone()
        state = json.loads(row[0]) if row is not None else None
        return dict(state) if isinstance(state, dict) else None

    def taught_ids(self, learner_id: int, domain: str, *, elsewhere: str = "") -> frozenset[str]:
        args = (learner_id, domain, elsewhere, learner_id)
        return frozenset(str(row[0]) for row in self._conn.execute(TAUGHT_SQL, args))

    def rule_unsealed(self, learner_id: int, fingerprint: str) -> bool:
        return self._conn.execute(UNSEALED_SQL, (learner_id, fingerprint)).fetchone() is not None

    def rule_revealed(self, learner_id: int, fingerprint: str) -> bool:
        return self._conn.execute(REVEALED_SQL, (learner_id, fingerprint)).fetchone() is not None

    def exposures_per_minute(
        self, learner_id: int, deck: str | None = None, since: datetime | None = None
    ) -> list[tuple[datetime, int]]:
        args: list[object] = [learner_id]
        if deck is not None:
            args.append(deck)
        if since is not None:
            args.append(_stored(since))
        sql = MINUTES_SQL.format(
            deck=" AND s.deck = ?" if deck is not None else "",
            since=" AND a.shown_at >= ?" if since is not None else "",
        )
        return [(_instant(f"{at}:00"), int(n)) for at, n in self._conn.execute(sql, args)]

    def events(
        self, learner_id: int, fingerprint: str, kinds: Sequence[str] = ()
    ) -> list[EventRecord]:
        marks = ", ".join("?" for _ in kinds)
        sql = EVENTS_SQL.format(kinds=f" AND kind IN ({marks})" if kinds else "")
        rows = self._conn.execute(sql, (learner_id, fingerprint, *kinds)).fetchall()
        return [
            EventRecord(kind, exposure, _instant(at), json.loads(data) if data else {}, session)
            for kind, exposure, at, session, data in rows
        ]


class NoDatabase:
    """No database file yet: nobody has a history (a `HistoryReader` of nothing)."""

    def close(self) -> None:
        """Nothing was opened here."""

    def learner_id(self, name: str, *, create: Literal[False] = False) -> int | None:
        return None

    def outcomes(self, learner_id: int, fingerprint: str) -> list[PastOutcome]:
        return []

    def load_deck_state(self, learner_id: int, fingerprint: str) -> dict[str, Any] | None:
        return None

    def taught_ids(self, learner_id: int, domain: str, *, elsewhere: str = "") -> frozenset[str]:
        return frozenset()

    def rule_unsealed(self, learner_id: int, fingerprint: str) -> bool:
        return False

    def rule_revealed(self, learner_id: int, fingerprint: str) -> bool:
        return False

    def exposures_per_minute(
        self, learner_id: int, deck: str | None = None, since: datetime | None = None
    ) -> list[tuple[datetime, int]]:
        return []

    def events(
        self, learner_id: int, fingerprint: str, kinds: Sequence[str] = ()
    ) -> list[EventRecord]:
        return []


def schema_of(db: str | None) -> str | None:
    """The SQLite file's schema revision: HEAD, an older one, "" for no database yet, or
    None where this cannot tell (a server URL, a file that is not drill's, any error)."""
    path = sqlite_path(db)
    if path is None:
        return None
    try:
        if not path.exists() or path.stat().st_size == 0:
            return ""
        conn = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro", uri=True, timeout=2)
    except (OSError, sqlite3.Error):
        return None
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        version = None if row is None else str(row[0])
        return version if version in SCHEMA_REVISIONS else None
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def open_glance(db: str | None) -> Glance | NoDatabase | None:
    """A `Glance` on the SQLite file `db` names, if it is a drill database at head, or a
    `NoDatabase` where there is no file yet; else None."""
    revision = schema_of(db)
    if revision == "":
        return NoDatabase()
    if revision != HEAD:
        return None
    path = sqlite_path(db)
    assert path is not None
    try:
        conn = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro", uri=True, timeout=2)
        conn.execute("SELECT 1 FROM learners LIMIT 1").fetchall()
    except sqlite3.Error:
        return None
    return Glance(conn)
