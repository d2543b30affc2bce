"""Ending drill when its terminal goes: SIGHUP and SIGTERM, at any moment of its life.

A closed terminal window, a killed tmux server or a `kill` sends SIGHUP or SIGTERM. The
clean way out is the app's own exit (the session closed as `interrupted`, the terminal
restored); but the clean way can hang where drill cannot reach it (Textual's writer
thread, dead on the closed terminal, once blocked the event loop for good: see
drill.tui.driver), and a signal can come before the app runs at all. So the first stop
signal does two things:

- it asks for the clean exit: through the running app (`on_stop`), or, while drill is
  still starting, by raising `Stopped` in the main thread, so that what start-up opened is
  closed on the way out (`drill.cli` says so in one line);
- it arms a `Watchdog`: if the process has not ended `GRACE` seconds later, the watchdog
  closes the session from its own thread (`last_words`, given `LAST_WORDS` seconds) and
  ends the process with `os._exit`. The deck's claim is a kernel lock, freed with the
  process; a session row left open is closed as `interrupted` by the next start.

This module imports nothing heavy: `drill start` installs it before the store opens.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

GRACE = 1.0
"""Seconds the clean exit gets after a stop signal, before the watchdog takes over."""

LAST_WORDS = 0.4
"""Seconds the watchdog lets `last_words` close the session before it ends the process;
GRACE + LAST_WORDS stays under the 2 s drill promises."""

STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))
"""Signals that end drill as a quit does, with the session closed as `interrupted`."""


class Stopped(BaseException):  # a signal, like KeyboardInterrupt, not an error
    """A stop signal came while drill was still starting: unwind, closing what was opened."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


class Watchdog(threading.Thread):
    """Ends the process `grace` seconds after it was told to stop, unless `exit` is set
    first (an in-process test, or a caller that really has finished)."""

    def __init__(
        self, signum: int, last_words: Callable[[], None] | None, end: Callable[[int], Any]
    ) -> None:
        super().__init__(daemon=True, name="drill-watchdog")
        self.exit = threading.Event()
        self.signum = signum
        self.last_words = last_words
        self.end = end

    def run(self) -> None:
        if self.exit.wait(GRACE):
            return
        if self.last_words is not None:
            closer = threading.Thread(target=self._say_last_words, daemon=True)
            closer.start()
            closer.join(LAST_WORDS)
        if not self.exit.is_set():
            self.end(128 + self.signum)

    def _say_last_words(self) -> None:
        try:
            assert self.last_words is not None
            self.last_words()
        except Exception:  # the process ends next: nothing is left to tell
            pass


class Lifeline:
    """Process-wide stop handling; `install()` in the main thread, `uninstall()` after.

    `on_stop` is set by the running app (schedule its exit on its loop); `last_words` by
    whoever holds an open session (close it as `interrupted`). With `watchdog=False` (the
    app under a test) a signal only asks for the clean exit."""

    def __init__(self, *, watchdog: bool = True, end: Callable[[int], Any] = os._exit) -> None:
        self.watchdog_on = watchdog
        self.end = end
        self.on_stop: Callable[[int], None] | None = None
        self.last_words: Callable[[], None] | None = None
        self.stopped_by: int | None = None
        self.watchdog: Watchdog | None = None
        self._previous: dict[int, Any] = {}

    @property
    def installed(self) -> bool:
        return bool(self._previous)

    def install(self) -> None:
        for signum in STOP_SIGNALS:
            try:
                self._previous[signum] = signal.signal(signum, self._handle)
            except (ValueError, OSError):
                pass  # not the main thread: nothing to install

    def uninstall(self) -> None:
        """Put back the handlers drill found (the watchdog, if armed, stays armed)."""
        for signum, previous in self._previous.items():
            try:
                signal.signal(signum, previous)
            except (ValueError, OSError, TypeError):
                pass
        self._previous.clear()

    def disarm(self) -> None:
        if self.watchdog is not None:
            self.watchdog.exit.set()

    def _handle(self, signum: int, _frame: object) -> None:
        if self.stopped_by is not None:
            return  # already on the way out; the watchdog is armed
        self.stopped_by = signum
        if self.watchdog_on:
            self.watchdog = Watchdog(signum, lambda: self._last_words(), self.end)
            self.watchdog.start()
        if self.on_stop is not None:
            self.on_stop(signum)
        elif self.watchdog_on:
            raise Stopped(signum)

    def _last_words(self) -> None:
        if self.last_words is not None:
            self.last_words()


@contextmanager
def lifeline() -> Iterator[Lifeline]:
    """A command's whole life under a `Lifeline` (`drill start`, `drill`)."""
    line = Lifeline()
    line.install()
    try:
        yield line
    finally:
        line.uninstall()
