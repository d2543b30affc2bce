"""`drill export` from a SQLite file at disk speed: each line made by SQLite, not Python.

The SQLAlchemy path (drill.store.export) builds a dict per attempt and cost about 10 µs a
row. Here stdlib `sqlite3` reads the file and SQLite's `printf` writes the part of each
line that belongs to the attempt, quoted as `csv` or `json` would quote it; the learner,
deck, session and fingerprint around it are formatted once per session by the `csv` and
`json` modules themselves. The output is byte-for-byte that of the SQLAlchemy path (a
test checks it on hostile text); a row SQLite's text functions cannot see whole (a response
holding NUL) is formatted by that path's rules in Python.

Nothing here imports SQLAlchemy. Anything unusual (no file, another schema revision, no
JSON functions in this SQLite) returns None, and the caller takes the ordinary path.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from drill.errors import UserError

EXPORT_FIELDS = (
    "learner",
    "deck",
    "session",
    "item_id",
    "split",
    "probe",
    "response",
    "correct",
    "timed_out",
    "response_ms",
    "deadline_ms",
    "shown_at",
    "result",
    "exposure",
    "step",
    "deck_fingerprint",
)
"""The columns of `drill export`, in order: the design's contract, then drill's extras
(`deck_fingerprint` names the variant: domain, parameters, seed and split)."""

ATTEMPT_FIELDS = EXPORT_FIELDS[3:-1]
"""The columns SQLite formats: everything between the session's and its fingerprint."""

SHOWN_AT = """printf('%.10sT%s%s+00:00', a.shown_at, substr(a.shown_at, 12, 8),
    CASE WHEN rtrim(substr(a.shown_at, 21), '0') <> ''
    THEN '.' || substr(substr(a.shown_at, 21) || '000000', 1, 6) ELSE '' END)"""
"""`datetime.isoformat()` of the stored naive UTC text, as the SQLAlchemy path prints it:
microseconds only when there are any, always six digits, then +00:00."""

NUL_FREE = "instr(CAST(a.response AS BLOB), x'00') = 0"
"""SQLite's text functions stop at NUL: such a response is formatted in Python instead."""


def _csv_specials() -> str:
    """The characters this Python's `csv` quotes a field for (3.11: , " and newline)."""
    quoted = []
    for char in ',"\n\r':
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(["a" + char, "b"])
        if out.getvalue().startswith('"'):
            quoted.append(char)
    return "".join(quoted)


def _csv_text(column: str, specials: str) -> str:
    """SQL: the column as `csv` writes it (quoted and its quotes doubled when it must be)."""
    tests = " OR ".join(f"instr({column}, char({ord(c)}))" for c in specials)
    return f"CASE WHEN {tests} THEN printf('\"%w\"', {column}) ELSE ifnull({column}, '') END"


def _flag(column: str, words: tuple[str, str]) -> str:
    return f"CASE WHEN {column} THEN '{words[0]}' ELSE '{words[1]}' END"


def _middle_sql(format: str) -> str:
    """SQL for the attempt's part of one line, between the session's prefix and suffix."""
    if format == "csv":
        specials = _csv_specials()
        words = ("True", "False")
        cells = [
            _csv_text("a.item_id", specials),
            _csv_text("a.split", specials),
            _flag("a.probe", words),
            _csv_text("a.response", specials),
            _flag("a.correct", words),
            _flag("a.timed_out", words),
            "ifnull(a.response_ms, '')",
            "a.deadline_ms",
            SHOWN_AT,
            _csv_text("a.result", specials),
            "a.exposure",
            "a.step",
        ]
        template = ",".join(["%s"] * len(cells))
    else:
        words = ("true", "false")
        cells = [
            "json_quote(a.item_id)",
            "json_quote(a.split)",
            _flag("a.probe", words),
            "json_quote(a.response)",
            _flag("a.correct", words),
            _flag("a.timed_out", words),
            "json_quote(a.response_ms)",
            "a.deadline_ms",
            f"json_quote({SHOWN_AT})",
            "json_quote(a.result)",
            "a.exposure",
            "a.step",
        ]
        template = ", ".join(f'"{name}": %s' for name in ATTEMPT_FIELDS)
    return f"printf('{template}', {', '.join(cells)})"


