"""The rule's seal: a sequential test over untaught answers that opens as soon as they prove
the learner has the rule.

Untaught answers are the honest evidence (docs/protocol.md): held-out probes, and a
learner's first answer to a training item before it was ever shown with its answer. The
stream starts at chance and may change at any moment, which is what Page's CUSUM is for
(Page 1954, "Continuous inspection schemes"): the cumulative log-likelihood ratio of
"knows it" (right with probability `known`) against "does not" (right with probability
`unknown`), restarted from zero whenever the evidence points the other way. It is Wald's
SPRT, run again from every point where the learner might have started to know. The seal
opens when the statistic reaches `evidence` (a log-likelihood ratio). Its error rates,
measured by simulation, are in docs/statistics.md.

Pure Python and tiny: the engine runs it after every untaught answer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["PROGRESS_BLOCK", "SealShown", "SealTest", "SealTracker", "SealView"]

PROGRESS_BLOCK = 5
"""Progress toward the seal is shown only as of the last whole block of this many probes,
so that no single probe's outcome can be read off a change in what is shown."""


def _deck_default(key: str) -> float:
    """The defaults are a deck's ([rule] known, unknown, evidence in drill.decks.SETTINGS)."""
    from drill.decks import default_setting

    return float(default_setting(key))


@dataclass(frozen=True, slots=True)
class SealTest:
    """The two hypotheses and the evidence the seal needs (a deck's [rule] settings)."""

    known: float = field(default_factory=lambda: _deck_default("rule.known"))
    """Untaught accuracy of a learner who has the rule (slips and typos allowed)."""
    unknown: float = field(default_factory=lambda: _deck_default("rule.unknown"))
    """Untaught accuracy of a learner who does not: chance is far below, a partial table
    or a half-rule near it."""
    evidence: float = field(default_factory=lambda: _deck_default("rule.evidence"))
    """The log-likelihood ratio that opens the seal (by default 6: e^6 ≈ 400 : 1)."""

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> SealTest:
        """From a deck's flat settings ("rule.known", "rule.unknown", "rule.evidence")."""
        return cls(
            known=float(settings["rule.known"]),
            unknown=float(settings["rule.unknown"]),
            evidence=float(settings["rule.evidence"]),
        )

    def __post_init__(self) -> None:
        if not 0 < self.unknown < self.known < 1:
            raise ValueError(f"need 0 < unknown < known < 1, got {self.unknown}, {self.known}")
        if not math.isfinite(self.evidence) or self.evidence <= 0:
            raise ValueError(f"evidence must be a positive number, got {self.evidence}")

    @property
    def step_right(self) -> float:
        """What one right untaught answer adds: ln(known / unknown)."""
        return math.log(self.known / self.unknown)

    @property
    def step_wrong(self) -> float:
        """What one wrong (or late) untaught answer adds, a negative number."""
        return math.log((1 - self.known) / (1 - self.unknown))


@dataclass(frozen=True, slots=True)
class SealView:
    """Where a learner stands with the seal, in words fit to show."""

    open: bool
    answered: int
    """Untaught answers counted since the evidence last pointed the other way (the test's
    own run: what the seal's decision rests on)."""
    right: int
    statistic: float
    more: int
    """Right answers in a row that would open the seal from here (0 once open)."""
    total: int
    """Untaught answers counted in all."""
    waiting: int = 0
    """Tests (probes) taken since the last whole block of them: counted once the block is
    in (how many, never how they went)."""
    total_right: int = 0
    """... of the `total` counted, how many were right (whenever they came)."""

    def opened(self) -> SealView:
        """The same view, open (on record, or proved at some point)."""
        return replace(self, open=True, more=0)

    @property
    def message(self) -> str:
        """One line: never the rule, never one probe's outcome on its own (the counts are as
        of the last whole block of probes, and say so while answers wait to be counted)."""
        if self.open:
            return "the seal is open: your untaught answers proved the rule"
        tests = f"{self.waiting:,} test{'s' * (self.waiting != 1)}"
        if self.total == 0 and self.waiting:
            return (
                f"untaught answers: {tests} taken; tests are counted after every {PROGRESS_BLOCK}"
            )
        if self.total == 0:
            return "no untaught answers yet: the first answer to each new item counts"
        line = (
            f"untaught answers: {self.total_right:,} of {self.total:,} right; "
            f"about {self.more} more right in a row to open"
        )
        if self.waiting:
            line += f" ({tests} not counted until a block of {PROGRESS_BLOCK} is in)"
        return line


