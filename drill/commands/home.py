"""The home screen: every deck, where you stand on it, and Enter to drill it.

This is what `drill` with no command opens in a terminal.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from drill.commands.common import add_history_options

if TYPE_CHECKING:
    from drill.store.history import History


EARLY_WAIT = 0.25
"""Seconds the home screen waits for its standings (about 50 ms from a SQLite file) before
it starts the app: longer (a slow disk, an upgrade) and they follow in the screen's worker."""


def configure(parser: argparse.ArgumentParser) -> None:
    add_history_options(parser)


def run(args: argparse.Namespace) -> int:
    from drill.commands.common import learner_name, require_terminal, run_app

    require_terminal("the home screen", "; try `drill --help`")
    from drill.app.home import Home

    def open_history() -> History:
        from drill.store.history import History  # in the home screen's worker, off its path

        return History.open(args.db)

    from drill.tui.lifeline import lifeline

    with lifeline() as line:  # a closed terminal ends drill from here on (drill.tui.lifeline)
        home = Home(open_history, learner_name(args), db=args.db)
        home.read_early(wait=EARLY_WAIT)  # the first frame then shows every standing
        from drill.tui.app import make_app

        return run_app(make_app(home=home, lifeline=line), lambda: home)
