"""The one feedback line under an item: what the learner may be told, in marks and words.

One message at a time. A probe, in time or late, says only that the answer was taken, so
nothing on screen tells a right probe from a wrong one; one left with nothing typed says
"no answer", which tells the learner nothing they did not do. A miss shows what was typed beside
the answer. Colour only repeats what the mark and the words say; under NO_COLOR the line
keeps its marks and weight and drops the colour (Textual's NO_COLOR filter would paint
"bold red" black, invisible on a dark ground).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from rich.text import Text

from drill.protocol.engine import Feedback, Outcome
from drill.text import cell

SEPARATOR = " · "
TAKEN = "• answer taken"
"""The same words for every probe: right, wrong, or late."""
NO_ANSWER_PROBE = "• no answer"
TIMES = re.compile(r"@\d+")
"""The milliseconds a box that times each key writes after each response ("4@812")."""


@dataclass(frozen=True)
class Said:
    """What the screen knows about the item beside the engine's outcome."""

    probe: bool = False
    """The item was a held-out probe: nothing but `TAKEN` may be said."""
    typed: str | None = None
    """What the learner submitted (None: the item expired with no answer)."""
    keys: Mapping[str, str] = field(default_factory=dict)
    """Glyph decks: glyph → the key that types it."""
    glyphs: Mapping[str, str] = field(default_factory=dict)
    """Glyph decks: key → its glyph."""


def _style(style: str, plain: bool) -> str:
    return "bold" if plain else style


def _answer(answer: str, said: Said) -> str:
    key = said.keys.get(answer)
    return f"the answer is {answer} (key {key})" if key else f"the answer is {answer}"


def _typed(said: Said) -> str:
    # What was typed is shown, never obeyed; times a box stamped on each key are not shown.
    typed = cell(TIMES.sub("", said.typed or "").strip())
    if len(typed) > 24:
        typed = typed[:23] + "…"
    glyph = said.glyphs.get(typed.lower())
    return f"you typed {typed} ({glyph})" if glyph else f"you typed {typed}"


def feedback_text(outcome: Outcome, said: Said | None = None, plain: bool = False) -> Text:
    """The line for `outcome`; `plain` (NO_COLOR) keeps the marks and bold, no colour."""
    said = said or Said()
    if said.probe and outcome.feedback in (Feedback.TAKEN, Feedback.LATE):
        if said.typed is None:  # it timed out with nothing typed: say what happened
            return Text(NO_ANSWER_PROBE, style="bold")
        return Text(TAKEN, style="bold")
    match outcome.feedback:
        case Feedback.CORRECT:
            text = Text("✓ right", style=_style("bold green", plain))
        case Feedback.CONTINUE:
            text = Text("✓ right, go on", style=_style("bold green", plain))
        case Feedback.TAKEN:
            return Text(TAKEN, style="bold")
        case Feedback.UNREADABLE:
            text = Text("? couldn't read that", style=_style("bold magenta", plain))
            if outcome.note:
                text.append(f": {cell(outcome.note)}")
            return text
        case Feedback.WRONG:
            text = Text("✗ ", style=_style("bold red", plain))
            text.append(_typed(said) if said.typed is not None else "wrong", style="bold")
            if outcome.answer is not None:
                text.append(SEPARATOR + _answer(outcome.answer, said))
        case Feedback.LATE:
            text = _late(outcome, said, plain)
    if outcome.note:
        text.append(f" ({cell(outcome.note)})", style="italic")
    return text


def _late(outcome: Outcome, said: Said, plain: bool) -> Text:
    style = _style("bold yellow", plain)
    if outcome.correct:
        return Text("⏱ right, but too late", style=style)
    if said.typed is None:
        text = Text("⏱ no answer", style=style)
    else:
        text = Text("⏱ too late", style=style)
        text.append(SEPARATOR + _typed(said))
    if outcome.answer is not None:
        text.append(SEPARATOR + _answer(outcome.answer, said))
    return text
