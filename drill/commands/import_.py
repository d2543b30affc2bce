"""`drill import lichess FILE.csv`: make a deck of the Lichess puzzle database.

    drill import lichess lichess_db_puzzle.csv --name lichess --limit 20000

Writes NAME-puzzles.jsonl.gz and NAME.toml to your deck folder, keeping each puzzle's
rating and themes. A row that cannot be read is reported with its line number and
skipped; the rest is imported.
"""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drill.domains.chess_puzzles import Puzzle

SOURCES = ("lichess",)
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

DECK_TEMPLATE = '''# Imported from {source} by `drill import lichess`: {count} puzzles.
title = "{title}"
description = "Puzzles from the Lichess puzzle database: find the winning line."
domain = "chess"
seed = 1
heldout_fraction = 0.2

[params]
puzzles = "{puzzles}"
motifs = "all"

[session]
length = 100

[pressure]
initial_ms = 30000
floor_ms = 5000
ceiling_ms = 60000

[rule]
text = """
Tactics recur: checks, captures and threats first. A king short of squares can be mated;
a loose piece can be taken; one piece hitting two targets wins one of them.
"""
'''


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = "Import puzzles from another program's file as a deck."
    parser.add_argument("source", choices=SOURCES, help="the file's format")
    parser.add_argument("file", metavar="FILE.csv", help="the Lichess puzzle CSV (or .csv.gz)")
    parser.add_argument(
        "--name",
        default="lichess",
        help="the deck's name (default: lichess); `drill start NAME` drills it",
    )
    parser.add_argument("--limit", type=int, default=0, help="import at most this many")
    parser.add_argument("--force", action="store_true", help="replace a deck of that name")


def run(args: argparse.Namespace) -> int:
    import csv
    import gzip
    from pathlib import Path

    from drill.domains.chess_puzzles import save_puzzles
    from drill.errors import UserError
    from drill.resources import user_decks_dir

    if not NAME.match(args.name):
        raise UserError(f"--name {args.name!r}: use letters, digits, - and _ only")
    source = Path(args.file).expanduser()
    try:
        with source.open("rb") as probe:
            magic = probe.read(4)
    except OSError as err:
        raise UserError(f"{source}: cannot read: {err.strerror or err}") from None
    if magic == b"\x28\xb5\x2f\xfd":
        raise UserError(f"{source}: zstd-compressed; decompress it first (zstd -d {source})")
    folder = user_decks_dir()
    deck_path = folder / f"{args.name}.toml"
    puzzles_path = folder / f"{args.name}-puzzles.jsonl.gz"
    if deck_path.exists() and not args.force:
        raise UserError(f"{deck_path}: a deck of that name exists (pass --force to replace it)")
    gzipped = magic[:2] == b"\x1f\x8b"
    with (
        gzip.open(source, "rt", encoding="utf-8", errors="replace", newline="")
        if gzipped
        else source.open(encoding="utf-8", errors="replace", newline="")
    ) as stream:
        puzzles, skipped = read_rows(csv.reader(stream), str(source), args.limit)
    if not puzzles:
        raise UserError(f"{source}: no puzzle could be imported ({skipped} rows skipped)")
    save_puzzles(puzzles_path, puzzles)
    deck_path.write_text(
        DECK_TEMPLATE.format(
            source=source.name,
            count=len(puzzles),
            title=f"Lichess puzzles ({args.name})",
            puzzles=puzzles_path.name,
        ),
        encoding="utf-8",
    )
    print(
        f"imported {len(puzzles)} puzzles ({skipped} skipped) into deck {args.name!r}: "
        f"{deck_path}; drill it with `drill start {args.name}`"
    )
    return 0


def read_rows(reader: Any, where: str, limit: int) -> tuple[list[Puzzle], int]:
    """The puzzles of a csv reader's rows, one per position; each bad row is reported."""
    import sys

    from drill.domains.chess_lichess import is_header, parse_row
    from drill.domains.chess_puzzles import position_key

    puzzles: list[Puzzle] = []
    seen: set[str] = set()
    skipped = 0
    for row in reader:
        if not row or is_header(row) or not "".join(row).strip():
            continue
        try:
            puzzle = parse_row(row)
            key = position_key(puzzle.board())
            if key in seen:
                raise ValueError("repeats an earlier puzzle's position")
        except ValueError as err:
            skipped += 1
            print(f"{where}:{reader.line_num}: {err}; skipped", file=sys.stderr)
            continue
        seen.add(key)
        puzzles.append(puzzle)
        if limit and len(puzzles) >= limit:
            break
    return puzzles, skipped
