"""The progress tracker: plateaus, transitions, grokking once, and resuming the next day."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drill.protocol.detect import (
    DetectedEvent,
    DetectorConfig,
    GeneralizationConfirmed,
    PlateauEnded,
    PlateauStarted,
    ProgressTracker,
    TransitionDetected,
    event_from_json,
    event_to_json,
)

CHANCE = 1 / 13
Outcome = tuple[int, bool, bool]


def session(
    seed: int,
    exposures: int,
    train_p: Callable[[int], float],
    heldout_p: Callable[[int], float],
    probe_rate: float = 0.1,
) -> Iterator[Outcome]:
    """A simulated learner: success rates as functions of the exposure count."""
    rng = random.Random(seed)
    for e in range(1, exposures + 1):
        probe = rng.random() < probe_rate
        p = heldout_p(e) if probe else train_p(e)
        yield e, probe, rng.random() < p


def run(outcomes: Iterator[Outcome]) -> tuple[ProgressTracker, list[DetectedEvent]]:
    return ProgressTracker.rebuild(outcomes)


def groks(events: list[DetectedEvent]) -> list[DetectedEvent]:
    return [e for e in events if isinstance(e, TransitionDetected | GeneralizationConfirmed)]


# --- phases ---


def test_new_until_enough_training_outcomes() -> None:
    """A tracker that has seen fewer than train_min training outcomes says "new"."""
    tracker, events = run(session(1, 15, lambda e: 1.0, lambda e: 0.0))
    assert tracker.state.phase == "new"
    assert events == []


def test_high_training_and_flat_heldout_is_a_plateau() -> None:
    """Training at 0.95 with held-out at chance is a plateau, with its start and length."""
    tracker, events = run(session(2, 1500, lambda e: 0.95, lambda e: CHANCE))
    state = tracker.state
    assert state.phase == "plateau"
    started = [e for e in events if isinstance(e, PlateauStarted)]
    assert len(started) == 1
    assert state.plateau_since == started[0].exposure
    assert state.plateau_length == 1500 - started[0].exposure > 1000
    assert not groks(events)


def test_low_training_is_memorizing() -> None:
    """Training at 0.5 is still memorizing, never a plateau."""
    tracker, events = run(session(3, 1500, lambda e: 0.5, lambda e: CHANCE))
    assert tracker.state.phase == "memorizing"
    assert events == []


def test_transition_ends_the_plateau_and_groks() -> None:
    """Held-out jumping from chance to 0.9 at exposure 2,000 is found near 2,000, once."""
    tracker, events = run(session(4, 3500, lambda e: 0.95, lambda e: CHANCE if e < 2000 else 0.9))
    assert tracker.state.phase == "grokked"
    (grok,) = groks(events)
    assert isinstance(grok, TransitionDetected)
    assert 1800 <= grok.change_exposure <= 2200
    assert grok.exposure <= 2400  # detected within about 40 probes
    assert grok.before_rate < 0.2 < 0.6 <= grok.after_rate
    assert grok.statistic > grok.critical_value
    ended = [e for e in events if isinstance(e, PlateauEnded)]
    assert ended[-1].reason == "transition"
    assert ended[-1].exposure == grok.exposure
    assert tracker.state.grokked_at == grok.change_exposure


def test_training_drop_ends_the_plateau() -> None:
    """A plateau ends, with a reason, when training accuracy falls below plateau_exit."""
    _, events = run(session(5, 2000, lambda e: 0.95 if e < 1000 else 0.4, lambda e: CHANCE))
    ended = [e for e in events if isinstance(e, PlateauEnded)]
    assert ended
    assert ended[-1].reason == "training_dropped"


def test_a_learner_who_knows_the_rule_is_confirmed_without_a_transition() -> None:
    """Held-out high from the start is confirmed as grokked, not left memorizing."""
    tracker, events = run(session(6, 600, lambda e: 0.95, lambda e: 0.98))
    assert tracker.state.phase == "grokked"
    (grok,) = groks(events)
    assert isinstance(grok, GeneralizationConfirmed)


def test_slow_ramp_is_detected_inside_the_ramp() -> None:
    """Held-out ramping from chance to 0.9 over exposures 1,000-2,000 groks in the ramp."""

    def ramp(e: int) -> float:
        return CHANCE + (0.9 - CHANCE) * min(1.0, max(0.0, (e - 1000) / 1000))

    found = 0
    for seed in range(20):
        _, events = run(session(100 + seed, 3000, lambda e: 0.9, ramp))
        transitions = [e for e in groks(events) if isinstance(e, TransitionDetected)]
        if transitions:
            found += 1
            assert 900 <= transitions[0].change_exposure <= 2300
    assert found >= 18


def test_lifetime_false_grok_rate_on_flat_heldout() -> None:
    """Monitoring 300 flat probes after each one rarely calls a grok (worst rate p=0.5)."""
    false_groks = 0
    config = DetectorConfig()
    for seed in range(60):
        rng = random.Random(f"lifetime-{seed}")
        tracker = ProgressTracker(config)
        for i in range(300):
            if groks(tracker.observe(i, True, rng.random() < 0.5)):
                false_groks += 1
                break
    # Measured rate over 1,000 sequences of 500 probes is about 2 %; allow noise.
    assert false_groks <= 5


def test_exposures_must_not_go_backwards() -> None:
    """An exposure before the last one observed is a caller's bug and raises."""
    tracker = ProgressTracker()
    tracker.observe(10, False, True)
    with pytest.raises(ValueError, match="before"):
        tracker.observe(9, False, True)


