"""A class in a real browser: Debian's Chromium, driven by Playwright (no browser is ever
downloaded: the test uses the system's binary and skips, saying why, without one)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

pytest.importorskip("textual_serve")
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the browser extra")

from tests.web.served import attempts, drill_processes, served_class  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

pytestmark = [
    pytest.mark.slow,  # a browser start and twenty items: the slow tier, where CI has Chromium
    pytest.mark.xdist_group("serve"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Chromium: apt-get install chromium"),
]


def wait_until(check: object, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def answer(page: object, db: Path, count: int) -> None:
    """Type `count` answers in the page's terminal, each stored before the next; after a
    miss, Enter moves on (the extra Enter on a live item is an empty answer, ignored)."""
    for _ in range(count):
        before = attempts(db, "ana")
        page.keyboard.type("0")  # type: ignore[attr-defined]
        page.keyboard.press("Enter")  # type: ignore[attr-defined]
        wait_until(lambda b=before: attempts(db, "ana") > b, "the answer to be stored")
        time.sleep(0.4)  # the feedback's own pause: the screen, not the test, sets it
        page.keyboard.press("Enter")  # type: ignore[attr-defined]
        time.sleep(0.4)


def test_join_drill_reload_drill(db_path: Path, tmp_path: Path) -> None:
    """Join a class from its form, drill 5 items, reload mid-item, drill 5 more: 10
    attempts in the history, and one drill process for the learner, none after."""
    with served_class(db_path) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1000, "height": 640})
        page.goto(f"{base}/?deck=modarith")
        page.fill("input[name=class]", "C1")
        page.fill("input[name=learner]", "ana")
        page.click("button[type=submit]")
        page.wait_for_selector("#drill-banner")
        assert "ana" in page.inner_text("#drill-banner")
        page.wait_for_selector("body.-first-byte", timeout=60_000)
        page.click("#terminal")
        page.keyboard.press("Enter")  # the ready card
        answer(page, db_path, 5)
        page.keyboard.type("4")  # mid-item
        page.screenshot(path=str(tmp_path / "before-reload.png"))
        page.reload()
        page.wait_for_selector("body.-first-byte", timeout=60_000)
        page.click("#terminal")
        page.keyboard.press("Enter")
        answer(page, db_path, 5)
        page.screenshot(path=str(tmp_path / "after-reload.png"))
        assert len(drill_processes("ana")) == 1
        browser.close()
        wait_until(lambda: not drill_processes("ana"), "the visitor's drill to end", 15)
    assert attempts(db_path, "ana") == 10
