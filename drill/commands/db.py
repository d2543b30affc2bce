"""Manage the history database yourself: upgrade its schema, check it, back it up.

`drill db upgrade` runs the schema migrations and says from which revision to which.
`drill db check` reports the revision, SQLite's integrity check and the row counts, and
exits with status 1 if anything is wrong. `drill db backup PATH` writes a consistent copy
with SQLite's backup API (safe while another drill is writing); it never overwrites an
existing file unless given `--force`. None of them creates a database that does not exist.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy import Engine

    from drill.store.database import DatabaseLocation

TABLES = ("learners", "sessions", "attempts", "events", "reference_runs", "deck_states")
"""The tables whose rows `drill db check` counts."""


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, summary in (
        ("upgrade", "upgrade the database to this drill's schema"),
        ("check", "report the schema revision, integrity and row counts"),
        ("backup", "write a consistent copy of a SQLite database to PATH"),
    ):
        sub = actions.add_parser(name, help=summary, description=summary)
        if name == "backup":
            sub.add_argument("path", metavar="PATH", help="the file to write")
            sub.add_argument(
                "--force", action="store_true", help="replace PATH if it already exists"
            )
        sub.add_argument(
            "--db",
            metavar="PATH",
            default=None,
            help="the history database (default: $DRILL_DB, $DRILL_DATABASE_URL, "
            "or drill.db in your user data folder)",
        )


def run(args: argparse.Namespace) -> int:
    from drill.store.database import locate

    location = locate(args.db)
    if location.path is not None and not location.path.is_file():
        from drill.store.database import StoreError

        if location.path.is_dir():
            what = "is a folder, not a database file; give the database's path with --db"
        elif location.chosen:
            what = "no such file; give the database's path with --db"
        else:
            what = "no history yet (nothing drilled here); `drill start DECK` begins one"
        raise StoreError(f"{location.display}: {what}")
    action: int = {"upgrade": upgrade, "check": check, "backup": backup}[args.action](
        args, location
    )
    return action


def _engine(location: DatabaseLocation, *, read: bool = True) -> tuple[Engine, str | None]:
    """An engine on the existing database and its revision; refuses a newer drill's. Only
    `upgrade` (read=False) may fill a 0-byte file."""
    from drill.store.database import StoreError, connect, schema_revision, translated_errors
    from drill.store.schema import SCHEMA_REVISIONS

    engine = connect(location, read=read)
    try:
        with translated_errors(location):
            revision = schema_revision(engine, location)
    except StoreError:
        engine.dispose()
        raise
    if revision is not None and revision not in SCHEMA_REVISIONS:
        engine.dispose()
        raise StoreError(
            f"{location.display}: this database was written by a newer drill "
            f"(schema {revision}); upgrade drill to use it"
        )
    return engine, revision


def upgrade(args: argparse.Namespace, location: DatabaseLocation) -> int:
    from drill.store import database
    from drill.store.schema import HEAD

    if location.path is not None and location.path.stat().st_size > 0:
        integrity = _integrity(location.path)
        if integrity != "ok":  # never upgrade (write) a damaged file
            raise database.damaged(location)
    engine, before = _engine(location, read=False)
    try:
        if before == HEAD:
            print(f"{location.display}: already at schema {HEAD}; nothing to do")
            return 0
        with database.translated_errors(location):
            before = database.upgrade_in_turn(engine, location)
        if before == HEAD:  # another drill upgraded it while this one waited
            print(f"{location.display}: already at schema {HEAD}; nothing to do")
            return 0
    finally:
        engine.dispose()
    print(f"{location.display}: upgraded from schema {before or '(empty)'} to {HEAD}")
    return 0


def check(args: argparse.Namespace, location: DatabaseLocation) -> int:
    from sqlalchemy import text

    from drill.store.database import EMPTY_FILE, StoreError, translated_errors
    from drill.store.schema import HEAD

    if location.path is not None and location.path.stat().st_size == 0:
        problem = f"{EMPTY_FILE}: it holds no history; `drill db upgrade` makes it one"
        print(f"{'database':<15}{location.display}")
        print(f"{'schema':<15}none (0 bytes)")
        print(f"{'integrity':<15}not checked ({EMPTY_FILE})")
        print(f"problem: {problem}")
        return 1
    integrity = _integrity(location.path) if location.path is not None else None
    try:
        engine, revision = _engine(location)
    except StoreError:
        if integrity is None or integrity == "ok":
            raise  # not a database at all, or a problem the integrity check does not see
        return _report(location.display, "unknown (the file is damaged)", integrity, {}, [])
    problems: list[str] = []
    counts: dict[str, int] = {}
    try:
        with translated_errors(location), engine.connect() as conn:
            if location.path is None:
                conn.execute(text("SELECT 1"))
                integrity = "not checked (a server checks its own storage)"
            readable = revision is not None and (integrity == "ok" or location.path is None)
            for table in TABLES if readable else ():  # a damaged file's rows may not be read
                if conn.dialect.has_table(conn, table):
                    found = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                    counts[table] = int(found or 0)
    finally:
        engine.dispose()
    if revision != HEAD:
        problems.append(f"schema {revision or '(empty)'} is not {HEAD}: run `drill db upgrade`")
    known = {HEAD: f"{HEAD} (this drill's)", None: "none (an empty database)"}
    shown = known.get(revision, f"{revision} (older than this drill)")
    return _report(location.display, shown, integrity or "could not be run", counts, problems)


def _integrity(path: Path) -> str | None:
    """SQLite's integrity check, read-only: "ok", its first findings, or None when the file
    cannot be read as a database at all."""
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            found = [str(r[0]) for r in conn.execute("PRAGMA integrity_check(5)")]
        finally:
            conn.close()
    except sqlite3.Error as err:  # a damaged page can stop the check itself
        text = " ".join(str(err).split())
        return None if "not a database" in text or "unable to open" in text else text
    return "ok" if found == ["ok"] else "; ".join(" ".join(f.split()) for f in found)


def _report(
    where: str, schema: str, integrity: str, counts: dict[str, int], problems: list[str]
) -> int:
    """Print the check; status 1 if anything is wrong."""
    if integrity != "ok" and not integrity.startswith("not checked"):
        problems = [
            *problems,
            f"integrity check failed: {integrity}; back up what you can "
            "(drill db backup) and move the file aside",
        ]
    print(f"{'database':<15}{where}")
    print(f"{'schema':<15}{schema}")
    print(f"{'integrity':<15}{integrity}")
    for table, count in counts.items():
        print(f"{table:<15}{count:,}")
    for problem in problems:
        print(f"problem: {problem}")
    return 1 if problems else 0


def backup(args: argparse.Namespace, location: DatabaseLocation) -> int:
    from pathlib import Path

    from drill.errors import UserError
    from drill.files import is_regular
    from drill.store.database import StoreError

    if location.path is None:
        raise StoreError(
            f"{location.display}: drill backs up SQLite files only; "
            "use the server's own tools (e.g. pg_dump)"
        )
    target = Path(args.path).expanduser()
    if target.is_dir():
        raise UserError(f"{target}: is a folder; give the backup's file name")
    if (target.exists() or target.is_symlink()) and not is_regular(target):
        raise UserError(f"{target}: not a regular file; a backup replaces only a regular file")
    if target.exists() and not args.force:
        raise UserError(f"{target}: already exists; choose another name or add --force")
    if target.resolve() == location.path.resolve():
        raise UserError(f"{target}: is the database itself; choose another name")
    engine, _revision = _engine(location)  # refuses what is not a drill database
    engine.dispose()
    pages = _copy(location, target)
    print(f"backed up {location.display} to {target} ({pages:,} pages)")
    return 0


def _copy(location: DatabaseLocation, target: Path) -> int:
    """Copy with sqlite3's backup API into a private temporary file, then move it in place."""
    import os
    import sqlite3
    import tempfile

    from drill.errors import UserError
    from drill.store.database import BUSY_TIMEOUT_MS, explain

    assert location.path is not None
    try:
        fd, temp_name = tempfile.mkstemp(prefix=".drill-backup-", dir=target.parent or ".")
    except OSError as err:
        raise UserError(f"{target}: cannot write here ({err.strerror})") from None
    os.close(fd)  # mkstemp makes it 0600, as a history file should be
    try:
        source = sqlite3.connect(location.path, timeout=BUSY_TIMEOUT_MS / 1000)
        copy = sqlite3.connect(temp_name)
        try:
            source.backup(copy)
            pages = int(copy.execute("PRAGMA page_count").fetchone()[0])
        finally:
            copy.close()
            source.close()
        os.replace(temp_name, target)
    except sqlite3.Error as err:
        os.unlink(temp_name)
        raise explain(err, location) from None
    except OSError as err:
        os.unlink(temp_name)
        raise UserError(f"{target}: cannot write the backup ({err.strerror})") from None
    return pages
