"""`drill serve` under a class: N scripted visitors at once, each answering 50 items.

Run with `pytest -n 0 -m benchmark tests/benchmarks/test_serve_load.py -s` (set
DRILL_TEST_POSTGRES_URL for PostgreSQL, else a SQLite file; SERVE_LOAD=10,30,60 picks the
class sizes; SERVE_SERVERS=2 splits them over two servers on the one database). Visitors
are asyncio clients on loopback speaking textual-serve's websocket protocol, as the page's
script does; every loop is bounded in count and time. Figures go
in docs/benchmarks.md: answers stored per second, answer-to-next-item latency as the
visitor sees it (from the key that leaves an item to the next item's time bar), and the
memory of the server and its visitors' drills. 0 attempts may be lost.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

pytest.importorskip("textual_serve")
import aiohttp

from tests.web.served import Visitor, served_class

ITEMS = 50
FEEDBACK = (b"you typed", b"right", b"answer taken", b"too late", b"no answer")
VISIT_SECONDS = 600.0
SERVERS = int(os.environ.get("SERVE_SERVERS", "1"))
"""Servers on the one database (SERVE_SERVERS=2: visitors alternate between two)."""


def rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


async def until(visitor: Visitor, marks: tuple[bytes, ...], deadline: float) -> bytes:
    while True:
        for mark in marks:
            if mark in visitor.screen:
                return mark
        if time.monotonic() > deadline:
            raise AssertionError(f"waited too long for {marks}")
        await asyncio.sleep(0.01)


async def one_visitor(base: str, name: str, latencies: dict[str, list[float]]) -> int:
    deadline = time.monotonic() + VISIT_SECONDS
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        tab = Visitor(session, base)
        assert await tab.open(f"class=C1&learner={name}&deck=modarith") == 200
        await until(tab, (b"Press Enter to begin",), deadline)
        tab.screen = b""
        await tab.keys("\r")
        await until(tab, (b"s left",), deadline)
        for _ in range(ITEMS):
            tab.screen = b""
            sent = time.monotonic()
            await tab.keys("0\r")
            await until(tab, FEEDBACK, deadline)
            kind = "pause"
            if b"you typed" in tab.screen:  # a miss: the learner leaves it with Enter
                kind = "miss"
                await asyncio.sleep(0.05)
                sent = time.monotonic()
                await tab.keys("\r")
            tab.screen = b""
            await until(tab, (b"s left",), deadline)
            latencies[kind].append(time.monotonic() - sent)
        await tab.close()
    return ITEMS


def stored(db: str | Path) -> int:
    from drill.store.history import History

    with History.open(str(db)) as history:
        return sum(n for _, _, n, _ in history.learners())


@pytest.mark.benchmark
def test_a_class_of_n_visitors(tmp_path: Path) -> None:
    """N visitors x 50 items: every answer stored; throughput, latency and memory printed."""
    sizes = [int(n) for n in os.environ.get("SERVE_LOAD", "10,30").split(",")]
    url = os.environ.get("DRILL_TEST_POSTGRES_URL")
    for n in sizes:
        db: str | Path = url or tmp_path / f"class-{n}.db"
        before = stored(db) if url else 0
        took, latencies, peak = run_class(db, n)
        answers = stored(db) - before
        backend = "PostgreSQL" if url else "SQLite"
        print(
            f"\nN={n} on {SERVERS} server(s) ({backend}): {answers} of {n * ITEMS} answers "
            f"stored in {took:.0f} s ({answers / took:.1f}/s); Enter after a miss to the "
            f"next item {_percentiles(latencies['miss'])}; a right answer or a probe to the "
            f"next item, the screen's own pause included, {_percentiles(latencies['pause'])}; "
            f"server and drills peak {peak:.0f} MB ({peak / n:.0f} MB a visitor)"
        )
        assert answers == n * ITEMS


def run_class(db: str | Path, n: int) -> tuple[float, dict[str, list[float]], float]:
    """Seconds taken, latencies by kind, and peak MB of N visitors over SERVERS servers."""
    latencies: dict[str, list[float]] = {"miss": [], "pause": []}
    peak = 0.0
    with ExitStack() as servers:
        bases = [
            servers.enter_context(served_class(db, "C1", "--max-visitors", str(n + 5)))
            for _ in range(SERVERS)
        ]
        pids = [_server_pid(base) for base in bases]

        async def sample() -> None:
            nonlocal peak
            while True:
                peak = max(peak, sum(rss_mb(pid) for pid in pids))
                await asyncio.sleep(1.0)

        async def visit_all() -> float:
            sampler = asyncio.create_task(sample())
            start = time.monotonic()
            visits = [
                one_visitor(bases[i % SERVERS], f"v{n}-{SERVERS}-{i}", latencies) for i in range(n)
            ]
            await asyncio.gather(*visits)
            sampler.cancel()
            return time.monotonic() - start

        took = asyncio.run(visit_all())
    return took, latencies, peak


def _percentiles(seconds: list[float]) -> str:
    if not seconds:
        return "(none)"
    ms = sorted(s * 1000 for s in seconds)
    p90, p99 = ms[int(0.9 * (len(ms) - 1))], ms[int(0.99 * (len(ms) - 1))]
    return f"p50 {statistics.median(ms):.0f} ms, p90 {p90:.0f} ms, p99 {p99:.0f} ms"


def _server_pid(base: str) -> int:
    port = base.rsplit(":", 1)[1]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                words = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"serve" in words and port.encode() in words:
                return int(entry.name)
    raise AssertionError("no server process")
