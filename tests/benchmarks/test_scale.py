"""The daily loop and export on histories of 1,000, 100,000 (and, opt-in, 1,000,000)
attempts, side by side in one run: does a command cost what today's work costs, or what
the whole history costs?

Run with `pytest -n 0 -m benchmark tests/benchmarks/test_scale.py -s`; set
`DRILL_BENCH_MILLION=1` to add the million (about ten minutes more). The figures go in
docs/benchmarks.md under "A long history". Each history is built in bulk like
`test_report.py`'s (one learner, `bench`, modarith, 100 sessions, one probe in ten), so
it has no saved engine state or figures: the commands read it as a history written by an
older drill. Every command runs in a fresh process; CPU and peak memory are that
process's own (GNU time), the median of three runs after a warm-up run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

import tests.benchmarks.test_report as bulk

ROUNDS = 3

HOME = """
import sys
from drill.app.home import Home
def opener():
    raise SystemExit("the home's standings opened the store")
home = Home(opener, "bench", db=sys.argv[1])
print(sum(1 for s in home.standings()))
"""
"""The home screen's read: every deck's standing, as the screen's first frame shows it."""

FIRST_ITEM = """
import sys
from drill.app.practice import quick_start
from drill.decks import load_deck
practice = quick_start(load_deck("modarith"), sys.argv[1], "bench")
print(practice.engine.next_item().item.prompt)
"""
"""`drill start modarith` up to its first item (the store is not opened: no write)."""


def commands(db: Path) -> dict[str, list[str]]:
    drill = [sys.executable, "-m", "drill"]
    where = ["--db", str(db)]
    return {
        "home standings": [sys.executable, "-c", HOME, str(db)],
        "first item": [sys.executable, "-c", FIRST_ITEM, str(db)],
        "drill rule": [*drill, "rule", "modarith", "--learner", "bench", *where],
        "drill learners": [*drill, "learners", *where],
        "drill report": [*drill, "report", "modarith", "--learner", "bench", *where],
        "export csv": [*drill, "export", "--format", "csv", *where],
        "export jsonl": [*drill, "export", *where],
    }


def run_once(argv: list[str], scratch: Path) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MB) of one process; its output is thrown away. GNU time
    measures it: a child forked from pytest itself would count pytest's memory as its own
    peak until it execs."""
    out = scratch / "time.txt"
    timed = ["/usr/bin/time", "-o", str(out), "-f", "%e %U %S %M", *argv]
    done = subprocess.run(timed, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert done.returncode in (0, 1), f"{argv}: {done.stderr}"  # `drill rule`: 1 while sealed
    wall, user, system, peak_kb = out.read_text().split()[-4:]
    return float(wall), float(user) + float(system), int(peak_kb) / 1024


def sizes() -> list[int]:
    chosen = [1_000, 100_000]
    return [*chosen, 1_000_000] if os.environ.get("DRILL_BENCH_MILLION") else chosen


@pytest.mark.benchmark
@pytest.mark.skipif(not Path("/usr/bin/time").exists(), reason="needs GNU time")
def test_the_daily_loop_against_history_size(tmp_path: Path) -> None:
    """Every command on every size, side by side; the table is printed for the docs."""
    results: dict[str, dict[int, tuple[float, float, float]]] = {}
    for size in sizes():
        db = tmp_path / f"h{size}.db"
        bulk.ATTEMPTS = size
        bulk.build_history(db)
        for name, argv in commands(db).items():
            run_once(argv, tmp_path)  # warm the file cache
            runs = [run_once(argv, tmp_path) for _ in range(ROUNDS)]
            results.setdefault(name, {})[size] = (
                statistics.median(r[0] for r in runs),
                statistics.median(r[1] for r in runs),
                max(r[2] for r in runs),
            )
    head = " | ".join(f"{size:,}: wall, CPU, peak" for size in sizes())
    print(f"\nload average {os.getloadavg()}\n| command | {head} | CPU {sizes()[-1]:,} ÷ 1k |")
    for name, by_size in results.items():
        cells = " | ".join(
            f"{w:.2f} s, {c:.2f} s, {m:.0f} MB" for w, c, m in (by_size[s] for s in sizes())
        )
        ratio = by_size[sizes()[-1]][1] / by_size[1_000][1]
        print(f"| {name} | {cells} | {ratio:.1f}× |")
    assert all(by_size[1_000][1] > 0 for by_size in results.values())
