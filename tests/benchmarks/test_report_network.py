"""`drill report DECK` on a 4,000-exposure network learner: first (the network follows the
whole stream) and cached (the kept run is drawn as it is).

Run with `pytest -n 0 -m benchmark tests/benchmarks/test_report_network.py -s`; the figures
go in docs/benchmarks.md under "Report: the network on the learner's stream".
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drill.cli import main

EXPOSURES = 4000
ROUNDS = 3


def report_seconds(db: Path) -> float:
    """Wall seconds of one `drill report modarith --json` in a fresh process."""
    argv = ["report", "modarith", "--learner", "network", "--db", str(db), "--json"]
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "drill", *argv],
        capture_output=True,
        text=True,
        check=True,
    )
    assert '"network": {' in done.stdout
    return time.perf_counter() - began


@pytest.mark.benchmark
def test_report_with_the_network_first_and_cached(tmp_path: Path) -> None:
    """The first report trains 4,000 exposures' worth; every later one reads the kept run."""
    db = tmp_path / "network.db"
    args = ["simulate", "modarith", "--kind", "network", "--items", str(EXPOSURES)]
    assert main([*args, "--seed", "2", "--db", str(db)]) == 0
    first = []
    for i in range(ROUNDS):  # each on a copy with no kept run
        copy = tmp_path / f"copy{i}.db"
        shutil.copy(db, copy)
        first.append(report_seconds(copy))
    cached = [report_seconds(tmp_path / "copy0.db") for _ in range(ROUNDS)]
    load = os.getloadavg()[0]
    print(
        f"\n{EXPOSURES:,} exposures, load {load:.1f}: first report median "
        f"{statistics.median(first):.2f} s {[round(t, 2) for t in sorted(first)]}; "
        f"cached median {statistics.median(cached):.2f} s {[round(t, 2) for t in sorted(cached)]}"
    )
