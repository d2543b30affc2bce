"""Which study arm `drill start` drills: asked before the first item, so it costs a learner
who joined no study one read of a SQLite file with stdlib sqlite3, and loads the study
module only for one who did (start-up matters)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drill.app.study import Joined


def arm_for_start(db: str | None, learner: str, deck: str, extra: Sequence[str]) -> Joined | None:
    """The arm `learner` drills `deck` in, if they joined a study of it, with its deck
    (`extra` overrides on top); None if they joined none."""
    from drill.store.quick import sqlite_path

    path = sqlite_path(db)
    if path is not None:
        from drill.store.enrolled import read_arm

        found = read_arm(path, learner, deck)
        if found is None:
            return None
        from drill.app.study import joined

        return joined(found[0], found[1], found[2], extra, learner)
    from drill.app.study import joined
    from drill.store.history import History
    from drill.store.studies import arm_of

    with History.open(db) as history:
        stored = arm_of(history, learner, deck)
    return (
        None
        if stored is None
        else joined(stored[0].name, stored[0].spec, stored[1], extra, learner)
    )
