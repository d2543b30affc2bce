"""One schema upgrade at a time: the lock held across re-reading the revision and upgrading.

Several drills can open a new or older database at the same moment (a class starting
together). Each reads the revision and would run Alembic, and two upgrades at once collide:
SQLite refuses the second writer at once (Alembic reads before it writes, in a deferred
transaction), PostgreSQL fails on a duplicate type. So a drill that finds the schema behind
takes this lock first, re-reads the revision under it, and upgrades only if it is still
behind; the others wait their turn, find the head, and go on.

On a SQLite file the lock is an `flock` on `<database>.live/upgrade` (beside the session
claims, drill.store.claim); on PostgreSQL a session-level advisory lock. Either is dropped
by the operating system or the server if the holder dies. Where neither is available (no
`fcntl` on Windows, a file system without locks, another server) upgrades go unlocked, as
before.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

POLL_S = 0.05
ADVISORY_KEY = 0x6472696C  # "dril", as one 64-bit key: never one of the claims' key pairs


class UpgradeLockTimeoutError(Exception):
    """Another drill held the upgrade lock for the whole wait."""

    def __init__(self, waited: float) -> None:
        super().__init__(f"waited {waited:.1f} s")
        self.waited = waited


def lock_file(db_file: Path) -> Path:
    return db_file.with_name(f"{db_file.name}.live") / "upgrade"


def _wait_for(take: Callable[[], bool], wait_s: float) -> float:
    """Call `take` until it returns True; the seconds waited. Raises UpgradeLockTimeoutError."""
    started = time.monotonic()
    while not take():
        waited = time.monotonic() - started
        if waited >= wait_s:
            raise UpgradeLockTimeoutError(waited)
        time.sleep(POLL_S)
    return time.monotonic() - started


@contextmanager
def _file_lock(db_file: Path, wait_s: float) -> Iterator[float]:
    try:
        import fcntl
    except ImportError:  # Windows
        yield 0.0
        return
    path = lock_file(db_file)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:  # the database will fail with its own, clearer message
        yield 0.0
        return

    def take() -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    try:
        try:
            waited = _wait_for(take, wait_s)
        except OSError:  # a file system without locks: carry on unlocked
            waited = 0.0
        yield waited
    finally:
        os.close(fd)  # drops the flock


@contextmanager
def _advisory_lock(engine: Engine, wait_s: float) -> Iterator[float]:
    with engine.connect() as conn:

        def take() -> bool:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY})
            held = bool(got.scalar())
            conn.commit()  # the lock outlives the transaction; no idle transaction
            return held

        waited = _wait_for(take, wait_s)
        try:
            yield waited
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
            conn.commit()


@contextmanager
def upgrade_lock(engine: Engine, db_file: Path | None, wait_s: float) -> Iterator[float]:
    """Hold the upgrade lock of this database; yields the seconds spent waiting for it."""
    if db_file is not None:
        with _file_lock(db_file, wait_s) as waited:
            yield waited
    elif engine.dialect.name == "postgresql":
        with _advisory_lock(engine, wait_s) as waited:
            yield waited
    else:
        yield 0.0
