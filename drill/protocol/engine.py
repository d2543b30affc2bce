"""The session engine: the one path every driver (the app, `drill simulate`, tests) walks.

A driver asks for the next item, shows it, times the learner on a monotonic clock, and
hands the response back. The engine judges it through the domain, decides what the
learner may be told (training items: right, wrong, the answer; probes: only that the
answer was taken), writes the attempt through the `HistoryPort` *before* returning, moves
the deadline, and reports what the detectors noticed.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from drill.domains.base import Domain, Item, Judgement, Verdict
from drill.protocol.pressure import DeadlineController
from drill.protocol.records import AttemptRecord, EventRecord, HistoryPort, PastOutcome, Result
from drill.protocol.scheduler import Scheduler

if TYPE_CHECKING:
    from drill.protocol.detect import ProgressTracker

SNAPSHOT_VERSION = 1


def _utcnow() -> datetime:
    return datetime.now(UTC)


def resume_tracker(state: Mapping[str, Any], past: Sequence[PastOutcome]) -> ProgressTracker:
    """The detectors of a saved `Engine.snapshot()` if they saw exactly the history there
    is, else a replay of `past` (a crash between an attempt and its snapshot leaves the
    snapshot one exposure behind)."""
    from drill.protocol.detect import ProgressTracker

    last = past[-1].exposure if past else 0
    if state.get("version") == SNAPSHOT_VERSION and state.get("exposure") == last:
        try:
            return ProgressTracker.from_json(dict(state["tracker"]))
        except (KeyError, TypeError, ValueError):
            pass
    tracker, _ = ProgressTracker.rebuild((p.exposure, p.probe, p.success) for p in past)
    return tracker


@dataclass(frozen=True)
class Settings:
    """The deck settings the engine needs (see drill.decks.SETTINGS for the meaning)."""

    length: int = 200
    probe_rate: float = 0.1
    initial_ms: int = 8000
    floor_ms: int = 1500
    ceiling_ms: int = 15000
    shrink: float = 0.97
    ease: float = 1.25
    rule_threshold: float = 0.75
    rule_window: int = 30

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any]) -> Settings:
        """From a deck's flat settings ("session.length", "pressure.floor_ms", ...)."""
        return cls(
            length=int(settings["session.length"]),
            probe_rate=float(settings["session.probe_rate"]),
            initial_ms=int(settings["pressure.initial_ms"]),
            floor_ms=int(settings["pressure.floor_ms"]),
            ceiling_ms=int(settings["pressure.ceiling_ms"]),
            shrink=float(settings["pressure.shrink"]),
            ease=float(settings["pressure.ease"]),
            rule_threshold=float(settings["rule.threshold"]),
            rule_window=int(settings["rule.window"]),
        )


@dataclass(frozen=True)
class Presentation:
    """An item on screen: what to show, for how long, and whether it is a probe."""

    item: Item
    probe: bool
    exposure: int
    deadline_ms: int
    prompt: str
    data: Mapping[str, Any]
    step: int = 0
    progress: str = ""


class Feedback(enum.Enum):
    """What the learner is told about one response."""

    CORRECT = "correct"
    WRONG = "wrong"
    LATE = "late"
    """The deadline had passed (answered late, or not at all)."""
    TAKEN = "taken"
    """A probe: the answer was taken, and nothing more is said."""
    UNREADABLE = "unreadable"
    """Not an answer; the item stays on screen."""
    CONTINUE = "continue"
    """Right so far: the item goes on (the next step is in `Outcome.next_step`)."""


@dataclass(frozen=True)
class Outcome:
    feedback: Feedback
    answer: str | None = None
    """The correct answer: only ever set for training items."""
    note: str = ""
    next_step: Presentation | None = None
    events: tuple[EventRecord, ...] = ()
    rule_unsealed: bool = False
    """Held-out accuracy just proved the rule is known: show it now, as the reward."""
    correct: bool = False
    """For a late training answer: it was right, only too slow. Never set for probes."""

    @property
    def ends_item(self) -> bool:
        return self.feedback not in (Feedback.UNREADABLE, Feedback.CONTINUE)


@dataclass
class Counters:
    """What the counters line shows."""

    session_exposures: int = 0
    total_exposures: int = 0
    streak: int = 0
    """Training items right and in time in a row. Probes never touch it."""
    train_seen: int = 0
    train_success: int = 0
    probes: int = 0
    probe_success: int = 0
    per_item: Counter[str] = field(default_factory=Counter)
    missed: list[str] = field(default_factory=list)
    """Training items missed or timed out this session, in order, each once."""


