"""The report's curves, computed from binned history with NumPy, on one axis of exposures.

The shared axis is **exposures**, on a log scale: the learner's nth item is exposure n
(probes included), and the reference network follows the same stream, item by item
(drill.reference.stream), so its point at exposure n is the network after the learner's
first n exposures. Each point of the learner's curves also carries its epochs (training
exposures so far / training items in the deck; a probe is not a training exposure).

Each point of the learner's curves is a window of exposures ending at the point:

- training accuracy: the training exposures of the last 10 % of exposures, widened to hold
  at least the last 50 training exposures (the detector's training window);
- held-out accuracy, the one measure (drill.protocol.measure): the untaught answers (probes
  and first answers) of the last 10 % of exposures, widened to hold at least the deck's
  `rule.window` of them (30 unless the deck says otherwise), right whenever they came, with
  a 95 % Wilson interval;
- fluency: the same window's untaught answers that were right and in time;
- response time and deadline: means over the training accuracy's window (all first steps).

Every point carries its window's first and last exposure, so a reader can check it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from drill.protocol.detect import DetectorConfig
from drill.protocol.records import EventKind, EventRecord
from drill.protocol.stats import wilson_interval
from drill.report.data import Bins, DeckHistory, FloatArray, IntArray

WINDOW_FRACTION = 0.1  # every window covers at least the last tenth of exposures
POINTS = 240  # points of a curve, log-spaced in exposures
_DETECTOR = DetectorConfig()


@dataclass(frozen=True)
class Windows:
    """How many outcomes back the curves look: the detector's and the deck's own numbers,
    so the report shows the accuracies the protocol judges by."""

    train: int = _DETECTOR.train_window
    """At least this many training exposures behind training accuracy."""
    heldout: int = _DETECTOR.heldout_window
    """At least this many probes behind held-out accuracy: the deck's `rule.window`."""
    train_min: int = _DETECTOR.train_min
    """The curves start once this many training exposures are in (as the detector)."""

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> Windows:
        """The windows of a deck, from its flat settings (Deck.settings)."""
        return cls(heldout=int(settings["rule.window"]))


DEFAULT_WINDOWS = Windows()


@dataclass(frozen=True)
class Window:
    """One rolling rate at each point: the window of exposures, its count and successes."""

    start: IntArray  # first exposure of the window
    n: IntArray
    ok: IntArray

    @property
    def rate(self) -> FloatArray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.n > 0, self.ok / np.maximum(self.n, 1), np.nan)


@dataclass(frozen=True)
class Curves:
    """The learner's curves at points in exposure order."""

    exposure: IntArray  # the point: last exposure of every window
    epochs: FloatArray  # training exposures up to the point / training items
    train: Window
    heldout: Window
    """Untaught answers, right whenever they came: the learning measure."""
    heldout_low: FloatArray  # 95 % Wilson interval of held-out accuracy (nan: no probes)
    heldout_high: FloatArray
    response_ms: FloatArray  # mean response time over the training window
    deadline_ms: FloatArray  # mean deadline over the same window
    fluency: Window | None = None
    """The held-out window's untaught answers right and in time (None: not computed)."""

    def __len__(self) -> int:
        return len(self.exposure)

    def epochs_at(self, exposures: Any) -> FloatArray:
        """Exposure counts (events) placed on the epoch axis, by interpolation."""
        x = np.asarray(exposures, dtype=np.float64)
        if len(self) == 0:
            return np.full_like(x, np.nan)
        return np.interp(x, self.exposure.astype(np.float64), self.epochs)


@dataclass(frozen=True)
class NetworkCurve:
    """The reference network that followed the learner's stream, tested every few
    exposures on the items the learner had not been taught by then (held-out) and on
    those taught so far (training)."""

    exposure: IntArray
    heldout_accuracy: FloatArray  # nan where nothing was left untaught
    heldout_n: IntArray  # untaught items tested (a fixed sample when there are many)
    heldout_untaught: IntArray  # untaught items there were
    heldout_correct: IntArray
    train_accuracy: FloatArray  # on the items taught so far (nan before the first)
    steps: IntArray  # AdamW steps taken: one per training exposure
    n_train: int  # items taught to it by the last point
    at_exposure: int  # the last exposure it has followed

    def __len__(self) -> int:
        return len(self.exposure)


