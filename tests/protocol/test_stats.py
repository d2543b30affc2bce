"""Wilson intervals, the calibrated rise test and the rule's seal."""

from __future__ import annotations

import math
import random
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drill.protocol.stats import (
    CALIBRATED,
    CRITICAL_VALUES,
    LEVELS,
    batch_statistics,
    critical_value,
    max_rise_llr,
    rise_test,
    wilson_interval,
)

CHANCE = 1 / 13


def flat(rng: random.Random, n: int, p: float) -> list[bool]:
    return [rng.random() < p for _ in range(n)]


# --- Wilson ---


@given(st.integers(0, 2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_contains_estimate_and_stays_in_unit_interval(sn: tuple[int, int]) -> None:
    """The interval lies in [0, 1] and contains the observed proportion."""
    s, n = sn
    lo, hi = wilson_interval(s, n)
    p = s / n if n else 0.5
    assert 0.0 <= lo <= p <= hi <= 1.0


@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_widens_with_confidence(sn: tuple[int, int]) -> None:
    """A higher confidence never gives a narrower interval."""
    s, n = sn
    lo90, hi90 = wilson_interval(s, n, 0.90)
    lo99, hi99 = wilson_interval(s, n, 0.99)
    assert lo99 <= lo90 + 1e-12
    assert hi99 >= hi90 - 1e-12


def test_wilson_known_values() -> None:
    """Matches the textbook Wilson interval (e.g. 8 of 10 at 95 % is 0.490-0.943)."""
    lo, hi = wilson_interval(8, 10)
    assert lo == pytest.approx(0.4902, abs=1e-4)
    assert hi == pytest.approx(0.9433, abs=1e-4)
    assert wilson_interval(0, 0) == (0.0, 1.0)
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(10, 10)[1] == 1.0


def test_wilson_rejects_impossible_counts() -> None:
    """More successes than trials, or a confidence outside (0, 1), is an error."""
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(3, 2)
    with pytest.raises(ValueError, match="confidence"):
        wilson_interval(1, 2, 1.0)


# --- the rise statistic ---


def test_batch_statistics_agree_with_the_scalar_statistic() -> None:
    """The vectorized calibration statistic is exactly the one the detector computes."""
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(0)
    x = rng.random((200, 47)) < rng.random((200, 1))
    batch = batch_statistics(x, 10, 0.3)
    for row, value in zip(x, batch, strict=True):
        change = max_rise_llr([bool(v) for v in row], 10, 0.3)
        assert value == pytest.approx(change.statistic if change else 0.0, abs=1e-9)


def test_only_rises_of_the_minimum_size_are_admissible() -> None:
    """A fall, or a rise smaller than min_rise, has no admissible split."""
    assert max_rise_llr([True] * 30 + [False] * 30, 10, 0.3) is None
    assert max_rise_llr([i % 2 == 0 for i in range(60)], 10, 0.3) is None
    assert max_rise_llr([False] * 10, 10, 0.3) is None


def test_change_point_is_located_at_a_sharp_step() -> None:
    """A clean step from all-wrong to all-right is split exactly at the step."""
    change = max_rise_llr([False] * 40 + [True] * 25, 10, 0.3)
    assert change is not None
    assert change.index == 40
    assert (change.before_rate, change.after_rate) == (0.0, 1.0)
    assert (change.before_n, change.after_n) == (40, 25)


def test_critical_values_table_covers_the_default_window() -> None:
    """The shipped table is for the defaults and covers 20-200 probes at every level."""
    assert CALIBRATED == (10, 0.3)
    assert min(CRITICAL_VALUES) == 20
    assert max(CRITICAL_VALUES) >= 200
    for values in CRITICAL_VALUES.values():
        assert len(values) == len(LEVELS)
        assert list(values) == sorted(values)


def test_critical_value_takes_the_larger_neighbour() -> None:
    """Between tabulated lengths the critical value is the larger neighbour's (conservative)."""
    a, b = CRITICAL_VALUES[50][1], CRITICAL_VALUES[60][1]
    assert critical_value(55, 0.01, 10, 0.3) == max(a, b)
    with pytest.raises(ValueError, match="calibrated"):
        critical_value(55, 0.02, 10, 0.3)


@pytest.mark.parametrize("p", [CHANCE, 0.3, 0.5, 0.7])
@pytest.mark.parametrize("alpha", [0.01, 0.0002])
def test_flat_sequences_false_alarm_at_most_the_stated_rate(p: float, alpha: float) -> None:
    """Over 500 seeded flat windows of 120 probes, false alarms stay at or below alpha."""
    alarms = 0
    for seed in range(500):
        rng = random.Random(f"flat-{p}-{seed}")
        alarms += rise_test(flat(rng, 120, p), alpha).significant
    # Binomial(500, alpha) tolerance: 3 standard deviations above the mean, plus one.
    allowed = 500 * alpha + 3 * math.sqrt(500 * alpha * (1 - alpha)) + 1
    assert alarms <= allowed


def test_step_change_is_found_near_the_true_point() -> None:
    """60 probes at chance then 60 at 0.9: found every time, within 5 probes of the step."""
    near = 0
    for seed in range(200):
        rng = random.Random(f"step-{seed}")
        result = rise_test(flat(rng, 60, 0.08) + flat(rng, 60, 0.9))
        assert result.significant
        assert result.change is not None
        near += abs(result.change.index - 60) <= 5
        assert result.p_value == min(LEVELS)
    assert near >= 190


def test_small_rise_in_a_short_window_is_not_significant() -> None:
    """A rise from chance to 0.3 over 2×15 probes is below the test's power: no false grok."""
    significant = 0
    for seed in range(100):
        rng = random.Random(f"small-{seed}")
        significant += rise_test(flat(rng, 15, CHANCE) + flat(rng, 15, 0.3)).significant
    assert significant <= 10


def test_stats_module_imports_neither_scipy_nor_numpy() -> None:
    """Importing the statistics (and the detector) loads neither scipy nor numpy."""
    code = (
        "import sys, drill.protocol.stats, drill.protocol.detect; "
        "print(sorted(m for m in ('scipy', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
