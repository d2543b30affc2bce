"""The coach's words: where the learner stands, and why going on is worth it.

Step 4 of the protocol: keep the learner going through the plateau. The coach may say
that held-out accuracy has not moved yet and for how long; it must never hint at the
rule (no operation, no pattern, no example).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drill.protocol.detect import ProgressState

REASONS = (
    "This flat stretch is where a rule forms. Keep going.",
    "Memorizing comes first, understanding later. Keep the volume up.",
    "A tightening deadline is hard on a table and easy on a rule.",
    "Untaught items move only when something general is learned.",
)
"""Each fits one line of an 80-column terminal, as does the line above it."""


def coach_line(state: ProgressState) -> str | None:
    """One line for the screen, or None when there is nothing to say."""
    if state.phase == "plateau":
        reason = REASONS[(state.plateau_length // 100) % len(REASONS)]
        return (
            f"Plateau, {state.plateau_length:,} exposures: drilled items known, "
            f"untaught ones not yet.\n{reason}"
        )
    if state.phase == "grokked":
        return "Held-out accuracy rose: you are answering items you were never taught."
    return None


def quit_warning(state: ProgressState) -> str | None:
    """Asked once, when the learner tries to stop in the middle of a plateau."""
    if state.phase != "plateau":
        return None
    return (
        f"{state.plateau_length:,} exposures into a plateau: stopping here costs the most.\n"
        "Press Escape again to end the session anyway."
    )


def end_of_session_advice(state: ProgressState) -> str | None:
    """What the summary suggests: another block when the session ends on a plateau."""
    if state.phase != "plateau":
        return None
    return (
        f"You ended on the plateau ({state.plateau_length:,} exposures in). "
        "Another block now is the protocol's advice: press Enter."
    )
