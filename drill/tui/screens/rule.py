"""The reward: held-out accuracy proved the rule is known, so here it is."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static


def reflow(rule: str) -> list[Text]:
    """Paragraphs of a deck's rule text: prose joined to wrap at the screen's width,
    paragraphs with indented or listed lines (tables, lists) kept line for line."""
    paragraphs = [p for p in rule.strip().split("\n\n") if p.strip()]
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


class RuleScreen(Screen[None]):
    """Shows the rule; it scrolls when long. Enter or Escape goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "app.pop_screen", "Back to the drill")
    ]

    def __init__(self, rule: str, heading: str = "You found it. The rule:") -> None:
        super().__init__()
        self.rule = rule
        self.heading = heading

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="rule-box"):
            yield Static(Text(self.heading, style="bold"), id="rule-head")
            parts: list[Text] = []
            for paragraph in reflow(self.rule):
                parts += [paragraph, Text("")]
            yield Static(Group(*parts[:-1]), id="rule-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#rule-box").focus()  # arrow keys and Page Down scroll a long rule
