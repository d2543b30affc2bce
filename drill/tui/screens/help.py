"""`?` anywhere: the keys of the screen underneath, and the words drill's screens use."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

WORDS = (
    ("exposure", "one item shown to you and answered, or let run out"),
    ("deadline", "the time an item allows; it tightens as you keep up"),
    ("probe", "a test item: no feedback at all, right or wrong"),
    ("held-out", "items kept out of the drill; they come only as probes"),
    ("untaught", "an answer before that item was ever shown with its answer"),
    ("seal", "the rule stays sealed till untaught answers show you have it"),
    ("epoch", "one pass over the deck's training items"),
)
"""The words the screens use, in the order a learner meets them (docs/guide.md says more)."""


class HelpScreen(ModalScreen[None]):
    """Lists the keys of `under` and the words; any of Escape, Enter, ? or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,question_mark,q", "dismiss", "Close"),
    ]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        table = Table(show_header=False, box=None, padding=(0, 1))
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
        words = Table(show_header=False, box=None, padding=(0, 1))
        words.add_column(style="bold")
        words.add_column()
        for word, meaning in WORDS:
            words.add_row(word, meaning)
        with VerticalScroll(id="help-box"):
            yield Static("Keys", id="help-head")
            yield Static(table, id="help-keys")
            yield Static("Words", id="words-head")
            yield Static(words, id="help-words")
            yield Static("More: drill help guide", id="help-more")

    @staticmethod
    def _bindings_of(screen: Screen[object]) -> list[Binding]:
        found: list[Binding] = []
        for item in getattr(screen, "BINDINGS", []):
            if isinstance(item, Binding):
                found.append(item)
        return found
