"""A real `drill serve` on a free loopback port, and scripted visitors over its websocket.

Visitors speak textual-serve's own protocol, as the page's script does: JSON text frames
["stdin", keys] and ["resize", {...}] up, the terminal's bytes down."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp

WS_URL = re.compile(r'data-session-websocket-url="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served_class(db: Path | str, code: str = "C1", *extra: str) -> Iterator[str]:
    """`drill serve` running until the block ends; yields its base URL."""
    port = free_port()
    argv = [sys.executable, "-m", "drill", "serve", "--class", code, "--db", str(db)]
    argv += ["--port", str(port), "--teacher-token", "TT", *extra]
    server = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=dict(os.environ)
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    out = server.stdout.read().decode() if server.stdout else ""
                    raise AssertionError(f"drill serve did not start: {out}") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()


def attempts(db: Path, learner: str) -> int:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT COUNT(*) FROM attempts a JOIN sessions s ON s.id = a.session_id "
            "JOIN learners l ON l.id = s.learner_id WHERE l.name = ?",
            (learner,),
        ).fetchone()
    return int(row[0])


def drill_processes(learner: str) -> list[int]:
    """Live drill processes started for this learner (by their command line)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().split()[2]
        except OSError:
            continue
        if state != "Z" and b"drill" in words and learner.encode() in words:
            found.append(int(entry.name))
    return found


class Visitor:
    """One browser tab, scripted."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session = session
        self.base = base
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.screen = b""
        self._reader: asyncio.Task[None] | None = None

    async def open(self, query: str) -> int:
        """Load the page; when it shows a terminal, open its websocket. The HTTP status."""
        async with self.session.get(f"{self.base}/?{query}") as page:
            text = await page.text()
            status = page.status
        found = WS_URL.search(text)
        if found is None:
            return status
        self.ws = await self.session.ws_connect(f"{found.group(1)}?width=80&height=24")
        await self.ws.send_json(["resize", {"width": 80, "height": 24}])
        self._reader = asyncio.create_task(self._read())
        return status

    async def _read(self) -> None:
        assert self.ws is not None
        async for message in self.ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.screen += message.data

    async def wait_for(self, text: bytes, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.screen:
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw {text!r}")
            await asyncio.sleep(0.05)

    async def keys(self, keys: str) -> None:
        assert self.ws is not None
        await self.ws.send_json(["stdin", keys])

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            await self._reader


async def answer_items(visitor: Visitor, db: Path, learner: str, count: int) -> None:
    """Answer `count` items (0, right or not), each stored before the next is typed: after
    a miss, Enter leaves the answer; the next answer waits for the next item's time bar."""
    for _ in range(count):
        before = attempts(db, learner)
        visitor.screen = b""
        await visitor.keys("0\r")
        deadline = time.monotonic() + 60
        while attempts(db, learner) == before:
            if time.monotonic() > deadline:
                raise AssertionError("the answer was never stored")
            await asyncio.sleep(0.05)
        stored_at = len(visitor.screen)  # the item's own time bar is drawn before this
        while b"s left" not in visitor.screen[stored_at:]:
            if time.monotonic() > deadline:
                raise AssertionError("the next item never came")
            if b"next item" in visitor.screen:  # a miss waits for Enter
                visitor.screen = b""
                stored_at = 0
                await visitor.keys("\r")
            await asyncio.sleep(0.05)
