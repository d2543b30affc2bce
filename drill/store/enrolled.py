"""Which study arm a learner drills a deck in, read with stdlib sqlite3 (start-up matters:
`drill start` asks before the first item, and SQLAlchemy is not loaded by then)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from drill.store.quick import _uri_path

ARM_SQL = """
SELECT st.name, st.spec, en.arm
FROM enrollments AS en
JOIN studies AS st ON en.study_id = st.id
JOIN learners AS l ON en.learner_id = l.id
WHERE l.name = ? AND st.deck = ?
"""


def read_arm(path: Path, learner: str, deck: str) -> tuple[str, dict[str, Any], str] | None:
    """(study name, its spec, the arm) if `learner` joined a study of `deck` in the SQLite
    file at `path`; None if not, or if the file has no studies (an older schema, no file)."""
    try:
        if not path.is_file():
            return None
    except OSError:  # a name the file system refuses: the store's own open says why
        return None
    try:
        conn = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro", uri=True, timeout=2)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute(ARM_SQL, (learner, deck)).fetchone()
    except sqlite3.Error:  # no such table: this file predates studies
        return None
    finally:
        conn.close()
    if row is None:
        return None
    import json  # only a learner in a study gets here

    spec = json.loads(row[1])
    return (str(row[0]), spec, str(row[2])) if isinstance(spec, dict) else None
