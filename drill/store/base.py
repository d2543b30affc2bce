"""One open database, as every part of the store uses it: short reads, retried writes.

Each write is its own short transaction, committed before the call returns, so an
answered attempt is on disk before the next item appears. Writes take SQLite's write
lock up front (BEGIN IMMEDIATE) and retry while another writer holds it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import Connection, Engine

from drill.store.database import DatabaseLocation, retry_busy
from drill.store.database import translated_errors as _translated

T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(at: datetime) -> datetime:
    """A stored instant as an aware UTC one (SQLite gives them back naive)."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Store:
    """An engine and where it points: what the writer and the read models share."""

    engine: Engine
    location: DatabaseLocation
    _writer: Engine = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_writer", self.engine.execution_options(drill_write=True))

    def write(self, action: Callable[[Connection], T]) -> T:
        """Run `action` in one write transaction, retried while the database is busy."""

        def attempt() -> T:
            with self._writer.begin() as conn:
                return action(conn)

        return retry_busy(attempt, self.location)

    def read(self) -> AbstractContextManager[Connection]:
        return self.engine.connect()

    def translated_errors(self) -> AbstractContextManager[None]:
        """Database errors as one clear line (StoreError) instead of a traceback."""
        return _translated(self.location)
