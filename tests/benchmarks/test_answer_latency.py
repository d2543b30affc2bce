"""The app's own work between an answer and the next item: judge, commit, choose the next.

Run with `pytest -n 0 -m benchmark tests/benchmarks/test_answer_latency.py -s`; figures go in
docs/benchmarks.md. Measured on a real SQLite file with synchronous=FULL (one fsync per
answer), which is most of the cost.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest

from drill.app.practice import start_practice
from drill.decks import load_deck
from drill.store.history import History

FRAME_MS = 1000 / 60


@pytest.mark.benchmark
@pytest.mark.parametrize("deck", ["modarith", "chords", "chess"])
def test_answer_to_next_item_is_well_under_a_frame(tmp_path: Path, deck: str) -> None:
    """Median time from Enter to the next item chosen is under half a 60 Hz frame."""
    history = History.open(str(tmp_path / "latency.db"))
    engine = start_practice(load_deck(deck, ["session.length=400"]), history, "bench").engine
    times = []
    for _ in range(300):
        shown = engine.next_item()
        assert shown is not None
        start = time.perf_counter()
        outcome = engine.answer(shown.item.answer, 800)
        while outcome.next_step is not None:  # a mate in two: play the second move too
            outcome = engine.answer(str(outcome.next_step.data["solution"][2]), 800)
        engine.next_item()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    median, p90, p99 = statistics.median(times), times[269], times[296]
    print(f"\n{deck}: median {median:.1f} ms, p90 {p90:.1f} ms, p99 {p99:.1f} ms")
    assert median < FRAME_MS / 2


@pytest.mark.benchmark
@pytest.mark.parametrize("deck", ["modarith", "chess"])
def test_cpu_per_answer(tmp_path: Path, deck: str) -> None:
    """CPU time (not wall: the fsync is the disk's) of one answer and the next item, and
    the share of it spent in the store's write, after a warm-up of 20 answers."""
    history = History.open(str(tmp_path / "cpu.db"))
    engine = start_practice(load_deck(deck, ["session.length=400"]), history, "bench").engine
    writer = history.writer
    record, in_store = writer.record, [0.0]

    def timed_record(*args: object, **kwargs: object) -> None:
        began = time.process_time()
        record(*args, **kwargs)  # type: ignore[arg-type]
        in_store[0] += time.process_time() - began

    writer.record = timed_record  # type: ignore[method-assign]
    total, answers = 0.0, 0
    for n in range(320):
        if n == 20:
            total, in_store[0] = 0.0, 0.0
        began = time.process_time()
        shown = engine.next_item()
        assert shown is not None
        outcome = engine.answer(shown.item.answer, 800)
        while outcome.next_step is not None:
            outcome = engine.answer(str(outcome.next_step.data["solution"][2]), 800)
        total += time.process_time() - began
        answers += n >= 20
    history.close()
    per, store = total / answers * 1000, in_store[0] / answers * 1000
    print(f"\n{deck}: {per:.2f} ms CPU per answer, {store:.2f} ms of it writing")
    assert per > 0
