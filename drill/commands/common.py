"""Options shared by many commands: the deck argument, `--param`, `--learner`, `--db`."""

from __future__ import annotations

import argparse
import getpass
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from drill.decks import Deck, load_deck

if TYPE_CHECKING:
    from drill.store.history import History
    from drill.tui.app import DrillApp


class Closable(Protocol):
    def close(self) -> None: ...


def add_deck_argument(parser: argparse.ArgumentParser, *, optional: bool = False) -> None:
    """DECK (a name from the deck folders or a path to a .toml file) and `--param`."""
    parser.add_argument(
        "deck",
        metavar="DECK",
        nargs="?" if optional else None,
        help="a deck name (see `drill decks`) or a path to a deck .toml file",
    )
    parser.add_argument(
        "--param",
        "-p",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="override a deck parameter or setting, e.g. seed=2 or session.length=50 "
        "(repeatable; `drill decks` names the decks)",
    )


def add_history_options(parser: argparse.ArgumentParser) -> None:
    """`--learner NAME` and `--db PATH`, for every command that reads or writes history."""
    parser.add_argument(
        "--learner",
        metavar="NAME",
        default=None,
        help="whose history to use (default: your login name)",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=None,
        help="the history database file (default: $DRILL_DB, $DRILL_DATABASE_URL, "
        "or drill.db in your user data folder)",
    )


def deck_from_args(args: argparse.Namespace) -> Deck:
    """The deck named on the command line, with its `--param` overrides. Raises DeckError."""
    return load_deck(args.deck, list(args.param))


def learner_name(args: argparse.Namespace) -> str:
    """`--learner` (checked: see drill.names), else the login name."""
    from drill.names import check_learner_name

    if args.learner is not None:
        return check_learner_name(str(args.learner))
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER") or "learner"


def require_terminal(what: str, hint: str = "") -> None:
    """The app draws on a terminal: refuse a pipe with one line instead."""
    import sys

    from drill.errors import UserError

    if served():
        return
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UserError(f"{what} needs an interactive terminal (stdin and stdout){hint}")


def served() -> bool:
    """Whether `drill serve` started this drill for a browser (Textual's web driver, which
    speaks over the pipes `drill serve` holds): the app runs there without a terminal."""
    return os.environ.get("TEXTUAL_DRIVER", "").startswith("textual.drivers.web_driver:")


def run_app(app: DrillApp, history: Callable[[], Closable]) -> int:
    """Run the app; close the store after a clean exit (after a store error the app has
    already said why, and closing would only raise it again)."""
    try:
        app.run()
    finally:
        if app.return_code in (0, None) or app.stopped_by is not None:
            history().close()
    return app.return_code or 0


SEED_LIMIT = 2**63
"""Seeds are 64-bit: NumPy's generators refuse negatives, SQLite's integers stop here."""


def check_seed(seed: int, flag: str = "--seed") -> int:
    """`seed` if a generator and the store can take it; else one line (UserError)."""
    from drill.errors import UserError

    if not 0 <= seed < SEED_LIMIT:
        raise UserError(f"{flag}: expected a whole number from 0 to 2**63 - 1, got {seed}")
    return seed


def open_existing(db: str | None) -> History:
    """The history for a command that only reads, never creating a file.

    A missing file that --db or the environment named is refused in one line (a mistyped
    path would otherwise leave an empty database behind). The default file missing means
    nothing was drilled here yet: the command reads an empty history in memory, so a new
    user's `drill learners` or `drill report` answers as it would on an empty file."""
    from drill.store.database import StoreError, locate
    from drill.store.history import History

    location = locate(db)
    path = location.path
    if path is not None and not path.is_file():
        if path.is_dir():
            raise StoreError(f"{path}: is a folder, not a database file; give a file path")
        if not location.chosen:
            return History.open("sqlite://")
        raise StoreError(
            f"{path}: no such database; check --db (`drill start DECK` creates a history)"
        )
    return History.open(db, read=True)