class Engine:
    """One session's protocol. Not thread-safe; one driver at a time."""

    def __init__(
        self,
        *,
        items: Sequence[Item],
        domain: Domain,
        settings: Settings,
        history: HistoryPort,
        past: Sequence[PastOutcome] = (),
        seed: int = 0,
        clock: Callable[[], datetime] = _utcnow,
        rule_unsealed: bool = False,
        state: Mapping[str, Any] | None = None,
        review: Sequence[str] = (),
    ) -> None:
        """`state` is a `snapshot()` from an earlier session: the deadline, the place in
        the current pass and the detectors' bookkeeping carry on from it.

        `review` makes this a review block: exactly those training items, once each, under
        the same deadline, with no probes; it leaves the deck's saved state alone."""
        self.items = {item.id: item for item in items}
        self.domain = domain
        self.settings = settings
        self.history = history
        self.clock = clock
        self.counters = Counters(total_exposures=max((p.exposure for p in past), default=0))
        self.counters.per_item.update(p.item_id for p in past)
        self.save_state = not review
        self.probe_outcomes = [p.success for p in past if p.probe]
        self.rule_unsealed = rule_unsealed
        train = [i.id for i in items if i.split == "train"]
        heldout = [i.id for i in items if i.split == "heldout"]
        if review:
            # Never a held-out item: a review shows answers.
            train = [i for i in dict.fromkeys(review) if self.items[i].split == "train"]
            heldout = []
            settings = replace(settings, length=len(train), probe_rate=0.0)
            self.settings = settings
        self.scheduler = Scheduler(
            train, heldout, settings.probe_rate, seed=seed + self.counters.total_exposures
        )
        self.deadline = DeadlineController(
            settings.initial_ms,
            settings.floor_ms,
            settings.ceiling_ms,
            settings.shrink,
            settings.ease,
        )
        self.current: Presentation | None = None
        self._shown_at: datetime | None = None
        self._state = dict(state or {})
        self._past = past
        self._tracker: ProgressTracker | None = None
        if self._state.get("version") == SNAPSHOT_VERSION:
            self.deadline.current_ms = self.deadline._clamp(float(self._state["deadline_ms"]))
            self.scheduler.restore(dict(self._state["scheduler"]))

    @property
    def tracker(self) -> ProgressTracker:
        """The detectors, built on first use (off the path to the first item on screen)."""
        if self._tracker is None:
            self._tracker = resume_tracker(self._state, self._past)
        return self._tracker

    def snapshot(self) -> dict[str, Any]:
        """Everything a later session needs to continue, as JSON-ready data."""
        return {
            "version": SNAPSHOT_VERSION,
            "exposure": self.counters.total_exposures,
            "deadline_ms": self.deadline.current_ms,
            "scheduler": self.scheduler.to_json(),
            "tracker": self.tracker.to_json(),
        }

    # -- the driver's calls ----------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.counters.session_exposures >= self.settings.length

    def next_item(self) -> Presentation | None:
        """The next item to show, or None when the session's length is reached."""
        if self.current is not None:
            return self.current
        if self.finished:
            return None
        pick = self.scheduler.next()
        item = self.items[pick.item_id]
        self.current = Presentation(
            item=item,
            probe=pick.probe,
            exposure=self.counters.total_exposures + 1,
            deadline_ms=self.deadline.deadline_ms,
            prompt=item.prompt,
            data=item.data,
        )
        self._shown_at = self.clock()
        return self.current

    def answer(self, response: str, response_ms: float) -> Outcome:
        """Judge a response typed `response_ms` after the item (or step) appeared."""
        shown = self._require_current()
        judgement = self.domain.judge(shown.item, response, shown.progress)
        if judgement.verdict is Verdict.UNREADABLE:
            attempt = self._attempt(shown, response, Result.UNREADABLE, False, False, response_ms)
            self.history.record(attempt)
            return Outcome(Feedback.UNREADABLE, note=judgement.note)
        timed_out = response_ms > shown.deadline_ms
        correct = judgement.correct
        result = Result.TIMEOUT if timed_out else Result.CORRECT if correct else Result.WRONG
        attempt = self._attempt(shown, response, result, correct, timed_out, response_ms)
        if correct and not timed_out and judgement.follow_up and not shown.probe:
            self.history.record(attempt)
            return self._continue(shown, judgement)
        return self._conclude(shown, judgement, attempt)

    def expire(self) -> Outcome:
        """No answer came at all: record a timeout with no response."""
        shown = self._require_current()
        attempt = self._attempt(shown, None, Result.TIMEOUT, False, True, None)
        return self._conclude(shown, None, attempt)

    # -- inside ------------------------------------------------------------------------------

    def _require_current(self) -> Presentation:
        if self.current is None:
            raise RuntimeError("no item is on screen: call next_item() first")
        return self.current

    def _attempt(
        self,
        shown: Presentation,
        response: str | None,
        result: Result,
        correct: bool,
        timed_out: bool,
        response_ms: float | None,
    ) -> AttemptRecord:
        assert self._shown_at is not None
        return AttemptRecord(
            item_id=shown.item.id,
            split=shown.item.split,
            probe=shown.probe,
            exposure=shown.exposure,
            response=response,
            result=result,
            correct=correct,
            timed_out=timed_out,
            response_ms=None if response_ms is None else round(response_ms),
            deadline_ms=shown.deadline_ms,
            shown_at=self._shown_at,
            step=shown.step,
        )

    def _continue(self, shown: Presentation, judgement: Judgement) -> Outcome:
        follow = judgement.follow_up
        assert follow is not None
        step = Presentation(
            item=shown.item,
            probe=False,
            exposure=shown.exposure,
            deadline_ms=self.deadline.deadline_ms,
            prompt=follow.prompt,
            data={**shown.item.data, **follow.data},
            step=shown.step + 1,
            progress=follow.progress,
        )
        self.current = step
        self._shown_at = self.clock()
        return Outcome(Feedback.CONTINUE, note=judgement.note, next_step=step)

    def _conclude(
        self, shown: Presentation, judgement: Judgement | None, attempt: AttemptRecord
    ) -> Outcome:
        """Count the exposure, move the deadline, run the detectors, and write it all in
        one transaction before saying what may be said."""
        success, timed_out = attempt.success, attempt.timed_out
        counters = self.counters
        counters.session_exposures += 1
        counters.total_exposures = shown.exposure
        counters.per_item[shown.item.id] += 1
        self.deadline.update(success=success, timed_out=timed_out, probe=shown.probe)
        if shown.probe:
            counters.probes += 1
            counters.probe_success += success
            self.probe_outcomes.append(success)
        else:
            counters.train_seen += 1
            counters.train_success += success
            counters.streak = counters.streak + 1 if success else 0
            if not success:
                if self.save_state:  # a review replays each item once, no retries
                    self.scheduler.missed(shown.item.id)
                if shown.item.id not in counters.missed:
                    counters.missed.append(shown.item.id)
        events = self._detect(shown, success)
        unsealed = self._check_seal(shown) if shown.probe else None
        if unsealed is not None:
            events = (*events, unsealed)
        self.history.record(attempt, events, self.snapshot() if self.save_state else None)
        self.current = None
        self._shown_at = None
        if shown.probe:
            feedback = Feedback.LATE if timed_out else Feedback.TAKEN
            return Outcome(feedback, events=events, rule_unsealed=unsealed is not None)
        if success:
            return Outcome(Feedback.CORRECT, events=events)
        note = judgement.note if judgement else ""
        feedback = Feedback.LATE if timed_out else Feedback.WRONG
        right = judgement is not None and judgement.correct
        answer = self.domain.answer_at(shown.item, shown.progress)  # this step's, if later
        return Outcome(feedback, answer=answer, note=note, events=events, correct=right)

    def _detect(self, shown: Presentation, success: bool) -> tuple[EventRecord, ...]:
        from drill.protocol.detect import event_to_json

        now = self.clock()
        records = []
        for event in self.tracker.observe(shown.exposure, shown.probe, success):
            record = EventRecord(
                kind=event.kind,
                exposure=event.exposure,
                at=now,
                data=event_to_json(event),
            )
            records.append(record)
        return tuple(records)

    def _check_seal(self, shown: Presentation) -> EventRecord | None:
        if self.rule_unsealed:
            return None
        from drill.protocol.stats import seal_status

        status = seal_status(
            self.probe_outcomes, self.settings.rule_threshold, self.settings.rule_window
        )
        if not status.open:
            return None
        self.rule_unsealed = True
        record = EventRecord(
            kind="rule_unsealed",
            exposure=shown.exposure,
            at=self.clock(),
            data={
                "accuracy": status.accuracy,
                "lower_bound": status.lower_bound,
                "probes": status.n,
            },
        )
        return record
