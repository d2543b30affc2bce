"""`drill import lichess FILE.csv`: make a deck of the Lichess puzzle database.

    drill import lichess lichess_db_puzzle.csv --name lichess --limit 20000

Writes NAME-puzzles.jsonl.gz and NAME.toml to your deck folder, keeping each puzzle's
rating and themes. Rows that cannot be read are skipped and counted, by reason, in one
line; the rest is imported. On a terminal a progress bar shows how far it has read.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import stat
import sys
from collections.abc import Callable
from pathlib import Path
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
    from drill.domains.chess_puzzles import dump_puzzles
    from drill.errors import UserError
    from drill.files import FileKindError, is_regular, private_dir, write_atomic
    from drill.resources import user_decks_dir

    if not NAME.match(args.name):
        raise UserError(f"--name {args.name!r}: use letters, digits, - and _ only")
    if args.limit < 0:
        raise UserError(f"--limit: expected 0 (no limit) or more, got {args.limit}")
    source = Path(args.file).expanduser()
    if source.exists() and not is_regular(source):
        raise UserError(f"{source}: not a regular file; give the puzzle CSV itself")
    folder = user_decks_dir()
    deck_path = folder / f"{args.name}.toml"
    puzzles_path = folder / f"{args.name}-puzzles.jsonl.gz"
    for path in (deck_path, puzzles_path):
        if path.is_dir():
            raise UserError(f"{path}: is a folder; move it aside or choose another --name")
    if deck_path.exists() and not args.force:
        raise UserError(f"{deck_path}: a deck of that name exists (pass --force to replace it)")
    try:
        puzzles, skips = read_file(source, args.limit)
    except FileKindError as err:
        raise UserError(str(err)) from None
    except OSError as err:
        raise UserError(f"{source}: cannot read: {err.strerror or err}") from None
    skipped = sum(count for count, _ in skips.values())
    if not puzzles:
        raise UserError(f"{source}: no puzzle could be imported; {skip_summary(skips)}")
    if skipped:
        print(f"drill: {source}: {skip_summary(skips)}", file=sys.stderr)
    deck_text = DECK_TEMPLATE.format(
        source=source.name,
        count=len(puzzles),
        title=f"Lichess puzzles ({args.name})",
        puzzles=puzzles_path.name,
    )
    try:
        private_dir(folder)
        write_atomic(puzzles_path, dump_puzzles(puzzles))
        write_atomic(deck_path, deck_text.encode("utf-8"))
    except OSError as err:
        raise UserError(
            f"{folder}: cannot write the deck ({err.strerror or err}); "
            "check the folder's permissions"
        ) from None
    print(
        f"imported {len(puzzles):,} puzzles ({skipped:,} skipped) into deck {args.name!r}: "
        f"{deck_path}; drill it with `drill start {args.name}`"
    )
    return 0


def read_file(source: Path, limit: int) -> tuple[list[Puzzle], Skips]:
    """The puzzles of a CSV file (or .csv.gz), with a progress bar when stderr is a terminal.
    Raises OSError, or FileKindError for what is not a regular file."""
    import gzip
    import zlib

    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from drill.files import FileKindError

    fd = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as raw:
        if not stat.S_ISREG(os.fstat(raw.fileno()).st_mode):
            raise FileKindError(f"{source}: not a regular file; give the puzzle CSV itself")
        magic = raw.read(4)
        raw.seek(0)
        if magic == b"\x28\xb5\x2f\xfd":
            raise FileKindError(
                f"{source}: zstd-compressed; decompress it first (zstd -d {source})"
            )
        size = os.fstat(raw.fileno()).st_size
        binary: Any = raw
        if magic[:2] == b"\x1f\x8b":
            inflated = Inflated(gzip.GzipFile(fileobj=raw), source, inflate_limit(size))
            binary = io.BufferedReader(inflated)
        stream = io.TextIOWrapper(binary, encoding="utf-8", errors="replace", newline="")
        columns = (TextColumn("importing"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
        terminal = sys.stderr.isatty()  # a log file gets the one summary line, not a bar
        console = Console(stderr=True, force_terminal=terminal or None)
        with Progress(*columns, console=console, transient=True, disable=not terminal) as bar:
            task = bar.add_task("import", total=size)

            def progress() -> None:
                bar.update(task, completed=raw.tell())

            try:
                return read_rows(csv.reader(stream), limit, progress)
            except (EOFError, gzip.BadGzipFile, zlib.error) as err:
                raise FileKindError(f"{source}: not a readable gzip file ({err})") from None


INFLATE_RATIO = 20
"""A puzzle CSV compresses about 3.5 to 1; past 20 times its size a .gz is not one."""
INFLATE_FLOOR = 64 << 20
"""Bytes any .gz may inflate to, whatever its size."""


def inflate_limit(compressed: int) -> int:
    return max(INFLATE_FLOOR, INFLATE_RATIO * compressed)


class Inflated(io.RawIOBase):
    """A gzip stream that stops with one line past `limit` bytes: a 2 MB file of zeros
    once inflated for 161 s to 4.1 GB of memory before its error."""

    def __init__(self, inner: Any, source: Path, limit: int) -> None:
        super().__init__()
        self.inner = inner
        self.source = source
        self.limit = limit
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(min(len(buffer), 1 << 20))
        self.total += len(data)
        if self.total > self.limit:
            from drill.files import FileKindError

            raise FileKindError(
                f"{self.source}: inflates past {self.limit >> 20} MB; a puzzle CSV compresses "
                f"about 3.5 to 1, so this is not one (drill stops at {INFLATE_RATIO} to 1, "
                f"or {INFLATE_FLOOR >> 20} MB for a small file)"
            )
        buffer[: len(data)] = data
        return len(data)


def read_rows(
    reader: Any, limit: int, progress: Callable[[], None] = lambda: None
) -> tuple[list[Puzzle], Skips]:
    """The puzzles of a csv reader's rows, one per position; bad rows are counted by reason."""
    from drill.domains.chess_lichess import is_header, parse_row

    puzzles: list[Puzzle] = []
    seen: set[str] = set()
    skips: Skips = {}
    while True:
        if reader.line_num % 2000 == 0:
            progress()
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:  # e.g. a field past the csv module's limit
            _skip(skips, f"not CSV ({_reason(str(err))})", reader.line_num)
            continue
        if not row or is_header(row) or not "".join(row).strip():
            continue
        try:
            puzzle = parse_row(row)
            # position_key(puzzle.board()) without a second board: parse_row's FEN is
            # python-chess's own, whose first four fields are the EPD the key is.
            key = " ".join(puzzle.fen.split()[:4])
            if key in seen:
                raise ValueError("repeats an earlier puzzle's position")
        except ValueError as err:
            _skip(skips, _reason(str(err)), reader.line_num)
            continue
        seen.add(key)
        puzzles.append(puzzle)
        if limit and len(puzzles) >= limit:
            break
    return puzzles, skips


Skips = dict[str, tuple[int, int]]
"""A reason → how many rows it skipped, and the line of the first."""

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\[[^\]]*\]|, got .*$|\(\d+\)")


def _reason(message: str) -> str:
    """A row's problem without the row's own text (a 200,000-character field stays out)."""
    bare = " ".join(_QUOTED.sub("", message).split()).rstrip(": ")
    return bare.replace(": is ", " is ")[:80]


def _skip(skips: Skips, reason: str, line: int) -> None:
    count, first = skips.get(reason, (0, line))
    skips[reason] = (count + 1, first)


def skip_summary(skips: Skips) -> str:
    """One line: how many rows were skipped, by reason, most common first."""
    total = sum(count for count, _ in skips.values())
    parts = [
        f"{reason}: {count:,} (first at line {first})"
        for reason, (count, first) in sorted(skips.items(), key=lambda kv: -kv[1][0])
    ]
    return f"skipped {total:,} row{'s' * (total != 1)}; " + "; ".join(parts)
