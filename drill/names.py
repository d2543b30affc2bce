"""Learner names: what every backend accepts, checked before any database sees one.

A name is shown in listings, reports and other learners' terminals, so it must be text
(valid UTF-8), visible (not empty, no control characters) and fit the column (200
characters; PostgreSQL enforces that, SQLite would not).
"""

from __future__ import annotations

import unicodedata

from drill.errors import UserError

MAX_NAME = 200
"""The learners.name column's length."""


class LearnerNameError(UserError):
    """A learner name no backend should store; the message says why in one line."""


def check_learner_name(name: str, flag: str = "--learner") -> str:
    """`name` if it can be a learner's name, else LearnerNameError."""
    if not name.strip():
        raise LearnerNameError(f"{flag}: the name is empty; give a learner's name")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes from the command line (surrogateescape)
        raise LearnerNameError(f"{flag}: the name is not valid UTF-8 text") from None
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise LearnerNameError(f"{flag}: the name holds control characters; use plain text")
    if len(name) > MAX_NAME:
        raise LearnerNameError(
            f"{flag}: the name is {len(name)} characters long; at most {MAX_NAME} fit"
        )
    return name
