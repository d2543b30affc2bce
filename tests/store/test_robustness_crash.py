"""A killed session and two writers: no answered attempt is ever lost.

The first test drives a real `drill start modarith` on a pseudo-terminal, as a person
would: it reads the prompt off the screen, types the right answer (looked up in `drill
items`), waits for the next item, and after a few items kills the process with SIGKILL
in the middle of typing. The second runs two `drill simulate` processes on one SQLite file
at once.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drill.store.history import History

PROMPT = re.compile(r"(\d+) ∘ (\d+) = \?")


def drill(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "drill", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def export(db: Path, learner: str | None = None) -> list[dict[str, object]]:
    args = ["export", "--db", str(db)] + (["--learner", learner] if learner else [])
    result = drill(*args)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


class Terminal:
    """`drill start` on an 80×24 pty: what it has drawn so far, and a keyboard."""

    def __init__(self, db: Path, learner: str) -> None:
        argv = [sys.executable, "-m", "drill", "start", "modarith", "--db", str(db)]
        argv += ["--learner", learner]
        self.started = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the real command
            os.environ.update(COLUMNS="80", LINES="24", TERM="xterm-256color")
            os.execvp(argv[0], argv)
        self.screen = ""
        self.alive = True

    def read(self, timeout: float = 0.05) -> None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            try:
                self.screen += os.read(self.fd, 65536).decode("utf-8", "replace")
            except OSError:
                pass

    def settled_prompt(self, timeout: float, settle: float = 0.6) -> str | None:
        """The last prompt drawn, `settle` seconds after the first one appears.

        The time bar redraws all the time, so the screen is never quiet; but the next item
        follows a right answer at once, so after a moment the last prompt drawn is current.
        """
        deadline = time.perf_counter() + timeout
        seen_at: float | None = None
        while time.perf_counter() < deadline:
            self.read()
            found = PROMPT.findall(self.screen)
            if found and seen_at is None:
                seen_at = time.perf_counter()
            if found and seen_at is not None and time.perf_counter() - seen_at >= settle:
                a, b = found[-1]
                return f"{a} ∘ {b} = ?"
        return None

    def type(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def begin(self, timeout: float = 30) -> None:
        """Enter on the ready card, once it is drawn: the first item comes up."""
        deadline = time.perf_counter() + timeout
        while "Press Enter to begin" not in self.screen and time.perf_counter() < deadline:
            self.read()
        self.type("\r")

    def kill(self) -> None:
        if self.alive:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            os.close(self.fd)
            self.alive = False


def simulate_argv(db: Path, learner: str, items: int, kind: str = "lookup") -> list[str]:
    args = f"simulate modarith --kind {kind} --json --items {items} --learner {learner}"
    return [sys.executable, "-m", "drill", *args.split(), "--db", str(db)]


def attempts_in(db: Path) -> int:
    with sqlite3.connect(db, timeout=10) as conn:
        return int(conn.execute("SELECT count(*) FROM attempts").fetchone()[0])


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sigkill_mid_session_loses_nothing(db_path: Path, seed: int) -> None:
    """SIGKILL at a random moment mid-session (after a random number of answers, a random
    few milliseconds after the last Enter, with no wait for its commit): every answer
    drill acknowledged by drawing the next item is exported, the one in flight at most
    besides; the file is intact and the session is closed later."""
    import random

    rng = random.Random(seed)
    items = {
        row["prompt"]: row
        for row in map(json.loads, drill("items", "modarith", "--spoil").stdout.split("\n")[:-1])
    }
    assert drill("db", "upgrade", "--db", str(db_path)).returncode != 0  # no file yet: refused
    assert drill("export", "--db", str(db_path)).returncode != 0  # only reads: refused too
    sqlite3.connect(db_path).close()  # an empty file: drill makes it a database
    assert drill("db", "upgrade", "--db", str(db_path)).returncode == 0
    term = Terminal(db_path, "crash")
    answered: list[tuple[str, str]] = []
    try:
        term.begin()
        prompt = term.settled_prompt(timeout=30)
        assert prompt is not None, term.screen[-500:]
        for _ in range(rng.randint(1, 8)):
            item = items[prompt]
            term.screen = ""  # only what is drawn after this Enter
            term.type(str(item["answer"]) + "\r")
            answered.append((str(item["id"]), str(item["answer"])))
            prompt = term.settled_prompt(timeout=10)  # the next item: the answer is committed
            assert prompt is not None
        item = items[prompt]
        if rng.random() < 0.5:  # Enter pressed, and killed before or after the commit
            term.type(str(item["answer"]) + "\r")
            in_flight = [(str(item["id"]), str(item["answer"]))]
            time.sleep(rng.uniform(0, 0.3))
        else:  # halfway through typing the next one
            term.type(str(item["answer"])[:1])
            in_flight = []
            time.sleep(rng.uniform(0, 0.3))
    finally:
        killed_at = time.perf_counter()
        term.kill()

    rows = [(r["item_id"], r["response"]) for r in export(db_path, "crash")]
    assert rows in (answered, answered + in_flight)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        (reason,) = conn.execute("SELECT end_reason FROM sessions").fetchone()
    assert reason is None  # nobody has closed it yet

    again = Terminal(db_path, "crash")
    try:
        again.begin()
        assert again.settled_prompt(timeout=30, settle=0) is not None
        reopened = time.perf_counter() - killed_at
        deadline = time.perf_counter() + 20
        reasons: list[str | None] = []
        while time.perf_counter() < deadline:
            with sqlite3.connect(db_path, timeout=10) as conn:
                reasons = [
                    r for (r,) in conn.execute("SELECT end_reason FROM sessions ORDER BY id")
                ]
            if reasons[:1] == ["interrupted"]:
                break
            again.read(0.1)
        closed = time.perf_counter() - killed_at
    finally:
        again.kill()
    assert reasons[:1] == ["interrupted"]
    assert len(reasons) == 2
    with sqlite3.connect(db_path) as conn:
        ended, last_shown = conn.execute(
            "SELECT s.ended_at, max(a.shown_at) FROM sessions s JOIN attempts a "
            "ON a.session_id = s.id WHERE s.id = (SELECT min(id) FROM sessions)"
        ).fetchone()
    assert ended == last_shown  # closed at its last attempt, not at the time it was found
    print(
        f"\nkill-and-reopen: next prompt {reopened:.2f} s, "
        f"interrupted session closed {closed:.2f} s"
    )


@pytest.mark.slow
@pytest.mark.parametrize(("writers", "items"), [(2, 300), (4, 60)])
def test_writers_starting_together_on_a_new_file(db_path: Path, writers: int, items: int) -> None:
    """Two or four `drill simulate` processes started at once on a file that does not exist
    yet all succeed and lose nothing: one creates the schema, the others wait and go on."""
    assert not db_path.exists()
    started = time.perf_counter()
    runs = [
        subprocess.Popen(
            simulate_argv(db_path, f"writer-{n}", items),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(writers)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    elapsed = time.perf_counter() - started
    for run, (out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
        assert json.loads(out)["exposures"] == items
    rows = export(db_path)
    for n in range(writers):
        mine = [r for r in rows if r["learner"] == f"writer-{n}"]
        exposures = {r["exposure"] for r in mine if r["result"] != "unreadable"}
        assert exposures == set(range(1, items + 1))
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    print(f"\n{writers} writers: {len(rows)} attempts in {elapsed:.1f} s")


@pytest.mark.benchmark
def test_two_writers_throughput(tmp_path: Path) -> None:
    """Figures for docs/benchmarks.md: attempts written per second by one and by two writers."""
    for writers in (1, 2):
        db = tmp_path / f"w{writers}.db"
        assert drill("export", "--db", str(db)).returncode == 2  # a reading command: no file made
        History.open(str(db)).close()  # the database first, so the writers only write
        items = 2000
        started = time.perf_counter()
        runs = [
            subprocess.Popen(simulate_argv(db, f"w{n}", items), stdout=subprocess.DEVNULL)
            for n in range(writers)
        ]
        assert all(run.wait(timeout=600) == 0 for run in runs)
        elapsed = time.perf_counter() - started
        print(
            f"\n{writers} writer(s): {writers * items} attempts in {elapsed:.1f} s "
            f"= {writers * items / elapsed:.0f} attempts/s (process start-up included)"
        )


WRITER = """
import sys, time
from datetime import UTC, datetime
from drill.protocol.records import AttemptRecord, Result
from drill.store.history import History
db, learner, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
history = History.open(db)
learner_id = history.writer.learner_id(learner)
session_id = history.writer.start_session(
    learner_id, deck="modarith", fingerprint="f", domain="modarith", params={}, kind="simulate"
)
start = time.perf_counter()
for k in range(1, n + 1):
    record = AttemptRecord("modarith-add-13-1-2", "train", False, k, "3", Result.CORRECT, True,
                           False, 900, 8000, datetime.now(UTC))
    history.writer.record(
        session_id, learner_id, "modarith", record, state={"deadline_ms": 8000 - k}, fingerprint="f"
    )
print(time.perf_counter() - start)
"""


@pytest.mark.benchmark
def test_store_writes_per_second(tmp_path: Path) -> None:
    """Figures: attempts committed per second through History.record by one and two processes."""
    targets = [("sqlite", str(tmp_path / "store.db"))]
    if os.environ.get("DRILL_TEST_POSTGRES_URL"):
        targets.append(("postgresql", os.environ["DRILL_TEST_POSTGRES_URL"]))
    n = 1000
    for name, db in targets:
        History.open(db).close()  # made (or upgraded) first: the writers only write
        for writers in (1, 2):
            runs = [
                subprocess.Popen(
                    [sys.executable, "-c", WRITER, db, f"{name}-{writers}-{k}", str(n)],
                    stdout=subprocess.PIPE,
                    text=True,
                )
                for k in range(writers)
            ]
            seconds = [float(run.communicate(timeout=600)[0]) for run in runs]
            rate = writers * n / max(seconds)
            print(f"\n{name}, {writers} writer(s): {writers * n} attempts, {rate:.0f}/s")
