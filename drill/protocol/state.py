"""The one state a learner is in on a deck, as every screen and report names it.

The home screen, the summary, `drill report` and `drill learners` all say the same word:

- `new`: fewer than NEW_EXPOSURES exposures;
- `memorizing`: drilling, held-out answers not yet telling;
- `plateau`: drilled items known, untaught ones not (for so many exposures);
- `rising`: held-out accuracy rose significantly (a transition, or high accuracy
  confirmed), and the seal is about to decide;
- `found it`: the rule opened on the learner's untaught answers, whether or not a plateau
  and a rise came first (the text says which);
- `early reveal`: the learner asked for the rule before earning it (`drill rule --force`);
- `control`: a deck with no rule to find; nothing there ever "forms".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from drill.protocol.records import GROK_KINDS, RULE_OPENED, EventKind

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
    """One sentence that begins with the state's name: "found it at exposure 64, with no
    plateau first"."""


def transition_words(began: int, detected: int) -> str:
    """The transition, named one way everywhere: where the rise began and when the test
    detected it (both true, so both shown)."""
    if began == detected:
        return f"transition detected at exposure {detected:,}"
    return f"transition began at exposure {began:,}, detected at {detected:,}"


def found_words(at: int) -> str:
    """The seal's opening, named one way everywhere."""
    return f"found it at exposure {at:,}"


def confirmed_words(at: int) -> str:
    """High held-out accuracy with no rise to date (the learner came knowing the rule)."""
    return f"held-out accuracy high from the start, confirmed at exposure {at:,}"


NEW_EXPOSURES = 20
"""Below this many exposures a learner is `new` on a deck (the detectors' training minimum)."""


def learner_state(
    *,
    events: Sequence[tuple[str, int]],
    exposures: int,
    control: bool = False,
) -> LearnerState:
    """The state from the recorded (kind, exposure) events of one variant of a deck, in
    exposure order, and its last exposure: the one function every surface asks, given
    only what every surface has, so that the same history reads the same everywhere."""
    kinds = [kind for kind, _ in events]
    if control:
        text = "control: a deck with no rule to find, held-out answers stay at chance"
        return LearnerState("control", "control", text)
    opened = next(((k, x) for k, x in events if k in RULE_OPENED), None)
    if opened is not None and opened[0] == EventKind.EARLY_REVEAL:
        text = f"early reveal: the rule was shown at exposure {opened[1]:,}, before it was earned"
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
        return LearnerState("found it", f"found it at {at:,}", f"{found_words(at)}, {how}")
    if any(k in GROK_KINDS for k in kinds):
        text = "rising: held-out accuracy rose; the seal is deciding"
        return LearnerState("rising", "rising", text)
    since = _open_plateau(events)
    if since is not None:
        length = max(0, exposures - since)
        label = f"plateau ({length:,} exp.)"
        return LearnerState("plateau", label, f"plateau for {length:,} exposures")
    if exposures < NEW_EXPOSURES:
        text = f"new: {exposures:,} exposures so far" if exposures else "new: not drilled yet"
        return LearnerState("new", "new", text)
    return LearnerState("memorizing", "memorizing", f"memorizing: {exposures:,} exposures so far")


def _open_plateau(events: Sequence[tuple[str, int]]) -> int | None:
    """Where the plateau the learner is on began (None: not on one)."""
    since: int | None = None
    for kind, exposure in events:
        if kind == EventKind.PLATEAU_STARTED:
            since = exposure
        elif kind == EventKind.PLATEAU_ENDED:
            since = None
    return since
