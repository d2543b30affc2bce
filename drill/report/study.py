"""A study's analysis: per-arm held-out curves, time to transition, and the tests.

Plain functions over plain data (the store builds `Participant`s); SciPy is imported only
inside the functions that need it, so nothing on the way to a drill session loads it.
The tests and their assumptions are stated in docs/statistics.md ("Studies").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from drill.protocol.measure import STUDY_LAST

FINAL_WINDOW = STUDY_LAST
"""A participant's untaught accuracy (the primary outcome) is over their last this-many
untaught answers (drill.protocol.measure.STUDY_LAST)."""
CURVE_WINDOW = 30
"""A point of a participant's curve is over their last this-many untaught answers there."""
CURVE_MIN = 10
"""Untaught answers a participant needs before a point of their curve counts."""
PERMUTATIONS = 9999
"""Resamples of the permutation test (exact when there are fewer distinct splits)."""


@dataclass(frozen=True)
class Participant:
    """One learner in a study, as the analysis needs them."""

    name: str
    arm: str
    kind: str
    """`person`, or the simulated learner's kind."""
    exposures: int
    untaught: tuple[tuple[int, bool], ...]
    """(exposure, right whenever it came) for every untaught answer, in order
    (drill.protocol.measure)."""
    transition_at: int | None = None
    """Exposure of the first detected transition, if any."""
    found_at: int | None = None
    """Exposure at which the seal opened (the rule found), if it did."""
    final: float | None = None
    """Untaught accuracy over the last FINAL_WINDOW untaught answers, as
    drill.protocol.measure computes it (None: from `untaught`)."""

    @property
    def arrived_at(self) -> int | None:
        """When drill first saw the rule arrive: a detected rise, or the seal opening if
        it opened without one (a narrated learner may never show a rise)."""
        times = [t for t in (self.transition_at, self.found_at) if t is not None]
        return min(times) if times else None


@dataclass(frozen=True)
class CurvePoint:
    exposure: int
    n: int
    mean: float
    low: float
    high: float
    """The 95 % confidence band of the mean over participants (t interval, clipped)."""


@dataclass(frozen=True)
class ArmSummary:
    arm: str
    participants: int
    found: int
    final_heldout: float | None
    finals: tuple[float, ...]
    curve: tuple[CurvePoint, ...]
    survival: tuple[tuple[int, float], ...]
    """(exposure, share still without the rule): the Kaplan-Meier curve, censored at
    each participant's last exposure."""


@dataclass(frozen=True)
class Comparison:
    arm: str
    against: str
    test: str
    statistic: float | None
    p_value: float | None
    """None where the test cannot be run (fewer than two participants in an arm)."""
    p_holm: float | None = None
    """The p-value after Holm's correction across the primary comparisons (with more than
    two arms); None for exploratory tests."""


@dataclass(frozen=True)
class Analysis:
    population: str
    arms: tuple[ArmSummary, ...]
    comparisons: tuple[Comparison, ...] = field(default=())


def final_heldout(participant: Participant, window: int = FINAL_WINDOW) -> float | None:
    """Untaught accuracy over the participant's last `window` untaught answers, right
    whenever it came (the study's primary outcome)."""
    if participant.final is not None and window == FINAL_WINDOW:
        return participant.final
    recent = participant.untaught[-window:]
    return sum(ok for _, ok in recent) / len(recent) if recent else None


def heldout_at(participant: Participant, exposure: int, window: int = CURVE_WINDOW) -> float | None:
    """Held-out accuracy over the last `window` untaught answers up to `exposure`."""
    upto = [ok for x, ok in participant.untaught if x <= exposure][-window:]
    return sum(upto) / len(upto) if len(upto) >= CURVE_MIN else None


def grid(participants: Sequence[Participant], points: int = 10) -> list[int]:
    """Round exposure counts from the first hundred to the longest participant's last."""
    longest = max((p.exposures for p in participants), default=0)
    if longest == 0:
        return []
    step = max(10, math.ceil(longest / points / 10) * 10)
    marks = list(range(step, longest + 1, step))
    return marks if marks and marks[-1] == longest else [*marks, longest]


def mean_band(values: Sequence[float]) -> tuple[float, float, float]:
    """Mean and its 95 % t interval, clipped to [0, 1]; one value has no band."""
    from scipy import stats

    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, mean, mean
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return mean, max(0.0, mean - half), min(1.0, mean + half)


def arm_curve(participants: Sequence[Participant], marks: Sequence[int]) -> tuple[CurvePoint, ...]:
    points = []
    for x in marks:
        values = [v for p in participants if (v := heldout_at(p, x)) is not None]
        if values:
            mean, low, high = mean_band(values)
            points.append(CurvePoint(x, len(values), mean, low, high))
    return tuple(points)


