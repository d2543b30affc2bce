"""Change-points in one learner's own series: the moment of insight, and shifts in pace.

Group curves smooth over individual step changes (Gallistel, Fairhurst & Balsam, PNAS
2004), so drill dates them per learner, from every final answer in exposure order:

- **Insight** (a deck whose seal counts a way of answering, the number reduction task's
  shortcut): the one exposure where the rate of shortcut answers changes most, by the
  likelihood ratio of two Bernoulli rates against one; it is called an insight only when a
  permutation test puts that ratio in the top `ALPHA` of shuffled series (so a learner
  whose shortcut rate never changes is marked at most that often), the rate after it is at
  least one half and above the rate before, and the median response time after it is
  lower than before.
- **Response-time changes** (every deck): binary segmentation of log response times by
  the largest shift in mean, each split kept only when it passes the same permutation test.

Both are exact under the null hypothesis: with no change, every order of the series is as
likely as the one seen, so the share of shuffles that beat it is a p-value
(docs/statistics.md gives the rates measured on simulated learners). The shuffles come
from a fixed seed: the same history gives the same marks on every machine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

ALPHA = 0.01
"""The false-alarm rate each test is held to."""
SHUFFLES = 199
"""Permutations per test: with 199, p ≤ 0.01 means at most one shuffle beat the series."""
MIN_SEGMENT = 10
"""Exposures at least on each side of a change."""
MAX_POINTS = 2000
"""Longer response-time series are averaged in consecutive groups down to about this."""
MAX_RT_CHANGES = 4
SEED = 20040122
"""The shuffles' seed (Wagner et al.'s paper was received on this date)."""

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Insight:
    """The exposure where a learner began to take the shortcut, and what changed there."""

    exposure: int
    p_value: float
    rate_before: float
    rate_after: float
    median_ms_before: float
    median_ms_after: float


@dataclass(frozen=True)
class PaceChange:
    """A lasting shift in response time at `exposure`: median seconds before and after."""

    exposure: int
    p_value: float
    before_ms: float
    after_ms: float


def _prefix(x: FloatArray) -> FloatArray:
    """Cumulative sums along the last axis with a 0 in front (rows: series)."""
    zero = np.zeros((*x.shape[:-1], 1))
    return np.concatenate([zero, np.cumsum(x, axis=-1)], axis=-1)


def _bernoulli_gain(x: FloatArray, lo: int) -> FloatArray:
    """For each split t in [lo, n - lo], the log-likelihood ratio of two rates against one
    (along the last axis: one row per series)."""
    n = x.shape[-1]
    k = _prefix(x)
    t = np.arange(lo, n - lo + 1, dtype=np.float64)
    total = k[..., n : n + 1]
    left = k[..., lo : n - lo + 1]
    whole = _ll(total, np.array(float(n)))
    return _ll(left, t) + _ll(total - left, n - t) - whole


def _ll(k: FloatArray, n: FloatArray) -> FloatArray:
    """The Bernoulli log-likelihood at its maximum, k successes of n (0 log 0 = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        a = np.where(k > 0, k * np.log(np.where(k > 0, p, 1.0)), 0.0)
        b = np.where(n - k > 0, (n - k) * np.log(np.where(n - k > 0, 1 - p, 1.0)), 0.0)
    return np.asarray(a + b, dtype=np.float64)


def _mean_gain(y: FloatArray, lo: int) -> FloatArray:
    """For each split t, the between-segment sum of squares of a shift in mean."""
    n = y.shape[-1]
    s = _prefix(y - y.mean(axis=-1, keepdims=True))
    t = np.arange(lo, n - lo + 1, dtype=np.float64)
    left = s[..., lo : n - lo + 1]
    return np.asarray(left**2 * n / (t * (n - t)), dtype=np.float64)


def _permutation_split(
    y: FloatArray, gain: str, rng: np.random.Generator, lo: int = MIN_SEGMENT
) -> tuple[int, float] | None:
    """The best split of `y` and its permutation p-value; None if too short to split."""
    if len(y) < 2 * lo:
        return None
    score = _bernoulli_gain if gain == "bernoulli" else _mean_gain
    gains = score(y, lo)
    best = int(np.argmax(gains))
    observed = float(gains[best])
    if observed <= 1e-12:
        return lo + best, 1.0
    shuffled = rng.permuted(np.broadcast_to(y, (SHUFFLES, len(y))), axis=1)
    beaten = int((score(shuffled, lo).max(axis=1) >= observed - 1e-9).sum())
    return lo + best, (1 + beaten) / (SHUFFLES + 1)


def date_insight(
    exposures: Sequence[int], shortcut: Sequence[bool], response_ms: Sequence[float]
) -> Insight | None:
    """The exposure at which the shortcut came into lasting use, with a drop in response
    time, or None. The three series are per final answer, in exposure order."""
    x = np.asarray(shortcut, dtype=np.float64)
    if len(x) < 2 * MIN_SEGMENT or x.sum() == 0:
        return None
    found = _permutation_split(x, "bernoulli", np.random.default_rng(SEED))
    if found is None:
        return None
    t, p = found
    before, after = float(x[:t].mean()), float(x[t:].mean())
    ms = np.asarray(response_ms, dtype=np.float64)
    ms_before, ms_after = _median(ms[:t]), _median(ms[t:])
    if p > ALPHA or after < 0.5 or after <= before or not ms_after < ms_before:
        return None
    return Insight(int(exposures[t]), p, before, after, ms_before, ms_after)


def pace_changes(exposures: Sequence[int], response_ms: Sequence[float]) -> list[PaceChange]:
    """Lasting shifts in (log) response time, by binary segmentation, oldest first."""
    ms = np.asarray(response_ms, dtype=np.float64)
    keep = np.isfinite(ms) & (ms > 0)
    ms, at = ms[keep], np.asarray(exposures, dtype=np.int64)[keep]
    group = max(1, math.ceil(len(ms) / MAX_POINTS))
    if group > 1:  # means of consecutive groups: the test stays exact on groups
        usable = len(ms) // group * group
        y = np.log(ms[:usable]).reshape(-1, group).mean(axis=1)
        at = at[:usable:group]
    else:
        y = np.log(ms)
    rng = np.random.default_rng(SEED)
    cuts: list[tuple[int, float]] = []
    spans = [(0, len(y))]
    while spans and len(cuts) < MAX_RT_CHANGES:
        start, end = spans.pop(0)
        found = _permutation_split(y[start:end], "mean", rng)
        if found is None or found[1] > ALPHA:
            continue
        cut = start + found[0]
        cuts.append((cut, found[1]))
        spans += [(start, cut), (cut, end)]
    bounds = sorted(c for c, _ in cuts)
    changes = []
    for cut, p in sorted(cuts):
        i = bounds.index(cut)
        lo = bounds[i - 1] if i else 0
        hi = bounds[i + 1] if i + 1 < len(bounds) else len(y)
        before, after = float(np.exp(np.median(y[lo:cut]))), float(np.exp(np.median(y[cut:hi])))
        changes.append(PaceChange(int(at[cut]), p, before, after))
    return changes


def _median(values: FloatArray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if len(finite) else math.nan


RECENT = 30
"""Answers behind "the shortcut in use now"."""


@dataclass(frozen=True)
class Changes:
    """A learner's change-points on one deck, and (where the deck dates insight) how often
    the shortcut is in use now."""

    pace: list[PaceChange]
    insight: Insight | None = None
    dates_insight: bool = False
    """The deck's seal counts a way of answering (the shortcut): insight is its headline."""
    shortcut_now: float | None = None
    """The share of the last RECENT answers that took the shortcut, right."""

    @classmethod
    def of(
        cls,
        exposures: Sequence[int],
        response_ms: Sequence[float],
        shortcut: Sequence[bool] | None,
    ) -> Changes:
        """`shortcut` is None on a deck that does not date insight."""
        pace = pace_changes(exposures, response_ms)
        if shortcut is None:
            return cls(pace)
        recent = list(shortcut[-RECENT:])
        now = sum(recent) / len(recent) if recent else None
        return cls(pace, date_insight(exposures, shortcut, response_ms), True, now)
