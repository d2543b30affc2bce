"""The one state a learner is in on a deck, as every screen and report names it.

The home screen, the summary, `drill report` and `drill learners` all say the same word:

- `new`: too little drilled to say anything;
- `memorizing`: drilling, held-out answers not yet telling;
- `plateau`: drilled items known, untaught ones not (for so many exposures);
- `rising`: held-out accuracy rose significantly, and the seal is about to decide;
- `found it`: the rule opened on the learner's untaught answers, whether or not a plateau
  and a rise came first (the text says which);
- `early reveal`: the learner asked for the rule before earning it (`drill rule --force`);
- `control`: a deck with no rule to find; nothing there ever "forms".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from drill.protocol.records import RULE_OPENED, EventKind

StateName = Literal["new", "memorizing", "plateau", "rising", "found it", "early reveal", "control"]
STATE_NAMES: tuple[StateName, ...] = (
    "new", "memorizing", "plateau", "rising", "found it", "early reveal", "control",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class LearnerState:
    name: StateName
    label: str
    """Short, for a table cell: "plateau (1,200 exp.)", "found it at 64"."""
    text: str
    """One sentence: "found it at exposure 64, with no plateau first"."""


def learner_state(
    *,
    phase: str,
    plateau_length: int,
    events: Sequence[tuple[str, int]],
    control: bool = False,
    exposures: int = 0,
) -> LearnerState:
    """The state from the detectors' phase and the recorded (kind, exposure) events."""
    kinds = [kind for kind, _ in events]
    if control:
        text = "a control deck: no rule to find, held-out answers stay at chance"
        return LearnerState("control", "control", text)
    opened = next(((k, x) for k, x in events if k in RULE_OPENED), None)
    if opened is not None and opened[0] == EventKind.EARLY_REVEAL:
        text = f"the rule was revealed early, at exposure {opened[1]:,}"
        return LearnerState("early reveal", "early reveal", text)
    if opened is not None:
        at = opened[1]
        before = kinds[: next(i for i, (k, _) in enumerate(events) if k == EventKind.RULE_UNSEALED)]
        if EventKind.PLATEAU_STARTED in before and EventKind.TRANSITION_DETECTED in before:
            how = "after a plateau and a rise"
        elif EventKind.PLATEAU_STARTED in before:
            how = "after a plateau"
        else:
            how = "with no plateau first"
        return LearnerState(
            "found it", f"found it at {at:,}", f"found it at exposure {at:,}, {how}"
        )
    if phase == "grokked":
        return LearnerState("rising", "rising", "held-out accuracy rose; the seal is deciding")
    if phase == "plateau":
        label = f"plateau ({plateau_length:,} exp.)"
        return LearnerState("plateau", label, f"on the plateau for {plateau_length:,} exposures")
    if phase == "new" or exposures == 0:
        return LearnerState("new", "new", "just started" if exposures else "not drilled yet")
    return LearnerState("memorizing", "memorizing", "memorizing")
