"""The reward: untaught answers proved the rule is known, so here it is, and when it was earned."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from drill.protocol.records import EventRecord
from drill.text import visible


def reflow(rule: str) -> list[Text]:
    """Paragraphs of a deck's rule text: prose joined to wrap at the screen's width,
    paragraphs with indented or listed lines (tables, lists) kept line for line."""
    paragraphs = [p for p in visible(rule.strip()).split("\n\n") if p.strip()]
    shown = []
    for paragraph in paragraphs:
        lines = paragraph.splitlines()
        laid_out = any(line.startswith((" ", "\t", "- ", "* ")) for line in lines[1:])
        laid_out = laid_out or lines[0].startswith(("- ", "* "))
        if laid_out:
            shown.append(Text(paragraph, overflow="fold"))
        else:
            shown.append(Text(" ".join(line.strip() for line in lines)))
    return shown


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


def earned_line(event: EventRecord, first_at: datetime) -> str:
    """When and on what the rule opened: its exposure, the minutes since the learner's
    first exposure on the deck, and the untaught answers that proved it (when recorded)."""
    minutes = round((event.at - first_at).total_seconds() / 60)
    after = f"{_count(minutes, 'minute')} after" if minutes >= 1 else "less than a minute after"
    line = f"Earned at exposure {event.exposure:,}, {after} you began"
    data = event.data or {}
    untaught, right = data.get("untaught"), data.get("untaught_right")
    if untaught is None and data.get("probes") is not None:  # an older seal: probes only
        untaught = data["probes"]
        accuracy = data.get("accuracy")
        right = round(float(accuracy) * int(untaught)) if accuracy is not None else None
        what = "probe"
    else:
        what = "untaught answer"
    if untaught is not None:
        line += f", on {_count(int(untaught), what)}"
        if right is not None:
            line += f", {int(right):,} of them right"
    return line + "."


class RuleScreen(Screen[None]):
    """Shows the rule; it scrolls when long. Enter or Escape goes on (or back)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "Close"),
    ]

    def __init__(
        self,
        rule: str,
        heading: str = "You found it. The rule:",
        *,
        earned: str = "",
        then: str = "",
    ) -> None:
        """`earned` says when it opened; `then` is where closing it goes ("the next item")."""
        super().__init__()
        self.rule = rule
        self.heading = heading
        self.earned = earned
        self.then = then

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="rule-box"):
            yield Static(Text(self.heading, style="bold"), id="rule-head")
            parts: list[Text] = []
            for paragraph in reflow(self.rule):
                parts += [paragraph, Text("")]
            yield Static(Group(*parts[:-1]), id="rule-text")
            if self.earned:
                yield Static(Text(self.earned), id="rule-earned")
            where = f"on to {self.then}" if self.then else "back"
            yield Static(Text(f"Enter: {where}", style="bold"), id="rule-next")
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)

    def on_mount(self) -> None:
        self.query_one("#rule-box").focus()  # arrow keys and Page Down scroll a long rule
