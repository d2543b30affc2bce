"""Rows of the Lichess puzzle database (https://database.lichess.org/#puzzles) as puzzles.

A row is `PuzzleId,FEN,Moves,Rating,RatingDeviation,Popularity,NbPlays,Themes,GameUrl,
OpeningTags`. Its FEN is the position *before* the opponent's setup move, the first of
`Moves`; the learner sees the position after it and plays the rest, every other move.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import chess

from drill.domains.chess_puzzles import Puzzle

COLUMNS = (
    "PuzzleId",
    "FEN",
    "Moves",
    "Rating",
    "RatingDeviation",
    "Popularity",
    "NbPlays",
    "Themes",
    "GameUrl",
    "OpeningTags",
)
MOTIF_THEMES = (
    "mateIn1",
    "mateIn2",
    "mateIn3",
    "mateIn4",
    "mateIn5",
    "fork",
    "hangingPiece",
    "pin",
    "skewer",
    "discoveredAttack",
    "doubleCheck",
    "trappedPiece",
    "backRankMate",
    "smotheredMate",
    "deflection",
    "attraction",
    "sacrifice",
    "mate",
)
"""Themes that name a motif, most specific first; a puzzle's motif is the first it has."""


def motif_of(themes: Sequence[str]) -> str:
    """`mateIn2` → `mate-in-2`, `hangingPiece` → `hanging-piece`; else `tactic`."""
    for theme in MOTIF_THEMES:
        if theme in themes:
            kebab = re.sub(r"([A-Z]|\d+)", lambda m: "-" + m.group(1).lower(), theme)
            return kebab
    return "tactic"


def parse_row(row: Sequence[str]) -> Puzzle:
    """One CSV row as a puzzle. Raises ValueError with a short reason."""
    if len(row) < 3:
        raise ValueError(f"expected at least 3 columns (PuzzleId,FEN,Moves), got {len(row)}")
    fields = dict(zip(COLUMNS, (c.strip() for c in row), strict=False))
    try:
        board = chess.Board(fields["FEN"])
    except ValueError:
        raise ValueError(f"not a FEN: {fields['FEN']!r}") from None
    if not board.is_valid():
        raise ValueError(f"not a legal position: {fields['FEN']!r}")
    moves = fields["Moves"].split()
    if len(moves) < 2 or len(moves) % 2:
        raise ValueError(f"expected the setup move and an odd number of moves, got {moves}")
    try:
        played = [board.push_uci(uci) for uci in moves[:1]]
        fen = board.fen()
        last_san = chess.Board(fields["FEN"]).san(played[0])
        for uci in moves[1:]:
            board.push_uci(uci)
    except ValueError:
        raise ValueError(f"Moves: {fields['Moves']!r} is not a legal line here") from None
    extra: dict[str, object] = {"source": "lichess", "lichess_id": fields["PuzzleId"]}
    rating = fields.get("Rating", "")
    if rating:
        try:
            extra["rating"] = int(rating)
        except ValueError:
            raise ValueError(f"Rating: expected a whole number, got {rating!r}") from None
    themes = fields.get("Themes", "").split()
    extra["themes"] = themes
    if fields.get("GameUrl"):
        extra["game_url"] = fields["GameUrl"]
    extra["last_move_san"] = last_san
    return Puzzle(fen, tuple(moves[1:]), motif_of(themes), moves[0], extra)


def is_header(row: Sequence[str]) -> bool:
    return bool(row) and row[0].strip() == "PuzzleId"
