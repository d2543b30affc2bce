"""Change-points in one learner's series: insight dated where the shortcut came into use,
pace changes where response times shifted, and false alarms held to the stated rate."""

from __future__ import annotations

import numpy as np

from drill.report.changes import ALPHA, Changes, date_insight, pace_changes


def learner(n: int, switch: int | None, seed: int) -> tuple[list[int], list[bool], list[float]]:
    """A series: rare lucky shortcuts at ~10 s before `switch`, mostly shortcuts at ~3 s after."""
    rng = np.random.default_rng(seed)
    exposures = list(range(1, n + 1))
    after = np.array([switch is not None and e >= switch for e in exposures])
    shortcut = np.where(after, rng.random(n) < 0.85, rng.random(n) < 0.01)
    ms = np.where(shortcut, 3000.0, 10000.0) * np.exp(rng.normal(0, 0.3, n))
    return exposures, shortcut.tolist(), ms.tolist()


def test_a_switch_is_dated_where_it_happened() -> None:
    """Ten learners switching at exposure 120: each dated within 5 exposures of it."""
    for seed in range(10):
        insight = date_insight(*learner(300, 120, seed))
        assert insight is not None
        assert abs(insight.exposure - 120) <= 5, (seed, insight)
        assert insight.median_ms_after < insight.median_ms_before


def test_a_learner_who_never_switches_is_rarely_marked() -> None:
    """Over 400 learners with a steady rate of lucky shortcuts, the share marked stays near
    the stated rate (the permutation test is exact; a binomial allowance on top)."""
    marked = sum(date_insight(*learner(300, None, seed)) is not None for seed in range(400))
    assert marked / 400 <= ALPHA + 3 * (ALPHA * (1 - ALPHA) / 400) ** 0.5


def test_no_drop_in_response_time_is_no_insight() -> None:
    """The shortcut's use changing while answers take as long is not dated as insight."""
    exposures, shortcut, _ms = learner(300, 120, 1)
    assert date_insight(exposures, shortcut, [5000.0] * 300) is None


def test_pace_changes_are_found_and_steady_pace_has_none() -> None:
    """A halving of response time at exposure 200 is found near it; a steady pace gives
    none in at least 95 of 100 series."""
    rng = np.random.default_rng(0)
    ms = np.where(np.arange(1, 401) < 200, 4000.0, 2000.0) * np.exp(rng.normal(0, 0.3, 400))
    found = pace_changes(list(range(1, 401)), ms.tolist())
    assert len(found) >= 1
    assert any(abs(c.exposure - 200) <= 5 and c.after_ms < c.before_ms for c in found)
    steady = 0
    for seed in range(100):
        noise = 3000.0 * np.exp(np.random.default_rng(seed).normal(0, 0.3, 300))
        steady += not pace_changes(list(range(1, 301)), noise.tolist())
    assert steady >= 95


def test_a_deck_that_does_not_date_insight_says_so() -> None:
    """Without a shortcut series there is no insight and no headline of its own."""
    changes = Changes.of(list(range(1, 51)), [2000.0] * 50, None)
    assert not changes.dates_insight
    assert changes.insight is None
    assert changes.pace == []
