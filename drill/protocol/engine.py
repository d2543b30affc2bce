"""The session engine: the one path every driver (the app, `drill simulate`, tests) walks.

A driver asks for the next item, shows it, times the learner on a monotonic clock, and
hands the response back. The engine judges it through the domain, decides what the
learner may be told (training items: right, wrong, the answer; probes: only that the
answer was taken), writes the attempt through the `HistoryPort` *before* returning, moves
the deadline, and reports what the detectors noticed.
"""

from __future__ import annotations

import enum
import math
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from drill.domains.base import Domain, Item, Judgement, Verdict, with_twins
from drill.protocol.measure import untaught_flags
from drill.protocol.pressure import DeadlineController
from drill.protocol.progress import FIGURES_KEY, Figures, figures_to_json
from drill.protocol.records import (
    AttemptRecord,
    EventKind,
    EventRecord,
    HistoryPort,
    PastOutcome,
    Result,
)
from drill.protocol.scheduler import Scheduler
from drill.protocol.seal import PROGRESS_BLOCK, SealShown, SealTest, SealTracker

if TYPE_CHECKING:
    from drill.protocol.detect import ProgressTracker

SNAPSHOT_VERSION = 1
UNTAUGHT_RULE = 2
"""Which answers count as untaught, saved with the detectors: 2 since a twin shown with its
answer teaches (`Domain.twins`). Detectors saved under another rule are replayed."""
CONFIRM_PROBE_RATE = 0.3
"""Once every training item has had its first answer, probes come this often while the
evidence leans toward "knows it", so that confirming the rule takes minutes."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


def resume_tracker(
    state: Mapping[str, Any],
    past: Sequence[PastOutcome],
    taught: Collection[str] = (),
    heldout_window: int = 30,
    twins: Mapping[str, Sequence[str]] | None = None,
    evidence: Evidence | None = None,
) -> ProgressTracker:
    """The detectors of a saved `Engine.snapshot()` if they saw exactly the history there
    is, else a replay of `past` (a crash between an attempt and its snapshot leaves the
    snapshot one exposure behind, and one saved before twins counted as taught counted
    other answers as untaught). `heldout_window` is the deck's `rule.window`; where the
    domain has its own `evidence`, the detectors' untaught answers count it too (on the
    number reduction deck a plateau is the procedure without the shortcut)."""
    from drill.protocol.detect import DetectorConfig, ProgressTracker

    config = DetectorConfig(heldout_window=heldout_window)
    last = past[-1].exposure if past else 0
    current = state.get("version") == SNAPSHOT_VERSION and state.get("untaught") == UNTAUGHT_RULE
    if current and state.get("exposure") == last:
        try:
            return ProgressTracker.from_json(dict(state["tracker"]), config)
        except (KeyError, TypeError, ValueError):
            pass
    flags = untaught_flags(past, taught, twins)
    tracker, _ = ProgressTracker.rebuild(
        (
            (
                p.exposure,
                untaught,
                (p.right and (evidence is None or evidence(p))) if untaught else p.success,
            )
            for p, untaught in zip(past, flags, strict=True)
        ),
        config,
    )
    return tracker


Evidence = Callable[[PastOutcome], bool]
"""What one untaught outcome says to the seal (`seal_evidence`)."""


def seal_evidence(domain: Domain, items: Callable[[], Mapping[str, Item]]) -> Evidence | None:
    """The domain's own reading of the seal's evidence (`Domain.evidence`), or None where it
    is the default, a right answer (then `items`, which may be costly, is never asked)."""
    if type(domain).evidence is Domain.evidence:
        return None
    by_id = items()

    def evidence(past: PastOutcome) -> bool:
        item = by_id.get(past.item_id)
        return item is not None and domain.evidence(item, past.response, past.right)

    return evidence


def replay_seal(
    past: Sequence[PastOutcome],
    test: SealTest,
    taught: Collection[str] = (),
    twins: Mapping[str, Sequence[str]] | None = None,
    evidence: Evidence | None = None,
) -> tuple[SealTracker, list[tuple[bool, bool]]]:
    """The seal's statistic after `past`, and its untaught stream as (is_probe, evidence):
    a right answer, or what the domain's `evidence` says."""
    flags = untaught_flags(past, taught, twins)
    counts = evidence or (lambda p: p.right)
    stream = [(p.probe, counts(p)) for p, untaught in zip(past, flags, strict=True) if untaught]
    return SealTracker.replay((ok for _, ok in stream), test), stream


