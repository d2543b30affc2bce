"""What the report is given to draw: plain data, no schema and no database.

The store builds these (drill.store.report); the report only reads them. Bins are
exposures grouped `width` at a time (and by probe or not), with counts and sums per bin,
so a history of a million attempts arrives as about 40,000 rows of numbers and everything
after is NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from drill.protocol.records import EventRecord

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Bins:
    """Exposures in bins of `width`, only the bins that hold any; arrays in exposure order."""

    width: int
    first: IntArray  # smallest exposure in the bin
    last: IntArray  # largest exposure in the bin
    train_n: IntArray  # training exposures
    train_ok: IntArray  # ... right and in time
    probe_n: IntArray  # held-out probes
    probe_ok: IntArray
    rt_sum: FloatArray  # sum of response_ms of first steps that have one
    rt_n: IntArray
    deadline_sum: FloatArray  # sum of deadline_ms of first steps
    first_at: list[datetime] = field(default_factory=list)
    """When each bin's first exposure was shown (UTC): the calendar's days, from the same
    scan (exact while a bin is one exposure, i.e. up to BINS_TARGET exposures)."""
    untaught_n: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Untaught exposures (drill.protocol.measure): probes and first answers ..."""
    untaught_right: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """... right, whenever the answer came (held-out accuracy) ..."""
    untaught_fluent: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """... right and in time (fluency)."""

    @property
    def empty(self) -> bool:
        return len(self.first) == 0


@dataclass(frozen=True)
class DeckHistory:
    """Everything the report shows for one learner and deck."""

    learner: str
    deck: str
    n_train: int  # training items in the deck: one epoch is this many training exposures
    bins: Bins
    train_before: int  # training exposures before --since (0 without it)
    sessions: int
    seconds: float  # time spent in those sessions
    last_exposure: int  # over the whole history, --since or not
    events: list[EventRecord]  # within --since
    all_events: list[EventRecord]  # for the current state
    reference: dict[str, Any] | None = None  # the kept network on the learner's stream
    since: datetime | None = None


@dataclass(frozen=True)
class DeckSummary:
    """One line of the no-deck report."""

    deck: str
    sessions: int
    exposures: int
    train_accuracy: float | None
    probes: int
    heldout_accuracy: float | None
    """Untaught answers right, whenever they came (drill.protocol.measure)."""
    last_seen: datetime | None
    last_exposure: int
    events: list[EventRecord] = field(default_factory=list)
    untaught: int = 0
    """Untaught answers behind `heldout_accuracy`."""
