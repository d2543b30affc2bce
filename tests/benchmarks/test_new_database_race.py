"""Several learners starting at once on a database file that does not exist yet.

Run with `pytest -n 0 -m benchmark tests/benchmarks/test_new_database_race.py -s`; the figure
goes in docs/benchmarks.md under "Robustness". Each trial starts 2 (then 4) `drill
simulate` processes, one learner each, on a new file at the same moment, and counts the
trial good only if every process succeeds and every learner keeps all their attempts.
`DRILL_RACE_TRIALS` sets the number of trials (default 50).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ITEMS = 20


def simulate(db: Path, learner: str) -> subprocess.Popen[str]:
    args = f"simulate modarith --kind lookup --json --items {ITEMS} --learner {learner}"
    return subprocess.Popen(
        [sys.executable, "-m", "drill", *args.split(), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def trial(db: Path, writers: int) -> str | None:
    """None if every learner kept all their attempts, else what went wrong."""
    runs = [simulate(db, f"w{n}") for n in range(writers)]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (out, err) in zip(runs, outputs, strict=True):
        if run.returncode != 0:
            return err.strip().splitlines()[-1] if err.strip() else f"exit {run.returncode}"
        if json.loads(out)["exposures"] != ITEMS:
            return out
    exported = subprocess.run(
        [sys.executable, "-m", "drill", "export", "--db", str(db)],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    for n in range(writers):
        kept = {
            r["exposure"] for r in rows if r["learner"] == f"w{n}" and r["result"] != "unreadable"
        }
        if kept != set(range(1, ITEMS + 1)):
            return f"w{n} kept {len(kept)} of {ITEMS} exposures"
    return None


@pytest.mark.benchmark
@pytest.mark.parametrize("writers", [2, 4])
def test_learners_starting_together_on_a_new_file(tmp_path: Path, writers: int) -> None:
    """In every trial, every learner starting at once on a new file keeps all their attempts."""
    trials = int(os.environ.get("DRILL_RACE_TRIALS", "50"))
    failures = []
    for k in range(trials):
        problem = trial(tmp_path / f"new-{k}.db", writers)
        if problem is not None:
            failures.append(problem)
    print(f"\n{writers} writers on a new file: {trials - len(failures)} of {trials} trials good")
    for problem in failures:
        print(f"  {problem}")
    assert not failures
