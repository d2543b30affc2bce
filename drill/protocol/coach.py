"""The coach's words: where the learner stands, and why going on is worth it.

Step 4 of the protocol: keep the learner going through the plateau, and speak in the
memorizing stage too. The coach may say that held-out accuracy has not moved yet and for
how long; it must never hint at the rule (no operation, no pattern, no example). On a
control deck, which has no rule, it never says that one forms: it says what the control is
for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drill.protocol.detect import ProgressState

REASONS = (
    "This flat stretch is where a rule forms, if there is one. Keep going.",
    "Memorizing comes first, understanding later. Keep the volume up.",
    "A tightening deadline is hard on a table and easy on a rule.",
    "Untaught items move only when something general is learned.",
)
"""Each fits one line of an 80-column terminal, as does the line above it."""

MEMORIZING = (
    "Answer fast; a miss shows the answer, and that is how drilled items stick.",
    "The first answer to each new item counts as untaught: guess, then learn.",
    "Keep up with the deadline: it follows your own pace.",
)

CONTROL = (
    "Control deck: no rule to find here, only a table. Held-out stays near chance.",
    "Control deck: this is what pure memorizing feels like. Compare your other decks.",
)


UNTIMED = (
    "A miss shows the answer, and that is how drilled items stick.",
    "The first answer to each new item counts as untaught: guess, then learn.",
)
"""The memorizing lines for a deck with no deadline: nothing of speed or pace."""


def coach_line(
    state: ProgressState, *, control: bool = False, found: bool = False, untimed: bool = False
) -> str | None:
    """One line (or two) for the screen, or None when there is nothing to say. `untimed`:
    the deck has no deadline (a study's arm), so nothing is said of speed."""
    if control:
        return CONTROL[(state.exposure // 100) % len(CONTROL)]
    if found:
        keep = "Keep going." if untimed else "Keep it fast."
        return f"You found the rule: your untaught answers proved it. {keep}"
    if state.phase == "plateau":
        reasons = [r for r in REASONS if not untimed or "deadline" not in r]
        reason = reasons[(state.plateau_length // 100) % len(reasons)]
        return (
            f"Plateau, {state.plateau_length:,} exposures: drilled items known, "
            f"untaught ones not yet.\n{reason}"
        )
    if state.phase == "grokked":
        return "Held-out accuracy rose: you are answering items you were never taught."
    if state.phase in ("new", "memorizing"):
        lines = UNTIMED if untimed else MEMORIZING
        return lines[(state.exposure // 50) % len(lines)]
    return None


def quit_warning(state: ProgressState, *, control: bool = False) -> str | None:
    """Asked once, when the learner tries to stop in the middle of a plateau."""
    if control or state.phase != "plateau":
        return None
    return (
        f"{state.plateau_length:,} exposures into a plateau: stopping here costs the most.\n"
        "Press Escape again to end the session anyway."
    )


def end_of_session_advice(state: ProgressState, *, control: bool = False) -> str | None:
    """What the summary suggests: another block when the session ends on a plateau."""
    if control or state.phase != "plateau":
        return None
    return (
        f"You ended on the plateau ({state.plateau_length:,} exposures in). "
        "Another block now is the protocol's advice: press Enter."
    )
