"""The one measure: untaught answers, right whenever they came; fluency beside it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from drill.protocol.measure import Measure, heldout, untaught_answers, untaught_flags
from drill.protocol.records import PastOutcome


def outcome(
    exposure: int, item: str, *, probe: bool = False, right: bool = True, late: bool = False
) -> PastOutcome:
    return PastOutcome(exposure, item, probe, right and not late, right)


def test_probes_and_first_answers_are_untaught_and_a_late_right_answer_is_right() -> None:
    """A probe and a first answer count; a second answer to a taught item does not; a late
    right answer is right for the measure and not fluent."""
    past = [
        outcome(1, "a", late=True),  # first answer, right but late
        outcome(2, "a"),  # taught now: not untaught
        outcome(3, "h", probe=True, right=False),
        outcome(4, "h", probe=True),  # probes never teach
        outcome(5, "b", right=False),
    ]
    assert untaught_flags(past) == [True, False, True, True, True]
    measure = heldout(past)
    assert measure == Measure(n=4, right=2, fluent=1)
    assert measure.accuracy == 0.5
    assert measure.fluency == 0.25
    assert heldout(past, last=2) == Measure(n=2, right=1, fluent=1)
    assert heldout(past, taught={"b"}).n == 3
    assert heldout([]).accuracy is None


def test_a_recorded_flag_is_the_flag() -> None:
    """What history recorded as untaught when it was answered stays so, whatever is taught
    elsewhere later (`taught` no longer rewrites it)."""
    past = [PastOutcome(1, "a", False, True, True, untaught=True)]
    assert untaught_flags(past, taught={"a"}) == [True]
    assert untaught_flags([PastOutcome(1, "a", False, True, True)], taught={"a"}) == [False]


@given(
    st.lists(
        st.tuples(st.sampled_from("abcdef"), st.booleans(), st.booleans(), st.booleans()),
        max_size=40,
    )
)
def test_fluent_answers_are_right_answers(rows: list[tuple[str, bool, bool, bool]]) -> None:
    """For any history: fluent ≤ right ≤ untaught, and the answers are the untaught ones."""
    past = [
        outcome(i, item, probe=probe, right=right, late=late)
        for i, (item, probe, right, late) in enumerate(rows, 1)
    ]
    answers = untaught_answers(past)
    measure = Measure.of(answers)
    assert measure.fluent <= measure.right <= measure.n == sum(untaught_flags(past))
    assert all(a.right or not a.fluent for a in answers)