def export_lines(path: Path, learner: str | None, format: str) -> Iterator[str] | None:
    """The export's lines, header first for CSV, if `path` is a drill database at this
    drill's head that this SQLite can format; else None (take the SQLAlchemy path)."""
    from drill.store.quick import open_read_only

    conn = open_read_only(path)
    if conn is None:
        return None
    where = "WHERE l.name = ?" if learner is not None else ""
    args: tuple[Any, ...] = (learner,) if learner is not None else ()
    try:
        if conn.execute("SELECT json_quote('a')").fetchone() != ('"a"',):
            raise sqlite3.Error("no JSON functions")
        conn.execute("BEGIN")  # one snapshot: a session begun meanwhile is not half seen
        sessions = conn.execute(
            "SELECT s.id, l.name, s.deck, s.deck_fingerprint FROM sessions AS s "
            f"JOIN learners AS l ON s.learner_id = l.id {where}",
            args,
        ).fetchall()
    except sqlite3.Error:  # the store's path explains a damaged file
        conn.close()
        return None
    around = {sid: _around(format, name, deck, sid, fp) for sid, name, deck, fp in sessions}
    return _lines(conn, path, where, args, around, format)


def _lines(
    conn: sqlite3.Connection,
    path: Path,
    where: str,
    args: tuple[Any, ...],
    around: dict[int, tuple[str, str]],
    format: str,
) -> Iterator[str]:
    """Stream the lines; the connection is closed when they end or the reader stops. A
    file found damaged half way (the lines before are out already) ends in one line."""
    query = (
        f"SELECT a.session_id, a.id, CASE WHEN {NUL_FREE} THEN {_middle_sql(format)} END "
        "FROM attempts AS a JOIN sessions AS s ON a.session_id = s.id "
        f"JOIN learners AS l ON s.learner_id = l.id {where} ORDER BY a.id"
    )
    try:
        if format == "csv":
            yield ",".join(EXPORT_FIELDS) + "\n"
        for session, attempt, middle in conn.execute(query, args):
            prefix, suffix = around[session]
            if middle is None:
                middle = _middle_in_python(conn, attempt, format)
            yield prefix + middle + suffix
    except sqlite3.Error as err:
        raise UserError(
            f"{path}: the database is damaged ({err}); the export stopped there. "
            "`drill db check` says more"
        ) from None
    finally:
        conn.close()


def _around(format: str, learner: str, deck: str, session: int, fp: str) -> tuple[str, str]:
    """A session's prefix and suffix of every line, as `csv` or `json` writes them."""
    if format == "csv":
        head, tail = io.StringIO(), io.StringIO()
        csv.writer(head, lineterminator="\n").writerow([learner, deck, session, ""])
        csv.writer(tail, lineterminator="\n").writerow(["", fp])
        return head.getvalue()[:-1], tail.getvalue()  # "learner,deck,session," and ",fp\n"
    dump = json.JSONEncoder(ensure_ascii=False).encode
    first = dump({"learner": learner, "deck": deck, "session": session})
    return first[:-1] + ", ", ", " + dump({"deck_fingerprint": fp})[1:] + "\n"


def _middle_in_python(conn: sqlite3.Connection, attempt: int, format: str) -> str:
    """One attempt's part of its line, formatted as the SQLAlchemy path formats it."""
    row = conn.execute(
        f"SELECT {', '.join(ATTEMPT_FIELDS)} FROM attempts WHERE id = ?", (attempt,)
    ).fetchone()
    values: dict[str, Any] = dict(zip(ATTEMPT_FIELDS, row, strict=True))
    for name in ("probe", "correct", "timed_out"):
        values[name] = bool(values[name])
    shown = datetime.fromisoformat(values["shown_at"]).replace(tzinfo=UTC)
    values["shown_at"] = shown.isoformat()
    if format == "csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(values.values())
        return out.getvalue()[:-1]
    return json.dumps(values, ensure_ascii=False)[1:-1]


def write_lines(lines: Iterator[str], out: Any, chunk: int = 2000) -> None:
    """Lines to `out` in chunks: one write per line would cost a third of the export."""
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= chunk:
            out.write("".join(batch))
            batch.clear()
    out.write("".join(batch))
