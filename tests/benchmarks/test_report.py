"""`drill report DECK` on a history of one million attempts, built in bulk with SQL.

Run with `pytest -n 0 -m benchmark tests/benchmarks/test_report.py -s`; the figure goes in
docs/benchmarks.md under "Report". The history is written straight into the attempts
table by one INSERT … SELECT over a recursive sequence (not through the engine): 100
sessions of 10,000 exposures, one probe in ten, accuracy rising over time.
"""

from __future__ import annotations

import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from drill.store.history import History

ATTEMPTS = 1_000_000
SESSIONS = 100
ROUNDS = 5

BULK_SQL = """
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :total)
INSERT INTO attempts (session_id, item_id, split, probe, exposure, step, response, result,
                      correct, timed_out, response_ms, deadline_ms, shown_at)
SELECT :first_session + (n - 1) / :per_session,
       'modarith-' || (n % 169),
       CASE WHEN n % 10 = 0 THEN 'heldout' ELSE 'train' END,
       n % 10 = 0,
       n, 0, '1',
       CASE WHEN ok THEN 'correct' ELSE 'wrong' END,
       ok, 0, 900 + n % 500, 1500 + n % 3000,
       strftime('%Y-%m-%d %H:%M:%f', '2026-01-01', '+' || (n * 3) || ' seconds')
FROM (SELECT n, abs(random()) % 1000 < 80 + 900 * n / :total AS ok FROM seq)
"""


def build_history(path: Path) -> None:
    """One learner, `bench`, with ATTEMPTS attempts on modarith and a few events."""
    from drill.decks import load_deck

    fingerprint = load_deck("modarith").fingerprint  # the variant `drill report modarith` reads
    history = History.open(str(path))
    learner = history.writer.learner_id("bench")
    assert learner is not None
    start = datetime(2026, 1, 1, tzinfo=UTC)
    sessions = [
        history.writer.start_session(
            learner,
            deck="modarith",
            fingerprint=fingerprint,
            domain="modarith",
            params={},
            kind="simulate",
            at=start,
        )
        for _ in range(SESSIONS)
    ]
    history.close()
    with sqlite3.connect(path) as conn:
        conn.execute(
            BULK_SQL,
            {"total": ATTEMPTS, "first_session": sessions[0], "per_session": ATTEMPTS // SESSIONS},
        )
        conn.execute(
            "UPDATE sessions SET end_reason = 'finished', "
            "ended_at = strftime('%Y-%m-%d %H:%M:%f', started_at, '+8 hours')"
        )
        for kind, exposure, data in (
            ("plateau_started", 20_000, '{"train_accuracy": 0.8}'),
            ("transition_detected", 400_000, '{"change_exposure": 350000}'),
            ("plateau_ended", 400_000, '{"started_at": 20000, "reason": "transition"}'),
        ):
            conn.execute(
                "INSERT INTO events (learner_id, deck, deck_fingerprint, kind, exposure, at, "
                "data) VALUES (?, 'modarith', ?, ?, ?, '2026-01-02 00:00:00.000000', ?)",
                (learner, fingerprint, kind, exposure, data),
            )
    # Bulk-written attempts bypass the running totals drill keeps as it writes: count them.
    history = History.open(str(path))
    history.writer.rebuild_blocks()
    history.close()


def report_seconds(db: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one `drill report modarith` in a fresh process."""
    cpu_before = _children_cpu()
    began = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "drill",
            "report",
            "modarith",
            "--learner",
            "bench",
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "transition began at exposure 350,000" in done.stdout
    return time.perf_counter() - began, _children_cpu() - cpu_before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.mark.benchmark
def test_report_of_a_million_attempts(tmp_path: Path) -> None:
    """`drill report DECK` over 1,000,000 attempts finishes in about a second."""
    db = tmp_path / "million.db"
    began = time.perf_counter()
    build_history(db)
    built = time.perf_counter() - began
    report_seconds(db)  # warm the file cache
    runs = [report_seconds(db) for _ in range(ROUNDS)]
    times = sorted(wall for wall, _ in runs)
    cpu = sorted(c for _, c in runs)
    empty = tmp_path / "empty.db"
    History.open(str(empty)).close()
    argv = [sys.executable, "-m", "drill", "report", "modarith", "--db", str(empty)]
    bare = sorted(_timed(argv) for _ in range(ROUNDS))
    print(
        f"\nbuilt {ATTEMPTS:,} attempts in {built:.1f} s"
        f"\ndrill report modarith: median {statistics.median(times):.2f} s wall "
        f"{[round(t, 2) for t in times]}, median {statistics.median(cpu):.2f} s CPU"
        f"\ndrill report on an empty history (start-up): median {statistics.median(bare):.2f} s"
        f"\nload average {os.getloadavg()}"
    )
    assert statistics.median(times) < 4.0  # "about a second" on a quiet machine; see docs


def _timed(argv: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run(argv, capture_output=True, check=True)
    return time.perf_counter() - began
