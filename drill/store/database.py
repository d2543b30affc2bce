"""Opening the history database: where it is, how SQLite is set up, and upgrades.

Start-up matters, so opening reads the schema revision with one query and imports
Alembic only when the database is new or older than this drill. Every failure a person
can meet (not a database, a newer drill's database, a read-only or locked file, a full
disk) becomes a `StoreError`: one line that names the database and what to do.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from drill.errors import UserError
from drill.files import database_file_problem, private_dir
from drill.resources import migrations_dir
from drill.store.quick import default_path, history_spec
from drill.store.schema import HEAD, SCHEMA_REVISIONS

BUSY_TIMEOUT_MS = 10_000
SYNCHRONOUS = "FULL"
"""FULL: a committed attempt survives power loss too, at one fsync an answer. The tests
lower it for their own process (tests/conftest.py); drill never does."""
WRITE_RETRIES = 5
UPGRADE_WAIT_S = 120.0
"""How long a drill waits for another's schema upgrade (a large history takes a while)."""

T = TypeVar("T")


class StoreError(UserError):
    """The history database cannot be used; the message says which and what to do."""


SECRET_QUERY_KEYS = frozenset({"password", "passwd", "pass", "sslpassword", "pwd"})
"""Query-string keys that hold a password (libpq accepts ?password=)."""

DIALECTS = frozenset({"postgres", "postgresql", "sqlite", "mysql", "mariadb", "oracle", "mssql"})
"""Schemes that make a `--db` value a URL even when mistyped (`postgresql:/u:pw@h/x`)."""

URL_HELP = "expected sqlite:///PATH or postgresql+psycopg://USER@HOST/NAME"


@dataclass(frozen=True)
class DatabaseLocation:
    url: URL
    path: Path | None
    """The file, for SQLite on disk; None for other servers and in-memory databases."""
    chosen: bool = True
    """Named by --db or the environment; False for the default file in the data folder."""

    @property
    def display(self) -> str:
        """For messages: the file path, or the URL with any password hidden."""
        if self.path is not None:
            return str(self.path)
        return shown_url(self.url)

    def secrets(self) -> list[str]:
        """The URL's passwords, which no message may contain."""
        found = [str(self.url.password)] if self.url.password else []
        for key, value in self.url.query.items():
            if key.lower() in SECRET_QUERY_KEYS:
                found += [value] if isinstance(value, str) else list(value)
        return [v for v in found if v]


def shown_url(url: URL) -> str:
    """The URL with its password and any password in the query string as ***."""
    query = {k: ("***" if k.lower() in SECRET_QUERY_KEYS else v) for k, v in url.query.items()}
    return url.set(query=query).render_as_string(hide_password=True).replace("%2A%2A%2A", "***")


def locate(db: str | None = None) -> DatabaseLocation:
    """`--db` (a path or a URL), else $DRILL_DB, else $DRILL_DATABASE_URL, else the default.

    A URL must name a backend drill supports (SQLite, or PostgreSQL through psycopg 3);
    anything else is refused in one line rather than taken for a local file name."""
    if db is not None and not db.strip():  # before the precedence, which skips empty text
        raise StoreError("--db: expected a database file's path or a URL, got nothing")
    spec, from_env_url = history_spec(db)
    scheme = spec.partition(":")[0].partition("+")[0].lower() if spec and ":" in spec else ""
    if spec and ("://" in spec or from_env_url or scheme in DIALECTS):
        url = _parse_url(spec, "DRILL_DATABASE_URL" if from_env_url else "the database URL")
        database = url.database
        if url.get_backend_name() == "sqlite" and database and database != ":memory:":
            return DatabaseLocation(url, Path(database).expanduser())
        return DatabaseLocation(url, None)
    path = Path(spec).expanduser() if spec else default_path()  # a file, even a:b.db
    _refuse_odd_file(path)
    # URL.create, not text: a path with ?, %, # or spaces in it is that file, not a query.
    return DatabaseLocation(URL.create("sqlite", database=str(path)), path, chosen=bool(spec))


def _refuse_odd_file(path: Path) -> None:
    problem = database_file_problem(path)
    if problem is not None:
        raise StoreError(f"{path}: {problem}")


