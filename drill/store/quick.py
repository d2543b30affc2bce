"""The start-up fast path: what the engine needs before the first item, via stdlib sqlite3.

SQLAlchemy takes about a quarter of a second to import. `drill start` reads the learner's
past outcomes here, shows the first item, and opens the full store in the background.
Anything unusual (no file yet, another schema revision, a server URL, any error) returns
None, and the caller takes the ordinary path, which explains problems properly.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drill.protocol.records import PastOutcome
from drill.resources import user_data_dir
from drill.store.schema import (
    HEAD,
    LEARNER_SQL,
    OUTCOMES_SQL,
    STATE_SQL,
    TAUGHT_SQL,
    UNSEALED_SQL,
)


@dataclass(frozen=True)
class Snapshot:
    """A learner's standing on one variant of a deck, as the engine needs it to start."""

    learner_id: int | None
    past: list[PastOutcome]
    rule_unsealed: bool
    state: dict[str, Any] | None = None
    """The engine's snapshot from the last session, if any."""
    taught: frozenset[str] = frozenset()
    """Every item of the domain this learner was taught in another deck or variant."""


def history_spec(db: str | None) -> tuple[str | None, bool]:
    """Where the history lives, as given: `--db`, else $DRILL_DB, else $DRILL_DATABASE_URL;
    (None, False) for the default file. The flag says the text came from
    $DRILL_DATABASE_URL, which must be a URL. The one reading of that precedence: the
    fast paths here and the store (drill.store.database.locate) both ask it."""
    if db:
        return db, False
    named = os.environ.get("DRILL_DB")
    if named:
        return named, False
    url = os.environ.get("DRILL_DATABASE_URL")
    return (url, True) if url else (None, False)


def default_path() -> Path:
    """The history file when nothing names one: drill.db in the user data folder."""
    return user_data_dir() / "drill.db"


def sqlite_path(db: str | None) -> Path | None:
    """The SQLite file that `--db`/the environment name, or None for any other database
    (and for text the store must judge: it explains, this path only steps aside)."""
    spec, from_url = history_spec(db)
    if not spec:
        return default_path()
    if "://" not in spec:  # a DRILL_DATABASE_URL must be a URL: the full path refuses it
        return None if from_url or ":" in spec else Path(spec).expanduser()
    if spec.startswith("sqlite:///") and "?" not in spec and spec != "sqlite:///:memory:":
        from urllib.parse import unquote  # a URL's %XX means what SQLAlchemy reads it as

        return Path(unquote(spec.removeprefix("sqlite:///"))).expanduser()
    return None


def _uri_path(path: Path) -> str:
    """The path for a `file:` URI, quoted: ?, # and % in a file name are not the URI's."""
    from urllib.parse import quote

    return quote(str(path.absolute()), safe="/")


def outcomes_from_rows(
    rows: list[tuple[int, str, int, int, int, int, str | None]],
) -> list[PastOutcome]:
    """One outcome per exposure: a multi-step item succeeds only if its last step does."""
    outcomes: dict[int, PastOutcome] = {}
    for exposure, item_id, probe, correct, timed_out, untaught, response in rows:
        success = bool(correct) and not bool(timed_out)
        outcomes[exposure] = PastOutcome(
            exposure, item_id, bool(probe), success, bool(correct), bool(untaught), response
        )
    return list(outcomes.values())


def variants_of(rows: list[tuple[Any, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """Each fingerprint once, oldest first, with its parameters (JSON text, or already
    read): shared by the glance and the store."""
    import json  # json is already loaded wherever a learner has sessions to read

    found: dict[str, dict[str, Any]] = {}
    for fingerprint, params in rows:
        if str(fingerprint) in found:
            continue
        value = json.loads(params) if isinstance(params, str) else params
        found[str(fingerprint)] = dict(value) if isinstance(value, dict) else {}
    return list(found.items())


def open_read_only(path: Path) -> sqlite3.Connection | None:
    """A read-only connection to `path` if it is a drill database at this drill's head;
    None for anything else (the caller takes the full path, which explains problems)."""
    try:
        if path.stat().st_size == 0:
            return None
        conn = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro", uri=True, timeout=2)
    except (OSError, sqlite3.Error):
        return None
    try:
        (version,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if version == HEAD:
            return conn
    except (sqlite3.Error, TypeError, ValueError):
        pass
    conn.close()
    return None


def read_snapshot(path: Path, learner: str, fingerprint: str, domain: str) -> Snapshot | None:
    """The learner's past on the variant `fingerprint` of a deck of `domain`, if the file is
    a drill database at this drill's head."""
    conn = open_read_only(path)
    if conn is None:
        return None
    try:
        row = conn.execute(LEARNER_SQL, (learner,)).fetchone()
        if row is None:
            return Snapshot(None, [], False)
        learner_id = int(row[0])
        rows = conn.execute(OUTCOMES_SQL, (learner_id, fingerprint)).fetchall()
        past = outcomes_from_rows(rows)
        unsealed = conn.execute(UNSEALED_SQL, (learner_id, fingerprint)).fetchone() is not None
        args = (learner_id, domain, fingerprint, learner_id)  # taught in other variants
        taught = frozenset(str(row[0]) for row in conn.execute(TAUGHT_SQL, args))
        saved = conn.execute(STATE_SQL, (learner_id, fingerprint)).fetchone()
        if saved is not None:
            import json  # only a returning learner has a state to read

            state = json.loads(saved[0])
        else:
            state = None
        state = state if isinstance(state, dict) else None
        return Snapshot(learner_id, past, unsealed, state, taught)
    except (sqlite3.Error, TypeError, ValueError):
        return None
    finally:
        conn.close()
