"""Files drill makes are its owner's only: the data folder, the database and its folders,
imported decks, backups; a backup replaces only a regular file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from drill.cli import main
from drill.store.history import History

FIXTURE = Path(__file__).parent / "fixtures" / "lichess-puzzles.csv"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def open_umask() -> object:
    """The most permissive usual umask, so only drill's own choices keep files private."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_new_database_and_its_folders_are_private(tmp_path: Path) -> None:
    """A new --db path: every folder drill creates is 0700, the file 0600."""
    db = tmp_path / "a" / "b" / "history.db"
    History.open(str(db)).close()
    assert mode(db) == 0o600
    assert mode(tmp_path / "a") == 0o700
    assert mode(tmp_path / "a" / "b") == 0o700


def test_an_empty_file_drill_fills_becomes_private(tmp_path: Path) -> None:
    """An existing empty 0644 file used as the database is made 0600 before any row."""
    db = tmp_path / "history.db"
    db.touch(mode=0o644)
    History.open(str(db)).close()
    assert mode(db) == 0o600


def test_imported_decks_are_private(drill_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`drill import` creates the data and deck folders 0700 and writes its files 0600."""
    assert main(["import", "lichess", str(FIXTURE), "--name", "lp"]) == 0
    assert mode(drill_home) == 0o700
    assert mode(drill_home / "decks") == 0o700
    assert mode(drill_home / "decks" / "lp.toml") == 0o600
    assert mode(drill_home / "decks" / "lp-puzzles.jsonl.gz") == 0o600
    assert not [p for p in (drill_home / "decks").iterdir() if p.name.startswith(".")]


def test_backup_force_replaces_only_a_regular_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`db backup --force` onto a FIFO is refused and the FIFO stays; a file is replaced."""
    db = tmp_path / "history.db"
    History.open(str(db)).close()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert main(["db", "backup", str(fifo), "--force", "--db", str(db)]) == 2
    assert "not a regular file" in capsys.readouterr().err
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    old = tmp_path / "old.db"
    old.write_bytes(b"old")
    assert main(["db", "backup", str(old), "--force", "--db", str(db)]) == 0
    assert mode(old) == 0o600


def test_report_and_study_report_files_are_private_and_never_replaced(tmp_path: Path) -> None:
    """`report --output` and `study report --output` write 0600 and refuse an existing file
    without --force (the report once replaced one, 0644); with --force they replace it."""
    from tests.command import run_drill

    db = str(tmp_path / "h.db")
    made = run_drill("simulate", "modarith", "--kind", "rule", "--items", "60", "--learner",
                     "ann", "--db", db)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert run_drill("study", "new", "s", "--deck", "modarith", "--arms", "protocol,few",
                     "--db", db, cwd=tmp_path).returncode == 0  # fmt: skip
    commands = {
        tmp_path / "r.svg": ["report", "modarith", "--learner", "ann", "--db", db],
        tmp_path / "s.txt": ["study", "report", "s", "--db", db],
    }
    for target, args in commands.items():
        done = run_drill(*args, "--output", str(target))
        assert done.returncode == 0, done.stderr
        assert mode(target) == 0o600
        target.write_text("mine")
        again = run_drill(*args, "--output", str(target))
        assert again.returncode == 2
        assert "already exists" in again.stderr
        assert target.read_text() == "mine"
        forced = run_drill(*args, "--output", str(target), "--force")
        assert forced.returncode == 0, forced.stderr
        assert target.read_text() != "mine"
        assert mode(target) == 0o600
