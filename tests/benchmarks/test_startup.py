"""Start-up: `drill start modarith` to its first frame (the ready card before the first item),
and `drill` to its home screen with the learner's standing, beside a bare Textual app's
first frame.

Run with `pytest -n 0 -m benchmark tests/benchmarks/test_startup.py -s`; figures go in
docs/benchmarks.md. The two are measured alternately in one run, so machine load hits both.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from tests.benchmarks.startup import (
    bare_textual,
    compile_drill_like_pip,
    drill_home,
    drill_start,
    home_history,
)

ROUNDS = 7


@pytest.mark.benchmark
def test_first_item_within_1_3x_of_a_bare_textual_app(tmp_path: Path) -> None:
    """The median time to the ready card is at most 1.3× the bare app's first frame."""
    compile_drill_like_pip()  # drill as `pip install .` leaves it, like Textual beside it
    db = str(tmp_path / "bench.db")
    # An existing database at head: the everyday case (a first run also creates it).
    code = f"from drill.store.history import History; History.open({db!r}).close()"
    subprocess.run([sys.executable, "-c", code], check=True)
    drill_start(db)  # warm the file cache for both
    bare_textual()
    bare, drill = [], []
    for _ in range(ROUNDS):
        bare.append(bare_textual())
        drill.append(drill_start(db))
    bare_median, drill_median = statistics.median(bare), statistics.median(drill)
    ratio = drill_median / bare_median
    print(
        f"\nbare Textual first frame: median {bare_median:.3f} s {sorted(bare)}"
        f"\ndrill start ready card:   median {drill_median:.3f} s {sorted(drill)}"
        f"\nratio {ratio:.2f}"
    )
    assert ratio <= 1.3


@pytest.mark.benchmark
def test_home_screen_within_1_5x_of_a_bare_textual_app(tmp_path: Path) -> None:
    """The median time to the home screen with every deck and the learner's standing (a
    history of a few thousand attempts) is at most 1.5× the bare app's first frame; a first
    run, which creates the database, at most 2× a later one."""
    compile_drill_like_pip()
    db = str(tmp_path / "home.db")
    home_history(db)
    drill_home(db)
    bare_textual()
    bare, home, first = [], [], []
    for n in range(ROUNDS):
        bare.append(bare_textual())
        home.append(drill_home(db))
        first.append(drill_home(str(tmp_path / f"new-{n}.db"), marker="new"))
    bare_median, home_median = statistics.median(bare), statistics.median(home)
    first_median = statistics.median(first)
    ratio = home_median / bare_median
    print(
        f"\nbare Textual first frame: median {bare_median:.3f} s {sorted(bare)}"
        f"\ndrill home, standings:    median {home_median:.3f} s {sorted(home)}"
        f"\ndrill home, new database: median {first_median:.3f} s {sorted(first)}"
        f"\nratio {ratio:.2f}; first run / later {first_median / home_median:.2f}"
    )
    assert ratio <= 1.5
    assert first_median <= 2 * home_median
