"""The answer input: an Input that stamps the Enter key's time on a monotonic clock."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.widgets import Input

from drill.tui.messages import AnswerSubmitted


class AnswerInput(Input):
    """Posts `AnswerSubmitted` with the time of the key event, not of the next frame;
    `?` opens the keys instead of being typed."""

    def __init__(self, clock: Callable[[], float], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.clock = clock

    def unfinished(self) -> str | None:
        """What was typed and never sent, to keep when the item expires (None: nothing
        kept; a box that times each key keeps its responses)."""
        return None

    async def _on_key(self, event: events.Key) -> None:
        if event.character == "?":
            # No deck's answers use "?": it opens the keys, as on every screen.
            event.stop()
            event.prevent_default()
            await self.app.run_action("app.keys")
            return
        if event.key == "enter":
            at = self.clock()
            event.stop()
            event.prevent_default()
            self.post_message(AnswerSubmitted(self.value, at))
            return
        await super()._on_key(event)
