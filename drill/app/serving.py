"""What `drill serve` needs of the history and the machine before it listens: the one
history (made once, here, so that visitors' drills never race to create it), the class's
secret, the teacher's token, and the environment that points every visitor's drill at the
history."""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from drill.app.access import class_secret_name, learner_key

if TYPE_CHECKING:
    from drill.store.history import History

SECRET_ENV = "DRILL_SERVE_SECRET"
"""A secret shared by several `drill serve` processes of one class (behind one proxy)."""


@dataclass
class ClassSetup:
    code: str
    secret: bytes
    teacher_token: str
    child_env: dict[str, str]
    history: History
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def admit_new(self, learner: str) -> bool:
        """Whether `learner` is already taken; if not, it is taken now (a row in the
        history), so a second visitor asking for the same name needs the key."""
        with self._lock:
            if self.history.writer.learner_id(learner, create=False) is not None:
                return True
            self.history.writer.learner_id(learner)
            return False

    def links(self) -> Iterator[tuple[str, str]]:
        """(learner, resume key) for every learner in the history."""
        for name, *_ in self.history.learners():
            yield name, learner_key(self.secret, self.code, name)

    def query(self, learner: str, key: str) -> str:
        return urlencode({"class": self.code, "learner": learner, "key": key})

    def close(self) -> None:
        self.history.close()


def class_setup(db: str | None, code: str, teacher_token: str | None) -> ClassSetup:
    """Open (creating or upgrading) the history, and read or make the class's secret."""
    from drill.store.database import locate
    from drill.store.history import History

    location = locate(db)
    history = History.open(db)
    spec = str(location.path.resolve()) if location.path is not None else (db or "")
    env = {"DRILL_DB": spec} if spec else {}
    return ClassSetup(
        code=code,
        secret=_secret(code),
        teacher_token=teacher_token or secrets.token_urlsafe(12),
        child_env=env,
        history=history,
    )


def _secret(code: str) -> bytes:
    shared = os.environ.get(SECRET_ENV)
    if shared:
        return shared.encode("utf-8")
    from drill.resources import user_data_dir

    folder = user_data_dir() / "serve"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / class_secret_name(code)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    value = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another server made it first: use theirs
        return Path(path).read_bytes()
    with os.fdopen(fd, "wb") as out:
        out.write(value)
    return value
