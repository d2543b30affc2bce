"""`drill import lichess` rows per second on a 100,000-row CSV.

Run with `pytest -n 0 -m benchmark tests/benchmarks/test_import.py -s`; the number goes in
docs/benchmarks.md under "Importing puzzles". The file repeats the fixture's rows under
new ids: each row is parsed and its line played as a fresh one would be, then all but the
first of each position are skipped as repeats (so the summary has one big reason).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parents[1] / "fixtures" / "lichess-puzzles.csv"
ROWS = 100_000


def big_csv(path: Path) -> None:
    header, *rows = FIXTURE.read_text(encoding="utf-8").splitlines()
    with path.open("w", encoding="utf-8") as out:
        out.write(header + "\n")
        for n in range(ROWS):
            row = rows[n % len(rows)]
            out.write(f"B{n}," + row.partition(",")[2] + "\n")


@pytest.mark.benchmark
def test_import_rows_per_second(tmp_path: Path) -> None:
    """The whole command, from the CSV to the deck files, with the one-line skip summary."""
    source = tmp_path / "big.csv"
    big_csv(source)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "drill", "import", "lichess", str(source), "--name", "big"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    assert len(done.stderr.splitlines()) == 1  # one summary, not a line per skipped row
    print(f"\n{ROWS:,} rows in {seconds:.1f} s: {ROWS / seconds:,.0f} rows/s\n{done.stderr}")
