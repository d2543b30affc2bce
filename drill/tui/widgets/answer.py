"""The answer input: an Input that stamps the Enter key's time on a monotonic clock, and
takes keys only while an item is up."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.widgets import Input

from drill.tui.messages import AnswerSubmitted, KeysDropped


class AnswerInput(Input):
    """Posts `AnswerSubmitted` with the time of the key event, not of the next frame;
    `?` opens the keys instead of being typed.

    While `accepting` is off (feedback, a pause between items, a hidden item) typed keys
    are dropped, not kept for later: text typed before an item is up was never meant for
    it, and kept it would run into the answer typed after (two answers stored as one).
    Enter still posts, so the screen can move on. An answer taken empties the box and
    stops accepting at once, in the key's own handler, so no key typed after Enter can
    land in it."""

    def __init__(self, clock: Callable[[], float], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.clock = clock
        self.accepting = False
        """An item is up and its answer not yet taken (the screen turns this on and off)."""

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
            response = ""
            if self.accepting and self.value.strip():
                response, self.value, self.accepting = self.value, "", False
            self.post_message(AnswerSubmitted(response, at))  # "": Enter with no answer
            return
        if not self.accepting and (event.is_printable or event.key == "backspace"):
            event.stop()
            event.prevent_default()
            self.post_message(KeysDropped())
            return
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        """Between items a paste is dropped like keys; otherwise Input's own handler (called
        after this one, as Textual dispatches along the classes) pastes it."""
        if not self.accepting:
            event.stop()
            event.prevent_default()
            self.post_message(KeysDropped())
