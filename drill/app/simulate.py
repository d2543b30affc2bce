"""`drill simulate`: a simulated learner driven through the engine, writing real history.

The second driver of the protocol engine, beside the app. It runs whole sessions of the
deck's length on a simulated clock (response times plus the app's feedback pauses), so the
history it writes looks like a person's: sessions, times, deadlines, probes and events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from drill.app.learners import SimulatedLearner, make_learner
from drill.app.practice import BlockOptions, Practice, start_practice
from drill.decks import Deck
from drill.protocol.engine import Feedback
from drill.store.history import History

FEEDBACK_PAUSE_S = {Feedback.CORRECT: 0.6, Feedback.TAKEN: 0.6}
MISS_PAUSE_S = 2.5
BREAK_BETWEEN_SESSIONS = timedelta(minutes=20)
GIVE_UP_AFTER = 5
"""Unreadable responses in a row after which a simulated learner lets the item time out,
as a person would, rather than answering unreadably for ever."""


@dataclass
class SimulationResult:
    learner: str
    kind: str
    exposures: int = 0
    sessions: int = 0
    probes: list[tuple[int, bool]] = field(default_factory=list)
    """(exposure, success) for every probe, in order."""
    events: list[tuple[str, int]] = field(default_factory=list)
    rule_unsealed_at: int | None = None
    deadlines: list[tuple[int, int]] = field(default_factory=list)
    """(exposure, deadline in ms) for every training item, in order: the pressure's path."""
    response_ms: list[float] = field(default_factory=list)

    def heldout_accuracy(self, last: int = 30) -> float:
        recent = [ok for _, ok in self.probes[-last:]]
        return sum(recent) / len(recent) if recent else 0.0


class SimulatedClock:
    """Wall-clock time that moves only when the simulation says so."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def simulate(
    deck: Deck,
    history: History,
    *,
    kind: str,
    items: int,
    seed: int,
    learner: str,
    start: datetime | None = None,
    progress: Callable[[SimulationResult], None] | None = None,
    accuracy: float = 0.95,
    rt_ms: float = 2500.0,
    weight_decay: float | None = None,
    switch: int | None = None,
    break_hours: float | None = None,
) -> SimulationResult:
    """Run `items` exposures of a simulated learner of `kind` and record them as `learner`.

    `accuracy` and `rt_ms` set the `rule` learner's hit rate and median response time;
    `weight_decay` the network's (None: its default); `switch` the insight learner's; a
    study arm's `break_hours` puts that break after the first session, kept as a person's
    is (drill.app.breaks)."""
    clock = SimulatedClock(start or datetime.now(UTC))
    simulated = make_learner(
        kind,
        deck.domain_name,
        deck.domain,
        deck.items,
        seed,
        accuracy=accuracy,
        rt_ms=rt_ms,
        weight_decay=weight_decay,
        switch=switch,
    )
    result = SimulationResult(learner, kind)
    while result.exposures < items:
        if break_hours is not None:
            from drill.app.breaks import keep_break

            if result.sessions == 1:
                clock.advance(break_hours * 3600)
            keep_break(history, learner, deck, break_hours, clock())
        block = BlockOptions(kind="simulate", clock=clock, seed=seed + result.sessions)
        practice = start_practice(deck, history, learner, block)
        try:
            _run_session(practice, simulated, clock, items, result, progress)
        except BaseException:
            _close_after_error(practice)
            raise
        practice.close("finished")
        result.sessions += 1
        clock.now += BREAK_BETWEEN_SESSIONS
    return result


def _close_after_error(practice: Practice) -> None:
    """Close the session as `interrupted` and give up the claim, keeping the first error."""
    try:
        practice.close("interrupted")
    except Exception:  # the error being raised says what went wrong
        pass


def _run_session(
    practice: Practice,
    simulated: SimulatedLearner,
    clock: SimulatedClock,
    items: int,
    result: SimulationResult,
    progress: Callable[[SimulationResult], None] | None,
) -> None:
    """One session of the deck's length (or what is left of `items`)."""
    engine = practice.engine
    length = min(engine.settings.length, items - result.exposures)
    unreadable = 0
    while engine.counters.session_exposures < length:
        shown = engine.next_item()
        assert shown is not None
        response, response_ms = simulated.respond(shown)
        clock.advance(response_ms / 1000)
        outcome = engine.answer(response, response_ms)
        unreadable = unreadable + 1 if outcome.feedback is Feedback.UNREADABLE else 0
        if unreadable == GIVE_UP_AFTER:  # no answer it can write: let the item time out
            unreadable = 0
            outcome = engine.expire()
        simulated.told(shown, outcome)
        if outcome.feedback is Feedback.CONTINUE:
            continue
        clock.advance(FEEDBACK_PAUSE_S.get(outcome.feedback, MISS_PAUSE_S))
        if outcome.ends_item:
            result.exposures += 1
            if shown.probe:
                result.probes.append((shown.exposure, engine.probe_outcomes[-1]))
            else:
                result.deadlines.append((shown.exposure, shown.deadline_ms))
            result.response_ms.append(response_ms)
            for event in outcome.events:
                result.events.append((event.kind, event.exposure))
            if outcome.rule_unsealed and result.rule_unsealed_at is None:
                result.rule_unsealed_at = shown.exposure
            if progress is not None:
                progress(result)
