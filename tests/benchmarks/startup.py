"""Time from process start to a marker appearing on a real pseudo-terminal."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

BARE_APP = """
from textual.app import App
from textual.widgets import Input, Label

class Bare(App):
    def compose(self):
        yield Label("BARE-READY")
        yield Input()

Bare().run()
"""


READY_MARKER = b"Press Enter to begin"
"""The ready card's last line: once it is drawn, the whole first frame is."""


def time_to_marker(
    argv: Sequence[str], marker: bytes, env: dict[str, str] | None = None, timeout: float = 20
) -> float:
    """Seconds from spawning `argv` on an 80×24 pty until `marker` is written to it."""
    pid, fd = pty.fork()
    if pid == 0:  # the child
        os.environ.update(env or {})
        os.environ["COLUMNS"], os.environ["LINES"] = "80", "24"
        os.environ["TERM"] = "xterm-256color"
        os.execvp(argv[0], list(argv))
    start = time.perf_counter()
    seen = b""
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                seen += chunk
                if marker in seen:
                    return time.perf_counter() - start
        raise TimeoutError(f"{marker!r} never appeared; got {seen[-300:]!r}")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def compile_drill_like_pip() -> None:
    """Byte-compile drill's modules, as `pip install .` does when it installs the wheel.

    Textual's modules were compiled by pip; an editable install leaves drill's to be
    compiled on first import, and with PYTHONDONTWRITEBYTECODE set (as on our CI machine)
    on every import, which measured the compiler (~15 ms a start) rather than drill.
    """
    import compileall

    import drill

    compileall.compile_dir(Path(drill.__file__).parent, quiet=1)


def bare_textual(python: str = sys.executable) -> float:
    return time_to_marker([python, "-c", BARE_APP], b"BARE-READY")


def drill_start(db: str, python: str = sys.executable) -> float:
    """`drill start modarith`, as a person types it (the installed console script), until
    its first frame is on screen: the ready card (the first item follows Enter)."""
    script = Path(python).with_name("drill")
    command = [str(script)] if script.exists() else [python, "-m", "drill"]
    return time_to_marker(
        [*command, "start", "modarith", "--db", db, "--learner", "bench"], READY_MARKER
    )


HOME_ATTEMPTS = 3000
"""The learner's history for the home screen: a few thousand attempts on modarith."""


def home_history(db: str, python: str = sys.executable) -> None:
    """A database at head where `bench` has answered HOME_ATTEMPTS modarith items."""
    subprocess.run(
        [python, "-m", "drill", "simulate", "modarith", "--kind", "lookup", "--items",
         str(HOME_ATTEMPTS), "--learner", "bench", "--db", db],
        check=True, capture_output=True,
    )  # fmt: skip


def drill_home(db: str, python: str = sys.executable, marker: str | None = None) -> float:
    """`drill` alone, until the home screen shows every deck with the learner's standing
    (their total of exposures on modarith, read in the screen's worker; on a new database,
    `marker`, e.g. "new")."""
    script = Path(python).with_name("drill")
    command = [str(script)] if script.exists() else [python, "-m", "drill"]
    shown = marker if marker is not None else f"{HOME_ATTEMPTS:,}"
    return time_to_marker([*command, "--db", db, "--learner", "bench"], shown.encode())


if __name__ == "__main__":
    import tempfile

    compile_drill_like_pip()
    db = os.path.join(tempfile.mkdtemp(), "bench.db")
    code = f"from drill.store.history import History; History.open({db!r}).close()"
    subprocess.run([sys.executable, "-c", code], check=True)
    home_db = os.path.join(tempfile.mkdtemp(), "home.db")
    home_history(home_db)
    for _ in range(3):
        print(
            f"bare {bare_textual():.3f}  drill start {drill_start(db):.3f}"
            f"  drill {drill_home(home_db):.3f}"
        )
