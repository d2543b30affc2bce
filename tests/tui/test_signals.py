"""SIGTERM and SIGHUP end the app as a quit does: the terminal is restored, the session closed."""

from __future__ import annotations

import os
import signal
import sqlite3
from pathlib import Path

import pytest

from tests.tui.test_session import make


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
async def test_a_stop_signal_quits_cleanly(signum: int, db_path: Path) -> None:
    """The app exits (Textual then leaves the alternate screen and mouse mode) with status
    128 + the signal, and the session row is closed as a quit."""
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
    assert reason == "quit"
    assert signal.getsignal(signum) in (signal.SIG_DFL, signal.default_int_handler)
