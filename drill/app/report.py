"""A deck's report, read from the store as plain data (drill.report.inputs); the screen or
the command draws it (the report itself reads no database, and this module draws nothing).

`drill report DECK`, the home screen's report and the summary's small curve all come
through here, with the deck's own windows (its `rule.window`).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, tzinfo
from typing import TYPE_CHECKING

from drill.app.standing import local_days
from drill.clock import local_zone
from drill.decks import Deck

if TYPE_CHECKING:
    from drill.report.changes import Changes
    from drill.report.data import Bins, DeckHistory
    from drill.report.inputs import ReportInputs, SmallCurves
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


def report_inputs(
    history: History, learner: str, deck: Deck, since: datetime | None = None
) -> ReportInputs | None:
    """What `learner`'s report on `deck` is drawn from (None when there is nothing to
    report); `drill.report.page.Report.of` puts the page together."""
    from drill.report.curves import Windows
    from drill.report.inputs import ReportInputs

    data = deck_history(history, learner, deck, since)
    if data is None or data.bins.empty:
        return None
    now, zone = datetime.now(UTC), local_zone()
    return ReportInputs(
        data,
        control=deck.control,
        windows=Windows.of(deck.settings),
        days=days_of(data.bins, zone),
        today=now.astimezone(zone).date(),
        target=int(deck.setting("session.daily_target")),
        zone=zone,
        changes=changes_of(history, learner, deck, since, data.bins),
    )


def changes_of(
    history: History,
    learner: str,
    deck: Deck,
    since: datetime | None = None,
    bins: Bins | None = None,
) -> Changes | None:
    """The learner's change-points on `deck`: response time on every deck, and the moment of
    insight where the deck's seal counts a way of answering (`Domain.evidence`). Without
    insight to date, the response times come from the report's `bins` when given (one
    exposure a bin up to 20,000 exposures, means of wider bins after), with no second scan."""
    from drill.protocol.engine import seal_evidence
    from drill.report.changes import Changes
    from drill.store.series import first_answers

    evidence = seal_evidence(deck.domain, lambda: {item.id: item for item in deck.items})
    if evidence is None and bins is not None:
        timed = bins.rt_n > 0
        means = bins.rt_sum[timed] / bins.rt_n[timed]
        return Changes.of(bins.first[timed].tolist(), means.tolist(), None)
    learner_id = history.reader.learner_id(learner)
    if learner_id is None:
        return None
    rows = first_answers(history.store, learner_id, deck.fingerprint, since)
    exposures = [row[0] for row in rows]
    times = [float("nan") if row[3] is None else float(row[3]) for row in rows]
    if evidence is None:
        return Changes.of(exposures, times, None)
    from drill.protocol.records import PastOutcome

    shortcut = [
        evidence(PastOutcome(e, item_id, False, right, right, response))
        for e, item_id, response, _ms, right in rows
    ]
    return Changes.of(exposures, times, shortcut)


def session_curves(history: History, learner: str, deck: Deck) -> SmallCurves | None:
    """The learner's training and held-out curves (and the network's) on the epoch axis,
    for the end-of-session summary's small chart (None: nothing drilled yet)."""
    from drill.report.curves import Windows, compute_curves, network_curve
    from drill.report.inputs import SmallCurves

    data = deck_history(history, learner, deck)
    if data is None or data.bins.empty:
        return None
    curves = compute_curves(data, SMALL_POINTS, Windows.of(deck.settings))
    return SmallCurves(curves, network_curve(data.reference))


def days_of(bins: Bins, zone: tzinfo) -> Counter[date]:
    """Exposures per local day, from the bins the report already loaded (one scan)."""
    counts = (bins.train_n + bins.probe_n).tolist()
    return local_days(zip(bins.first_at, counts, strict=True), zone)
