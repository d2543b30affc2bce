"""One schema upgrade at a time: drills opening a new or older database together all go on.

The races themselves run real processes (test_robustness_crash.py for a new file, here for
an old revision, test_postgres.py for a server); the cases below hold the lock by hand to
show what a waiting drill does and says.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from drill.store import database
from drill.store.database import StoreError, explain, locate, open_engine
from drill.store.history import History
from drill.store.schema import HEAD, SCHEMA_REVISIONS
from drill.store.upgrade_lock import lock_file


def at_revision(db: Path, revision: str) -> None:
    """A database file stamped at an older `revision`, as an older drill left it."""
    engine = create_engine(f"sqlite:///{db}")
    database.upgrade(engine, revision)
    engine.dispose()


def revision_of(db: Path) -> str:
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        version = str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar())
    engine.dispose()
    return version


def hold_lock(db: Path) -> int:
    """Take the upgrade lock as another drill would; close the descriptor to let it go."""
    path = lock_file(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def test_four_drills_open_an_old_database_at_once(db_path: Path) -> None:
    """Four `drill simulate` runs on a database at the first revision: all keep every attempt."""
    at_revision(db_path, SCHEMA_REVISIONS[0])
    args = f"simulate modarith --kind lookup --json --items 30 --db {db_path}".split()
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "drill", *args, "--learner", f"old-{n}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        assert json.loads(out)["exposures"] == 30
    assert revision_of(db_path) == HEAD
    history = History.open(str(db_path))
    rows = list(history.export())
    history.close()
    for n in range(4):
        kept = {r["exposure"] for r in rows if r["learner"] == f"old-{n}"}
        assert kept == set(range(1, 31))


def test_a_waiting_drill_rereads_the_revision_and_goes_on(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A drill that waited while another upgraded finds the head and does not upgrade again."""
    at_revision(db_path, SCHEMA_REVISIONS[0])
    fd = hold_lock(db_path)
    upgrades: list[str] = []
    real_upgrade = database.upgrade
    monkeypatch.setattr(database, "upgrade", lambda engine: upgrades.append("again"))
    opened: list[object] = []
    waiting = threading.Thread(target=lambda: opened.append(open_engine(locate(str(db_path)))))
    waiting.start()
    other = create_engine(f"sqlite:///{db_path}")  # the lock's holder upgrades meanwhile
    real_upgrade(other)
    other.dispose()
    os.close(fd)
    waiting.join(timeout=60)
    assert opened, "the waiting drill never went on"
    assert upgrades == []
    assert revision_of(db_path) == HEAD


def test_a_lock_held_too_long_says_how_long_it_waited(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Held past the wait, the lock costs one line naming the time actually waited."""
    at_revision(db_path, SCHEMA_REVISIONS[0])
    monkeypatch.setattr(database, "UPGRADE_WAIT_S", 0.3)
    fd = hold_lock(db_path)
    try:
        with pytest.raises(StoreError) as raised:
            open_engine(locate(str(db_path)))
    finally:
        os.close(fd)
    waited = re.search(
        r"another drill kept upgrading this database for (\d+\.\d) s", str(raised.value)
    )
    assert waited is not None, raised.value
    assert 0.3 <= float(waited.group(1)) < 10  # the time waited, not the 120 s it might have
    assert str(db_path) in str(raised.value)
    assert revision_of(db_path) == SCHEMA_REVISIONS[0]  # nothing half done
    open_engine(locate(str(db_path))).dispose()  # and once it is free, the upgrade runs
    assert revision_of(db_path) == HEAD


def test_a_busy_database_reports_the_time_tried(db_path: Path) -> None:
    """The locked-database line says how long drill tried, not the longest it would have."""
    busy = OperationalError("BEGIN", {}, Exception("database is locked"))
    message = str(explain(busy, locate(str(db_path)), waited=1.23))
    assert "stayed locked by another program for 1.2 s" in message
    assert "10 s" not in message
