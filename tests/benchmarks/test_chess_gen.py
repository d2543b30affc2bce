"""Verified chess puzzles per second, by motif, with and without Stockfish.

Run with `pytest -n 0 -m benchmark tests/benchmarks/test_chess_gen.py -s`; the numbers go in
docs/benchmarks.md under "Chess puzzle generation". One worker process, so the rate is
per core; `drill generate` multiplies it by the number of workers.
"""

from __future__ import annotations

import time

import pytest

from drill.domains.chess_gen import EXTRA_MOTIFS, MOTIFS, find_stockfish, generate
from drill.domains.chess_puzzles import check_puzzle

COUNT = 10
"""Puzzles per measurement."""


def measure(motifs: tuple[str, ...], use_engine: bool) -> float:
    started = time.perf_counter()
    result = generate(COUNT, 2024, workers=1, use_engine=use_engine, motifs=motifs)
    seconds = time.perf_counter() - started
    assert all(check_puzzle(p) is None for p in result.puzzles)
    rate = len(result.puzzles) / seconds
    where = "stockfish" if use_engine else "no engine"
    print(
        f"\n{'+'.join(motifs):40} {where:10} {rate:6.2f} puzzles/s "
        f"({len(result.puzzles)} in {seconds:.1f} s, {result.games} games, "
        f"{result.positions / seconds:.0f} positions/s)"
    )
    return rate


@pytest.mark.benchmark
@pytest.mark.parametrize("motif", ["mate-in-1", "mate-in-2"])
def test_mates_without_engine(motif: str) -> None:
    """Mates found and proved by exhaustive search alone, greedy-policy games."""
    assert measure((motif,), use_engine=False) > 0


@pytest.mark.benchmark
@pytest.mark.skipif(find_stockfish() is None, reason="stockfish is not installed")
@pytest.mark.parametrize("motifs", [(m,) for m in MOTIFS + EXTRA_MOTIFS] + [MOTIFS])
def test_with_engine(motifs: tuple[str, ...]) -> None:
    """Puzzles from engine-played games, each motif alone and all together."""
    assert measure(motifs, use_engine=True) > 0
