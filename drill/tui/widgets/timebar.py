"""The time left for the current item: a bar, and the seconds as a number (not colour alone)."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class TimeBar(Widget):
    """Shows `remaining_ms` out of `deadline_ms`; past the deadline it says so in words.

    Between items it shows `message` instead (what Enter does next), so a judged item never
    leaves a bar standing still."""

    DEFAULT_CSS = """
    TimeBar { height: 1; }
    """

    deadline_ms: reactive[int] = reactive(1000)
    remaining_ms: reactive[float] = reactive(1000.0)
    paused: reactive[bool] = reactive(False)

    def __init__(self, *, id: str | None = None, untimed: bool = False) -> None:
        super().__init__(id=id)
        self.untimed = untimed
        """No deadline (a study's untimed arm): the bar is not drawn, messages still are."""

    message: reactive[str] = reactive("")

    def render(self) -> Text:
        width = max(10, self.size.width - 16)
        if self.message:
            return Text(self.message.center(self.size.width).rstrip(), style="dim")
        if self.paused:
            return Text("paused", style="dim")
        if self.untimed:  # a study's untimed arm: no bar to watch
            return Text("")
        if self.remaining_ms <= 0:
            return Text("⏱ time's up", style="bold")
        fraction = max(0.0, min(1.0, self.remaining_ms / max(1, self.deadline_ms)))
        filled = round(fraction * width)
        style = "green" if fraction > 0.5 else "yellow" if fraction > 0.2 else "red"
        if self.app.no_color:
            style = ""  # Textual's NO_COLOR filter would paint named colours black
        bar = Text("█" * filled, style=style)
        bar.append("░" * (width - filled), style="dim")
        bar.append(f"  {self.remaining_ms / 1000:4.1f} s left")
        return bar
