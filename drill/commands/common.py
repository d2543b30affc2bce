"""Options shared by many commands: the deck argument, `--param`, `--learner`, `--db`."""

from __future__ import annotations

import argparse
import getpass
import os

from drill.decks import Deck, load_deck


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
        help="override a deck parameter or setting, e.g. modulus=17 or session.length=50 "
        "(repeatable)",
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
    """`--learner`, else the login name."""
    if args.learner:
        return str(args.learner)
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER") or "learner"