def _parse_url(spec: str, what: str) -> URL:
    """A URL drill can open, else StoreError (never repeating the text: it may hold a
    password)."""
    try:
        url = make_url(spec) if "://" in spec else None
    except Exception:  # SQLAlchemy raises ArgumentError, but be safe for any text
        url = None
    if url is None:
        raise StoreError(f"{what} is not a database URL ({URL_HELP})")
    backend, driver = url.get_backend_name(), url.get_driver_name()
    if backend == "sqlite":
        if url.username or url.password or url.host or url.port:
            raise StoreError(f"{what}: a sqlite URL names a file, not a server ({URL_HELP})")
        if url.query:
            keys = ", ".join(sorted(url.query))
            raise StoreError(f"{what}: drill sets SQLite's options itself; remove ?{keys}")
        return url
    if backend == "postgresql":
        if "+" not in url.drivername:  # SQLAlchemy would pick psycopg2; drill ships psycopg 3
            return url.set(drivername="postgresql+psycopg")
        if driver != "psycopg":
            raise StoreError(
                f"{what}: drill talks to PostgreSQL through psycopg 3, not {driver}; "
                "write postgresql+psycopg:// and install it with: pip install 'drill[postgres]'"
            )
        return url
    raise StoreError(f"{what}: drill supports SQLite and PostgreSQL, not {backend} ({URL_HELP})")


def _prepare_file(path: Path) -> bool:
    """Create the folders and an empty file readable by their owner only; True if new."""
    if path.exists():
        if path.is_dir():
            raise StoreError(f"{path}: is a folder, not a database file; give a file path")
        if path.stat().st_size == 0:
            try:  # an empty file drill is about to fill: the history is the owner's only
                os.chmod(path, 0o600)
            except OSError:
                pass
            return True
        return False
    try:
        private_dir(path.parent)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        return False
    except OSError as err:
        raise StoreError(
            f"{path}: cannot create the database ({err.strerror}); "
            "check the folder's permissions or choose another with --db"
        ) from None
    return True


_TABLES_SQL = "SELECT name FROM sqlite_master WHERE type = 'table'"


