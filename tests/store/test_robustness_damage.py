"""Damaged, foreign, read-only and full databases: one clear line, a non-zero exit, no traceback.

Each case goes through the API (a `StoreError` that names the file and what to do) and
through the command line (`drill ...`: exit status 2, one line on stderr). A
database that cannot be used is never replaced by a new empty one.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from drill.store.database import StoreError
from drill.store.history import History
from tests.command import run_drill
from tests.store.test_history import attempt, new_session

IS_ROOT = os.geteuid() == 0
HAS_PSYCOPG = importlib.util.find_spec("psycopg") is not None


def drill(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as a person would run it (in this interpreter: tests/command.py)."""
    return run_drill(*args)


def assert_one_clear_line(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    """Exit status 2, no traceback, and one line on stderr that contains every needle."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def filled(path: Path, attempts: int = 30) -> Path:
    """A real drill database holding one learner's attempts, closed (WAL checkpointed)."""
    history = History.open(str(path))
    _, session_id = new_session(history, "ann")
    for n in range(1, attempts + 1):
        history.writer.record_attempt(session_id, attempt(n))
    history.close()
    return path


# -- damaged files -------------------------------------------------------------------------


def damage_truncated(path: Path) -> None:
    with path.open("r+b") as f:
        f.truncate(path.stat().st_size // 3)


def damage_header(path: Path) -> None:
    with path.open("r+b") as f:
        f.write(b"\xff" * 100)


def damage_pages(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.seek(4096)
        f.write(os.urandom(size - 4096))


DAMAGE = {"truncated": damage_truncated, "header": damage_header, "pages": damage_pages}


@pytest.mark.parametrize("how", sorted(DAMAGE))
def test_a_damaged_drill_database(db_path: Path, how: str) -> None:
    """A truncated or overwritten drill database is refused, untouched, by the API and the CLI."""
    filled(db_path)
    DAMAGE[how](db_path)
    before = db_path.read_bytes()

    def open_and_read() -> None:
        history = History.open(str(db_path))
        list(history.export())  # damage past the first pages shows when the rows are read

    with pytest.raises(StoreError, match="damaged") as raised:
        open_and_read()
    assert str(db_path) in str(raised.value)
    assert_one_clear_line(drill("export", "--db", str(db_path)), str(db_path), "damaged")
    result = drill("db", "check", "--db", str(db_path))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert db_path.read_bytes() == before


def damage_one_page(path: Path, page: int = 10) -> None:
    """4 KiB of random bytes over one page in the middle of a good history."""
    with path.open("r+b") as f:
        f.seek(4096 * (page - 1))
        f.write(os.urandom(4096))


WRITING = [
    ["simulate", "modarith", "--kind", "rule", "--items", "5", "--learner", "f"],
    ["db", "upgrade"],
    ["rule", "modarith", "--force"],
    ["study", "new", "s1", "--deck", "modarith", "--arms", "protocol,narrated"],
]
READING = [
    ["export"],
    ["export", "--format", "csv"],
    ["learners"],
    ["report", "modarith"],
    ["rule", "modarith"],
    ["study", "status", "s1"],
    ["study", "report", "s1"],
]


def test_one_damaged_page_is_never_written(db_path: Path) -> None:
    """One damaged page in the middle of a good history: every writing command refuses it in
    one line before writing a byte (simulate once added a learner to it); a reading command
    refuses it too, or reads what SQLite can read (export's and rule's stdlib paths), and
    never writes."""
    filled(db_path, attempts=400)
    assert db_path.stat().st_size > 4096 * 12
    damage_one_page(db_path)
    before = db_path.read_bytes()
    for args in WRITING:
        result = drill(*args, "--db", str(db_path))
        assert_one_clear_line(result, str(db_path), "damaged")
        assert db_path.read_bytes() == before, args
    for args in READING:
        result = drill(*args, "--db", str(db_path))
        if result.returncode == 2 or result.stderr:  # refused: one line; else read as is
            assert_one_clear_line(result, str(db_path), "damaged")
        assert db_path.read_bytes() == before, args
    result = drill("db", "check", "--db", str(db_path))
    assert result.returncode == 1
    assert "integrity check failed" in result.stdout
    assert db_path.read_bytes() == before


def test_reading_commands_leave_an_empty_file_empty(db_path: Path) -> None:
    """A 0-byte file: the reading commands say what it is and leave it 0 bytes (export once
    made it a 114,688-byte database and `db check` then called it healthy)."""
    db_path.write_bytes(b"")
    for args in READING:
        result = drill(*args, "--db", str(db_path))
        assert_one_clear_line(result, str(db_path), "empty file (0 bytes)")
        assert db_path.stat().st_size == 0, args
    result = drill("db", "check", "--db", str(db_path))
    assert result.returncode == 1
    assert "empty file (0 bytes)" in result.stdout
    assert db_path.stat().st_size == 0
    assert sorted(p.name for p in db_path.parent.iterdir()) == [db_path.name]  # no -wal


def test_cli_refuses_what_the_api_refuses(db_path: Path, tmp_path: Path) -> None:
    """Not a database, a newer drill's, someone else's tables, a folder: each one line, exit 2."""
    notes = tmp_path / "notes.db"
    notes.write_text("my notes\n" * 500)
    newer = filled(tmp_path / "newer.db", 1)
    conn = sqlite3.connect(newer)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()  # the last connection out checkpoints the WAL into the file
    foreign = tmp_path / "recipes.db"
    conn = sqlite3.connect(foreign)
    with conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()
    cases = {
        notes: "not a drill database",
        newer: "newer drill",
        foreign: "not drill's",
        tmp_path: "is a folder",
    }
    for path, message in cases.items():
        before = path.read_bytes() if path.is_file() else None
        assert_one_clear_line(drill("export", "--db", str(path)), str(path), message)
        assert (path.read_bytes() if path.is_file() else None) == before


def test_an_empty_file_is_the_only_thing_made_new(db_path: Path) -> None:
    """A zero-byte file (e.g. from `touch`) becomes a database; anything with bytes never does."""
    db_path.touch()
    History.open(str(db_path)).close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)


# -- read-only files and folders, as a user whom permissions bind -------------------------


@pytest.fixture
def unprivileged() -> Iterator[tuple[list[str], Path]]:
    """A command prefix that runs as `nobody`, and a folder it can use; skips where impossible.

    Root ignores file permissions, so a read-only test run as root proves nothing. If we
    are root and `setpriv` can drop to nobody (and nobody can run this Python), we do that.
    If we are not root, permissions already bind us and no prefix is needed.
    """
    folder = Path(tempfile.mkdtemp(prefix="drill-ro-"))
    folder.chmod(0o777)
    if not IS_ROOT:
        yield [], folder
    else:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root and setpriv is missing: cannot test permissions")
        prefix = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        probe = subprocess.run(
            [*prefix, sys.executable, "-c", "import drill.store.history"],
            capture_output=True,
            check=False,
        )
        if probe.returncode != 0:
            pytest.skip("running as root, and nobody cannot run drill from this environment")
        yield prefix, folder
    subprocess.run(["chmod", "-R", "u+rwX", str(folder)], check=False)
    shutil.rmtree(folder, ignore_errors=True)


def as_user(prefix: list[str], folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(folder), "DRILL_HOME": str(folder / "home")}
    return subprocess.run(
        [*prefix, sys.executable, "-m", "drill", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def give_to_user(prefix: list[str], path: Path) -> None:
    if prefix:
        shutil.chown(path, "nobody", "nogroup")


def test_a_read_only_file(unprivileged: tuple[list[str], Path]) -> None:
    """A read-only database can be exported; writing to it says the file is read-only."""
    prefix, folder = unprivileged
    path = filled(folder / "ro.db")
    give_to_user(prefix, path)
    path.chmod(0o400)
    before = path.read_bytes()
    exported = as_user(prefix, folder, "export", "--db", str(path))
    assert exported.returncode == 0, exported.stderr
    assert len(exported.stdout.splitlines()) == 30
    written = as_user(
        prefix, folder, "simulate", "modarith", "--kind", "lookup", "--items", "5",
        "--json", "--db", str(path),
    )  # fmt: skip
    assert_one_clear_line(written, str(path), "read-only", "chmod u+w")
    assert path.read_bytes() == before


def test_a_read_only_folder(unprivileged: tuple[list[str], Path]) -> None:
    """In a read-only folder a database can neither be created nor given its journal."""
    prefix, folder = unprivileged
    locked = folder / "locked"
    locked.mkdir()
    path = filled(locked / "h.db")
    give_to_user(prefix, path)
    give_to_user(prefix, locked)
    locked.chmod(0o555)
    result = as_user(prefix, folder, "export", "--db", str(path))
    assert_one_clear_line(result, str(path), "folder", "read-only", "writable")
    new = (
        "simulate",
        "modarith",
        "--kind",
        "lookup",
        "--items",
        "1",
        "--db",
        str(locked / "new.db"),
    )
    created = as_user(prefix, folder, *new)
    assert_one_clear_line(created, str(locked / "new.db"), "cannot create")
    assert not (locked / "new.db").exists()


def test_an_unreadable_file(unprivileged: tuple[list[str], Path]) -> None:
    """Someone else's private database: the message says it may not be read."""
    prefix, folder = unprivileged
    if not prefix:
        pytest.skip("needs root to make a file that belongs to someone else")
    path = filled(folder / "theirs.db")
    path.chmod(0o600)  # root's, and private
    result = as_user(prefix, folder, "export", "--db", str(path))
    assert_one_clear_line(result, str(path), "may not read")


# -- a full disk ------------------------------------------------------------------------------


def test_a_full_disk_simulated_keeps_every_committed_attempt(db_path: Path) -> None:
    """SQLITE_FULL (forced with PRAGMA max_page_count) is one clear error; earlier rows survive.

    A simulation of a full disk that works anywhere: the pages the file may have are capped
    at what it has now, so the next writes that need a page fail as a full disk does.
    """
    filled(db_path, 5)
    history = History.open(str(db_path))

    @event.listens_for(history.engine, "connect")
    def _cap(dbapi_connection: object, _record: object) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]  # type: ignore[attr-defined]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")  # type: ignore[attr-defined]

    history.engine.dispose()  # new connections get the cap
    _, session_id = new_session(history, "bob")

    def write_until_full() -> None:
        for n in range(1, 5000):
            history.writer.record_attempt(session_id, attempt(n, response="x" * 500))

    with pytest.raises(StoreError, match="disk is full") as raised:
        write_until_full()
    assert str(db_path) in str(raised.value)
    history.close()
    reopened = History.open(str(db_path))
    rows = list(reopened.export())
    assert len([r for r in rows if r["learner"] == "ann"]) == 5
    with reopened.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


@pytest.fixture
def tiny_disk() -> Iterator[Path]:
    """A 4 MB tmpfs mounted for this test; skips where mounting is not allowed."""
    if not IS_ROOT or shutil.which("mount") is None:
        pytest.skip("mounting a small file system needs root")
    mountpoint = Path(tempfile.mkdtemp(prefix="drill-full-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mountpoint)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        mountpoint.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", str(mountpoint)], check=False)
        mountpoint.rmdir()


def test_a_really_full_disk(tiny_disk: Path) -> None:
    """On a full file system, a writing command says so in one line; what it wrote stays."""
    path = tiny_disk / "h.db"
    simulate = ("simulate", "modarith", "--kind", "lookup", "--json", "--db", str(path))
    first = drill(*simulate, "--items", "5")
    assert first.returncode == 0, first.stderr
    filler = tiny_disk / "filler"
    try:
        with filler.open("wb") as f:
            while True:
                f.write(b"\0" * 4096)
                f.flush()
    except OSError:
        pass  # full
    result = drill(*simulate, "--items", "3000")
    assert_one_clear_line(result, str(path), "disk is full", "free some space")
    filler.unlink()
    exported = drill("export", "--db", str(path))
    assert exported.returncode == 0, exported.stderr
    assert len(exported.stdout.splitlines()) >= 5
    check = drill("db", "check", "--db", str(path))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "integrity      ok" in check.stdout


# -- privacy: a URL's password never appears ------------------------------------------------

SECRET = "s3cret-Pa55"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+psycopg://ann:{SECRET}@127.0.0.1:1/drill",  # nothing listens on port 1
        f"postgresql+nosuchdriver://ann:{SECRET}@127.0.0.1/drill",
        f"mysql+nosuchdriver://ann:{SECRET}@127.0.0.1/drill",
        f"postgresql+psycopg://ann:{SECRET}@[not a host/drill",
    ],
)
def test_passwords_never_appear_in_messages(url: str) -> None:
    """Every way a server URL can fail, through the API and the CLI, hides the password."""
    with pytest.raises(StoreError) as raised:
        History.open(url)
    assert SECRET not in str(raised.value)
    result = drill("export", "--db", url)
    assert result.returncode == 2
    assert SECRET not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_every_file_of_a_new_database_is_private(tmp_path: Path) -> None:
    """The database, its WAL and shared-memory files, the folder of its locks and a new
    folder are the owner's only."""
    folder = tmp_path / "new-folder"
    path = folder / "h.db"
    history = History.open(str(path))
    _, session_id = new_session(history, "ann")
    history.writer.record_attempt(session_id, attempt(1))
    modes = {
        p.name: stat.S_IMODE(p.stat().st_mode)
        for p in folder.iterdir()
        if p.name.startswith("h.db")
    }
    history.close()
    assert modes == {"h.db": 0o600, "h.db-wal": 0o600, "h.db-shm": 0o600, "h.db.live": 0o700}
    assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0


@pytest.mark.postgres
@pytest.mark.skipif(
    not HAS_PSYCOPG, reason="psycopg is not installed (pip install -e '.[postgres]')"
)
def test_server_problems_say_what_to_do() -> None:
    """No server listening: what is wrong and what to check."""
    with pytest.raises(StoreError, match="cannot connect to the database server") as raised:
        History.open(f"postgresql+psycopg://ann:{SECRET}@127.0.0.1:1/drill")
    assert "check the URL" in str(raised.value)


def test_a_missing_driver_says_how_to_install_it() -> None:
    """A driver that is not installed: the message says which extra to install."""
    missing = ["pg8000"] if importlib.util.find_spec("pg8000") is None else []
    if not HAS_PSYCOPG:  # drill's own driver, in the postgres extra
        missing.append("psycopg")
    if not missing:
        pytest.skip("pg8000 and psycopg are both installed: no driver is missing")
    for driver in missing:
        with pytest.raises(StoreError, match=r"pip install 'drill\[postgres\]'"):
            History.open(f"postgresql+{driver}://ann:{SECRET}@127.0.0.1:1/drill")