def _arrival(p: Participant) -> int | None:
    return p.arrived_at


def _seal(p: Participant) -> int | None:
    return p.found_at


def _censored(
    participants: Sequence[Participant], time: Callable[[Participant], int | None] = _arrival
) -> object:
    from scipy import stats

    arrived = [float(t) for p in participants if (t := time(p)) is not None]
    censored = [float(p.exposures) for p in participants if time(p) is None]
    return stats.CensoredData(uncensored=arrived, right=censored)


def survival(participants: Sequence[Participant]) -> tuple[tuple[int, float], ...]:
    """The Kaplan-Meier curve of time to transition (scipy.stats.ecdf on censored data):
    (exposure, share still without the rule) at each arrival; censoring at the end."""
    if not participants:
        return ()
    if all(p.arrived_at is None for p in participants):
        return ((max(p.exposures for p in participants), 1.0),)
    from scipy import stats

    result = stats.ecdf(_censored(participants))
    times, shares = result.sf.quantiles, result.sf.probabilities
    return tuple((int(t), float(s)) for t, s in zip(times, shares, strict=True))


def logrank(
    arm: Sequence[Participant],
    first: Sequence[Participant],
    time: Callable[[Participant], int | None] = _arrival,
) -> tuple[float, float] | None:
    """scipy.stats.logrank on time to transition (or `time`: _seal for the seal opening);
    None if it cannot say anything (an arm with no one, or no arrival in either)."""
    if not arm or not first:
        return None
    if all(time(p) is None for p in (*arm, *first)):
        return None
    from scipy import stats

    result = stats.logrank(_censored(arm, time), _censored(first, time))
    statistic, p = float(result.statistic), float(result.pvalue)
    return None if math.isnan(p) else (statistic, p)


def permutation(
    a: Sequence[float], b: Sequence[float], seed: int = 0
) -> tuple[float, float] | None:
    """A two-sided permutation test on the difference in mean final held-out accuracy
    (scipy.stats.permutation_test; exact when the splits are few). None under two each."""
    if len(a) < 2 or len(b) < 2:
        return None
    import numpy as np
    from scipy import stats

    def difference(x: object, y: object, axis: int) -> object:
        return np.mean(x, axis=axis) - np.mean(y, axis=axis)  # type: ignore[call-overload]

    result = stats.permutation_test(
        (list(a), list(b)),
        difference,
        permutation_type="independent",
        vectorized=True,
        n_resamples=PERMUTATIONS,
        alternative="two-sided",
        random_state=np.random.default_rng(seed),
    )
    return float(result.statistic), float(result.pvalue)


def analyse(participants: Sequence[Participant], arms: Sequence[str], population: str) -> Analysis:
    """Every arm's summary, and each arm after the first tested against the first."""
    by_arm = {arm: [p for p in participants if p.arm == arm] for arm in arms}
    marks = grid(participants)
    summaries = []
    for arm, members in by_arm.items():
        finals = tuple(v for p in members if (v := final_heldout(p)) is not None)
        summaries.append(
            ArmSummary(
                arm=arm,
                participants=len(members),
                found=sum(p.found_at is not None for p in members),
                final_heldout=sum(finals) / len(finals) if finals else None,
                finals=finals,
                curve=arm_curve(members, marks),
                survival=survival(members),
            )
        )
    comparisons: list[Comparison] = []
    first = summaries[0] if summaries else None
    for summary in summaries[1:]:
        assert first is not None
        rank = logrank(by_arm[summary.arm], by_arm[first.arm])
        comparisons.append(_comparison(summary.arm, first.arm, "logrank", rank))
        perm = permutation(summary.finals, first.finals)
        comparisons.append(_comparison(summary.arm, first.arm, "permutation", perm))
    return Analysis(population, tuple(summaries), tuple(comparisons))


