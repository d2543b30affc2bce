"""One live session per learner and deck: a claim the operating system holds for us.

Two terminals drilling the same learner on the same deck would number their exposures
over each other and overwrite each other's engine state, and the second would close the
first's session as `interrupted` while it was still running. So a session first claims
(database, learner, deck): an exclusive `flock` on a small file in `<database>.live/`,
taken before the first item and released when the session closes. The kernel drops it
when the process ends in any way (a crash, a kill, a closed terminal), so a session found
open whose claim is free really was cut off, and is closed as `interrupted` as before.

On PostgreSQL the claim is a session-level advisory lock instead (`History.claim`), which
the server drops when the connection goes. Not covered, and said so in docs/history.md:
one SQLite file reached from two machines over a network file system, and SQLite on
Windows (no `fcntl`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from drill.errors import UserError
from drill.hashing import stable_hash


class DeckBusyError(UserError):
    """The learner already has a live session on this deck, in another drill."""


class Claim:
    """A held claim; `release()` gives it up (safe to call twice). A process that ends
    without releasing it loses it all the same."""

    def __init__(self, release: Callable[[], None] | None) -> None:
        self._release = release

    @property
    def held(self) -> bool:
        return self._release is not None

    def release(self) -> None:
        if self._release is not None:
            release, self._release = self._release, None
            release()


def busy(learner: str, deck: str) -> DeckBusyError:
    return DeckBusyError(
        f"{learner} is already drilling {deck} in another drill; end that session "
        "first, or drill as someone else with --learner NAME"
    )


def claim_file(db_file: Path, learner: str, deck: str) -> Path:
    """Where the claim on (learner, deck) in `db_file` lives: a name from a stable hash,
    so any learner or deck name is a safe file name."""
    return db_file.with_name(f"{db_file.name}.live") / f"{stable_hash(learner, deck):016x}"


def claim(db_file: Path | None, learner: str, deck: str) -> Claim:
    """Claim (learner, deck) in the SQLite file `db_file`; raises DeckBusyError if another
    process holds it. With no file (a server database: see `History.claim`), no `fcntl`
    (Windows), or a folder
    that cannot be written (the database then fails with its own message), an unheld
    claim is returned and sessions behave as they did before claims existed."""
    try:
        import fcntl
    except ImportError:  # Windows
        return Claim(None)
    if db_file is None:
        return Claim(None)
    path = claim_file(db_file, learner, deck)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return Claim(None)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise busy(learner, deck) from None
    except OSError:  # a file system without locks: carry on unclaimed
        os.close(fd)
        return Claim(None)
    return Claim(lambda: os.close(fd))  # closing the only descriptor drops the flock
