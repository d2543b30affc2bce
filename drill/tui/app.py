"""The Textual app, and the one factory that builds it for the CLI and for the tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual.app import App

from drill.practice import Practice
from drill.tui.screens.session import SessionScreen


class DrillApp(App[None]):
    """Runs blocks of practice; each block is a fresh session of the same deck."""

    CSS_PATH = Path(__file__).with_name("drill.tcss")
    TITLE = "drill"
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        start: Callable[[], Practice],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.start = start
        self.clock = clock
        self.practice: Practice | None = None

    def on_mount(self) -> None:
        self.start_block()

    def start_block(self) -> None:
        """Open a new session and show its first item."""
        self.practice = self.start()
        screen = SessionScreen(self.practice, self.clock)
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def on_unmount(self) -> None:
        # Quitting from anywhere (ctrl+q) still closes the session row.
        if self.practice is not None and self.return_code in (0, None):
            self.practice.close("quit")


def make_app(
    start: Callable[[], Practice], *, clock: Callable[[], float] = time.monotonic
) -> DrillApp:
    """The app as `drill start` runs it; tests pass their own session factory and clock."""
    return DrillApp(start, clock=clock)
