"""The `drill` command: parses arguments and hands over to one module per subcommand.

Thin on purpose: each subcommand lives in drill/commands/, and only the chosen one's
`run` is called. Errors a person can fix (`UserError`) end with one line, never a
traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from drill import __version__
from drill.errors import UserError

COMMANDS: dict[str, str] = {
    "home": "the home screen: every deck and where you stand (what `drill` alone opens)",
    "start": "drill a deck in the terminal app",
    "learners": "list the learners in the history with their totals",
    "decks": "list the decks, and their sizes once their rules are open for you",
    "items": "print a deck's items as JSON lines or CSV",
    "export": "print every attempt in the history as JSON lines or CSV",
    "rule": "show a deck's rule, once held-out accuracy proves you have it",
    "simulate": "run a simulated learner (lookup or network) through the protocol",
    "reference": "train the NumPy reference network on a deck's items",
    "generate": "generate a verified puzzle set (chess)",
    "import": "turn an outside puzzle file into a deck (lichess)",
    "study": "run a study: the protocol against its near enemies, in arms (new, join, …)",
    "report": "chart your accuracy, plateaus and transitions beside the reference network",
    "db": "upgrade, check or back up the history database",
    "serve": "serve drill to a class in the browser (needs the serve extra)",
    "class": "the teacher's board: every learner of the class, refreshing itself",
    "help": "read the guide and the other documents (drill help TOPIC)",
}
"""Subcommand → one-line help. Each is the module drill/commands/<name>.py."""

MODULE_NAMES = {"import": "import_", "class": "class_"}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or, with `only`, just that subcommand's (start-up matters: a full
    parser imports and configures every command)."""
    parser = argparse.ArgumentParser(
        prog="drill",
        description="A terminal drill trainer that applies the grokking protocol to people.",
        epilog=(
            "Run `drill COMMAND --help` for a command's options, and `drill help` for the "
            "guide and the other documents, which come with drill."
        ),
    )
    parser.add_argument("--version", action="version", version=f"drill {__version__}")
    # For `drill` alone (the home screen); each command has its own --learner and --db.
    parser.add_argument("--learner", dest="home_learner", metavar="NAME", help=argparse.SUPPRESS)
    parser.add_argument("--db", dest="home_db", metavar="PATH", help=argparse.SUPPRESS)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, summary in COMMANDS.items():
        if only is not None and name != only:
            subparsers.add_parser(name, help=summary)
            continue
        module = importlib.import_module(f"drill.commands.{MODULE_NAMES.get(name, name)}")
        sub = subparsers.add_parser(name, help=summary, description=module.__doc__)
        module.configure(sub)
        sub.set_defaults(run=module.run)
    return parser


def command_word(words: Sequence[str]) -> str | None:
    """The first word that is not an option, nor the value of `drill`'s own --db or
    --learner (the home screen's); None for `drill` alone."""
    value = False
    for word in words:
        if value:
            value = False
        elif word in ("--db", "--learner"):
            value = True
        elif not word.startswith("-"):
            return word
    return None


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    chosen = command_word(words)
    # `drill` alone opens the home screen: its parser only, not every command's.
    parser = build_parser("home" if chosen is None else chosen if chosen in COMMANDS else None)
    args = parser.parse_args(words)
    if args.command is None:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            parser.print_help()
            return 0
        home = ["home"]
        if args.home_learner is not None:
            home += ["--learner", args.home_learner]
        if args.home_db is not None:
            home += ["--db", args.home_db]
        args = build_parser("home").parse_args(home)
    try:
        code: int = args.run(args)
        return code
    except UserError as err:
        print(f"drill: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("drill: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `drill export | head`: the reader left; that is not an error.
        sys.stderr.close()
        return 0
