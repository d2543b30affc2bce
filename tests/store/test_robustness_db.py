"""`drill db upgrade | check | backup`: for people who manage their own history files."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from drill.cli import main
from drill.store.database import upgrade
from drill.store.history import History
from drill.store.schema import HEAD, SCHEMA_REVISIONS
from tests.store.test_history import attempt, new_session
from tests.store.test_migrations import fill_at_0001

SIMULATE = "simulate modarith --kind lookup --items 400 --json"


def attempts_in(path: Path) -> int:
    with sqlite3.connect(path, timeout=10) as conn:
        return int(conn.execute("SELECT count(*) FROM attempts").fetchone()[0])


def filled(path: Path, learner: str = "ann", attempts: int = 12) -> Path:
    history = History.open(str(path))
    _, session_id = new_session(history, learner)
    for n in range(1, attempts + 1):
        history.writer.record_attempt(session_id, attempt(n))
    history.close()
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_upgrade_says_from_which_revision_to_which(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An old database with data is upgraded on request, its rows kept; again does nothing."""
    engine = create_engine(f"sqlite:///{db_path}")
    upgrade(engine, "0001")
    fill_at_0001(engine)
    engine.dispose()
    code, out, _ = run(capsys, "db", "check", "--db", str(db_path))
    assert code == 1
    assert "drill db upgrade" in out
    code, out, _ = run(capsys, "db", "upgrade", "--db", str(db_path))
    assert code == 0
    assert out.strip() == f"{db_path}: upgraded from schema 0001 to {HEAD}"
    assert len(list(History.open(str(db_path)).export())) == 50
    code, out, _ = run(capsys, "db", "upgrade", "--db", str(db_path))
    assert (code, out.strip()) == (0, f"{db_path}: already at schema {HEAD}; nothing to do")


def test_check_reports_revision_integrity_and_counts(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A healthy database: revision, `ok`, and the number of rows in each table; exit 0."""
    filled(db_path)
    code, out, _ = run(capsys, "db", "check", "--db", str(db_path))
    assert code == 0
    lines = dict(line.split(None, 1) for line in out.strip().splitlines())
    assert lines["schema"].startswith(HEAD)
    assert lines["integrity"] == "ok"
    assert lines["learners"] == "1"
    assert lines["attempts"] == "12"


def test_check_finds_damage_inside_a_database_that_opens(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An index that disagrees with its table: the file opens, but check says so and exits 1."""
    filled(db_path)
    conn = sqlite3.connect(db_path)
    (root,) = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'ix_attempts_session_id'"
    ).fetchone()
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with db_path.open("r+b") as f:  # wipe the index's cells: the table still reads
        f.seek((root - 1) * page_size + 8)
        f.write(b"\0" * (page_size - 8))
    code, out, err = run(capsys, "db", "check", "--db", str(db_path))
    assert code == 1
    assert "Traceback" not in err
    assert "problem: integrity check failed" in out


def test_nothing_is_created_where_there_is_no_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """upgrade, check and backup of a path that does not exist refuse and create nothing."""
    missing = tmp_path / "missing.db"
    for action in (["upgrade"], ["check"], ["backup", str(tmp_path / "copy.db")]):
        code, _, err = run(capsys, "db", *action, "--db", str(missing))
        assert code == 2
        assert str(missing) in err
        assert "no such file" in err
    assert not missing.exists()
    assert not (tmp_path / "copy.db").exists()


def test_backup_is_a_private_consistent_copy(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The copy holds every row, is 0600, and is refused over an existing file without --force."""
    filled(db_path)
    copy = tmp_path / "copy.db"
    code, out, _ = run(capsys, "db", "backup", str(copy), "--db", str(db_path))
    assert code == 0
    assert str(copy) in out
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
    assert list(History.open(str(copy)).export()) == list(History.open(str(db_path)).export())
    filled(db_path, "bob", 3)
    code, _, err = run(capsys, "db", "backup", str(copy), "--db", str(db_path))
    assert code == 2
    assert "already exists" in err
    assert "--force" in err
    assert len(list(History.open(str(copy)).export())) == 12
    code, _, _ = run(capsys, "db", "backup", str(copy), "--db", str(db_path), "--force")
    assert code == 0
    assert len(list(History.open(str(copy)).export())) == 15
    code, _, err = run(capsys, "db", "backup", str(db_path), "--db", str(db_path), "--force")
    assert code == 2
    assert "the database itself" in err


def test_backup_while_another_process_writes(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A backup taken during a simulation is a whole database: it checks clean and exports.
    The writer is another process; the backups run here, as soon as it has written (three
    more interpreters only added their start-up to the test's wait)."""
    filled(db_path)
    writer = subprocess.Popen(
        [sys.executable, "-m", "drill", *SIMULATE.split(), "--db", str(db_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    copies = []
    try:
        began = time.monotonic()  # back up while it writes: once its first answer is in
        while attempts_in(db_path) <= 12 and writer.poll() is None:
            assert time.monotonic() - began < 120, "the writer never wrote"
            time.sleep(0.01)  # polling the file, not waiting a fixed time
        for n in range(3):
            copy = tmp_path / f"during-{n}.db"
            code, _, err = run(capsys, "db", "backup", str(copy), "--db", str(db_path))
            assert code == 0, err
            copies.append(copy)
    finally:
        _, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err
    for copy in copies:
        with sqlite3.connect(copy) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
        assert len(list(History.open(str(copy)).export())) >= 12


def test_backup_refuses_a_server_and_a_foreign_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A server URL is backed up with the server's tools; someone else's SQLite file is refused."""
    code, _, err = run(
        capsys, "db", "backup", str(tmp_path / "c.db"), "--db", "postgresql+psycopg://a:pw@h/d"
    )
    assert code == 2
    assert "pg_dump" in err
    assert "pw@" not in err
    foreign = tmp_path / "recipes.db"
    conn = sqlite3.connect(foreign)
    with conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()
    code, _, err = run(capsys, "db", "backup", str(tmp_path / "c.db"), "--db", str(foreign))
    assert code == 2
    assert "not drill's" in err
    assert not (tmp_path / "c.db").exists()


def test_revisions_known() -> None:
    """This drill knows more than one revision, so the upgrade test above is a real upgrade."""
    assert SCHEMA_REVISIONS[0] == "0001"
    assert HEAD != "0001"
