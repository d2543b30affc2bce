"""The statistics of held-out accuracy: Wilson intervals and the rise test (the seal is in
drill.protocol.seal).

Pure functions of outcome sequences (booleans, oldest first): no UI, no database, no clock,
and no scipy or numpy at import time, because the engine calls them after every probe and
`drill` should start quickly. numpy is imported lazily, only to *calibrate* the rise test
(`simulate_null_statistics`), which is a developer's job, not a session's.

The rise test is a binomial likelihood-ratio change-point test (Hinkley 1970, "Inference
about the change-point in a sequence of random variables"), restricted to rises of a
meaningful size. Its statistic is the maximum over split points, which is not chi-square
distributed, so it is calibrated by Monte Carlo: `CRITICAL_VALUES` holds, for each window
length, the supremum over the null success rate of the simulated upper quantiles. See
docs/statistics.md for the formulas, the calibration and the measured error rates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist
from typing import Any

__all__ = [
    "CALIBRATED",
    "CRITICAL_VALUES",
    "LEVELS",
    "ChangePoint",
    "RiseTest",
    "batch_statistics",
    "critical_value",
    "max_rise_llr",
    "rise_test",
    "simulate_null_statistics",
    "wilson_interval",
]


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval for a binomial proportion (Wilson 1927).

    Chosen over the normal ("Wald") interval because it stays inside [0, 1] and keeps
    its coverage near the nominal level at small n and at rates near 0 or 1, which is
    exactly where held-out accuracy lives (chance is 1/13; a learner who has the rule is
    near 1). With no trials it is the uninformative (0, 1).
    """
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got {successes} of {n}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    if n == 0:
        return (0.0, 1.0)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    z2n = z * z / n
    centre = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(p * (1 - p) / n + z2n / (4 * n))
    lower = 0.0 if successes == 0 else max(0.0, min(p, centre - half))
    upper = 1.0 if successes == n else min(1.0, max(p, centre + half))
    return (lower, upper)


# --- the rise test -------------------------------------------------------------------

_XLOGX: list[float] = [0.0]
"""_XLOGX[i] = i·ln(i), grown on demand, so a log-likelihood is three look-ups."""


def _xlogx(upto: int) -> list[float]:
    while len(_XLOGX) <= upto:
        i = len(_XLOGX)
        _XLOGX.append(i * math.log(i))
    return _XLOGX


@dataclass(frozen=True, slots=True)
class ChangePoint:
    """The best admissible split of an outcome sequence into a before and a higher after."""

    index: int
    """Index of the first outcome of the after segment (into the sequence tested)."""
    statistic: float
    """2·(log-likelihood of two rates − log-likelihood of one rate) at this split."""
    before_rate: float
    after_rate: float
    before_n: int
    after_n: int


def max_rise_llr(outcomes: Sequence[bool], min_segment: int, min_rise: float) -> ChangePoint | None:
    """The split with the largest likelihood ratio among those that show a real rise.

    A split at k (before = outcomes[:k], after = outcomes[k:]) is admissible when both
    segments have at least `min_segment` outcomes and the after rate exceeds the before
    rate by at least `min_rise`. Its statistic is
    2·[ℓ(s₁, k) + ℓ(s₂, n−k) − ℓ(s₁+s₂, n)] with ℓ(s, m) = s·ln(s/m) + (m−s)·ln(1−s/m).
    Returns None when no split is admissible. O(n), a fraction of a millisecond at n=200.
    """
    n = len(outcomes)
    if n < 2 * min_segment:
        return None
    table = _xlogx(n)
    prefix = [0]
    for x in outcomes:
        prefix.append(prefix[-1] + (1 if x else 0))
    total = prefix[n]
    whole = table[total] + table[n - total] - table[n]
    best: ChangePoint | None = None
    best_stat = -1.0
    for k in range(min_segment, n - min_segment + 1):
        s1 = prefix[k]
        s2 = total - s1
        m2 = n - k
        if s2 / m2 - s1 / k < min_rise - 1e-12:
            continue
        ll1 = table[s1] + table[k - s1] - table[k]
        ll2 = table[s2] + table[m2 - s2] - table[m2]
        stat = 2.0 * (ll1 + ll2 - whole)
        if stat > best_stat:
            best_stat = stat
            best = ChangePoint(k, max(0.0, stat), s1 / k, s2 / m2, k, m2)
    return best


