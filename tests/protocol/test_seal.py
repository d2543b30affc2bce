"""The seal: Page's CUSUM over untaught answers, and what the learner may see of it."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drill.protocol.seal import PROGRESS_BLOCK, SealTest, SealTracker, shown_view

TEST = SealTest()


def test_a_run_of_right_answers_opens_it_as_soon_as_the_evidence_suffices() -> None:
    """With the defaults, 20 right untaught answers in a row open it; 19 do not."""
    needed = math.ceil(TEST.evidence / TEST.step_right)
    assert needed == 20
    assert not SealTracker.replay([True] * (needed - 1)).reached
    assert SealTracker.replay([True] * needed).reached


def test_evidence_against_restarts_the_test_from_zero() -> None:
    """A long stretch at chance does not have to be paid back: the statistic never goes
    below zero, so a learner who finds the rule late opens it as fast as one who had it."""
    rng = random.Random(1)
    chance = [rng.random() < 1 / 13 for _ in range(2000)]
    late = SealTracker.replay([*chance, *[True] * 20])
    assert late.reached
    assert not SealTracker.replay(chance).ever_reached


def test_a_slip_costs_about_six_right_answers() -> None:
    """One wrong answer takes back ln(0.05/0.3)/ln(0.95/0.7) ≈ 5.9 right ones."""
    assert -TEST.step_wrong / TEST.step_right == pytest.approx(5.87, abs=0.01)
    tracker = SealTracker.replay([True] * 19 + [False])
    assert not tracker.reached
    assert tracker.statistic == pytest.approx(19 * TEST.step_right + TEST.step_wrong)


def test_it_refuses_hypotheses_that_cannot_be_told_apart() -> None:
    with pytest.raises(ValueError, match="unknown < known"):
        SealTest(known=0.6, unknown=0.6)
    with pytest.raises(ValueError, match="evidence"):
        SealTest(evidence=float("nan"))


@given(st.lists(st.booleans(), max_size=200))
def test_the_statistic_is_the_cusum_recursion(outcomes: list[bool]) -> None:
    """S_n = max(0, S_{n-1} + step), with `answered` counting since the last zero."""
    tracker = SealTracker()
    s = 0.0
    since = 0
    for ok in outcomes:
        tracker.observe(ok)
        s = max(0.0, s + (TEST.step_right if ok else TEST.step_wrong))
        since = 0 if s == 0 else since + 1
    assert tracker.statistic == pytest.approx(s)
    assert tracker.answered == since
    assert tracker.total == len(outcomes)


@given(
    st.lists(st.tuples(st.booleans(), st.booleans()), max_size=120),
    st.booleans(),
    st.lists(st.booleans(), max_size=12),
)
def test_what_is_shown_never_tells_one_probe(
    stream: list[tuple[bool, bool]], last_probe_right: bool, after: list[bool]
) -> None:
    """Flipping the outcome of a probe that does not complete a block of probes never
    changes what is shown, whatever first answers come after it."""
    probes = sum(1 for probe, _ in stream if probe)
    if probes % PROGRESS_BLOCK == PROGRESS_BLOCK - 1:
        stream = [*stream, (True, True)]  # else the next probe would complete a block
    later = [(False, ok) for ok in after]
    a = shown_view([*stream, (True, last_probe_right), *later])
    b = shown_view([*stream, (True, not last_probe_right), *later])
    assert a == b


def test_progress_reads_as_untaught_items_right_and_how_many_more() -> None:
    """The line counts every untaught answer, and how many more right ones would open it."""
    view = shown_view([(False, True)] * 8)
    assert view.message == "untaught answers: 8 of 8 right; about 12 more right in a row to open"
    after_a_miss = shown_view([(False, False)] + [(False, True)] * 8)
    assert after_a_miss.message.startswith("untaught answers: 8 of 9 right;")
    assert shown_view([]).message.startswith("no untaught answers yet")
    assert shown_view([(False, True)], opened=True).open


@given(st.lists(st.booleans(), max_size=12), st.booleans())
def test_first_answers_count_at_once_and_tests_wait_for_their_block(
    after: list[bool], first: bool
) -> None:
    """One test, then first answers to new items: the first answers are counted as they
    come (the learner was told how they went); the test is named only by how many wait,
    until its block of tests is in."""
    stream = [(True, first), *((False, ok) for ok in after)]
    view = shown_view(stream)
    assert view.total == len(after)
    assert view.total_right == sum(after)
    assert view.waiting == 1
    if after:
        assert view.message.endswith("(1 test not counted until a block of 5 is in)")
    else:
        assert view.message == ("untaught answers: 1 test taken; tests are counted after every 5")
    assert shown_view([(True, not first), *((False, ok) for ok in after)]) == view


def test_a_rule_learner_sees_progress_between_tests() -> None:
    """Twenty right first answers with a test among them: the count grows with each."""
    stream = [(False, True)] * 3 + [(True, True)] + [(False, True)] * 10
    assert shown_view(stream).total_right == 13
    assert shown_view(stream).more < shown_view(stream[:5]).more
