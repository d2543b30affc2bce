"""The ready card before a session's first item: the clock starts when Enter is pressed.

On a deck's first session it also says what drill asks and what it keeps back, in a few
lines that fit an 80×24 terminal.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from drill.text import cell

FIRST_SESSION = (
    "Type each item's answer and press Enter.",
    "Some items are tests: they get no feedback at all, right or wrong.",
    "Every item has a deadline, and it tightens as you keep up.",
)
UNTIMED = "There is no deadline: take the time you need."
NARRATED = "This is the rule you were shown before the first item; Ctrl+R shows it again."
THE_RULE = (
    "There is a rule behind the answers. drill never tells it until your answers to "
    "items you were never taught show that you have found it."
)
NO_RULE = (
    "This deck is the control: there is no rule behind its answers, only a table to "
    "memorize. It shows what drilling without a rule is like."
)


def ready_text(
    title: str,
    length: int,
    deadline_ms: int,
    *,
    first_session: bool,
    control: bool = False,
    untimed: bool = False,
    narrated: bool = False,
    how: str | None = None,
) -> Group:
    """The card: on a first session what to expect (of a control deck: that it has no
    rule; `how`: the domain's own way of answering, in place of the first line), then the
    session's size and deadline, and how to begin."""
    parts: list[RenderableType] = []
    if first_session:
        parts.append(Text(f"Your first session of {cell(title)}\n", style="bold"))
        points = Table.grid(padding=(0, 1))
        points.add_column(no_wrap=True)
        points.add_column()
        first = (*FIRST_SESSION[:-1], UNTIMED) if untimed else FIRST_SESSION
        if how:
            first = (how, *first[1:])
        rule = NO_RULE if control else NARRATED if narrated else THE_RULE
        for point in (*first, rule):
            points.add_row("•", point)
        parts += [points, Text("")]
    else:
        parts.append(Text(f"{cell(title)}\n", style="bold"))
    pace = "no deadline" if untimed else f"first deadline {deadline_ms / 1000:.1f} s"
    parts.append(Text(f"{length} items this session · {pace}"))
    begin = Text("Press Enter to begin", style="bold")
    begin.append(": the clock starts then.   ? explains the words.")
    parts.append(begin)
    return Group(*parts)
