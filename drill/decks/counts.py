"""How many training and held-out items a deck has, counted once and then remembered.

Counting means generating every item (a chess deck's 5,000 puzzles take seconds), so the
counts are kept in a small file in the user cache folder, keyed by the deck's fingerprint
and the size and time of every file it is made from. A damaged or unwritable cache is
only ever a slower count.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from drill.decks import Deck, deck_dirs
from drill.resources import user_cache_dir

CACHE_FILE = "deck-counts.json"


def source_files(deck: Deck) -> list[Path]:
    """The deck file and any file a parameter names (a chess deck's puzzles)."""
    files = [deck.path]
    for value in deck.params.values():
        if not isinstance(value, str) or not value.strip():
            continue
        named = Path(value).expanduser()
        folders = [Path()] if named.is_absolute() else [deck.path.parent, *deck_dirs()]
        found = next((f / named for f in folders if (f / named).is_file()), None)
        if found is not None:
            files.append(found)
    return files


def cache_key(deck: Deck) -> str:
    stamps = []
    for path in source_files(deck):
        try:
            stat = path.stat()
        except OSError:
            continue
        stamps.append(f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join([deck.fingerprint, *stamps])


def _load(path: Path) -> dict[str, list[int]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def split_counts(deck: Deck) -> tuple[int, int]:
    """(training, held-out) items of `deck`, from the cache or counted and cached."""
    path = user_cache_dir() / CACHE_FILE
    cache = _load(path)
    key = cache_key(deck)
    found = cache.get(key)
    if isinstance(found, list) and len(found) == 2 and all(isinstance(n, int) for n in found):
        return found[0], found[1]
    counts = deck.split_counts()
    cache[key] = list(counts)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_text(json.dumps(cache), encoding="utf-8")
        partial.replace(path)
    except OSError:
        pass
    return counts