@dataclass(frozen=True)
class Settings:
    """The deck settings the engine needs. Their meaning and defaults are written once, in
    drill.decks.SETTINGS: build one with `from_mapping(deck.settings)`."""

    length: int
    probe_rate: float
    initial_ms: int
    floor_ms: int
    ceiling_ms: int
    shrink: float
    ease: float
    pace: float
    seal: SealTest
    confirm_probe_rate: float
    control: bool
    """The deck has no rule to find: the coach never says one forms."""
    by_rating: bool
    """Each training pass goes from the lowest-rated item to the highest (`session.order`)."""
    heldout_window: int = 30
    """Recent untaught answers behind the detectors' held-out accuracy (`rule.window`)."""

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
            pace=float(settings["pressure.pace"]),
            seal=SealTest.of(settings),
            confirm_probe_rate=max(float(settings["session.probe_rate"]), CONFIRM_PROBE_RATE)
            if float(settings["session.probe_rate"]) > 0
            else 0.0,
            control=bool(settings["rule.control"]),
            by_rating=settings["session.order"] == "rating",
            heldout_window=int(settings["rule.window"]),
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
    untaught: bool = False
    """A probe, or a training item never yet shown with its answer: the seal's evidence."""


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
    untaught: int = 0
    """Untaught answers this session (drill.protocol.measure) ..."""
    untaught_right: int = 0
    """... of which right, whenever they came."""


@dataclass(frozen=True)
class Material:
    """What a session drills: the deck's items, the domain that judges them, its settings."""

    items: Sequence[Item]
    domain: Domain
    settings: Settings


@dataclass(frozen=True)
class LearnerPast:
    """Where this learner left the deck, as the driver read it from their history."""

    outcomes: Sequence[PastOutcome] = ()
    """Every earlier exposure of this variant, in order."""
    rule_unsealed: bool = False
    state: Mapping[str, Any] | None = None
    """A `snapshot()` from an earlier session: the deadline, the place in the current pass
    and the detectors' bookkeeping carry on from it."""
    taught: Collection[str] = ()
    """Items this learner was shown with their answers outside `outcomes` (in another
    variant of the deck): they are never probed, and never untaught evidence."""


@dataclass(frozen=True)
class BlockPlan:
    """How this one block runs: its random order, its clock, and whether it is a review."""

    seed: int = 0
    clock: Callable[[], datetime] = _utcnow
    review: Sequence[str] = ()
    """A review block: exactly these training items, once each, under the same deadline,
    with no probes; it leaves the deck's saved state alone."""


