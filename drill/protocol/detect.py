"""Plateau and phase-transition detection, driven one outcome at a time by the engine.

A learner's untaught answers are the honest measure of whether they have the rule
(drill.protocol.measure: probes and first answers, right whenever they came). This module
watches two windows, the recent training outcomes (right and in time) and the recent
untaught answers, and says in which phase the learner is:

- `new`: too few training outcomes to say anything;
- `memorizing`: training accuracy is not yet high;
- `plateau`: training accuracy is high while held-out accuracy is significantly below it
  and has not risen significantly: the learner has memorized but not generalized;
- `grokked`: held-out accuracy rose significantly (a transition, found by the rise test
  of `drill.protocol.stats`) or is simply high. Grokked is final and recorded once.

Events are past-tense frozen dataclasses; `exposure` on every event is the exposure at
which it was detected, so events always come in exposure order. The statistics and their
measured error rates are in docs/statistics.md.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, ClassVar, Literal

from drill.protocol.progress import Phase, ProgressState
from drill.protocol.records import EventKind
from drill.protocol.stats import LEVELS, rise_test, wilson_interval

__all__ = [
    "DetectedEvent",
    "DetectorConfig",
    "GeneralizationConfirmed",
    "Phase",
    "PlateauEnded",
    "PlateauStarted",
    "ProgressState",
    "ProgressTracker",
    "TransitionDetected",
    "event_from_json",
    "event_to_json",
]

TRACKER_VERSION = 2
"""2: untaught answers count right whenever they came (drill.protocol.measure); a state saved
by an earlier drill is replayed rather than trusted."""

PlateauEndReason = Literal["transition", "generalized", "training_dropped", "heldout_caught_up"]


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    """Detection defaults, chosen for ~10 % probes, chance near 1/13, grokking in 500-5,000."""

    probe_window: int = 200  # recent probes the rise test sees: ~2,000 exposures
    min_segment: int = 10  # probes on each side of a change: ~100 exposures of delay
    min_rise: float = 0.3  # after − before: a change of phase, not a drift
    alpha: float = 0.0002  # per-test level; ~2 % false grok over 500 probes at worst
    train_window: int = 50  # recent training outcomes behind "training accuracy"
    train_min: int = 20  # training outcomes before a learner stops being "new"
    plateau_enter: float = 0.8  # training accuracy at which a plateau can begin
    plateau_exit: float = 0.7  # hysteresis: it ends when training falls below this, or
    # when recent held-out accuracy reaches it without a significant rise
    heldout_window: int = 30  # recent probes behind "held-out accuracy" (as the seal)
    heldout_min: int = 10  # probes needed before a plateau can be called
    confidence: float = 0.95  # of the Wilson intervals for the gap and for generalization
    generalized_lower: float = 0.8  # held-out Wilson lower bound that counts as grokked

    def __post_init__(self) -> None:
        if self.alpha not in LEVELS:
            raise ValueError(f"alpha must be one of the calibrated levels {LEVELS}")
        if self.probe_window < 2 * self.min_segment:
            raise ValueError("probe_window must hold two segments of min_segment probes")
        if self.heldout_window > self.probe_window:
            raise ValueError("heldout_window must not exceed probe_window")
        if not 0 <= self.plateau_exit <= self.plateau_enter <= 1:
            raise ValueError("need 0 <= plateau_exit <= plateau_enter <= 1")
        if self.train_min > self.train_window or self.train_min < 1:
            raise ValueError("need 1 <= train_min <= train_window")


@dataclass(frozen=True, slots=True)
class PlateauStarted:
    """Training accuracy became high while held-out accuracy stayed significantly below."""

    kind: ClassVar[str] = EventKind.PLATEAU_STARTED
    exposure: int
    train_accuracy: float
    heldout_accuracy: float
    heldout_n: int


@dataclass(frozen=True, slots=True)
class PlateauEnded:
    """The plateau is over: by a transition, by generalizing, or by losing the training."""

    kind: ClassVar[str] = EventKind.PLATEAU_ENDED
    exposure: int
    started_at: int
    length: int
    """Exposures from `started_at` to `exposure`."""
    reason: PlateauEndReason


@dataclass(frozen=True, slots=True)
class TransitionDetected:
    """Held-out accuracy rose sharply and significantly: the learner grokked."""

    kind: ClassVar[str] = EventKind.TRANSITION_DETECTED
    exposure: int
    """When the rise became significant (the ordering key of events)."""
    change_exposure: int
    """Where it happened: the exposure of the first probe after the change point."""
    probe_index: int
    """The same place as an index into every probe the tracker has seen, from 0."""
    before_rate: float
    after_rate: float
    before_n: int
    after_n: int
    statistic: float
    critical_value: float
    p_value: float
    """An upper bound at the calibration table's resolution (see `stats.LEVELS`)."""