@dataclass(frozen=True)
class Stretch:
    """A plateau, from its first to its last exposure (open: still on it)."""

    start: int
    end: int
    open: bool


@dataclass(frozen=True)
class Mark:
    """A moment to point at: a transition (at the change) or an early reveal."""

    kind: str  # "grokked" | "early_reveal" | "rule_unsealed"
    exposure: int
    detected: int  # the exposure at which it was recorded
    label: str


def point_bins(bins: Bins, points: int = POINTS, train_min: int = _DETECTOR.train_min) -> IntArray:
    """Indices of bins to put points at: log-spaced in exposure, the last always included."""
    if bins.empty:
        return np.zeros(0, dtype=np.int64)
    begin = min(int(np.searchsorted(np.cumsum(bins.train_n), train_min)), len(bins.last) - 1)
    lo, hi = float(bins.last[begin]), float(bins.last[-1])
    targets = np.geomspace(lo, hi, num=max(2, points)) if hi > lo else np.array([hi])
    index = np.searchsorted(bins.last, targets, side="left")
    return np.unique(np.clip(index, 0, len(bins.last) - 1)).astype(np.int64)


def _window(bins: Bins, at: IntArray, n: IntArray, ok: IntArray, least: int) -> Window:
    """Per point: bins from the later of (≥ `least` outcomes back, 10 % of exposures back)."""
    cum_n = np.concatenate(([0], np.cumsum(n)))
    cum_ok = np.concatenate(([0], np.cumsum(ok)))
    end = at + 1
    by_count = np.searchsorted(cum_n, cum_n[end] - least, side="right") - 1
    by_count = np.clip(by_count, 0, None)
    cutoff = bins.last[at] * (1 - WINDOW_FRACTION)
    by_fraction = np.searchsorted(bins.last, cutoff, side="right")
    start = np.minimum(by_count, np.minimum(by_fraction, at))
    return Window(
        start=bins.first[start],
        n=(cum_n[end] - cum_n[start]).astype(np.int64),
        ok=(cum_ok[end] - cum_ok[start]).astype(np.int64),
    )


def _mean_over(bins: Bins, at: IntArray, start_exposure: IntArray) -> tuple[FloatArray, ...]:
    start = np.searchsorted(bins.first, start_exposure, side="left")
    end = at + 1

    def cum(values: Any) -> FloatArray:
        return np.concatenate(([0.0], np.cumsum(np.asarray(values, dtype=np.float64))))

    rt, rt_n = cum(bins.rt_sum), cum(bins.rt_n)
    dl, dl_n = cum(bins.deadline_sum), cum(bins.train_n + bins.probe_n)
    with np.errstate(invalid="ignore", divide="ignore"):
        response = (rt[end] - rt[start]) / (rt_n[end] - rt_n[start])
        deadline = (dl[end] - dl[start]) / (dl_n[end] - dl_n[start])
    return response, deadline


def compute_curves(
    data: DeckHistory, points: int = POINTS, windows: Windows = DEFAULT_WINDOWS
) -> Curves:
    """The learner's rolling curves at about `points` log-spaced points."""
    bins = data.bins
    at = point_bins(bins, points, windows.train_min)
    train = _window(bins, at, bins.train_n, bins.train_ok, windows.train)
    heldout = _window(bins, at, bins.untaught_n, bins.untaught_right, windows.heldout)
    fluency = Window(
        heldout.start, heldout.n, _window_sum(bins, at, heldout.start, bins.untaught_fluent)
    )
    bands = [
        wilson_interval(int(k), int(n)) if n else (np.nan, np.nan)
        for k, n in zip(heldout.ok, heldout.n, strict=True)
    ]  # one call per point, not per row
    band = np.array(bands, dtype=np.float64).reshape(-1, 2)
    response, deadline = _mean_over(bins, at, train.start)
    trained = data.train_before + np.cumsum(bins.train_n)[at] if len(at) else at
    return Curves(
        exposure=bins.last[at],
        epochs=np.asarray(trained, dtype=np.float64) / data.n_train,
        train=train,
        heldout=heldout,
        heldout_low=band[:, 0],
        heldout_high=band[:, 1],
        response_ms=response,
        deadline_ms=deadline,
        fluency=fluency,
    )


