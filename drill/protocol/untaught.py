"""Untaught accuracy: the one measure of learning a study reads as its primary outcome.

An answer is untaught when its item had never been shown with its answer before (a probe,
or the first answer to a training item: `engine.untaught_flags`), and it counts as right
whenever it came (`PastOutcome.right`, not `.success`): a study's arms change the deadline,
so a measure that counted a late answer as wrong would move with the manipulation.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from drill.protocol.engine import untaught_flags
from drill.protocol.records import PastOutcome

LAST = 100
"""A participant's untaught accuracy is over their last this-many untaught answers."""


def untaught_answers(
    past: Sequence[PastOutcome], taught: Collection[str] = ()
) -> list[tuple[int, bool]]:
    """(exposure, right whenever it came) for every untaught answer in `past`, in order."""
    flags = untaught_flags(past, taught)
    return [(p.exposure, p.right) for p, untaught in zip(past, flags, strict=True) if untaught]


def untaught_accuracy(
    past: Sequence[PastOutcome], taught: Collection[str] = (), last: int = LAST
) -> float | None:
    """The share right (late answers included) of the last `last` untaught answers in
    `past`; None when there is none. `taught` holds items shown with their answer in
    another variant, as for `untaught_flags`."""
    recent = untaught_answers(past, taught)[-last:]
    return sum(ok for _, ok in recent) / len(recent) if recent else None
