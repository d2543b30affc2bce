"""A deck's report inside the app (the same page `drill report DECK` prints)."""

from __future__ import annotations

from typing import ClassVar

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static


class ReportScreen(Screen[None]):
    """Scrolls; Escape or q goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Back"),
    ]

    def __init__(self, page: RenderableType) -> None:
        super().__init__()
        self.page = page

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="report-scroll"):
            yield Static(self.page, id="report-page")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#report-scroll").focus()
