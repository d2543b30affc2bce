"""A deck's report, read from the store as plain data (drill.report.inputs); the screen or
the command draws it (the report itself reads no database, and this module draws nothing).

`drill report DECK`, the home screen's report and the summary's small curve all come
through here, with the deck's own windows (its `rule.window`).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from drill.app.standing import local_days
from drill.clock import local_zone
from drill.decks import Deck
from drill.errors import UserError

if TYPE_CHECKING:
    from drill.reference.stream import Progress
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
    history: History,
    learner: str,
    deck: Deck,
    since: datetime | None = None,
    *,
    network: bool = False,
    progress: Progress | None = None,
) -> ReportInputs | None:
    """What `learner`'s report on `deck` is drawn from (None when there is nothing to
    report); `drill.report.page.Report.of` puts the page together.

    With `network`, the reference network first follows the learner's stream up to their
    last exposure (`stream_network`, resumed from what was kept); without it the report
    draws what was kept, as far as it went."""
    from dataclasses import replace

    from drill.report.curves import Windows
    from drill.report.inputs import ReportInputs

    data = deck_history(history, learner, deck, since)
    if data is None or data.bins.empty:
        return None
    if network and deck.spec.encoder is not None:
        learner_id = history.reader.learner_id(learner)
        assert learner_id is not None  # deck_history found them
        run = stream_network(history, learner_id, deck, data.last_exposure, progress)
        data = replace(data, reference=run)
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
        evidence(PastOutcome(e, item_id, False, right, right, response=response))
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


def stream_network(
    history: History,
    learner_id: int,
    deck: Deck,
    last_exposure: int,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The reference network on the learner's stream on this variant, up to
    `last_exposure`: resumed from the kept run when there is one that fits, trained from
    the start otherwise, and kept again (drill.reference.stream). A kept run that is
    already there is returned as it is: a second report trains nothing."""
    from drill.protocol.records import RULE_OPENED
    from drill.reference.stream import StreamConfig, StreamRun

    runs, config = history.runs, StreamConfig()
    last_exposure = min(last_exposure, config.max_exposures)
    kept = runs.stream_run(learner_id, deck.name, deck.fingerprint)
    fits = kept is not None and dict(kept.get("config") or {}).get("key") == config.key()
    if kept is not None and fits and int(kept["exposures"]) >= last_exposure:
        return kept
    run: StreamRun | None = None
    if kept is not None:
        state = runs.stream_state(int(kept["id"]))
        try:
            if state is not None:
                run = StreamRun.resumed(deck.domain_name, deck.items, config, kept, state)
        except ValueError:
            run = None  # another version or shape: train again from the start
    if run is None:
        run = StreamRun.fresh(deck.domain_name, deck.items, config)
    opened = history.reader.events(learner_id, deck.fingerprint, kinds=RULE_OPENED)
    elsewhere = history.reader.taught_ids(learner_id, deck.domain_name, elsewhere=deck.fingerprint)
    run.advance(
        runs.exposures_after(learner_id, deck.fingerprint, run.exposure, last_exposure),
        last=last_exposure,
        opened_at=min((e.exposure for e in opened), default=None),
        taught_elsewhere=elsewhere,
        progress=progress,
    )
    result = run.to_json()
    try:
        run_id: int | None = runs.save_stream(
            learner_id,
            deck=deck.name,
            fingerprint=deck.fingerprint,
            result=result,
            state=run.state(),
            run_id=int(kept["id"]) if kept is not None else None,
        )
    except UserError:  # a history that cannot be written (read-only, locked): draw it anyway
        run_id = None
    return {**result, "id": run_id, "deck_fingerprint": deck.fingerprint}
