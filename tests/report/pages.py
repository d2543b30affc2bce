"""A deck's report page for the tests, put together as `drill report` does."""

from __future__ import annotations

from datetime import datetime

from drill.app.report import report_inputs
from drill.decks import Deck
from drill.report.page import Report
from drill.store.history import History


def load_report(
    history: History, learner: str, deck: Deck, since: datetime | None = None
) -> Report | None:
    """The page for `learner` on `deck`: the use case's plain data, then `Report.of`."""
    inputs = report_inputs(history, learner, deck, since)
    return Report.of(inputs) if inputs is not None else None