@dataclass(frozen=True, slots=True)
class GeneralizationConfirmed:
    """Held-out accuracy is high with no visible rise (the learner came knowing the rule)."""

    kind: ClassVar[str] = EventKind.GENERALIZATION_CONFIRMED
    exposure: int
    heldout_accuracy: float
    lower_bound: float
    heldout_n: int


DetectedEvent = PlateauStarted | PlateauEnded | TransitionDetected | GeneralizationConfirmed
_EVENT_TYPES: dict[str, type[DetectedEvent]] = {
    cls.kind: cls
    for cls in (PlateauStarted, PlateauEnded, TransitionDetected, GeneralizationConfirmed)
}


def event_to_json(event: DetectedEvent) -> dict[str, Any]:
    """An event's stored form: its fields and its `kind`."""
    return {"kind": event.kind, **asdict(event)}


def event_from_json(obj: dict[str, Any]) -> DetectedEvent:
    """Inverse of `event_to_json`."""
    fields = dict(obj)
    cls = _EVENT_TYPES[fields.pop("kind")]
    return cls(**fields)


class ProgressTracker:
    """Feed it every outcome in exposure order; it returns the events each one caused.

    Cheap per call: a training outcome costs a few additions; a probe runs the rise test
    on at most `probe_window` probes (a fraction of a millisecond), and none once grokked.
    """

    def __init__(self, config: DetectorConfig | None = None) -> None:
        self.config = config or DetectorConfig()
        self._train: deque[bool] = deque(maxlen=self.config.train_window)
        self._probes: deque[tuple[int, bool]] = deque(maxlen=self.config.probe_window)
        self._probes_seen = 0
        self._exposure = 0
        self._plateau_since: int | None = None
        self._grokked_at: int | None = None

    # --- driving ---

    def observe(self, exposure: int, is_probe: bool, success: bool) -> list[DetectedEvent]:
        """Record one answered exposure; return the events it caused, in order."""
        if exposure < self._exposure:
            raise ValueError(f"exposure {exposure} comes before {self._exposure}")
        self._exposure = exposure
        if is_probe:
            self._probes.append((exposure, success))
            self._probes_seen += 1
        else:
            self._train.append(success)
        if self._grokked_at is not None:
            return []
        events: list[DetectedEvent] = []
        if is_probe:
            events.extend(self._check_grok())
        if self._grokked_at is None:
            events.extend(self._check_plateau())
        return events

    @classmethod
    def rebuild(
        cls, outcomes: Iterable[tuple[int, bool, bool]], config: DetectorConfig | None = None
    ) -> tuple[ProgressTracker, list[DetectedEvent]]:
        """Replay past (exposure, is_probe, success) outcomes; the same events as live."""
        tracker = cls(config)
        events: list[DetectedEvent] = []
        for exposure, is_probe, success in outcomes:
            events.extend(tracker.observe(exposure, is_probe, success))
        return tracker, events

    # --- reading ---

    @property
    def state(self) -> ProgressState:
        """The current phase, with the plateau's length and the recent accuracies."""
        train = self._train_accuracy()
        successes, n = self._heldout()
        heldout = successes / n if n else None
        phase: Phase
        if self._grokked_at is not None:
            phase = "grokked"
        elif self._plateau_since is not None:
            phase = "plateau"
        else:
            phase = "new" if train is None else "memorizing"
        since = self._plateau_since
        return ProgressState(
            phase=phase,
            exposure=self._exposure,
            plateau_since=since,
            plateau_length=0 if since is None else self._exposure - since,
            grokked_at=self._grokked_at,
            train_accuracy=train,
            heldout_accuracy=heldout,
        )

    # --- persistence ---

    def to_json(self) -> dict[str, Any]:
        """The tracker's state: about 1 KB, saved so a learner resumes the next day."""
        return {
            "version": TRACKER_VERSION,
            "exposure": self._exposure,
            "probes_seen": self._probes_seen,
            "plateau_since": self._plateau_since,
            "grokked_at": self._grokked_at,
            "train": "".join("1" if x else "0" for x in self._train),
            "probe_exposures": [e for e, _ in self._probes],
            "probe_outcomes": "".join("1" if x else "0" for _, x in self._probes),
        }

    @classmethod
    def from_json(
        cls, obj: dict[str, Any], config: DetectorConfig | None = None
    ) -> ProgressTracker:
        """Inverse of `to_json`. A smaller window in `config` keeps the most recent outcomes."""
        if obj.get("version") != TRACKER_VERSION:
            raise ValueError(f"unknown tracker state version {obj.get('version')!r}")
        tracker = cls(config)
        tracker._exposure = int(obj["exposure"])
        tracker._probes_seen = int(obj["probes_seen"])
        tracker._plateau_since = obj["plateau_since"]
        tracker._grokked_at = obj["grokked_at"]
        tracker._train.extend(c == "1" for c in obj["train"])
        probes = zip(obj["probe_exposures"], obj["probe_outcomes"], strict=True)
        tracker._probes.extend((int(e), c == "1") for e, c in probes)
        return tracker

    # --- the detectors ---

    def _train_accuracy(self) -> float | None:
        if len(self._train) < self.config.train_min:
            return None
        return sum(self._train) / len(self._train)

    def _heldout(self) -> tuple[int, int]:
        """(successes, n) over the most recent `heldout_window` probes."""
        recent = list(self._probes)[-self.config.heldout_window :]
        return sum(1 for _, x in recent if x), len(recent)

    def _check_grok(self) -> list[DetectedEvent]:
        cfg = self.config
        outcomes = [x for _, x in self._probes]
        result = rise_test(outcomes, cfg.alpha, cfg.min_segment, cfg.min_rise)
        grok: DetectedEvent | None = None
        if result.significant and result.change is not None:
            change = result.change
            offset = self._probes_seen - len(self._probes)
            grok = TransitionDetected(
                exposure=self._exposure,
                change_exposure=self._probes[change.index][0],
                probe_index=offset + change.index,
                before_rate=change.before_rate,
                after_rate=change.after_rate,
                before_n=change.before_n,
                after_n=change.after_n,
                statistic=change.statistic,
                critical_value=result.critical_value,
                p_value=result.p_value,
            )
            self._grokked_at = grok.change_exposure
        else:
            successes, n = self._heldout()
            lower, _ = wilson_interval(successes, n, cfg.confidence)
            if n >= cfg.heldout_min and lower >= cfg.generalized_lower:
                grok = GeneralizationConfirmed(self._exposure, successes / n, lower, n)
                self._grokked_at = self._exposure
        if grok is None:
            return []
        events: list[DetectedEvent] = [grok]
        if self._plateau_since is not None:
            reason: PlateauEndReason = (
                "transition" if isinstance(grok, TransitionDetected) else "generalized"
            )
            events.append(self._end_plateau(reason))
        return events

    def _check_plateau(self) -> list[DetectedEvent]:
        cfg = self.config
        train = self._train_accuracy()
        successes, n = self._heldout()
        if train is None or n < cfg.heldout_min:
            return []
        heldout = successes / n
        if self._plateau_since is None:
            _, upper = wilson_interval(successes, n, cfg.confidence)
            if train >= cfg.plateau_enter and upper < train:
                self._plateau_since = self._exposure
                return [PlateauStarted(self._exposure, train, heldout, n)]
        elif train < cfg.plateau_exit:
            return [self._end_plateau("training_dropped")]
        elif heldout >= cfg.plateau_exit:
            return [self._end_plateau("heldout_caught_up")]
        return []

    def _end_plateau(self, reason: PlateauEndReason) -> PlateauEnded:
        assert self._plateau_since is not None
        since, self._plateau_since = self._plateau_since, None
        return PlateauEnded(self._exposure, since, self._exposure - since, reason)
