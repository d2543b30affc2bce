"""SIGTERM and SIGHUP end the app as a quit does: the terminal is restored, the session closed
as `interrupted`."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from tests.tui.test_session import make


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
async def test_a_stop_signal_quits_cleanly(signum: int, db_path: Path) -> None:
    """The app exits (Textual then leaves the alternate screen and mouse mode) with status
    128 + the signal, and the session row is closed as interrupted."""
    before = signal.getsignal(signum)  # SIG_IGN under nohup, else the default
    app, _clock, history = make(db_path, "probe_rate=0")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        os.kill(os.getpid(), signum)
        await pilot.pause()
        await pilot.pause()
    assert app.return_code == 128 + signum
    assert app.stopped_by == signum
    history.close()
    with sqlite3.connect(db_path) as conn:
        (reason,) = conn.execute("SELECT end_reason FROM sessions").fetchone()
    assert reason == "interrupted"
    assert signal.getsignal(signum) == before  # the handler drill found is put back


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_real_drill_restores_the_terminal(signum: int, db_path: Path) -> None:
    """`drill start` on a pseudo-terminal, told to stop: it leaves the alternate screen,
    turns mouse tracking off and exits 128 + the signal."""
    from tests.store.test_robustness_crash import Terminal

    term = Terminal(db_path, "sig")
    done, status = 0, 0
    try:
        deadline = time.monotonic() + 30  # the app is up: its ready card is drawn
        while "Press Enter to begin" not in term.screen and time.monotonic() < deadline:
            term.read(0.05)
        assert "\x1b[?1049h" in term.screen, term.screen[-500:]
        assert "Press Enter to begin" in term.screen, term.screen[-500:]
        for _ in range(10):
            term.read(0.05)
        term.screen = ""
        os.kill(term.pid, signum)
        deadline = time.monotonic() + 20  # reading what it draws as it goes
        while not done and time.monotonic() < deadline:
            term.read(0.05)
            done, status = os.waitpid(term.pid, os.WNOHANG)
            time.sleep(0.01)  # a closed pty reads at once: do not spin
        assert done, repr(term.screen[-400:])
    finally:
        if not done:  # never signal a pid already reaped
            os.kill(term.pid, signal.SIGKILL)
            os.waitpid(term.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 128 + signum
    assert "\x1b[?1049l" in term.screen  # the main screen back
    assert "\x1b[?1000l" in term.screen  # mouse tracking off
