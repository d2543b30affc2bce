"""The reward: untaught answers proved the rule is known, so here it is, and when it was earned."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from drill.text import visible


class Hanging:
    """A laid-out paragraph (a list, indented lines) wrapped at the width it is drawn at,
    each wrapped line under the text of its own line (a list item's under its words), not
    folded back to the margin."""

    def __init__(self, paragraph: str) -> None:
        self.lines = paragraph.splitlines()

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        import textwrap

        width = options.max_width
        for line in self.lines:
            words = line.lstrip()
            lead = " " * (len(line) - len(words))
            if words.startswith("|"):  # a table row: its columns line up only unwrapped
                yield Text(line, overflow="fold")
                continue
            hang = " " * (2 if words.startswith(("- ", "* ")) else 0)
            room = max(10, width - len(lead))
            for part in textwrap.wrap(words, room, subsequent_indent=hang) or [""]:
                yield Text(lead + part)


def reflow(rule: str) -> list[Text | Hanging]:
    """Paragraphs of a deck's rule text: prose joined to wrap at the screen's width,
    paragraphs with indented or listed lines (tables, lists) kept line for line."""
    paragraphs = [p for p in visible(rule.strip()).split("\n\n") if p.strip()]
    shown: list[Text | Hanging] = []
    for paragraph in paragraphs:
        lines = paragraph.splitlines()
        laid_out = any(line.startswith((" ", "\t", "- ", "* ")) for line in lines[1:])
        laid_out = laid_out or lines[0].startswith(("- ", "* "))
        if laid_out:
            shown.append(Hanging(paragraph))
        else:
            shown.append(Text(" ".join(line.strip() for line in lines)))
    return shown


class RuleScreen(Screen[None]):
    """Shows the rule; it scrolls when long. Enter or Escape goes on (or back).

    When it was earned comes first and the way on stays at the bottom, outside the scroll:
    a chord rule is taller than 24 rows, and both must be seen without scrolling."""

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
        yield Static(Text(self.heading, style="bold"), id="rule-head")
        if self.earned:
            yield Static(Text(self.earned), id="rule-earned")
        with VerticalScroll(id="rule-box"):
            parts: list[Text | Hanging] = []
            for paragraph in reflow(self.rule):
                parts += [paragraph, Text("")]
            yield Static(Group(*parts[:-1]), id="rule-text")
        yield Static(self._next_line(more=False), id="rule-next")
        yield Footer()

    def _next_line(self, *, more: bool) -> Text:
        where = f"on to {self.then}" if self.then else "back"
        line = Text(f"Enter: {where}", style="bold")
        if more:
            line.append("    ↓ PgDn: the rest of the rule", style="not bold")
        return line

    def action_close(self) -> None:
        self.dismiss(None)

    def on_mount(self) -> None:
        box = self.query_one("#rule-box", VerticalScroll)
        box.focus()  # arrow keys and Page Down scroll a long rule
        self.watch(box, "scroll_y", self._say_if_more, init=False)
        self.call_after_refresh(self._say_if_more)

    def on_resize(self) -> None:
        self.call_after_refresh(self._say_if_more)

    def _say_if_more(self, _scrolled: float | None = None) -> None:
        box = self.query_one("#rule-box", VerticalScroll)
        more = box.max_scroll_y > 0 and box.scroll_y < box.max_scroll_y
        self.query_one("#rule-next", Static).update(self._next_line(more=more))
