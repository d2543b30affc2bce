"""The number reduction task: the digits, and the responses as they are typed."""

from __future__ import annotations

from collections.abc import Callable

from drill.tui.views.base import ItemView
from drill.tui.widgets.answer import AnswerInput
from drill.tui.widgets.steps import StepsInput


class StepsView(ItemView):
    """The prompt is the string; the answer box takes one response per key."""

    def answer_input(
        self, clock: Callable[[], float], elapsed: Callable[[float], float | None]
    ) -> AnswerInput:
        symbols = str(self.deck.params.get("symbols", "149"))
        return StepsInput(
            clock, symbols, elapsed, id="answer", placeholder="responses", disabled=True
        )
