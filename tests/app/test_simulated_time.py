"""Simulated attempts carry simulated times that can never be taken for a person's.

They live in the simulated era (2000 to 2019, before drill existed): never in the future
(runs once stamped attempts hours ahead), two runs for one learner never overlap, and the
gaps between sessions are kept, so a long break in simulated time is honoured.
"""

from __future__ import annotations

import itertools
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from drill.app.simulate import BREAK_BETWEEN_SESSIONS, SIMULATED_ERA
from tests.command import run_drill


def sessions(db: Path) -> list[tuple[datetime, datetime, str]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT started_at, ended_at, kind FROM sessions ORDER BY started_at"
        ).fetchall()
    return [
        (
            datetime.fromisoformat(a).replace(tzinfo=UTC),
            datetime.fromisoformat(b).replace(tzinfo=UTC),
            k,
        )
        for a, b, k in rows
    ]


def simulate(db: Path, items: int, learner: str = "sim") -> None:
    args = ["simulate", "modarith", "--kind", "rule", "--items", str(items)]
    done = run_drill(*args, "--learner", learner, "--db", str(db))
    assert done.returncode == 0, done.stderr


def test_two_runs_sit_one_after_the_other_in_the_simulated_era(db_path: Path) -> None:
    """Two runs for one learner: every session and attempt in the era, none overlapping,
    each session ended at its own simulated time, a break between them."""
    simulate(db_path, 250)
    simulate(db_path, 250)
    found = sessions(db_path)
    assert len(found) >= 4
    for start, end, kind in found:
        assert kind == "simulate"
        assert SIMULATED_ERA[0] <= start <= end < SIMULATED_ERA[1]
    for (_, end, _), (start, _, _) in itertools.pairwise(found):
        assert start - end == BREAK_BETWEEN_SESSIONS
    assert found[0][0] == SIMULATED_ERA[0]
    with sqlite3.connect(db_path) as conn:
        (last,) = conn.execute("SELECT max(shown_at) FROM attempts").fetchone()
    assert datetime.fromisoformat(last).replace(tzinfo=UTC) < found[-1][1] + timedelta(seconds=1)


def test_real_time_reads_do_not_see_simulated_attempts(db_path: Path) -> None:
    """`drill report --since` a date in the real past shows nothing of a simulated run,
    and the learners list never shows a simulated learner practising in the future."""
    simulate(db_path, 120)
    now = datetime.now(UTC)
    listed = run_drill("learners", "--db", str(db_path)).stdout
    assert "2000-01-01" in listed
    assert str(now.year + 1) not in listed
    since = (now - timedelta(days=30)).date().isoformat()
    report = run_drill(
        "report", "modarith", "--learner", "sim", "--since", since, "--db", str(db_path)
    )
    assert "has not drilled" in report.stdout + report.stderr
