"""The item view's interface, and the plain one: the prompt, alone in its box."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar

from textual.widget import Widget
from textual.widgets import Static

from drill.decks import Deck
from drill.protocol.engine import Outcome
from drill.tui.widgets.answer import AnswerInput


class ItemView:
    """Draws one kind of item on the session screen.

    The screen owns the prompt (`#prompt`) and everything generic around it: the answer
    box, the hint, the time bar, the feedback. A view places the prompt in the item's
    area, may add aids under the hint, and draws each step's data.
    """

    screen_class: ClassVar[str] = ""
    """A class the session screen takes for this view's styles ("" for none)."""
    pause_after_right: ClassVar[float] = 0.6
    """Seconds a right answer stays before the next item comes on its own."""

    def __init__(self, deck: Deck) -> None:
        self.deck = deck
        self.keys: Mapping[str, str] = {}
        """An answer → the key that types it, for the feedback line (glyph decks)."""
        self.glyphs: Mapping[str, str] = {}
        """A key → what it types, for the feedback line (glyph decks)."""

    def item_area(self, prompt: Static) -> Iterator[Widget]:
        """The widgets above the answer box, the prompt among them."""
        yield prompt

    def answer_input(
        self, clock: Callable[[], float], elapsed: Callable[[float], float | None]
    ) -> AnswerInput:
        """The answer box: a line typed and sent with Enter, by default. `elapsed(at)` is
        the item's clock at a key's time (None while no item is up), for a box that times
        each key (the number reduction task's responses)."""
        return AnswerInput(clock, id="answer", placeholder="your answer", disabled=True)

    def aids(self) -> Iterator[Widget]:
        """Widgets under the hint (a legend); none by default."""
        yield from ()

    def show(self, data: Mapping[str, Any]) -> None:
        """Draw a step's data (the item's, or a follow-up's) beside its prompt."""

    def judged(self, outcome: Outcome, typed: str) -> None:
        """The step shown was answered (`typed`) and judged; nothing more by default."""


class TextView(ItemView):
    """The prompt is the whole item: arithmetic with numerals, chord symbols."""
