"""Where drill's files live: shipped decks, migrations and docs, and the learner's data folder.

In a wheel, decks/, migrations/ and docs/ are carried inside the package (drill/_data); in
a source checkout or an editable install they are read from the top of the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
APP_NAME = "drill"


def _bundled(name: str) -> Path:
    inside = PACKAGE_DIR / "_data" / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name


def shipped_decks_dir() -> Path:
    return _bundled("decks")


def migrations_dir() -> Path:
    return _bundled("migrations")


def docs_dir() -> Path:
    """The guide and the other documents, for `drill help`."""
    return _bundled("docs")


def user_data_dir() -> Path:
    """The platform's per-user data folder (or $DRILL_HOME, which tests use)."""
    home = os.environ.get("DRILL_HOME")
    if home:
        return Path(home)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def user_cache_dir() -> Path:
    """The platform's per-user cache folder (under $DRILL_HOME when that is set)."""
    home = os.environ.get("DRILL_HOME")
    if home:
        return Path(home) / "cache"
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)


def user_decks_dir() -> Path:
    """Decks the learner made or imported (e.g. `drill import lichess`)."""
    return user_data_dir() / "decks"
