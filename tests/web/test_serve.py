"""`drill serve`: a class in the browser, through a real server and its websocket."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

pytest.importorskip("textual_serve")
import aiohttp

from tests.web.served import (
    Visitor,
    answer_items,
    attempts,
    drill_processes,
    served_class,
)

pytestmark = pytest.mark.xdist_group("serve")


async def get(base: str, query: str, cookies: dict[str, str] | None = None) -> tuple[int, str]:
    async with aiohttp.ClientSession(cookies=cookies) as s, s.get(f"{base}/?{query}") as r:
        return r.status, await r.text()


def test_the_doors_of_a_class(db_path: Path) -> None:
    """No code, a wrong code, a taken name without its key and the teacher's page without
    the token are each refused with a page that says why; the first visitor under a name
    gets its key, and with that key the name opens again."""

    async def visit(base: str) -> None:
        status, page = await get(base, "")
        assert status == 200
        assert "Class code" in page
        status, page = await get(base, "class=NOPE&learner=ana")
        assert status == 403
        assert "not this class" in page
        first = f"{base}/?class=C1&learner=ana&deck=modarith"
        async with aiohttp.ClientSession() as s, s.get(first) as r:
            assert r.status == 200
            page = await r.text()
            key = next(c.value for c in r.cookies.values())
        assert key in page
        assert "drilling as <b>ana</b>" in page
        status, page = await get(base, "class=C1&learner=ana")
        assert status == 403
        assert "resume key" in page
        assert (await get(base, f"class=C1&learner=ana&key={key}"))[0] == 200
        cookie = {c: key for c in [next(iter(r.cookies))]}
        assert (await get(base, "class=C1&learner=ana", cookie))[0] == 200
        status, page = await get(base, "class=C1&learner=ben&deck=nosuchdeck")
        assert status == 404
        assert "no deck" in page
        async with aiohttp.ClientSession() as s:
            async with s.get(f"{base}/teacher") as r:
                assert r.status == 403
            async with s.get(f"{base}/teacher?token=TT") as r:
                assert r.status == 200
                assert "data-session-websocket-url" in await r.text()

    with served_class(db_path) as base:
        asyncio.run(visit(base))


def test_answers_survive_a_reload_and_no_process_outlives_its_visitor(db_path: Path) -> None:
    """Five items, the tab reloaded mid-item, five more: ten attempts in the history; the
    first visit's drill ended before the second began, and none is left after the last."""

    async def visit(base: str) -> None:
        # A browser keeps the key's cookie for 127.0.0.1; aiohttp's jar only when told.
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            tab = Visitor(session, base)
            assert await tab.open("class=C1&learner=ana&deck=modarith") == 200
            await tab.wait_for(b"Press Enter to begin")
            await tab.keys("\r")
            await tab.wait_for(b"= ?")
            await answer_items(tab, db_path, "ana", 5)
            await tab.keys("4")  # mid-item: typed, not sent
            first = drill_processes("ana")
            assert len(first) == 1
            await tab.close()  # the reload: this page goes, a new one comes
            again = Visitor(session, base)
            assert await again.open("class=C1&learner=ana&deck=modarith") == 200
            await again.wait_for(b"Press Enter to begin")
            await again.keys("\r")
            await again.wait_for(b"= ?")
            assert first[0] not in drill_processes("ana")
            await answer_items(again, db_path, "ana", 5)
            await again.close()
        deadline = time.monotonic() + 10
        while drill_processes("ana") and time.monotonic() < deadline:
            await asyncio.sleep(0.1)

    with served_class(db_path) as base:
        asyncio.run(visit(base))
        assert drill_processes("ana") == []
    assert attempts(db_path, "ana") == 10


def test_a_full_class_says_so(db_path: Path) -> None:
    """Past --max-visitors a new visitor gets a page that says the class is full."""

    async def visit(base: str) -> None:
        async with aiohttp.ClientSession() as session:
            first = Visitor(session, base)
            assert await first.open("class=C1&learner=ana") == 200
            await first.wait_for(b"drill")
            status, page = await get(base, "class=C1&learner=ben")
            assert status == 503
            assert "full" in page
            await first.close()

    with served_class(db_path, "C1", "--max-visitors", "1") as base:
        asyncio.run(visit(base))
