"""The one measure of learning: accuracy on untaught answers, and fluency beside it.

An answer is *untaught* when the item was never shown with its answer to this learner
before it: every held-out probe, and the first answer to a training item (and to an item
taught in no other variant of the deck). The measure counts such an answer *right* when the
learner's response was right, whenever it came; *fluent* when it was right and in time.
Accuracy is the learning measure (the seal, the detectors, the report, every screen and
every study outcome count it); fluency is a second series beside it, because a deadline
that arms of a study set differently must not change what "learned" means.

docs/protocol.md ("What counts") says the same in words; everything that shows a held-out
figure calls this module, so that there is one definition.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from drill.domains.base import with_twins
from drill.protocol.records import PastOutcome

__all__ = [
    "STUDY_LAST", "Measure", "UntaughtAnswer", "heldout", "untaught_answers", "untaught_flags",
]  # fmt: skip

STUDY_LAST = 100
"""A study participant's outcome is the measure over their last this-many untaught answers."""


@dataclass(frozen=True, slots=True)
class UntaughtAnswer:
    """One untaught answer, as the measure counts it."""

    exposure: int
    probe: bool
    right: bool
    """Right, in time or late: the learning measure."""
    fluent: bool
    """Right and in time: fluency."""


@dataclass(frozen=True, slots=True)
class Measure:
    """Untaught answers counted: how many, how many right, how many fluent."""

    n: int = 0
    right: int = 0
    fluent: int = 0

    @property
    def accuracy(self) -> float | None:
        """Right / answered (None with no untaught answers)."""
        return self.right / self.n if self.n else None

    @property
    def fluency(self) -> float | None:
        """Right and in time / answered (None with no untaught answers)."""
        return self.fluent / self.n if self.n else None

    @classmethod
    def of(cls, answers: Sequence[UntaughtAnswer]) -> Measure:
        return cls(len(answers), sum(a.right for a in answers), sum(a.fluent for a in answers))


def untaught_flags(
    past: Sequence[PastOutcome],
    taught: Collection[str] = (),
    twins: Mapping[str, Sequence[str]] | None = None,
) -> list[bool]:
    """For each past exposure, whether it was untaught evidence: a probe, or the first
    answer to a training item, of an item never shown with its answer before (`taught`
    holds what was shown elsewhere, in another variant of the deck). Showing an item
    teaches its `twins` too (`Domain.twins`: b ∘ a once a ∘ b was shown).

    Where history recorded the flag as the answer was given (`PastOutcome.untaught`), that
    is the flag: what was untaught then stays untaught, whatever is taught later elsewhere."""
    twins = twins or {}
    shown = with_twins(taught, twins)
    flags = []
    for p in past:
        flags.append(p.item_id not in shown if p.untaught is None else p.untaught)
        if not p.probe:
            shown.add(p.item_id)
            shown.update(twins.get(p.item_id, ()))
    return flags


def untaught_answers(
    past: Sequence[PastOutcome],
    taught: Collection[str] = (),
    twins: Mapping[str, Sequence[str]] | None = None,
) -> list[UntaughtAnswer]:
    """Every untaught answer in `past` (oldest first), right whenever it came, and fluent."""
    flags = untaught_flags(past, taught, twins)
    return [
        UntaughtAnswer(p.exposure, p.probe, p.right, p.success)
        for p, untaught in zip(past, flags, strict=True)
        if untaught
    ]


def heldout(
    past: Sequence[PastOutcome],
    taught: Collection[str] = (),
    last: int | None = None,
    twins: Mapping[str, Sequence[str]] | None = None,
) -> Measure:
    """Held-out accuracy and fluency over the `last` untaught answers (None: all of them).

    The one function behind every held-out figure; a study's outcome is
    `heldout(past, last=STUDY_LAST).accuracy`."""
    answers = untaught_answers(past, taught, twins)
    if last is not None:
        answers = answers[-last:] if last > 0 else []
    return Measure.of(answers)
