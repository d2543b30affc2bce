"""A `--db` path is that file, whatever characters its name holds."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest

from drill.app.practice import quick_start
from drill.cli import main
from drill.decks import load_deck
from drill.store.database import locate
from drill.store.quick import read_snapshot, sqlite_path

ODD_NAMES = ["what?.db", "x%41.db", "a#b c.db", "100% sure?#=1&x.db"]


def files_beside(db: Path) -> set[str]:
    """What is in the database's folder, SQLite's own -wal and -shm files aside."""
    return {p.name for p in db.parent.iterdir()} - {f"{db.name}-wal", f"{db.name}-shm"}


def attempts_in(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM attempts").fetchone()[0])


@pytest.mark.parametrize("name", ODD_NAMES)
def test_every_attempt_goes_into_the_file_named(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Simulate, quick start and back up through a path with ?, %, # or spaces: one file,
    that one, holds every attempt, and the backup copies it."""
    folder = tmp_path / "dbs"
    folder.mkdir()
    db = folder / name
    args = ["simulate", "modarith", "--kind", "lookup", "--items", "12", "--db", str(db)]
    assert main([*args, "--learner", "ann"]) == 0
    assert attempts_in(db) >= 12
    assert files_beside(db) == {name, f"{name}.live"}
    assert oct(db.stat().st_mode & 0o777) == oct(0o600)
    deck = load_deck("modarith")
    snapshot = read_snapshot(db, "ann", deck.fingerprint, "modarith")  # the fast path too
    assert snapshot is not None
    assert len(snapshot.past) == 12
    practice = quick_start(load_deck("modarith"), str(db), "ann")
    assert practice.claim is not None
    assert practice.claim.held
    practice.close("quit")
    backup = tmp_path / "backup.db"
    assert main(["db", "backup", str(backup), "--db", str(db)]) == 0
    assert attempts_in(backup) == attempts_in(db)
    assert files_beside(db) == {name, f"{name}.live"}
    capsys.readouterr()


@pytest.mark.parametrize("name", ODD_NAMES)
def test_a_path_and_its_url_name_the_same_file(tmp_path: Path, name: str) -> None:
    """A plain path and a `sqlite:///` URL with the name %-quoted name one file, for the
    store, the start-up fast path and the session claims alike."""
    path = tmp_path / name
    assert locate(str(path)).path == path
    assert sqlite_path(str(path)) == path
    url = f"sqlite:///{quote(str(path))}"
    assert locate(url).path == path
    assert sqlite_path(url) == path


@pytest.mark.parametrize(
    ("db", "drill_db", "url", "expected"),
    [
        ("flag.db", "env.db", "sqlite:///url.db", "flag.db"),
        (None, "env.db", "sqlite:///url.db", "env.db"),
        (None, None, "sqlite:///url.db", "url.db"),
        (None, None, None, None),
    ],
)
def test_one_precedence_for_the_store_and_the_fast_path(
    monkeypatch: pytest.MonkeyPatch, db: str | None, drill_db: str | None, url: str | None,
    expected: str | None,
) -> None:  # fmt: skip
    """`--db`, then $DRILL_DB, then $DRILL_DATABASE_URL, then the default file: the store
    and the stdlib fast path read the same one."""
    for name, value in (("DRILL_DB", drill_db), ("DRILL_DATABASE_URL", url)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    location = locate(db)
    assert location.path == sqlite_path(db)
    if expected is not None:
        assert location.path == Path(expected)
    assert location.chosen == (expected is not None)
