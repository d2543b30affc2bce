"""`drill generate chess`: writes a verified puzzle file; bad options are one-line errors."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from drill.commands import generate
from drill.domains.chess_puzzles import check_puzzle, load_puzzles
from drill.errors import UserError


def run_generate(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    generate.configure(parser)
    return generate.run(parser.parse_args(list(argv)))


def test_generate_without_engine_writes_proved_mates(tmp_path: Path) -> None:
    """--no-engine writes the asked number of mates, each proved, to --output."""
    output = tmp_path / "mates.jsonl.gz"
    args = ("chess", "--count", "2", "--seed", "1", "--no-engine", "--workers", "1")
    assert run_generate(*args, "--output", str(output)) == 0
    puzzles = load_puzzles(output)
    assert len(puzzles) == 2
    assert all(check_puzzle(p) is None for p in puzzles)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--count", "0"), "--count"),
        (("--workers", "0"), "--workers"),
        (("--motif", "castle"), "--motif castle"),
        (("--no-engine", "--motif", "fork"), "only mates"),
    ],
)
def test_generate_refuses_bad_options(argv: tuple[str, ...], message: str) -> None:
    """Each bad option is a UserError that names it."""
    with pytest.raises(UserError, match=message):
        run_generate("chess", *argv)
