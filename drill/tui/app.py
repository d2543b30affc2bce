"""The Textual app, and the one factory that builds it for the CLI and for the tests."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from drill.errors import UserError
from drill.tui.lifeline import Lifeline
from drill.tui.messages import AnotherBlockAsked, DeckChosen, ReviewAsked, SummaryLeft

if TYPE_CHECKING:
    from textual.driver import Driver

    from drill.app.home import Home
    from drill.app.practice import Practice

THEMES = {"dark": "textual-dark", "light": "textual-light"}


class DrillApp(App[None]):
    """Runs blocks of practice, from the home screen or straight from `drill start`."""

    CSS_PATH = Path(__file__).with_name("drill.tcss")
    TITLE = "drill"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "keys", "Keys", show=False, priority=True),
        Binding("ctrl+t", "toggle_theme", "Light/dark", show=False),
        # Ctrl+C ends a session as Escape does (no toast over the counters); elsewhere it quits.
        Binding("ctrl+c", "interrupt", "End session or quit", show=False, priority=True),
    ]

    def __init__(
        self,
        start: Callable[[], Practice] | None = None,
        *,
        home: Home | None = None,
        clock: Callable[[], float] = time.monotonic,
        theme: str | None = None,
        lifeline: Lifeline | None = None,
    ) -> None:
        super().__init__()
        if start is None and home is None:
            raise ValueError("the app needs a deck to start or a home screen")
        self.start = start
        self.home = home
        self.clock = clock
        self.practice: Practice | None = None
        self.stopped_by: int | None = None
        """The signal (SIGTERM, SIGHUP) that ended the app, if one did."""
        self.lifeline = lifeline if lifeline is not None else Lifeline(watchdog=False)
        self._own_lifeline = lifeline is None
        self._pending_stop: int | None = None
        self.lifeline.on_stop = self._stop_soon
        self._earlier_words = self.lifeline.last_words  # what start-up opened, until a block runs
        self.lifeline.last_words = self._close_interrupted
        chosen = theme or os.environ.get("DRILL_THEME", "dark")
        self.theme = THEMES.get(chosen, THEMES["dark"])

    def get_driver_class(self) -> type[Driver]:
        """Textual's own choice, except that on Linux its driver's writes must never block
        (drill.tui.driver)."""
        chosen = super().get_driver_class()
        from textual.drivers.linux_driver import LinuxDriver

        if chosen is LinuxDriver:
            from drill.tui.driver import DrillDriver

            return DrillDriver
        return chosen

    def get_default_screen(self) -> Screen[Any]:
        """The first screen, composed at once: the first item is in the very first frame."""
        if self.home is not None:
            from drill.tui.screens.home import HomeScreen

            return HomeScreen(self.home)
        from drill.tui.screens.session import SessionScreen  # the home screen's path skips it

        assert self.start is not None
        self.practice = self.start()
        return SessionScreen(self.practice, self.clock)

    def start_block(self, block: Practice | None = None) -> None:
        """Open a new session (or run `block`) and show its first item."""
        assert self.start is not None or block is not None
        try:
            self.practice = block if block is not None else self.start()  # type: ignore[misc]
        except UserError as err:  # the deck is busy in another drill, say: stay where we are
            self.notify(str(err), title="Cannot start", severity="error", timeout=8)
            return
        from drill.tui.screens.session import SessionScreen

        screen = SessionScreen(self.practice, self.clock)
        if len(self.screen_stack) > 1 and not self._on_home():
            self.switch_screen(screen)
        else:
            self.push_screen(screen)
        self.say_notice()

    def on_mount(self) -> None:
        self._catch_stop_signals()
        self.say_notice()

    def say_notice(self) -> None:
        """The block's one line before its first item (taught held-out items), once."""
        if self.practice is not None and self.practice.notice:
            self.notify(self.practice.notice, title="Held-out items", timeout=8)
            self.practice.notice = None

    # -- where the screens' messages lead (drill.tui.messages) ---------------------------

    def on_deck_chosen(self, message: DeckChosen) -> None:
        """From the home screen: drill the deck; "another block" repeats it."""
        self.start_deck(message.deck)

    def on_another_block_asked(self, _message: AnotherBlockAsked) -> None:
        self.start_block()

    def on_review_asked(self, message: ReviewAsked) -> None:
        """Replay the block's missed training items, once each, under the same deadline."""
        from drill.app.practice import start_review

        self.start_block(start_review(message.done))

    def on_summary_left(self, _message: SummaryLeft) -> None:
        self.back_home_or_quit()

    def start_deck(self, name: str) -> None:
        """Drill `name`; "another block" repeats it."""
        home = self.home
        assert home is not None
        self.start = lambda: home.start(name)
        self.start_block()

    def back_home_or_quit(self) -> None:
        """The end of a block: back to the home screen if there is one, else quit."""
        if self.home is None:
            self.exit()
            return
        self.practice = None
        while not self._on_home():
            self.pop_screen()

    def _on_home(self) -> bool:
        from drill.tui.screens.home import HomeScreen

        return isinstance(self.screen, HomeScreen)

    def action_keys(self) -> None:
        """`?` or F1 on any screen: its keys."""
        from drill.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen(self.screen))

    def action_interrupt(self) -> None:
        """Ctrl+C: in a session, end it (closed as quit) and show its summary; else quit."""
        from drill.tui.screens.session import SessionScreen

        sessions = [s for s in self.screen_stack if isinstance(s, SessionScreen)]
        if not sessions or sessions[-1].practice.closed:
            self.exit()
            return
        while self.screen is not sessions[-1]:
            self.pop_screen()  # a help or rule screen on top of the session
        sessions[-1].end_now()

    def action_toggle_theme(self) -> None:
        self.theme = THEMES["light"] if self.theme == THEMES["dark"] else THEMES["dark"]

    def _catch_stop_signals(self) -> None:
        """SIGTERM and SIGHUP (a kill, a closed terminal window) end the app as quitting
        does, so Textual restores the terminal: main screen back, mouse tracking off."""
        # signal.signal (drill.tui.lifeline), not loop.add_signal_handler: the latter's
        # wakeup fd slows Textual's input on a real terminal. The handler only schedules
        # the exit on the loop; the lifeline's watchdog ends the process if that hangs.
        self._signal_loop = asyncio.get_running_loop()
        if not self.lifeline.installed:
            self.lifeline.install()
        if self._pending_stop is not None:  # the signal came while the app was starting
            self._stop(self._pending_stop)

    def _stop_soon(self, signum: int) -> None:
        loop = getattr(self, "_signal_loop", None)
        if loop is None:
            self._pending_stop = signum
        else:
            loop.call_soon_threadsafe(self._stop, signum)

    def _stop(self, signum: int) -> None:
        self.stopped_by = signum
        name = signal.Signals(signum).name
        self.exit(return_code=128 + signum, message=f"drill: stopped by {name}; answers are saved")

    def _close_interrupted(self) -> None:
        """The watchdog's last words: the session row closed, the claim given up."""
        if self.practice is not None:
            self.practice.close("interrupted")
        elif self._earlier_words is not None:
            self._earlier_words()

    def on_unmount(self) -> None:
        if self._own_lifeline:
            self.lifeline.uninstall()
        # Quitting from anywhere (ctrl+q), or being told to stop, still closes the session
        # row: `interrupted` when a signal ended drill (a closed terminal), else `quit`.
        if self.practice is not None and (self.return_code in (0, None) or self.stopped_by):
            self.practice.close("interrupted" if self.stopped_by else "quit")


def make_app(
    start: Callable[[], Practice] | None = None,
    *,
    home: Home | None = None,
    clock: Callable[[], float] = time.monotonic,
    lifeline: Lifeline | None = None,
) -> DrillApp:
    """The app as `drill` and `drill start` run it; tests pass their own factory and clock."""
    return DrillApp(start, home=home, clock=clock, lifeline=lifeline)
