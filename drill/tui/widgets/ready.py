"""The ready card before a session's first item: the clock starts when Enter is pressed.

On a deck's first session it also says what drill asks and what it keeps back, in a few
lines that fit an 80×24 terminal.
"""

from __future__ import annotations

from rich.text import Text

FIRST_SESSION = (
    ("Type each item's answer and press Enter.", ""),
    ("Some items are tests: ", "they get no feedback at all, right or wrong."),
    ("Every item has a deadline, ", "and it tightens as you keep up."),
    ("There is a rule behind the answers. ", "drill never tells it until your answers"),
    ("", "to items you were never taught show that you have found it."),
)


def ready_text(title: str, length: int, deadline_ms: int, *, first_session: bool) -> Text:
    """The card: the session's size and deadline, and how to begin."""
    text = Text(no_wrap=False, justify="left")
    if first_session:
        text.append(f"Your first session of {title}\n\n", style="bold")
        for lead, rest in FIRST_SESSION:
            text.append("  " if not lead else "• ", style="bold")
            text.append(lead, style="bold")
            text.append(rest + "\n")
        text.append("\n")
    else:
        text.append(f"{title}\n\n", style="bold")
    text.append(f"{length} items this session · first deadline {deadline_ms / 1000:.1f} s\n")
    text.append("Press Enter to begin", style="bold")
    text.append(": the clock starts then.   ? explains the words.", style="")
    return text
