"""A deck's report: read from the store, then drawn (the report itself reads no database).

`drill report DECK`, the home screen's report and the summary's small curve all come
through here, with the deck's own windows (its `rule.window`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, tzinfo
from typing import TYPE_CHECKING

from drill.app.standing import local_days
from drill.clock import local_zone
from drill.decks import Deck

if TYPE_CHECKING:
    from rich.console import RenderableType

    from drill.report.data import Bins, DeckHistory
    from drill.report.page import Report
    from drill.store.history import History

SMALL_POINTS = 120
"""Points of the summary's small curve: enough for a chart 60 columns wide (two dots per
column)."""


def deck_history(
    history: History, learner: str, deck: Deck, since: datetime | None = None
) -> DeckHistory | None:
    """Everything the report shows of `learner` on this variant of `deck` (None: no such
    learner)."""
    learner_id = history.reader.learner_id(learner)
    if learner_id is None:
        return None
    n_train = sum(1 for item in deck.items if item.split == "train")
    return history.report.deck_history(
        learner, learner_id, deck.name, n_train=n_train, fingerprint=deck.fingerprint, since=since
    )


def load_report(
    history: History, learner: str, deck: Deck, since: datetime | None = None
) -> Report | None:
    """`learner`'s report on `deck` (None when there is nothing to report)."""
    from drill.report.curves import Windows
    from drill.report.page import Report

    data = deck_history(history, learner, deck, since)
    if data is None or data.bins.empty:
        return None
    now, zone = datetime.now(UTC), local_zone()
    return replace(
        Report.build(data, control=deck.control, windows=Windows.of(deck.settings)),
        days=days_of(data.bins, zone),
        today=now.astimezone(zone).date(),
        zone=zone,
        target=int(deck.setting("session.daily_target")),
    )


def session_curve(
    history: History, learner: str, deck: Deck, width: int = 60, height: int = 6
) -> RenderableType:
    """The learner's training and held-out curves (and the network's) on the epoch axis,
    in small, for the end-of-session summary."""
    from rich.text import Text

    from drill.report.curves import Windows, compute_curves, network_curve
    from drill.report.terminal import small_curve

    data = deck_history(history, learner, deck)
    if data is None or data.bins.empty:
        return Text("")
    curves = compute_curves(data, SMALL_POINTS, Windows.of(deck.settings))
    return small_curve(curves, network_curve(data.reference), width, height)


def days_of(bins: Bins, zone: tzinfo) -> Counter[date]:
    """Exposures per local day, from the bins the report already loaded (one scan)."""
    counts = (bins.train_n + bins.probe_n).tolist()
    return local_days(zip(bins.first_at, counts, strict=True), zone)
