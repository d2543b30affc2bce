"""Textual's Linux driver, with writes that never block the event loop.

Textual (8.2.8) hands every write to a `WriterThread` through a queue of 30. When the
terminal closes, the thread dies on its first failed write; the queue then fills, and the
next `Queue.put` (a frame, or `disable_input` and `close` on the way out) blocks the event
loop for good: drill outlived its terminal, holding its claim on the deck (Textual's issue
6692 is the same trap after `App.suspend()`). Here a write waits for room at most
`STALL` seconds, and not at all once the writer is dead: what nobody can read is dropped.
`close` likewise waits a bounded time for the writer to finish.
"""

from __future__ import annotations

import queue
import time

from textual.drivers.linux_driver import LinuxDriver

STALL = 1.0
"""Seconds a write may wait for a stalled terminal (one that reads nothing) to take it."""

POLL = 0.05
"""Seconds between looks at whether the writer thread still lives."""


class DrillDriver(LinuxDriver):
    """LinuxDriver whose `write` and `close` always return."""

    def write(self, data: str) -> None:
        writer = self._writer_thread
        if writer is None:
            return
        pending: queue.Queue[str | None] = writer._queue
        deadline = time.monotonic() + STALL
        while writer.is_alive() and time.monotonic() < deadline:
            try:
                pending.put(data, timeout=POLL)
                return
            except queue.Full:
                continue

    def close(self) -> None:
        writer = self._writer_thread
        if writer is None:
            return
        pending: queue.Queue[str | None] = writer._queue
        try:
            pending.put(None, timeout=STALL)
        except queue.Full:
            return
        writer.join(STALL)
