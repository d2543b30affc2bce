"""The deadline as weight decay: a steady tax on slow recall (docs/protocol.md).

After every training item answered right and in time the deadline shrinks by a constant
factor; after a miss or a timeout it eases back; it always stays within the deck's floor
and ceiling. With shrink s and ease e the deadline is steady when the success rate r
satisfies r·ln(1/s) = (1−r)·ln(e), i.e. r* = ln e / (ln e + ln 1/s): the defaults
(0.97, 1.25) hold the learner near r* = 0.88 on training items.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class DeadlineController:
    """The current deadline and the rule that moves it."""

    current_ms: float
    floor_ms: int
    ceiling_ms: int
    shrink: float = 0.97
    ease: float = 1.25

    def __post_init__(self) -> None:
        self.current_ms = self._clamp(self.current_ms)

    def _clamp(self, value: float) -> float:
        return min(float(self.ceiling_ms), max(float(self.floor_ms), value))

    @property
    def deadline_ms(self) -> int:
        return round(self.current_ms)

    def update(self, *, success: bool, timed_out: bool, probe: bool) -> None:
        """Move the deadline after one exposure.

        A probe moves it only when it timed out (the learner saw the bar run out):
        otherwise a probe's effect on the deadline would tell the learner whether the
        probe was right, which is feedback a held-out item must never give.
        """
        if probe and not timed_out:
            return
        factor = self.shrink if success else self.ease
        self.current_ms = self._clamp(self.current_ms * factor)

    def equilibrium_success_rate(self) -> float:
        """The training success rate at which the deadline neither shrinks nor grows."""
        tax, relief = math.log(1 / self.shrink), math.log(self.ease)
        return 1.0 if tax == 0 else relief / (relief + tax)