def _sqlite_engine(location: DatabaseLocation, *, read: bool = False) -> Engine:
    engine = create_engine(
        location.url,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN, so writers can take the write
        # lock up front (BEGIN IMMEDIATE) and wait on the busy timeout instead of failing.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if location.path is not None:
            # WAL is written into the file's header: never into someone else's database.
            # A reading command sets it only on drill's own tables: it never writes a file
            # that holds no history yet.
            tables = {row[0] for row in cursor.execute(_TABLES_SQL)}
            if (not tables and not read) or {"alembic_version", "learners"} <= tables:
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("drill_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _nearly_full(folder: Path) -> bool:
    """Less than a megabyte free: SQLite's write errors there mean a full disk."""
    try:
        stats = os.statvfs(folder)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < 1 << 20


def _permission_problem(path: Path) -> str | None:
    """What the file system forbids here, said as what to change; None if nothing."""
    folder = path.parent
    if path.exists() and not os.access(path, os.R_OK):
        return "you may not read this file; fix its permissions (chmod u+rw)"
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only; make it writable (chmod u+w)"
    if not os.access(folder, os.W_OK | os.X_OK):
        return (
            f"its folder {folder} is read-only, and SQLite keeps its journal "
            f"({path.name}-wal) beside the file; make the folder writable"
        )
    return None


def _seconds(waited: float) -> str:
    return f"{waited:.1f} s" if waited < 10 else f"{waited:.0f} s"


def explain(
    error: BaseException, location: DatabaseLocation, waited: float | None = None
) -> StoreError:
    """Turn a database driver's error into one line a person can act on, with any of the
    URL's passwords hidden (a driver may repeat them); `waited` is how long it was tried,
    for a lock (the busy timeout if not known)."""
    message = str(_explain(error, location, waited))
    for secret in location.secrets():
        message = message.replace(secret, "***")
    return StoreError(" ".join(message.split()))


def _explain(
    error: BaseException, location: DatabaseLocation, waited: float | None = None
) -> StoreError:
    where = location.display
    text = str(getattr(error, "orig", error)).lower()
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return damaged(location)
    permission = _permission_problem(location.path) if location.path is not None else None
    if permission and ("readonly" in text or "read-only" in text or "unable to open" in text):
        return StoreError(f"{where}: {permission}, or choose another with --db")
    if "readonly" in text or "read-only" in text:
        return StoreError(
            f"{where}: the database is read-only; make the file and its folder writable, "
            "or choose another with --db"
        )
    if "locked" in text or "busy" in text:
        return StoreError(
            f"{where}: the database stayed locked by another program for "
            f"{_seconds(BUSY_TIMEOUT_MS / 1000 if waited is None else waited)}; "
            "close it and try again"
        )
    full = location.path is not None and _nearly_full(location.path.parent)
    if (
        "disk is full" in text
        or ("full" in text and "database" in text)
        or ("disk i/o error" in text and full)
    ):
        return StoreError(f"{where}: the disk is full; free some space and try again")
    if "disk i/o error" in text:
        return StoreError(
            f"{where}: the disk reported an error reading or writing the database; "
            "check the disk, then run `drill db check`"
        )
    if "unable to open" in text:
        return StoreError(
            f"{where}: cannot open the database; check that the folder exists and is writable"
        )
    first_line = str(getattr(error, "orig", error)).splitlines()[0] if str(error) else ""
    if location.path is None and "connection" in text:
        detail = " ".join(first_line.split()).removeprefix("connection failed: ")
        return StoreError(
            f"{where}: cannot connect to the database server ({detail}); check the URL "
            "(--db or DRILL_DATABASE_URL) and that the server is running"
        )
    return StoreError(f"{where}: database error: {first_line or type(error).__name__}")


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision stamped in the database; None for a database with no tables."""
    from sqlalchemy import inspect

    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        ours = "learners" in tables and "attempts" in tables
        if "alembic_version" in tables and (ours or tables == {"alembic_version"}):
            row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
            if row is None and ours:
                raise StoreError("__unversioned__")
            return None if row is None else str(row[0])
        if ours:
            raise StoreError("__unversioned__")
        if tables:  # including another program's Alembic database
            raise StoreError("__foreign__")
        return None


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run Alembic's upgrade; imported only here, off the usual start-up path."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def connect(location: DatabaseLocation, *, read: bool = False) -> Engine:
    """An engine on the database (a new SQLite file is created, unless only to `read`),
    its schema not yet checked."""
    if location.path is not None:
        if read:
            refuse_empty(location.path)
        else:
            _prepare_file(location.path)
        return _sqlite_engine(location, read=read)
    if location.url.get_backend_name() == "sqlite":
        # In memory: one database that every thread sees (the home and summary screens
        # read it in a worker), not one per thread.
        from sqlalchemy.pool import StaticPool

        args = {"check_same_thread": False}
        return create_engine(location.url, poolclass=StaticPool, connect_args=args)
    try:
        return create_engine(location.url, pool_pre_ping=True)
    except (SQLAlchemyError, ImportError) as err:
        hint = ""
        if isinstance(err, ImportError) and location.url.get_backend_name() == "postgresql":
            hint = "; install PostgreSQL support with: pip install 'drill[postgres]'"
        raise StoreError(f"{location.display}: cannot use this database URL: {err}{hint}") from None


def schema_revision(engine: Engine, location: DatabaseLocation) -> str | None:
    """The database's revision (None if empty); refuses someone else's tables."""
    try:
        return current_revision(engine)
    except StoreError as err:
        if str(err) == "__unversioned__":
            raise StoreError(
                f"{location.display}: drill's tables are here but not the schema version "
                "drill needs to upgrade them; restore a backup, or move the file aside"
            ) from None
        raise StoreError(
            f"{location.display}: this database holds tables that are not drill's; "
            "choose another with --db"
        ) from None


def _refuse_newer(revision: str | None, location: DatabaseLocation) -> None:
    if revision is not None and revision not in SCHEMA_REVISIONS:
        raise StoreError(
            f"{location.display}: this database was written by a newer drill "
            f"(schema {revision}); upgrade drill to use it"
        )


def upgrade_in_turn(engine: Engine, location: DatabaseLocation) -> str | None:
    """Upgrade to head under the upgrade lock (drill.store.upgrade_lock), so that drills
    opening the database at once upgrade it once; returns the revision found under the
    lock (the head, if another drill upgraded it while this one waited)."""
    from drill.store.upgrade_lock import UpgradeLockTimeoutError, upgrade_lock

    try:
        with upgrade_lock(engine, location.path, UPGRADE_WAIT_S):
            revision = schema_revision(engine, location)
            _refuse_newer(revision, location)
            if revision != HEAD:
                upgrade(engine)
            return revision
    except UpgradeLockTimeoutError as timeout:
        raise StoreError(
            f"{location.display}: another drill kept upgrading this database for "
            f"{_seconds(timeout.waited)}; let it finish and try again"
        ) from None


EMPTY_FILE = "an empty file (0 bytes), not a drill history"


def refuse_empty(path: Path) -> None:
    """A reading command never turns a 0-byte file into a database: it says what it is."""
    try:
        empty = path.stat().st_size == 0
    except OSError:
        return  # missing: the caller says so
    if empty and path.is_file():
        raise StoreError(
            f"{path}: {EMPTY_FILE}; `drill start DECK` or `drill db upgrade` makes it one"
        )


def damaged(location: DatabaseLocation) -> StoreError:
    return StoreError(
        f"{location.display}: this file is not a drill database or is damaged; "
        "move it aside (drill will not overwrite it) or choose another with --db"
    )


def check_intact(engine: Engine, location: DatabaseLocation) -> None:
    """SQLite's quick check before anything is written: a damaged file is refused, never
    written into (a new learner once went into a file whose page 10 was random bytes).
    It reads every page once (see docs/benchmarks.md for its cost)."""
    if location.path is None:
        return
    with engine.connect() as conn:
        found = [str(row[0]) for row in conn.exec_driver_sql("PRAGMA quick_check(1)")]
    if found != ["ok"]:
        raise damaged(location)


def open_engine(
    location: DatabaseLocation, *, upgrade_schema: bool = True, read: bool = False
) -> Engine:
    """An engine on a database at the head revision, creating or upgrading it as needed.

    Every open of an existing file checks it first (`check_intact`). With `read` (the
    reading commands) no file is created or filled: a 0-byte file or an empty database is
    refused; an older schema is upgraded through the same locked path as `drill start`."""
    started = time.monotonic()
    fresh = location.path is not None and _is_new(location.path)
    engine = connect(location, read=read)
    try:
        if not fresh:
            check_intact(engine, location)
        revision = schema_revision(engine, location)
        if revision == HEAD:
            return engine
        if revision is None and read:
            raise StoreError(
                f"{location.display}: holds no drill history yet; `drill start DECK` begins one"
            )
        _refuse_newer(revision, location)
        if not upgrade_schema:
            raise StoreError(
                f"{location.display}: the database needs an upgrade; run `drill db upgrade`"
            )
        upgrade_in_turn(engine, location)
        return engine
    except StoreError:
        engine.dispose()
        raise
    except (DBAPIError, OperationalError, OSError) as err:
        engine.dispose()
        raise explain(err, location, waited=time.monotonic() - started) from None


def _is_new(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except OSError:
        return True


def retry_busy(action: Callable[[], T], location: DatabaseLocation) -> T:
    """Run a write, retrying a few times where SQLite reports the database busy."""
    delay = 0.05
    started = time.monotonic()
    for attempt in range(WRITE_RETRIES):
        try:
            return action()
        except OperationalError as err:
            text = str(err.orig).lower()
            if ("locked" not in text and "busy" not in text) or attempt == WRITE_RETRIES - 1:
                raise explain(err, location, waited=time.monotonic() - started) from None
            time.sleep(delay)
            delay *= 2
        except DBAPIError as err:
            raise explain(err, location) from None
    raise AssertionError("unreachable")


@contextmanager
def translated_errors(location: DatabaseLocation) -> Iterator[None]:
    """Turn any database error inside the block into a StoreError."""
    try:
        yield
    except StoreError:
        raise
    except (DBAPIError, OperationalError) as err:
        raise explain(err, location) from None
