"""The number reduction task's input: responses one key at a time, each with its time.

A symbol key is one response, shown at once; "f" or Enter makes the last response the
final answer, and a seventh response is final by itself. No Enter is needed between
responses, and none can be taken back, as in the laboratory task. What is submitted holds
every response with the milliseconds it came at ("4@812 9@1650 =9@2210"), so the history
shows how far the learner went before answering (drill.domains.nrt reads it).
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events

from drill.domains.nrt import STEPS
from drill.tui.messages import AnswerSubmitted
from drill.tui.widgets.answer import AnswerInput

FINAL_KEYS = ("f", "F", "enter")


def steps_response(steps: list[tuple[str, int]]) -> str:
    """The recorded form: each response at its milliseconds, the last marked final."""
    *before, (last, last_ms) = steps
    return " ".join([*(f"{d}@{ms}" for d, ms in before), f"={last}@{last_ms}"])


class StepsInput(AnswerInput):
    """Takes a response per key; `elapsed(at)` gives the item's clock (None: no item up)."""

    def __init__(
        self,
        clock: Callable[[], float],
        symbols: str,
        elapsed: Callable[[float], float | None],
        **kwargs: object,
    ) -> None:
        super().__init__(clock, **kwargs)
        self.symbols = symbols
        self.elapsed = elapsed
        self.steps: list[tuple[str, int]] = []
        """The responses to the item on screen and when each came (ms after it appeared)."""

    async def _on_key(self, event: events.Key) -> None:
        if event.character == "?" or event.key in ("escape", "tab", "shift+tab"):
            await super()._on_key(event)
            return
        at = self.clock()
        if not self.value:
            self.steps = []  # the screen emptied the box: a new item
        event.stop()
        event.prevent_default()
        if event.key in FINAL_KEYS or event.character in FINAL_KEYS:
            if self.steps:
                self._submit(at)
            elif event.key == "enter":
                self.post_message(AnswerSubmitted("", at))  # "next item" after a pause
            return
        if event.character is None or event.character not in self.symbols:
            return  # only the three digits are responses; nothing else is typed
        ms = self.elapsed(at)
        if ms is None:
            return  # no item is up: a response to nothing is not kept
        self.steps.append((event.character, round(ms)))
        self.value = " ".join(d for d, _ in self.steps)
        self.cursor_position = len(self.value)
        if len(self.steps) == STEPS:
            self._submit(at)

    def unfinished(self) -> str | None:
        """The responses so far, each at its milliseconds, none marked final."""
        if not self.value or not self.steps:
            return None
        return " ".join(f"{d}@{ms}" for d, ms in self.steps)

    def _submit(self, at: float) -> None:
        self.post_message(AnswerSubmitted(steps_response(self.steps), at))