def test_config_rejects_uncalibrated_alpha() -> None:
    """Only calibrated levels may be configured, so the stated error rate is true."""
    with pytest.raises(ValueError, match="calibrated"):
        DetectorConfig(alpha=0.03)


# --- properties ---

learners = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 10**6),
        "exposures": st.integers(0, 1200),
        "train": st.floats(0.3, 1.0),
        "before": st.floats(0.0, 0.6),
        "after": st.floats(0.0, 1.0),
        "change": st.integers(0, 1200),
        "probe_rate": st.floats(0.05, 0.5),
    }
)


def outcomes_of(learner: dict[str, float]) -> list[Outcome]:
    change = learner["change"]
    return list(
        session(
            int(learner["seed"]),
            int(learner["exposures"]),
            lambda e: learner["train"],
            lambda e: learner["before"] if e < change else learner["after"],
            learner["probe_rate"],
        )
    )


@settings(max_examples=40, deadline=None)
@given(learners)
def test_never_a_second_grok_and_events_in_exposure_order(learner: dict[str, float]) -> None:
    """At most one grok event is ever emitted, and events come in exposure order."""
    _, events = run(iter(outcomes_of(learner)))
    assert len(groks(events)) <= 1
    assert [e.exposure for e in events] == sorted(e.exposure for e in events)
    starts = [e for e in events if isinstance(e, PlateauStarted)]
    ends = [e for e in events if isinstance(e, PlateauEnded)]
    assert len(starts) - len(ends) in (0, 1)


@settings(max_examples=40, deadline=None)
@given(learners, st.floats(0.0, 1.0))
def test_state_round_trips_and_resumes_as_if_never_saved(
    learner: dict[str, float], cut: float
) -> None:
    """Saving to JSON mid-way and resuming gives the same state and events as running on."""
    outcomes = outcomes_of(learner)
    k = int(cut * len(outcomes))
    whole, all_events = run(iter(outcomes))
    first, events = run(iter(outcomes[:k]))
    saved = json.loads(json.dumps(first.to_json()))
    resumed = ProgressTracker.from_json(saved)
    assert resumed.to_json() == first.to_json()
    assert resumed.state == first.state
    for outcome in outcomes[k:]:
        events.extend(resumed.observe(*outcome))
    assert events == all_events
    assert resumed.state == whole.state


@settings(max_examples=30, deadline=None)
@given(learners)
def test_events_round_trip_through_json(learner: dict[str, float]) -> None:
    """Every event survives its stored JSON form unchanged."""
    _, events = run(iter(outcomes_of(learner)))
    for event in events:
        assert event_from_json(json.loads(json.dumps(event_to_json(event)))) == event


def test_saved_state_is_small() -> None:
    """A long history saves to a few kilobytes, whatever its length."""
    tracker, _ = run(session(7, 20_000, lambda e: 0.95, lambda e: CHANCE))
    assert len(json.dumps(tracker.to_json())) < 4000