class SealTracker:
    """Page's CUSUM over a stream of untaught outcomes (True: right, in time or late)."""

    def __init__(self, test: SealTest | None = None) -> None:
        self.test = test or SealTest()
        self.statistic = 0.0
        self.answered = 0
        self.right = 0
        self.total = 0
        self.total_right = 0
        self.ever_reached = False
        """The evidence sufficed at some point: once open, the seal stays open."""

    def observe(self, success: bool) -> bool:
        """Add one untaught outcome; True when the evidence now suffices."""
        test = self.test
        self.total += 1
        self.total_right += success
        step = test.step_right if success else test.step_wrong
        self.statistic += step
        if self.statistic <= 0.0:
            self.statistic, self.answered, self.right = 0.0, 0, 0
        else:
            self.answered += 1
            self.right += success
        reached = self.statistic >= test.evidence
        self.ever_reached = self.ever_reached or reached
        return reached

    @property
    def reached(self) -> bool:
        return self.statistic >= self.test.evidence

    @property
    def leaning(self) -> bool:
        """The evidence points toward "knows it" (the engine then probes more often)."""
        return self.statistic > 0.0

    def view(self, opened: bool = False) -> SealView:
        remaining = max(0.0, self.test.evidence - self.statistic)
        more = 0 if opened else max(1, math.ceil(remaining / self.test.step_right - 1e-9))
        return SealView(
            opened, self.answered, self.right, self.statistic, more, self.total,
            total_right=self.total_right,
        )  # fmt: skip

    @classmethod
    def replay(cls, outcomes: Iterable[bool], test: SealTest | None = None) -> SealTracker:
        tracker = cls(test)
        for success in outcomes:
            tracker.observe(success)
        return tracker


class SealShown:
    """What may be shown of the seal, kept up one untaught answer at a time.

    Probes are counted only at whole blocks of PROGRESS_BLOCK (the statistic as of the last
    block, in the true order); a first answer, whose outcome the learner was told, is
    counted at once, on top of that. So what is shown between blocks is a function of what
    was shown at the last block and of outcomes the learner already knows: it tells
    nothing of a probe, and a learner who answers new items right sees the count grow."""

    def __init__(self, test: SealTest | None = None) -> None:
        self.tracker = SealTracker(test)
        self.probes = 0
        self._cut = SealTracker(test)
        self._since: list[tuple[bool, bool]] = []
        """Untaught answers since the last whole block: (is_probe, right)."""

    def observe(self, probe: bool, success: bool) -> None:
        """Add one untaught answer (a probe or a first answer) and whether it was right."""
        tracker = self.tracker
        tracker.observe(success)
        self.probes += probe
        self._since.append((probe, success))
        if self.probes % PROGRESS_BLOCK == 0:
            self._cut = _copy(tracker)
            self._since = []

    def view(self, opened: bool = False) -> SealView:
        """As of the last whole block of probes, with the first answers since counted and
        the tests since named only by how many (`waiting`)."""
        shown = _copy(self._cut)
        for probe, right in self._since:
            if not probe:
                shown.observe(right)
        waiting = sum(1 for probe, _ in self._since if probe)
        return replace(shown.view(opened), waiting=waiting)


def _copy(tracker: SealTracker) -> SealTracker:
    """A tracker in the same state (its test shared)."""
    copy = SealTracker(tracker.test)
    copy.statistic, copy.answered, copy.right = tracker.statistic, tracker.answered, tracker.right
    copy.total, copy.total_right = tracker.total, tracker.total_right
    copy.ever_reached = tracker.ever_reached
    return copy


def shown_view(
    untaught: Iterable[tuple[bool, bool]], test: SealTest | None = None, opened: bool = False
) -> SealView:
    """The seal as the learner may see it: probes as of the last whole block of
    PROGRESS_BLOCK, first answers at once (SealShown). `untaught` is (is_probe, right) per
    untaught answer, oldest first."""
    shown = SealShown(test)
    for probe, success in untaught:
        shown.observe(probe, success)
    return shown.view(opened)
