"""The home screen: every deck, where you stand on it, and Enter to drill it.

This is what `drill` with no command opens in a terminal.
"""

from __future__ import annotations

import argparse

from drill.commands.common import add_history_options


def configure(parser: argparse.ArgumentParser) -> None:
    add_history_options(parser)


def run(args: argparse.Namespace) -> int:
    from drill.commands.common import learner_name, require_terminal, run_app

    require_terminal("the home screen", "; try `drill --help`")
    from drill.home import Home
    from drill.store.history import History
    from drill.tui.app import make_app

    history = History.open(args.db)
    return run_app(make_app(home=Home(history, learner_name(args))), lambda: history)
