"""A drill whose terminal goes away ends, at any moment of its life.

Each trial starts a real `drill start modarith` (or `drill`, the home screen) on a
pseudo-terminal and, after a random wait that falls anywhere from the interpreter's start
to the session's first items, takes the terminal away: the pty's master closed (the kernel
then sends SIGHUP, as when a terminal window or a tmux server goes) or a SIGTERM. Three
seconds later no drill process may be left: Textual's writer thread, dead on the closed
terminal, once left the event loop blocked for good on its full queue (drill.tui.driver).
The session it opened is never left to block the next `drill start` of the deck.
"""

from __future__ import annotations

import os
import pty
import random
import select
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pytest

GRACE = 3.0
"""Seconds a drill may take to end after losing its terminal."""


def _drill_on_pty(db: Path, home: bool) -> tuple[int, int]:
    argv = [sys.executable, "-m", "drill"]
    argv += [] if home else ["start", "modarith"]
    argv += ["--db", str(db), "--learner", "gone"]
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command
        os.environ.update(COLUMNS="80", LINES="24", TERM="xterm-256color")
        os.execvp(argv[0], argv)
    return pid, fd


def _drain(fd: int, until: float, enter_at: float | None) -> None:
    """Read what drill draws until `until` (a terminal that stops reading stalls it), and
    press Enter once at `enter_at` so that some trials lose the terminal mid-session."""
    while (now := time.monotonic()) < until:
        if enter_at is not None and now >= enter_at:
            os.write(fd, b"\r")
            enter_at = None
        ready, _, _ = select.select([fd], [], [], min(0.05, max(until - now, 0)))
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                return


def _ended_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return True
        time.sleep(0.02)
    return False


def lose_terminal(db: Path, rng: random.Random) -> str | None:
    """One trial; None if drill ended within GRACE, else what was done to it."""
    home = rng.random() < 0.3
    how = "close" if rng.random() < 0.7 else "sigterm"
    wait = rng.uniform(0.0, 4.0)
    pid, fd = _drill_on_pty(db, home)
    start = time.monotonic()
    enter_at = start + rng.uniform(0.5, wait) if wait > 0.5 else None
    closed = reaped = False
    try:
        _drain(fd, start + wait, enter_at)
        if how == "close":
            os.close(fd)
            closed = True
        else:
            os.kill(pid, signal.SIGTERM)
        reaped = _ended_within(pid, GRACE)
        if reaped:
            return None
        return f"{'drill' if home else 'drill start'}, {how} after {wait:.2f} s"
    finally:
        if not closed:
            os.close(fd)
        if not reaped:  # never signal a pid already reaped
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def run_trials(db: Path, trials: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f for f in (lose_terminal(db, rng) for _ in range(trials)) if f is not None]


def open_sessions(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT count(*) FROM sessions WHERE ended_at IS NULL").fetchone()
    return int(row[0])


def test_a_lost_terminal_ends_drill_fast(db_path: Path) -> None:
    """A few trials: every drill ends within 3 s of losing its terminal, and the next start
    of the deck is not refused."""
    failures = run_trials(db_path, 4, seed=int(time.time()))
    assert failures == []
    assert open_sessions(db_path) <= 1  # at most the one a kill during start-up left open
    _check_next_start_not_refused(db_path)


@pytest.mark.slow
def test_a_lost_terminal_ends_drill_100_trials(db_path: Path) -> None:
    """100 trials at random moments leave no drill alive 3 s after its terminal went."""
    failures = run_trials(db_path, 100, seed=int(time.time()))
    assert failures == [], f"{len(failures)} of 100 outlived their terminal: {failures}"
    _check_next_start_not_refused(db_path)


def _check_next_start_not_refused(db: Path) -> None:
    """`drill start` of the same deck after all those: it starts (its ready card is drawn)."""
    pid, fd = _drill_on_pty(db, home=False)
    screen = b""
    deadline = time.monotonic() + 30
    try:
        while b"Enter to begin" not in screen and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    screen += os.read(fd, 65536)
                except OSError:
                    break
        assert b"Enter to begin" in screen, screen[-400:]
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_dead_writer_never_blocks_a_write() -> None:
    """Once Textual's writer thread has died on a closed terminal, more writes than its
    queue holds, and the driver's close, all return (they once blocked forever)."""
    import io
    import threading

    from textual.drivers._writer_thread import MAX_QUEUED_WRITES, WriterThread

    from drill.tui.driver import DrillDriver

    class ClosedTerminal(io.StringIO):
        def write(self, _text: str) -> int:
            raise OSError(5, "Input/output error")

    writer = WriterThread(ClosedTerminal())
    writer.start()
    driver = DrillDriver.__new__(DrillDriver)
    driver._writer_thread = writer

    def shut_down() -> None:
        for _ in range(MAX_QUEUED_WRITES * 3):
            driver.write("\x1b[?1049l")
        driver.close()

    worker = threading.Thread(target=shut_down, daemon=True)
    worker.start()
    worker.join(30)  # a hang, not a speed: the writes once never returned
    assert not worker.is_alive()


def test_the_watchdog_closes_the_session_and_ends_the_process() -> None:
    """A stop signal whose clean exit never comes: the watchdog says its last words (the
    session closed as interrupted) and ends the process with 128 + the signal."""
    from drill.tui.lifeline import Lifeline

    said: list[str] = []
    ended: list[int] = []
    line = Lifeline(end=ended.append)
    line.on_stop = lambda _signum: None  # an app whose exit hangs
    line.last_words = lambda: said.append("interrupted")
    line._handle(signal.SIGHUP, None)
    assert line.watchdog is not None
    line.watchdog.join(30)
    assert said == ["interrupted"]
    assert ended == [128 + signal.SIGHUP]


def test_a_stop_during_start_up_unwinds() -> None:
    """Before the app runs, a stop signal raises Stopped in the main thread, so start-up's
    own clean-up closes what it opened; the watchdog is armed all the same."""
    from drill.tui.lifeline import Lifeline, Stopped

    ended: list[int] = []
    line = Lifeline(end=ended.append)
    with pytest.raises(Stopped):
        line._handle(signal.SIGTERM, None)
    assert line.watchdog is not None
    line.disarm()
    line.watchdog.join(30)
    assert ended == []
