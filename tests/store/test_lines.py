"""`drill export` read by SQLite alone prints exactly what the SQLAlchemy path prints."""

from __future__ import annotations

import contextlib
import io
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drill.commands.export import write_rows
from drill.protocol.records import Result
from drill.store.history import EXPORT_FIELDS, History
from drill.store.lines import export_lines, write_lines
from tests.store.test_history import T0, attempt

HOSTILE = [
    "1",
    "a,b",
    'say "hi"',
    "two\nlines",
    "cr\rhere",
    "tab\there",
    "nul\x00inside",
    "\x00",
    "\uffffmark",
    "７ 𝄞 é",
    "\x07\x1b[31m",
    "back\\slash",
    "",
    " ",
    None,
]


def reference(db: Path, learner: str | None, format: str) -> str:
    """What the SQLAlchemy path prints."""
    out = io.StringIO()
    with History.open(str(db)) as history, contextlib.redirect_stdout(out):
        write_rows(history.export(learner), format, EXPORT_FIELDS)
    return out.getvalue()


def fast(db: Path, learner: str | None, format: str) -> str:
    lines = export_lines(db, learner, format)
    assert lines is not None
    out = io.StringIO()
    write_lines(lines, out, chunk=3)
    return out.getvalue()


def write_history(db: Path, responses: list[str | None], learners: list[str]) -> None:
    with History.open(str(db)) as history:
        for who in learners:
            learner_id = history.writer.learner_id(who)
            assert learner_id is not None
            for deck in ("modarith", 'odd,"deck"', "two\nlines"):
                session = history.writer.start_session(
                    learner_id, deck=deck, fingerprint="f,,1", domain="modarith", params={},
                    kind="drill", at=T0,
                )  # fmt: skip
                for n, response in enumerate(responses, 1):
                    record = attempt(
                        n,
                        response=response,
                        item_id=f"item,{n}" if n % 3 else f'it"em{n}',
                        result=Result.WRONG if n % 2 else Result.TIMEOUT,
                        correct=bool(n % 2),
                        timed_out=not n % 2,
                        probe=n % 4 == 0,
                        response_ms=None if n % 5 == 0 else n,
                        # whole seconds (printed without a fraction) and odd microseconds
                        shown_at=T0 + timedelta(seconds=n, microseconds=(n % 3) * 10_007),
                    )
                    history.writer.record_attempt(session, record)


@pytest.mark.parametrize("format", ["csv", "jsonl"])
@pytest.mark.parametrize("learner", [None, "ann", 'b,"o"b', "nobody"])
def test_the_fast_export_is_byte_identical(
    tmp_path: Path, format: str, learner: str | None
) -> None:
    """Hostile responses, item ids, decks and learner names; every learner or one."""
    db = tmp_path / "h.db"
    write_history(db, HOSTILE, ["ann", 'b,"o"b'])
    assert fast(db, learner, format) == reference(db, learner, format)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(responses=st.lists(st.none() | st.text(max_size=8), min_size=1, max_size=6))
def test_any_response_exports_alike(
    tmp_path_factory: pytest.TempPathFactory, responses: list[str | None]
) -> None:
    """Whatever was typed, both paths print the same bytes, in CSV and JSON lines."""
    db = tmp_path_factory.mktemp("h") / "h.db"
    write_history(db, responses, ["ann"])
    for format in ("csv", "jsonl"):
        assert fast(db, None, format) == reference(db, None, format)


def test_an_unusual_file_takes_the_ordinary_path(tmp_path: Path) -> None:
    """No file, an empty file, or not a database: None, so the store explains the problem."""
    assert export_lines(tmp_path / "missing.db", None, "csv") is None
    (tmp_path / "empty.db").write_bytes(b"")
    assert export_lines(tmp_path / "empty.db", None, "csv") is None
    (tmp_path / "text.db").write_text("not a database\n" * 100)
    assert export_lines(tmp_path / "text.db", None, "csv") is None


def test_a_file_damaged_half_way_ends_in_one_line(tmp_path: Path) -> None:
    """Pages of attempts overwritten: the export stops with one clear error (UserError),
    never a traceback from sqlite3, wherever the damage is."""
    import shutil

    import tests.benchmarks.test_report as bulk
    from drill.errors import UserError

    whole = tmp_path / "whole.db"
    bulk.ATTEMPTS, saved = 1_000, bulk.ATTEMPTS
    try:
        bulk.build_history(whole)
    finally:
        bulk.ATTEMPTS = saved
    with sqlite3.connect(whole) as conn:  # every page in the file itself, none in its WAL
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size, errors = whole.stat().st_size, []
    for tenth in range(2, 10):
        damaged = tmp_path / f"damaged-{tenth}.db"
        shutil.copyfile(whole, damaged)
        with damaged.open("r+b") as file:
            file.seek(size * tenth // 10 // 4096 * 4096)
            file.write(b"\x0d" * 4096)
        lines = export_lines(damaged, None, "csv")
        if lines is None:  # found at once: the store's path explains it
            continue
        try:
            list(lines)
        except UserError as err:
            errors.append(str(err))
    assert errors  # the damage was met half way at least once
    assert all("damaged" in e and "\n" not in e for e in errors)
