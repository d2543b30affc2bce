"""The home screen: every deck, where you stand on it, and Enter to drill it.

This is what `drill` with no command opens in a terminal.
"""

from __future__ import annotations

import argparse

from drill.commands.common import add_history_options


def configure(parser: argparse.ArgumentParser) -> None:
    add_history_options(parser)


def run(args: argparse.Namespace) -> int:
    import sys

    from drill.commands.common import learner_name
    from drill.errors import UserError

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UserError("the home screen needs an interactive terminal; try `drill --help`")
    from drill.home import Home
    from drill.store.history import History
    from drill.tui.app import make_app

    history = History.open(args.db)
    app = make_app(home=Home(history, learner_name(args)))
    try:
        app.run()
    finally:
        if app.return_code in (0, None):
            history.close()
    return app.return_code or 0