LEVELS: tuple[float, ...] = (0.05, 0.01, 0.001, 0.0002)
"""The false-alarm levels the table is calibrated at, per test of one window."""

CALIBRATED: tuple[int, float] = (10, 0.3)
"""The (min_segment, min_rise) that `CRITICAL_VALUES` was simulated for."""

# Generated by `python -m drill.protocol.stats` (seed 20240613, 200,000 null sequences
# per length and success rate; the supremum over rates 0.05-0.8). Window length →
# critical values at LEVELS.
CRITICAL_VALUES: dict[int, tuple[float, ...]] = {
    20: (3.29, 6.56, 11.02, 14.72),
    25: (4.97, 8.67, 13.37, 16.9),
    30: (5.63, 9.24, 14.66, 18.35),
    40: (6.24, 9.98, 14.96, 18.95),
    50: (6.6, 10.35, 15.61, 18.55),
    60: (6.89, 10.69, 15.81, 19.08),
    80: (7.09, 11.03, 16.03, 19.65),
    100: (7.01, 11.32, 16.3, 19.86),
    125: (6.72, 11.42, 16.66, 19.96),
    150: (6.51, 11.26, 16.7, 19.9),
    175: (6.31, 11.07, 16.9, 20.26),
    200: (6.27, 10.9, 16.79, 20.15),
}


@lru_cache(maxsize=8)
def _simulated_table(min_segment: int, min_rise: float, max_n: int) -> dict[int, tuple[float, ...]]:
    """Critical values for an uncalibrated configuration, simulated once on first use."""
    lengths = sorted({*range(2 * min_segment, max_n + 1, 10), max_n})
    return {
        n: simulate_null_statistics(n, min_segment, min_rise, sims=50_000).critical for n in lengths
    }


def _table(min_segment: int, min_rise: float, n: int) -> dict[int, tuple[float, ...]]:
    if CRITICAL_VALUES and (min_segment, min_rise) == CALIBRATED and n <= max(CRITICAL_VALUES):
        return CRITICAL_VALUES
    return _simulated_table(min_segment, min_rise, max(n, 2 * min_segment))


def critical_value(n: int, alpha: float, min_segment: int, min_rise: float) -> float:
    """The statistic a window of `n` outcomes must reach to reject "no rise" at `alpha`.

    Between tabulated lengths the larger of the two neighbours is used, which is
    conservative because the critical value changes slowly and not monotonically with n
    (longer windows have more splits, but fewer of them pass the `min_rise` filter).
    """
    if alpha not in LEVELS:
        raise ValueError(f"alpha must be one of the calibrated levels {LEVELS}, not {alpha}")
    column = LEVELS.index(alpha)
    table = _table(min_segment, min_rise, n)
    lengths = sorted(table)
    below = [m for m in lengths if m <= n]
    above = [m for m in lengths if m >= n]
    near = [m for m in (below[-1:] + above[:1])] or lengths[-1:]
    return max(table[m][column] for m in near)


@dataclass(frozen=True, slots=True)
class RiseTest:
    """The result of testing one window of outcomes for a significant rise."""

    significant: bool
    change: ChangePoint | None
    """The best admissible split, significant or not; None when there is none."""
    critical_value: float
    """The statistic needed at the configured level for this window length."""
    p_value: float
    """An upper bound: the smallest of LEVELS at which the rise is significant, else 1."""
    n: int


def rise_test(
    outcomes: Sequence[bool],
    alpha: float = 0.0002,
    min_segment: int = 10,
    min_rise: float = 0.3,
) -> RiseTest:
    """Has the success rate risen by at least `min_rise`, beyond what noise explains?"""
    n = len(outcomes)
    change = max_rise_llr(outcomes, min_segment, min_rise)
    if change is None:
        crit = critical_value(n, alpha, min_segment, min_rise) if n >= 2 * min_segment else 0.0
        return RiseTest(False, None, crit, 1.0, n)
    crit = critical_value(n, alpha, min_segment, min_rise)
    p_value = 1.0
    for level in LEVELS:
        if change.statistic > critical_value(n, level, min_segment, min_rise):
            p_value = level
    # Strictly greater: the null distribution is discrete, and an atom sitting exactly on
    # a simulated quantile would otherwise push the level above alpha.
    return RiseTest(change.statistic > crit, change, crit, p_value, n)


# --- calibration (numpy, imported lazily) ---------------------------------------------


def batch_statistics(outcomes: Any, min_segment: int, min_rise: float) -> Any:
    """`max_rise_llr(row).statistic` (0 where None) for every row of a boolean matrix."""
    import numpy as np

    n = outcomes.shape[1]
    table = np.array(_xlogx(n)[: n + 1])
    k = np.arange(min_segment, n - min_segment + 1)
    prefix = np.cumsum(outcomes, axis=1)
    s1 = prefix[:, k - 1]
    total = prefix[:, -1:]
    s2 = total - s1
    m2 = n - k
    ll = (
        table[s1]
        + table[k - s1]
        - table[k]
        + table[s2]
        + table[m2 - s2]
        - table[m2]
        - (table[total] + table[n - total] - table[n])
    )
    ok = s2 / m2 - s1 / k >= min_rise - 1e-12
    return np.where(ok, np.maximum(2.0 * ll, 0.0), 0.0).max(axis=1, initial=0.0)


@dataclass(frozen=True, slots=True)
class NullCalibration:
    """Simulated critical values of the rise statistic for one window length."""

    n: int
    critical: tuple[float, ...]
    """At LEVELS: the supremum over `rates` of the simulated (1 − level) quantiles."""
    rates: tuple[float, ...]


NULL_RATES: tuple[float, ...] = (0.05, 1 / 13, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
"""Null success rates simulated; the worst case (near 0.5) sets the critical value."""


def simulate_null_statistics(
    n: int,
    min_segment: int,
    min_rise: float,
    sims: int = 200_000,
    rates: tuple[float, ...] = NULL_RATES,
    seed: int = 20240613,
) -> NullCalibration:
    """Simulate `max_rise_llr` on flat Bernoulli sequences and take upper quantiles.

    The same statistic as `max_rise_llr`, vectorized; a test checks that they agree.
    The null rate is a nuisance parameter, so the critical value is the worst case over
    `rates`: the test then holds its level whatever the deck's chance rate is.
    """
    import numpy as np

    rng = np.random.default_rng([seed, n, min_segment])
    worst = [0.0] * len(LEVELS)
    for rate in rates:
        stats: list[Any] = []
        for start in range(0, sims, 20_000):
            size = min(20_000, sims - start)
            stats.append(batch_statistics(rng.random((size, n)) < rate, min_segment, min_rise))
        all_stats = np.concatenate(stats)
        for i, level in enumerate(LEVELS):
            worst[i] = max(worst[i], float(np.quantile(all_stats, 1 - level)))
    return NullCalibration(n, tuple(round(c, 2) for c in worst), rates)


def _main() -> None:
    """Print the `CRITICAL_VALUES` table for the calibrated configuration."""
    min_segment, min_rise = CALIBRATED
    print("CRITICAL_VALUES: dict[int, tuple[float, ...]] = {")
    for n in (20, 25, 30, 40, 50, 60, 80, 100, 125, 150, 175, 200):
        cal = simulate_null_statistics(n, min_segment, min_rise)
        print(f"    {n}: {cal.critical},", flush=True)
    print("}")


if __name__ == "__main__":
    _main()
