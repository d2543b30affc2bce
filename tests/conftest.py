"""Shared fixtures: every test gets its own data folder and database, never the user's."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=25, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(autouse=True)
def drill_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point drill's data folder at a temporary one and forget any database settings."""
    home = tmp_path / "drill-home"
    monkeypatch.setenv("DRILL_HOME", str(home))
    monkeypatch.delenv("DRILL_DB", raising=False)
    monkeypatch.delenv("DRILL_DATABASE_URL", raising=False)
    return home


@pytest.fixture(autouse=True)
def no_fsync_per_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite files opened in the test process sync at checkpoints, not at every commit
    (`synchronous = NORMAL`): on a loaded machine an fsync per answer was most of the wall
    time of the tests that simulate hundreds of answers. In WAL mode NORMAL loses nothing
    when a process dies, which is what the tests kill; only a power cut could tell them
    apart. drill itself keeps FULL, and so do the drill processes tests spawn
    (test_the_store_syncs_every_commit checks it)."""
    monkeypatch.setattr("drill.store.database.SYNCHRONOUS", "NORMAL")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a fresh SQLite history file."""
    return tmp_path / "history.db"


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """Two workers a core for `-n auto`: many tests wait on a child process or on the
    app's timers, and one worker a core leaves the cores idle meanwhile (the default run
    on 2 cores: 143-153 s with 2 workers, 130-141 s with 4, 161 s with 6)."""
    return 2 * (os.cpu_count() or 1)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite tests/goldens/*.txt from the decks as they are now (a break of stable ids)",
    )
