"""`?` anywhere: the keys of the screen underneath, in a box."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    """Lists the keys of `under`; any of Escape, Enter, ? or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,question_mark,q", "dismiss", "Close"),
    ]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        table = Table(show_header=False, box=None, padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        seen: set[str] = set()
        for key, description in getattr(self.under, "HELP_EXTRA", ()):
            table.add_row(key, description)
        for binding in self._bindings_of(self.under):
            if binding.description and binding.key not in seen:
                seen.add(binding.key)
                seen.update(binding.key.split(","))
                table.add_row(
                    binding.key_display or binding.key.replace(",", " / "), binding.description
                )
        for key, description in (("?", "these keys"), ("ctrl+q", "quit drill")):
            if key not in seen:
                table.add_row(key, description)
        with Vertical(id="help-box"):
            yield Static("Keys", id="help-head")
            yield Static(table)

    @staticmethod
    def _bindings_of(screen: Screen[object]) -> list[Binding]:
        found: list[Binding] = []
        for item in getattr(screen, "BINDINGS", []):
            if isinstance(item, Binding):
                found.append(item)
        return found