def _window_sum(bins: Bins, at: IntArray, start_exposure: IntArray, values: IntArray) -> IntArray:
    """Sum of `values` over the bins from `start_exposure` to each point (the same windows
    as another series, so that two rates share their denominators)."""
    cum = np.concatenate(([0], np.cumsum(values)))
    start = np.searchsorted(bins.first, start_exposure, side="left")
    return (cum[at + 1] - cum[start]).astype(np.int64)


def network_curve(run: dict[str, Any] | None) -> NetworkCurve | None:
    """The kept stream run's curve (drill.reference.stream), or None when there is none
    (a full-batch run of `drill reference` is on its own axis of steps, and not drawn)."""
    curve = (run or {}).get("curve") or []
    if not curve or "exposure" not in curve[0]:
        return None

    def column(part: str, key: str, dtype: Any) -> Any:
        values = [p[part][key] for p in curve]
        if dtype is np.float64:
            values = [np.nan if v is None else v for v in values]
        return np.array(values, dtype=dtype)

    assert run is not None
    return NetworkCurve(
        exposure=np.array([p["exposure"] for p in curve], dtype=np.int64),
        heldout_accuracy=column("heldout", "accuracy", np.float64),
        heldout_n=column("heldout", "n", np.int64),
        heldout_untaught=np.array(
            [p["heldout"].get("untaught", p["heldout"]["n"]) for p in curve], dtype=np.int64
        ),
        heldout_correct=column("heldout", "correct", np.int64),
        train_accuracy=column("train", "accuracy", np.float64),
        steps=np.array([p["steps"] for p in curve], dtype=np.int64),
        n_train=int(run.get("n_train") or 0),
        at_exposure=int(run.get("exposures") or 0),
    )


def plateaus(events: list[EventRecord], first: int, last: int) -> list[Stretch]:
    """Plateau stretches from the events, clipped to [first, last] exposures."""
    stretches: list[Stretch] = []
    start: int | None = None
    for event in events:
        if event.kind == EventKind.PLATEAU_STARTED:
            start = event.exposure
        elif event.kind == EventKind.PLATEAU_ENDED:
            begun = int(event.data.get("started_at", start if start is not None else first))
            stretches.append(Stretch(max(first, begun), event.exposure, open=False))
            start = None
    if start is not None:
        stretches.append(Stretch(max(first, start), last, open=True))
    return [s for s in stretches if s.end >= first and s.start <= last]


def marks(events: list[EventRecord]) -> list[Mark]:
    """Transitions (at the change), high accuracy confirmed, the rule found, early reveals,
    each named as every surface names it (drill.protocol.state)."""
    from drill.protocol.state import confirmed_words, found_words, transition_words

    found: list[Mark] = []
    for event in events:
        if event.kind == EventKind.TRANSITION_DETECTED:
            change = int(event.data.get("change_exposure", event.exposure))
            text = transition_words(change, event.exposure)
            found.append(Mark("grokked", change, event.exposure, text))
        elif event.kind == EventKind.GENERALIZATION_CONFIRMED:
            text = confirmed_words(event.exposure)
            found.append(Mark("grokked", event.exposure, event.exposure, text))
        elif event.kind == EventKind.RULE_UNSEALED:
            text = found_words(event.exposure)
            found.append(Mark(EventKind.RULE_UNSEALED, event.exposure, event.exposure, text))
        elif event.kind == EventKind.EARLY_REVEAL:
            text = f"rule revealed early at exposure {event.exposure:,}"
            found.append(Mark(EventKind.EARLY_REVEAL, event.exposure, event.exposure, text))
    return found


@dataclass(frozen=True)
class State:
    """Where the learner stands now, from the recorded events (drill.protocol.state)."""

    phase: str  # a drill.protocol.state.StateName: "found it", "plateau", "control", ...
    text: str


def current_state(events: list[EventRecord], last_exposure: int, *, control: bool = False) -> State:
    """The same state the home screen, the summary and `drill learners` name: one function
    (drill.protocol.state.learner_state) of the recorded events and the last exposure."""
    from drill.protocol.state import learner_state

    state = learner_state(
        events=[(e.kind, e.exposure) for e in events], exposures=last_exposure, control=control
    )
    return State(state.name, state.text)
