"""The make-up of a puzzle set: how many of each motif, how long the lines, how full the
boards, how hard (`drill items chess --stats`, and the table in docs/chess.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

PIECE_BANDS = ((2, 7), (8, 12), (13, 20), (21, 26), (27, 32))
"""Pieces on the board, kings and pawns included: 12 or fewer is an endgame's."""
RATING_BANDS = ((0, 999), (1000, 1399), (1400, 1799), (1800, 2199), (2200, 4000))


def piece_count(fen: str) -> int:
    """Pieces on the board, read from the FEN's placement field (no board is built)."""
    return sum(ch.isalpha() for ch in fen.split(" ", 1)[0])


def _band(value: int, bands: tuple[tuple[int, int], ...]) -> str:
    for low, high in bands:
        if low <= value <= high:
            return f"{low}-{high}"
    return "other"


def distribution(data: Sequence[Mapping[str, Any]]) -> list[tuple[str, list[tuple[str, int]]]]:
    """Tables over puzzles' data (`fen`, `solution`, `motif`, `rating`): motifs by count,
    line lengths in plies, pieces on the board and ratings, each band in order."""
    motifs = Counter(str(d["motif"]) for d in data)
    plies = Counter(len(d["solution"]) for d in data)
    pieces = Counter(_band(piece_count(str(d["fen"])), PIECE_BANDS) for d in data)
    ratings = Counter(
        _band(int(d["rating"]), RATING_BANDS) for d in data if isinstance(d.get("rating"), int)
    )
    tables = [
        ("motif", motifs.most_common()),
        ("line (plies)", [(str(n), plies[n]) for n in sorted(plies)]),
        ("pieces", [(f"{a}-{b}", pieces[f"{a}-{b}"]) for a, b in PIECE_BANDS]),
    ]
    if ratings:
        tables.append(("rating", [(f"{a}-{b}", ratings[f"{a}-{b}"]) for a, b in RATING_BANDS]))
    return tables
