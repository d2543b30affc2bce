"""The frame budget: drill's session screen against a bare Textual app doing the same cycle.

`python -m tests.benchmarks.frame_budget [--busy] [--items N]` drives, in one process and
side by side, drill's session screen (modarith and chess, a real SQLite history) and a bare
Textual app with the same widgets' shape (a prompt, an input, a feedback line, a bar that
ticks every 0.1 s) through the same key cycle: type the answer, Enter (timed until the
feedback is on screen and the app idle), Enter (timed until the next item is). It prints
median and p90 of both, and drill's ratio to the bare app. `--busy` keeps two CPU-bound
processes per core running meanwhile. It also times a fresh `drill start` process until its
ready card is drawn, chess against modarith (headless, no terminal needed).

The pilot runs the apps headless: the compositor renders every frame as for a terminal,
without the terminal's own drawing, which is the same for both apps.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.widget import Widget
from textual.widgets import Input, Static

TICK_S = 0.1


class Bar(Widget):
    """A ticking bar, as bare as can be."""

    DEFAULT_CSS = "Bar { height: 1; }"

    def __init__(self) -> None:
        super().__init__()
        self.left = 4.0

    def render(self) -> str:
        width = max(10, self.size.width - 16)
        filled = round(width * self.left / 4.0)
        return "█" * filled + "░" * (width - filled) + f"  {self.left:4.1f} s left"


class Bare(App[None]):
    """The same cycle with nothing of drill's: a prompt, an input, a feedback line, a bar."""

    def __init__(self) -> None:
        super().__init__()
        self.n = 0
        self.waiting = False

    def compose(self) -> ComposeResult:
        yield Static("", id="prompt")
        yield Input(id="answer")
        yield Bar()
        yield Static("", id="feedback")

    def on_mount(self) -> None:
        self.set_interval(TICK_S, self._tick)
        self._next()

    def _tick(self) -> None:
        bar = self.query_one(Bar)
        bar.left = max(0.0, bar.left - TICK_S)
        bar.refresh()

    def _next(self) -> None:
        self.n += 1
        self.waiting = False
        self.query_one("#prompt", Static).update(f"{self.n % 13} ∘ {self.n % 7} = ?")
        self.query_one("#feedback", Static).update("")
        self.query_one(Bar).left = 4.0

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.waiting:
            self._next()
            return
        event.input.value = ""
        self.query_one("#feedback", Static).update("✓ right")
        self.waiting = True

    def answer(self) -> str:
        return "1"

    def shown(self) -> str:
        return str(self.query_one("#prompt", Static).render())


async def cycle(
    app: App[Any], answer: Callable[[], str], items: int
) -> tuple[list[float], list[float]]:
    """Time Enter→feedback and Enter→next item over `items` items (after two to warm up)."""
    feedback_ms, next_ms = [], []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        if not isinstance(app, Bare):
            await pilot.press("enter")  # drill's ready card
            await pilot.pause(0.3)
        for n in range(items + 2):
            final = False
            while not final:
                typed = answer()
                await pilot.press(*typed)
                start = time.perf_counter()
                await pilot.press("enter")
                await pilot.pause()
                took = (time.perf_counter() - start) * 1000
                final = _final(app)
                if n >= 2:
                    feedback_ms.append(took)
            start = time.perf_counter()
            await pilot.press("enter")
            await pilot.pause()
            if n >= 2:
                next_ms.append((time.perf_counter() - start) * 1000)
    return feedback_ms, next_ms


def _final(app: App[Any]) -> bool:
    """The item is done (not a step of a longer chess line that goes on)."""
    if isinstance(app, Bare):
        return True
    practice = app.practice  # type: ignore[attr-defined]
    return practice.engine.current is None


def drill_app(deck_name: str, db: Path) -> tuple[App[Any], Callable[[], str]]:
    from drill.app.practice import start_practice
    from drill.decks import load_deck
    from drill.store.history import History
    from drill.tui.app import make_app

    deck = load_deck(deck_name, ["session.length=400", "probe_rate=0"])
    history = History.open(str(db))
    app = make_app(lambda: start_practice(deck, history, "bench"))

    def answer() -> str:
        shown = app.practice.engine.current  # type: ignore[union-attr]
        assert shown is not None
        if "solution" in shown.item.data:
            return str(shown.item.data["solution"][2 * shown.step])
        return shown.item.answer

    return app, answer


def stats(ms: list[float]) -> tuple[float, float]:
    ordered = sorted(ms)
    return statistics.median(ordered), ordered[int(0.9 * (len(ordered) - 1))]


def first_frame_s(deck: str, home: str) -> float:
    """A fresh process: `drill start DECK` until its ready card is drawn (headless)."""
    script = f"""
import asyncio, time
start = time.perf_counter()
from drill.app.practice import quick_start
from drill.decks import load_deck
from drill.tui.app import make_app
deck = load_deck({deck!r})
app = make_app(lambda: quick_start(deck, None, "bench"))
async def main():
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(6000):  # a minute at most
            strips = app.screen._compositor.render_strips()
            if any("Press Enter" in strip.text for strip in strips):
                break
            await pilot.pause(0.01)
        print(time.perf_counter() - start)
asyncio.run(main())
"""
    env = {**os.environ, "DRILL_HOME": home}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr)
    return float(out.stdout.strip().splitlines()[-1])


def busy(on: bool) -> list[subprocess.Popen[bytes]]:
    if not on:
        return []
    spin = [sys.executable, "-c", "while 1: pass"]
    return [subprocess.Popen(spin) for _ in range(2 * (os.cpu_count() or 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--busy", action="store_true")
    parser.add_argument("--items", type=int, default=30)
    args = parser.parse_args()
    spinners = busy(args.busy)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            load = os.getloadavg()[0]
            print(f"{'busy' if args.busy else 'as is'}, load {load:.1f}, {args.items} items each")
            bare = Bare()
            bare_fb, bare_next = asyncio.run(cycle(bare, bare.answer, args.items))
            for deck in ("modarith", "chess"):
                app, answer = drill_app(deck, Path(tmp) / f"{deck}.db")
                fb, nxt = asyncio.run(cycle(app, answer, args.items))
                for label, mine, base in (
                    ("Enter→feedback", fb, bare_fb),
                    ("Enter→next", nxt, bare_next),
                ):
                    (m, p), (bm, bp) = stats(mine), stats(base)
                    print(
                        f"  {deck:8} {label:14} drill median {m:6.1f} ms p90 {p:6.1f} ms"
                        f" | bare {bm:6.1f} / {bp:6.1f} ms | ratio {m / bm:4.2f} / {p / bp:4.2f}"
                    )
            home = os.path.join(tmp, "home")
            os.makedirs(home)
            first = {deck: first_frame_s(deck, home) for deck in ("modarith", "chess")}
            print(
                f"  ready card drawn, fresh process: modarith {first['modarith']:.2f} s,"
                f" chess {first['chess']:.2f} s (ratio {first['chess'] / first['modarith']:.2f})"
            )
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


if __name__ == "__main__":
    main()
