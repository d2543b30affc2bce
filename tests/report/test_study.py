"""A study's statistics: final held-out accuracy, survival with censoring, the two tests."""

from __future__ import annotations

import pytest

from drill.report.study import Participant, analyse, final_heldout, permutation, survival


def person(arm: str, rate: float, arrived: int | None, n: int = 2000) -> Participant:
    """A participant with `n` exposures, one untaught answer every 10, right at `rate`."""
    answers = tuple((x, (x // 10) % 100 < rate * 100) for x in range(10, n + 1, 10))
    return Participant(f"{arm}-{rate}-{arrived}", arm, "network", n, answers, arrived, arrived)


def test_final_heldout_is_over_the_last_100_untaught_answers() -> None:
    """Only the last 100 untaught answers count."""
    p = Participant(
        "a",
        "x",
        "person",
        300,
        tuple([(i, False) for i in range(50)] + [(60 + i, True) for i in range(100)]),
    )
    assert final_heldout(p) == 1.0


def test_a_clear_difference_is_significant_on_both_tests() -> None:
    """Four who arrive and hold 1.0 against four who never arrive: log-rank and the
    permutation test both give p < 0.05 (the exact permutation p is 2/70)."""
    group = [person("protocol", 1.0, 700 + 10 * i) for i in range(4)]
    group += [person("few", 0.0, None) for _ in range(4)]
    analysis = analyse(group, ["protocol", "few"], "simulated network learners")
    protocol, few = analysis.arms
    assert (protocol.participants, protocol.found, few.found) == (4, 4, 0)
    assert protocol.final_heldout == 1.0
    assert few.final_heldout == 0.0
    by_test = {c.test: c for c in analysis.comparisons}
    assert by_test["logrank"].p_value is not None
    assert by_test["logrank"].p_value < 0.05
    assert by_test["permutation"].p_value == pytest.approx(2 / 70)


def test_no_difference_is_not_significant() -> None:
    """The same learners in two arms: no test says they differ."""
    a = [person("a", 0.5, 800 + i) for i in range(4)]
    b = [person("b", 0.5, 800 + i) for i in range(4)]
    for c in analyse(a + b, ["a", "b"], "x").comparisons:
        assert c.p_value is not None
        assert c.p_value > 0.5


def test_survival_censors_who_never_arrived() -> None:
    """Half arrive at 500: the curve drops to one half there and stays (the rest censored)."""
    people = [
        person("a", 1.0, 500),
        person("a", 1.0, 500),
        person("a", 0.0, None),
        person("a", 0.0, None),
    ]
    assert survival(people) == ((500, 0.5),) or survival(people)[0] == (500, 0.5)


def test_too_few_to_test_says_so() -> None:
    """One participant an arm: the permutation test is not run."""
    assert permutation([1.0], [0.0]) is None


def test_the_survival_line_says_who_is_still_without_the_rule_by_when() -> None:
    """Plain words, not "20:0.00": the share still without the rule by each exposure."""
    from drill.report.study import still_without

    assert still_without(((310, 0.5), (420, 0.0))) == "still without it: 50% by 310, 0% by 420"
    assert still_without(((2500, 1.0),)) == "still without it: 100% by 2,500"
    assert still_without(()) == "no one yet"
    assert still_without(tuple((n, 1 - n / 10) for n in range(1, 9))).endswith(", …")
