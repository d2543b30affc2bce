"""Databases that are almost drill's: a damaged page, tables without a version, another
program's Alembic database. Each gets the right words, and nothing is changed."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from drill.store.database import StoreError
from drill.store.history import History
from tests.command import run_drill


def drill(*args: str) -> subprocess.CompletedProcess[str]:
    return run_drill(*args)


def test_db_check_reports_a_damaged_page(db_path: Path) -> None:
    """A page of an index overwritten: `db check` prints the integrity report, exits 1."""
    history = History.open(str(db_path))
    learner = history.writer.learner_id("ann")
    assert learner is not None
    for n in range(300):
        history.writer.start_session(learner, deck=f"d{n}" * 20, fingerprint="f", domain="modarith",
                              params={}, kind="drill")  # fmt: skip
    history.close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")  # every page in the file itself
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        query = "SELECT rootpage FROM sqlite_master WHERE name = 'ix_sessions_learner_deck'"
        (root,) = conn.execute(query).fetchone()
    with db_path.open("r+b") as f:  # the index's page header: not a b-tree page any more
        f.seek((root - 1) * page_size)
        f.write(b"\x07" * 8)
    result = drill("db", "check", "--db", str(db_path))
    assert result.returncode == 1, result.stderr
    assert "integrity" in result.stdout
    assert "problem: integrity check failed" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("with_version_table", [True, False])
def test_tables_without_a_version_row(db_path: Path, with_version_table: bool) -> None:
    """drill's tables with no version row are named as such, not "table already exists"."""
    History.open(str(db_path)).close()
    with sqlite3.connect(db_path) as conn:
        if with_version_table:
            conn.execute("DELETE FROM alembic_version")
        else:
            conn.execute("DROP TABLE alembic_version")
    with pytest.raises(StoreError, match="schema version"):
        History.open(str(db_path))
    result = drill("db", "upgrade", "--db", str(db_path))
    assert result.returncode == 2
    assert "schema version" in result.stderr
    assert "already exists" not in result.stderr


def test_another_programs_alembic_database(db_path: Path) -> None:
    """Another program's Alembic database is "not drill's", never "a newer drill"; no WAL."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES ('abc123')")
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="not drill's"):
        History.open(str(db_path))
    result = drill("db", "check", "--db", str(db_path))
    assert "not drill's" in result.stderr
    assert "newer" not in result.stderr
    assert db_path.read_bytes() == before
