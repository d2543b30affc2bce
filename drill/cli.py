"""The `drill` command: parses arguments and hands over to one module per subcommand.

Thin on purpose: each subcommand lives in drill/commands/, and only the chosen one's
`run` is called. Errors a person can fix (`UserError`) end with one line, never a
traceback.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys
from collections.abc import Sequence

from drill import __version__
from drill.errors import UserError
from drill.tui.lifeline import Stopped

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
        _say(f"drill: {err}")
        return err.exit_code
    except KeyboardInterrupt:
        _say("drill: interrupted")
        return 130
    except Stopped as stop:  # SIGHUP or SIGTERM while a terminal command was starting
        _say(f"drill: stopped by {stop.name}")
        return 128 + stop.signum
    except BrokenPipeError:
        # `drill export | head`: the reader left; that is not an error.
        _silence_stdout()
        sys.stderr.close()
        return 0
    except UnicodeEncodeError as err:  # PYTHONIOENCODING=ascii, a C locale
        _silence_stdout()
        text = ascii(err.object[err.start : err.end])
        _say(
            f"drill: the output's encoding ({err.encoding}) cannot show {text}; "
            "use a UTF-8 locale or set PYTHONIOENCODING=utf-8"
        )
        return 1
    except RecursionError:
        _say("drill: the input is nested too deeply to read")
        return 2
    except OSError as err:  # the output itself failed (/dev/full, a closed terminal), or a file
        _silence_stdout()
        if err.filename:
            _say(f"drill: {err.filename}: {err.strerror or err}")
        elif err.errno in OUTPUT_ERRNOS:
            _say(f"drill: the output: cannot write ({err.strerror or err})")
        else:
            _say(f"drill: {err.strerror or err}")
        return 1


OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG, errno.EPIPE})
"""What a failed write to stdout raises, with no file name: said as the output's fault."""


def _silence_stdout() -> None:
    """After the output failed, send what is left of it nowhere, so that Python's own flush
    at exit does not fail a second time with a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _say(line: str) -> None:
    """One line on stderr, if there still is one (a closed terminal refuses the write).
    Text from data in it (a --db path, a deck's name) has its control characters escaped:
    an error must never retitle or clear the terminal."""
    from drill.text import cell

    try:
        print(cell(line), file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass
