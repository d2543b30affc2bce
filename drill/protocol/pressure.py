"""The deadline as weight decay: a steady tax on slow recall that closes in on the learner's
own pace (docs/protocol.md).

After a training item answered right and in time the deadline shrinks by `shrink`, but not
below `pace` times the median of the learner's recent right, in-time training answers: a
learner who keeps up always feels it, and one who gets faster feels it follow. After a miss
it eases by `ease`, gently: four misses in a row at most double it (ease ≤ 2^¼ ≈ 1.19). It
always stays within the deck's floor and ceiling.

With shrink s and ease e the deadline falls whenever the training success rate is above
r* = ln e / (ln e + ln 1/s): 0.77 with the defaults (0.96, 1.15), so the pace anchor, not
the success rate, is what a learner who keeps up meets.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from statistics import median
from typing import Any

PACE_WINDOW = 20
"""Recent right, in-time training answers whose median response time sets the pace."""
PACE_MIN = 5
"""Below this many the pace anchor is not yet used (only the floor holds)."""
MAX_EASE = 2**0.25
"""Four misses in a row may at most double the deadline."""


UNTIMED_MS = 600_000
"""A deadline this long (the longest a deck allows) is no deadline: a study's `untimed` arm
sets floor, first deadline and ceiling to it, and the screens and the coach say so."""


@dataclass
class DeadlineController:
    """The current deadline and the rule that moves it."""

    current_ms: float
    floor_ms: int
    ceiling_ms: int
    shrink: float = 0.96
    ease: float = 1.15
    pace: float = 1.5
    recent_ms: deque[float] = field(default_factory=lambda: deque(maxlen=PACE_WINDOW))
    """Response times of the latest right, in-time training answers."""

    def __post_init__(self) -> None:
        self.ease = min(self.ease, MAX_EASE)
        self.current_ms = self._clamp(self.current_ms)

    def _clamp(self, value: float) -> float:
        return min(float(self.ceiling_ms), max(float(self.floor_ms), value))

    @property
    def deadline_ms(self) -> int:
        return round(self.current_ms)

    @property
    def anchor_ms(self) -> float:
        """The deadline that the learner's recent pace allows: `pace` × their median."""
        if len(self.recent_ms) < PACE_MIN:
            return float(self.floor_ms)
        return self._clamp(self.pace * median(self.recent_ms))

    def update(
        self,
        *,
        success: bool,
        timed_out: bool,
        probe: bool,
        response_ms: float | None = None,
        untaught: bool = False,
    ) -> None:
        """Move the deadline after one exposure.

        A probe moves it only when it timed out (the learner saw the bar run out):
        otherwise a probe's effect on the deadline would tell the learner whether the
        probe was right, which is feedback a held-out item must never give. A wrong first
        answer to a new item, given in time, leaves it alone too: there was nothing to
        recall yet, so it says nothing about slow recall.
        """
        if untaught and not success and not timed_out and not probe:
            return
        if probe:
            if timed_out:
                self.current_ms = self._clamp(self.current_ms * self.ease)
            return
        if success:
            if response_ms is not None and math.isfinite(response_ms):
                self.recent_ms.append(float(response_ms))
            anchor = self.anchor_ms
            if self.current_ms > anchor:
                self.current_ms = self._clamp(max(anchor, self.current_ms * self.shrink))
            return
        self.current_ms = self._clamp(self.current_ms * self.ease)

    def equilibrium_success_rate(self) -> float:
        """The training success rate below which the deadline grows."""
        tax, relief = math.log(1 / self.shrink), math.log(self.ease)
        return 1.0 if tax == 0 else relief / (relief + tax)

    def to_json(self) -> dict[str, Any]:
        return {"deadline_ms": self.current_ms, "recent_ms": [round(x) for x in self.recent_ms]}

    def restore(self, state: dict[str, Any]) -> None:
        """Continue from `to_json` (or from an older snapshot that saved only the deadline)."""
        value = float(state["deadline_ms"])
        if math.isfinite(value):
            self.current_ms = self._clamp(value)
        recent = state.get("recent_ms", [])
        if isinstance(recent, list):
            self.recent_ms.clear()
            self.recent_ms.extend(float(x) for x in recent[-PACE_WINDOW:] if _number(x))


def _number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