PRIMARY_TESTS = {
    "untaught_accuracy": ("permutation", "permutation test on untaught accuracy"),
    "exposures_to_transition": ("logrank", "log-rank test on exposures to the transition"),
    "exposures_to_seal": ("logrank_seal", "log-rank test on exposures to the seal opening"),
}
"""The test each pre-registrable primary outcome is read with."""


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm's step-down adjusted p-values (None stays None and is not counted): the
    smallest p times m, the next times m - 1, ..., kept monotone and capped at 1."""
    ranked = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(ranked)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(ranked):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted


def primary(
    participants: Sequence[Participant], arms: Sequence[str], outcome: str, seed: int = 0
) -> tuple[Comparison, ...]:
    """The pre-registered test of `outcome`, each arm after the first against the first,
    Holm-corrected across the comparisons when there are more than one."""
    test, _ = PRIMARY_TESTS[outcome]
    by_arm = {arm: [p for p in participants if p.arm == arm] for arm in arms}
    first = arms[0]
    found = []
    for arm in arms[1:]:
        if test == "permutation":
            finals = [[v for p in by_arm[a] if (v := final_heldout(p)) is not None]
                      for a in (arm, first)]  # fmt: skip
            result = permutation(finals[0], finals[1], seed)
        else:
            result = logrank(
                by_arm[arm], by_arm[first], _seal if test == "logrank_seal" else _arrival
            )
        found.append(_comparison(arm, first, test, result))
    if len(found) < 2:
        return tuple(found)
    adjusted = holm([c.p_value for c in found])
    return tuple(Comparison(c.arm, c.against, c.test, c.statistic, c.p_value, a)
                 for c, a in zip(found, adjusted, strict=True))  # fmt: skip


def _comparison(
    arm: str, against: str, test: str, result: tuple[float, float] | None
) -> Comparison:
    if result is None:
        return Comparison(arm, against, test, None, None)
    return Comparison(arm, against, test, result[0], result[1])


TEST_NAMES = {
    "logrank": "log-rank, time to transition",
    "permutation": "permutation, untaught accuracy",
    "logrank_seal": "log-rank, exposures to the seal",
}


def analysis_json(analysis: Analysis) -> dict[str, object]:
    """The `--json` shape: `arms` keyed by name, `comparisons` as a list."""

    def rounded(x: float | None, digits: int = 4) -> float | None:
        return None if x is None else round(x, digits)

    return {
        "population": analysis.population,
        "arms": {
            s.arm: {
                "participants": s.participants,
                "final_heldout": rounded(s.final_heldout),
                "found": s.found,
                "curve": [
                    {"exposure": c.exposure, "n": c.n, "mean": rounded(c.mean),
                     "low": rounded(c.low), "high": rounded(c.high)}
                    for c in s.curve
                ],
                "survival": [{"exposure": x, "share": rounded(v)} for x, v in s.survival],
            }
            for s in analysis.arms
        },
        "comparisons": [
            comparison_json(c) for c in analysis.comparisons
        ],
    }  # fmt: skip


def comparison_json(c: Comparison) -> dict[str, object]:
    found: dict[str, object] = {
        "arm": c.arm, "against": c.against, "test": c.test,
        "statistic": None if c.statistic is None else round(c.statistic, 4),
        "p_value": None if c.p_value is None else round(c.p_value, 6)}  # fmt: skip
    if c.p_holm is not None:
        found["p_holm"] = round(c.p_holm, 6)
    return found


def still_without(curve: Sequence[tuple[int, float]], shown: int = 6) -> str:
    """The survival curve in words: "still without it: 50 % by 310, 0 % by 420"."""
    if not curve:
        return "no one yet"
    steps = ", ".join(f"{share:.0%} by {exposure:,}" for exposure, share in curve[:shown])
    return f"still without it: {steps}" + (", …" if len(curve) > shown else "")


def render(analysis: Analysis) -> list[str]:
    """The report as lines of text (80 columns for three arms)."""
    arms = analysis.arms
    lines = [f"{analysis.population}: " + ", ".join(
        f"{s.arm} {s.participants}" for s in arms)]  # fmt: skip
    lines.append("")
    lines.append(
        f"untaught accuracy (last {CURVE_WINDOW} untaught answers, late ones "
        "right), mean [95% band]"
    )
    lines.append("exposure " + "".join(f"{s.arm[:17]:>18}" for s in arms))
    marks = sorted({c.exposure for s in arms for c in s.curve})
    for x in marks:
        cells = []
        for s in arms:
            c = next((c for c in s.curve if c.exposure == x), None)
            cells.append(f"{c.mean:.2f} [{c.low:.2f}-{c.high:.2f}]" if c else "–")
        lines.append(f"{x:>8} " + "".join(f"{cell:>18}" for cell in cells))
    lines.append("")
    lines.append("found the rule, and the share still without it by each exposure")
    for s in arms:
        final = "–" if s.final_heldout is None else f"{s.final_heldout:.2f}"
        lines.append(f"  {s.arm}: found {s.found} of {s.participants}; untaught accuracy "
                     f"{final}; {still_without(s.survival)}")  # fmt: skip
    if analysis.comparisons:
        lines.append("")
        lines.append("against the first arm")
    for comp in analysis.comparisons:
        name = TEST_NAMES.get(comp.test, comp.test)
        if comp.p_value is None:
            lines.append(f"  {comp.arm} vs {comp.against}, {name}: too few to test")
        else:
            lines.append(f"  {comp.arm} vs {comp.against}, {name}: statistic {comp.statistic:.3g}, "
                         f"p = {comp.p_value:.3g}")  # fmt: skip
    return lines
