"""Print every attempt in the history, oldest first, as JSON lines or CSV.

Columns: learner, deck, session, item_id, split, probe, response, correct, timed_out,
response_ms, deadline_ms, shown_at (UTC, ISO 8601), then result, exposure and step.
`correct` says whether the response was right; `timed_out` whether it came after the
deadline (a late right answer still counts as a miss). Unreadable responses are kept,
with result `unreadable`.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=("jsonl", "csv"), default="jsonl", help="default: jsonl"
    )
    parser.add_argument(
        "--learner",
        metavar="NAME",
        default=None,
        help="only this learner's attempts (default: every learner's)",
    )
    parser.add_argument(
        "--db", metavar="PATH", default=None, help="the history database (see `drill --help`)"
    )


def run(args: argparse.Namespace) -> int:
    """A SQLite file at this drill's head is read by SQLite alone (drill.store.lines, about
    six times faster, no SQLAlchemy); anything else through the store."""
    import sys

    from drill.names import check_learner_name
    from drill.store.lines import export_lines, write_lines
    from drill.store.quick import sqlite_path

    learner = check_learner_name(args.learner) if args.learner is not None else None
    path = sqlite_path(args.db)
    # On a terminal the rows are escaped (write_rows): a person reads them, speed is moot.
    fast = path is not None and not sys.stdout.isatty()
    lines = export_lines(path, learner, args.format) if fast and path is not None else None
    if lines is not None:
        write_lines(lines, sys.stdout)
        return 0
    from drill.commands.common import open_existing
    from drill.store.history import EXPORT_FIELDS

    with open_existing(args.db) as history:
        write_rows(history.export(learner), args.format, EXPORT_FIELDS)
    return 0


def write_rows(rows: Iterable[Mapping[str, Any]], format: str, fields: Sequence[str]) -> None:
    """Rows to stdout as they come: JSON lines, or CSV with `fields` as its header.

    To a file or a pipe the bytes are the data's, exactly. To a terminal, text from data
    (names, responses) has its control characters and bidi overrides escaped, as every
    listing does (drill.text): JSON as `\\u001b` (still valid JSON), CSV cells as `\\x1b`."""
    import csv
    import json
    import sys

    terminal = sys.stdout.isatty()
    if format == "jsonl":
        for row in rows:
            line = json.dumps(row, ensure_ascii=False)
            sys.stdout.write((json_visible(line) if terminal else line) + "\n")
    else:
        writer = csv.DictWriter(sys.stdout, fields, lineterminator="\n")
        writer.writeheader()
        if terminal:
            rows = (cells_visible(row) for row in rows)
        writer.writerows(rows)


def json_visible(line: str) -> str:
    """A JSON line with the control characters json.dumps leaves raw (C1, U+0080-U+009F)
    and bidi overrides as JSON's own escapes: the same data, harmless on a terminal."""
    from drill.text import BIDI

    return "".join(f"\\u{ord(c):04x}" if c in BIDI or 0x7F <= ord(c) <= 0x9F else c for c in line)


def cells_visible(row: Mapping[str, Any]) -> dict[str, Any]:
    from drill.text import cell

    return {k: cell(v) if isinstance(v, str) else v for k, v in row.items()}