class Engine:
    """One session's protocol. Not thread-safe; one driver at a time."""

    def __init__(
        self,
        material: Material,
        history: HistoryPort,
        past: LearnerPast | None = None,
        plan: BlockPlan | None = None,
    ) -> None:
        """Drill `material` for a learner whose history so far is `past` (none: a new
        learner), writing every attempt to `history`, as `plan` says."""
        past = past if past is not None else LearnerPast()
        plan = plan if plan is not None else BlockPlan()
        items, settings, outcomes = material.items, material.settings, past.outcomes
        self.items = {item.id: item for item in items}
        self.domain = material.domain
        self.settings = settings
        self.history = history
        self.clock = plan.clock
        self.counters = Counters(total_exposures=max((p.exposure for p in outcomes), default=0))
        self.counters.per_item.update(p.item_id for p in outcomes)
        self.save_state = not plan.review
        self.twins = self.domain.twins(items)
        """What showing an item teaches besides itself (b ∘ a, once a ∘ b was shown)."""
        self.taught_elsewhere = frozenset(past.taught)
        self.shown_answers: set[str] = with_twins(
            (*past.taught, *(p.item_id for p in outcomes if not p.probe)), self.twins
        )
        """Items shown with their answer to this learner, or whose twin was: never untaught
        again."""
        self.probe_outcomes = [p.success for p in outcomes if p.probe]
        self.rule_unsealed = past.rule_unsealed
        self.seal, self.untaught_stream = replay_seal(
            outcomes,
            settings.seal,
            self.taught_elsewhere,
            self.twins,
            seal_evidence(self.domain, lambda: self.items),
        )
        train = [i.id for i in items if i.split == "train"]
        heldout = [i.id for i in items if i.split == "heldout" and i.id not in self.shown_answers]
        self.heldout_taught = sum(
            1 for i in items if i.split == "heldout" and i.id in self.shown_answers
        )
        """Held-out items this learner was already taught (elsewhere): never probed."""
        if plan.review:
            # Never a held-out item: a review shows answers.
            train = [i for i in dict.fromkeys(plan.review) if self.items[i].split == "train"]
            heldout = []
            settings = replace(settings, length=len(train), probe_rate=0.0)
            self.settings = settings
        self._drilled = frozenset(train)
        self.untaught_left = sum(1 for i in train if i not in self.shown_answers)
        self.scheduler = Scheduler(
            train,
            heldout,
            settings.probe_rate,
            seed=plan.seed + self.counters.total_exposures,
            ranks=_ratings(self.items, train) if settings.by_rating else None,
        )
        self.deadline = DeadlineController(
            settings.initial_ms,
            settings.floor_ms,
            settings.ceiling_ms,
            settings.shrink,
            settings.ease,
            settings.pace,
        )
        self.current: Presentation | None = None
        self._shown_at: datetime | None = None
        self._state = dict(past.state or {})
        self._past = outcomes
        self._tracker: ProgressTracker | None = None
        self._shown = SealShown(settings.seal)
        self._shown_upto = 0
        """How much of `untaught_stream` `_shown` has seen (it follows at each snapshot)."""
        if self._state.get("version") == SNAPSHOT_VERSION:
            try:
                self.deadline.restore(self._state)
            except (KeyError, TypeError, ValueError):
                pass  # a damaged snapshot costs only the deadline's place
            self.scheduler.restore(dict(self._state.get("scheduler") or {}))
        self._set_probe_rate()

    @property
    def tracker(self) -> ProgressTracker:
        """The detectors, built on first use (off the path to the first item on screen)."""
        if self._tracker is None:
            self._tracker = resume_tracker(
                self._state,
                self._past,
                self.taught_elsewhere,
                self.settings.heldout_window,
                self.twins,
                seal_evidence(self.domain, lambda: self.items),
            )
        return self._tracker

    def snapshot(self) -> dict[str, Any]:
        """Everything a later session needs to continue, as JSON-ready data."""
        return {
            "version": SNAPSHOT_VERSION,
            "exposure": self.counters.total_exposures,
            "untaught": UNTAUGHT_RULE,
            **self.deadline.to_json(),
            "scheduler": self.scheduler.to_json(),
            "tracker": self.tracker.to_json(),
            FIGURES_KEY: figures_to_json(
                self.figures(), self.counters.total_exposures, self.taught_elsewhere
            ),
        }

    def figures(self) -> Figures:
        """What the home screen shows of the learner here (saved with every snapshot)."""
        stream = self.untaught_stream
        if self._shown_upto > len(stream):  # a rolled-back write took answers back
            self._shown, self._shown_upto = SealShown(self.settings.seal), 0
        for probe, right in stream[self._shown_upto :]:
            self._shown.observe(probe, right)
        self._shown_upto = len(stream)
        return Figures(self.tracker.state, self._shown.view(), self.seal.ever_reached)

    def coach(self) -> str | None:
        """The coach's line for where the learner is now."""
        from drill.protocol.coach import coach_line
        from drill.protocol.pressure import UNTIMED_MS

        control = self.settings.control
        untimed = self.settings.floor_ms >= UNTIMED_MS
        return coach_line(
            self.tracker.state, control=control, found=self.rule_unsealed, untimed=untimed
        )

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
            untaught=item.id not in self.shown_answers,
        )
        self._shown_at = self.clock()
        return self.current

    def answer(self, response: str, response_ms: float) -> Outcome:
        """Judge a response typed `response_ms` after the item (or step) appeared."""
        shown = self._require_current()
        if not math.isfinite(response_ms) or response_ms < 0:
            raise ValueError(f"response_ms must be a finite, non-negative time: {response_ms}")
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

    def expire(self, unfinished: str | None = None) -> Outcome:
        """No answer came: record a timeout, with no response, or with what was typed but
        never sent (`unfinished`: the number reduction task's responses before the final
        one), which is kept, not judged."""
        shown = self._require_current()
        attempt = self._attempt(shown, unfinished, Result.TIMEOUT, False, True, None)
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
            untaught=shown.untaught,
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
            untaught=shown.untaught,
        )
        self.current = step
        self._shown_at = self.clock()
        return Outcome(Feedback.CONTINUE, note=judgement.note, next_step=step)

    def _conclude(
        self, shown: Presentation, judgement: Judgement | None, attempt: AttemptRecord
    ) -> Outcome:
        """Work out the exposure's consequences, write them in one transaction, and only
        then let them stand: a write that fails leaves the engine where the store is."""
        checkpoint = self._checkpoint()
        try:
            events = self._apply(shown, attempt)
            self.history.record(attempt, events, self.snapshot() if self.save_state else None)
        except BaseException:
            self._rollback(checkpoint)
            raise
        self.current = None
        self._shown_at = None
        unsealed = any(e.kind == EventKind.RULE_UNSEALED for e in events)
        success, timed_out = attempt.success, attempt.timed_out
        if shown.probe:
            # A probe says the same whether it was right, wrong or late: nothing.
            return Outcome(Feedback.TAKEN, events=events, rule_unsealed=unsealed)
        note = judgement.note if judgement else ""  # "that wins too; the line was …", too
        if success:
            return Outcome(Feedback.CORRECT, note=note, events=events, rule_unsealed=unsealed)
        feedback = Feedback.LATE if timed_out else Feedback.WRONG
        right = judgement is not None and judgement.correct
        answer = self.domain.answer_at(shown.item, shown.progress)  # this step's, if later
        return Outcome(
            feedback, answer=answer, note=note, events=events, correct=right,
            rule_unsealed=unsealed,
        )  # fmt: skip

    def _checkpoint(self) -> dict[str, Any]:
        c, shown = self.counters, self.current
        return {
            "counters": (c.session_exposures, c.total_exposures, c.streak, c.train_seen,
                         c.train_success, c.probes, c.probe_success, list(c.missed),
                         c.untaught, c.untaught_right),
            "deadline": self.deadline.to_json(),
            "scheduler": self.scheduler.to_json(),
            "rng": self.scheduler.rng.getstate(),
            "tracker": None if self._tracker is None else self._tracker.to_json(),
            "seal": (self.seal.statistic, self.seal.answered, self.seal.right,
                     self.seal.total, self.seal.total_right, self.seal.ever_reached),
            "lengths": (len(self.probe_outcomes), len(self.untaught_stream)),
            "untaught_before": set() if shown is None  # what this exposure may teach
            else {shown.item.id, *self.twins.get(shown.item.id, ())} - self.shown_answers,
            "untaught_left": self.untaught_left,
            "unsealed": self.rule_unsealed,
            "probe_rate": self.scheduler.probe_rate,
        }  # fmt: skip

    def _rollback(self, saved: dict[str, Any]) -> None:
        c = self.counters
        shown = self.current
        if shown is not None and c.total_exposures == shown.exposure:
            c.per_item[shown.item.id] -= 1
        (c.session_exposures, c.total_exposures, c.streak, c.train_seen, c.train_success,
         c.probes, c.probe_success, c.missed, c.untaught,
         c.untaught_right) = saved["counters"]  # fmt: skip
        self.deadline.restore(saved["deadline"])
        self.scheduler.restore(saved["scheduler"])
        self.scheduler.rng.setstate(saved["rng"])
        if saved["tracker"] is not None:
            from drill.protocol.detect import DetectorConfig, ProgressTracker

            config = DetectorConfig(heldout_window=self.settings.heldout_window)
            self._tracker = ProgressTracker.from_json(saved["tracker"], config)
        (self.seal.statistic, self.seal.answered, self.seal.right, self.seal.total,
         self.seal.total_right, self.seal.ever_reached) = saved["seal"]  # fmt: skip
        probes, stream = saved["lengths"]
        del self.probe_outcomes[probes:]
        del self.untaught_stream[stream:]
        self.shown_answers -= saved["untaught_before"]
        self.untaught_left = saved["untaught_left"]
        self.rule_unsealed = saved["unsealed"]
        self.scheduler.probe_rate = saved["probe_rate"]

    def _apply(self, shown: Presentation, attempt: AttemptRecord) -> tuple[EventRecord, ...]:
        """Count the exposure, move the deadline, feed the detectors and the seal; return
        the events it caused."""
        success, timed_out = attempt.success, attempt.timed_out
        counters = self.counters
        counters.session_exposures += 1
        counters.total_exposures = shown.exposure
        counters.per_item[shown.item.id] += 1
        self.deadline.update(
            success=success, timed_out=timed_out, probe=shown.probe,
            response_ms=attempt.response_ms, untaught=shown.untaught,
        )  # fmt: skip
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
            self._teach(shown.item.id)
        # The measure (drill.protocol.measure) asks whether the rule is known, not how fast:
        # a late right untaught answer counts as right for the detectors and the seal (the
        # deadline and training accuracy count it as a miss); where the domain reads its
        # own evidence (the shortcut on the number reduction deck), that is what counts.
        right = attempt.correct
        if shown.untaught:
            right = self.domain.evidence(shown.item, attempt.response, attempt.correct)
        events = self._detect(shown, right if shown.untaught else success)
        if shown.untaught:
            counters.untaught += 1
            counters.untaught_right += right
            self.untaught_stream.append((shown.probe, right))
            reached = self.seal.observe(right)
            if reached and not self.rule_unsealed:
                events = (*events, self._unseal(shown))
        self._set_probe_rate()
        return events

    def _teach(self, item_id: str) -> None:
        """The item was shown with its answer: it and its twins are taught from now on."""
        for taught in (item_id, *self.twins.get(item_id, ())):
            if taught not in self.shown_answers:
                self.shown_answers.add(taught)
                self.untaught_left -= taught in self._drilled

    def _set_probe_rate(self) -> None:
        """Probe more often once first answers have run out and the evidence leans toward
        "knows it". Decided only at whole blocks of probes, so that a change in the rate
        never tells how one probe went."""
        base = self.settings.probe_rate
        if not self.scheduler.heldout_ids or not self.scheduler.train_ids or base <= 0:
            return
        if len(self.probe_outcomes) % PROGRESS_BLOCK != 0:
            return
        boost = not self.rule_unsealed and self.untaught_left <= 0 and self.seal.leaning
        self.scheduler.probe_rate = self.settings.confirm_probe_rate if boost else base

    def _detect(self, shown: Presentation, success: bool) -> tuple[EventRecord, ...]:
        from drill.protocol.detect import event_to_json

        now = self.clock()
        records = []
        for event in self.tracker.observe(shown.exposure, shown.untaught, success):
            record = EventRecord(
                kind=event.kind,
                exposure=event.exposure,
                at=now,
                data=event_to_json(event),
            )
            records.append(record)
        return tuple(records)

    def _unseal(self, shown: Presentation) -> EventRecord:
        self.rule_unsealed = True
        seal = self.seal
        return EventRecord(
            kind=EventKind.RULE_UNSEALED,
            exposure=shown.exposure,
            at=self.clock(),
            data={
                "untaught": seal.answered,
                "untaught_right": seal.right,
                "untaught_total": seal.total,
                "untaught_total_right": seal.total_right,
                "statistic": round(seal.statistic, 3),
                "evidence": seal.test.evidence,
                "probes": len(self.probe_outcomes),
                "test": "cusum",
                **(
                    {"counted": self.domain.evidence_words}
                    if self.domain.evidence_words != "right"
                    else {}
                ),
            },
        )


def _ratings(items: Mapping[str, Item], ids: Sequence[str]) -> dict[str, float]:
    """Each item's `rating` from its data; an item without one comes last in a pass."""
    ranks: dict[str, float] = {}
    for item_id in ids:
        rating = items[item_id].data.get("rating")
        if isinstance(rating, int | float) and not isinstance(rating, bool):
            ranks[item_id] = float(rating)
        else:
            ranks[item_id] = float("inf")
    return ranks
