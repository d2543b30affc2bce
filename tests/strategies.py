"""Hypothesis strategies shared by the tests."""

from __future__ import annotations

import random

import chess
from hypothesis import strategies as st

from drill.domains.modarith import GLYPHS, OPERATIONS, is_prime

PRIMES = [p for p in range(2, 60) if is_prime(p)]


@st.composite
def modarith_params(draw: st.DrawFn, max_modulus: int = 31) -> dict[str, object]:
    """Valid modarith parameters: divide only with a prime modulus, glyphs up to 26."""
    operation = draw(st.sampled_from(sorted(OPERATIONS)))
    presentation = draw(st.sampled_from(["numerals", "glyphs"]))
    top = min(max_modulus, len(GLYPHS)) if presentation == "glyphs" else max_modulus
    if operation == "divide":
        modulus = draw(st.sampled_from([p for p in PRIMES if p <= top]))
    else:
        modulus = draw(st.integers(min_value=2, max_value=top))
    return {"modulus": modulus, "operation": operation, "presentation": presentation}


seeds = st.integers(min_value=0, max_value=2**32)
fractions = st.floats(min_value=0.0, max_value=0.9, allow_nan=False)


def played(seed: int, plies: int) -> chess.Board:
    """A position from random play: any position a game could reach, not a tidy one."""
    rng = random.Random(seed)
    board = chess.Board()
    for _ in range(plies):
        moves = sorted(board.legal_moves, key=lambda m: m.uci())
        if not moves:
            break
        board.push(rng.choice(moves))
    return board


def chess_positions(max_plies: int) -> st.SearchStrategy[chess.Board]:
    """Positions after up to `max_plies` plies of seeded random play."""
    return st.builds(played, st.integers(0, 10**6), st.integers(0, max_plies))
