"""`drill simulate`: a simulated learner driven through the engine, writing real history.

The second driver of the protocol engine, beside the app. It runs whole sessions of the
deck's length on a simulated clock (response times plus the app's feedback pauses), so the
history it writes looks like a person's: sessions, times, deadlines, probes and events.

Its times are its own, in the simulated era (`SIMULATED_ERA`, the years 2000 to 2019,
before drill existed): a learner's first simulated run starts at 2000-01-01 00:00 UTC and
each later run 20 minutes after that learner's last simulated session ended. So in a
history shared with people no simulated attempt is ever mistaken for a real one: none is
in the future (runs once stamped attempts hours ahead), none falls in the weeks people
drill (`--since`, the day calendar, "last practice" and the daily target are not touched),
two runs never overlap, and the gaps between sessions are kept exactly, so a study arm's
break of several hours is honoured (docs/history.md, "Simulated time").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from drill.app.learners import SimulatedLearner, make_learner
from drill.app.practice import BlockOptions, Practice, start_practice
from drill.decks import Deck
from drill.protocol.engine import Feedback
from drill.protocol.measure import Measure, UntaughtAnswer
from drill.protocol.records import EventKind
from drill.store.history import History

FEEDBACK_PAUSE_S = {Feedback.CORRECT: 0.6, Feedback.TAKEN: 0.6}
MISS_PAUSE_S = 2.5
BREAK_BETWEEN_SESSIONS = timedelta(minutes=20)
SIMULATED_ERA = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2020, 1, 1, tzinfo=UTC))
"""Where simulated times live: before drill existed, so never taken for a person's."""
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
    transition: tuple[int, int] | None = None
    """(where the rise began, where it was detected) of the first transition, if any."""
    rule_unsealed_at: int | None = None
    deadlines: list[tuple[int, int]] = field(default_factory=list)
    """(exposure, deadline in ms) for every training item, in order: the pressure's path."""
    response_ms: list[float] = field(default_factory=list)
    untaught: list[UntaughtAnswer] = field(default_factory=list)
    """Every untaught answer, in order (drill.protocol.measure)."""

    def heldout_accuracy(self, last: int = 30) -> float:
        """The one measure over the last `last` untaught answers: right whenever they came."""
        return Measure.of(self.untaught[-last:]).accuracy or 0.0

    def fluency(self, last: int = 30) -> float:
        """The same answers, right and in time."""
        return Measure.of(self.untaught[-last:]).fluency or 0.0


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
    clock = SimulatedClock(start or simulated_start(history, learner))
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
            _close_after_error(practice, clock())
            raise
        practice.close("finished", at=clock())
        result.sessions += 1
        clock.now += BREAK_BETWEEN_SESSIONS
    return result


def simulated_start(history: History, learner: str) -> datetime:
    """Where `learner`'s next simulated run begins: the start of the simulated era, or a
    break after their last simulated session in it."""
    learner_id = history.reader.learner_id(learner)
    last = None
    if learner_id is not None:
        last = history.reader.simulated_until(learner_id, SIMULATED_ERA[1])
    start = SIMULATED_ERA[0] if last is None else last + BREAK_BETWEEN_SESSIONS
    if start >= SIMULATED_ERA[1]:
        from drill.errors import UserError

        raise UserError(
            f"{learner}: twenty years of simulated time are used up; simulate as another "
            "learner (--learner)"
        )
    return start


def _close_after_error(practice: Practice, at: datetime) -> None:
    """Close the session as `interrupted` and give up the claim, keeping the first error."""
    try:
        practice.close("interrupted", at=at)
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
            if shown.untaught:
                right = engine.untaught_stream[-1][1]
                fluent = (
                    engine.probe_outcomes[-1]
                    if shown.probe
                    else outcome.feedback is Feedback.CORRECT
                )
                result.untaught.append(UntaughtAnswer(shown.exposure, shown.probe, right, fluent))
            for event in outcome.events:
                result.events.append((event.kind, event.exposure))
                if event.kind == EventKind.TRANSITION_DETECTED and result.transition is None:
                    began = int(event.data.get("change_exposure", event.exposure))
                    result.transition = (began, event.exposure)
            if outcome.rule_unsealed and result.rule_unsealed_at is None:
                result.rule_unsealed_at = shown.exposure
            if progress is not None:
                progress(result)
