"""Where SQLite and PostgreSQL differ, in one place: the rest of the store asks here.

Each function answers one difference: placeholders in shared SQL text, the upsert
statement, a minute of a timestamp, responses holding NUL, and how a live session claims
its (learner, deck).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, Engine, func, text

from drill.hashing import stable_hash
from drill.store.claim import Claim, busy, claim
from drill.store.database import DatabaseLocation
from drill.store.database import translated_errors as _translated

ADVISORY_SPACE = 0x6472696C  # "dril": the first key of drill's PostgreSQL advisory locks
NUL_MARK = "\uffff"
"""Starts a response stored escaped: PostgreSQL's text cannot hold NUL, and nothing typed
may be lost. Only a response holding NUL (or starting with this non-character) is escaped;
every other is stored as it is."""


def is_postgresql(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def driver_sql(engine: Engine, sql: str) -> str:
    """The shared SQL text (qmark, as sqlite3 wants) in this driver's placeholder style."""
    if engine.dialect.paramstyle in ("format", "pyformat"):
        return sql.replace("?", "%s")
    return sql


def upsert(engine: Engine, table: Any) -> Any:
    """An INSERT that can take `.on_conflict_do_update` (both dialects spell it alike)."""
    if is_postgresql(engine):
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


def minute_of(engine: Engine, column: Any) -> ColumnElement[Any]:
    """The UTC minute of a timestamp column, as text starting "YYYY-MM-DD HH:MM"."""
    if is_postgresql(engine):
        return func.to_char(func.date_trunc("minute", column), "YYYY-MM-DD HH24:MI:00")
    # SQLite keeps these as ISO text: the first 16 characters are the date, hour and
    # minute, which groups a million rows far faster than parsing each with strftime.
    return func.substr(column, 1, 16)


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


def stored_response(engine: Engine, response: str | None) -> str | None:
    """A response as this database can hold it (see NUL_MARK)."""
    return escape_nul(response) if is_postgresql(engine) else response


def read_response(engine: Engine, response: str | None) -> str | None:
    """The inverse of `stored_response`."""
    return unescape_nul(response) if is_postgresql(engine) else response


def claim_deck(engine: Engine, location: DatabaseLocation, learner: str, deck: str) -> Claim:
    """Hold (learner, deck) while a session is live (see drill.store.claim): a file lock
    beside a SQLite file; on PostgreSQL a session-level advisory lock on a connection
    kept for it, which the server drops if the connection dies. Raises DeckBusyError."""
    if not is_postgresql(engine):
        return claim(location.path, learner, deck)
    # Two 32-bit keys: drill's own namespace, then (learner, deck).
    keys = {"space": ADVISORY_SPACE, "key": stable_hash(learner, deck) % 2**31}
    with _translated(location):
        conn = engine.connect()
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
