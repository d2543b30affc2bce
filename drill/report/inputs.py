"""What a deck's report is drawn from, as plain data: the use case (drill.app.report) reads
it from the store, and the report page (drill.report.page) draws it. No rich here, so the
use cases that hand it over never import a renderer."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, tzinfo

from drill.report.changes import Changes
from drill.report.curves import DEFAULT_WINDOWS, Curves, NetworkCurve, Windows
from drill.report.data import DeckHistory


@dataclass(frozen=True)
class ReportInputs:
    """One learner's history on one variant of a deck, and how the deck reads it."""

    data: DeckHistory
    control: bool = False
    """A control deck: the report never says a rule forms."""
    windows: Windows = DEFAULT_WINDOWS
    """The deck's own windows (its `rule.window`)."""
    days: Counter[date] = field(default_factory=Counter)
    """Exposures per local day (the calendar heatmap)."""
    today: date | None = None
    target: int = 0
    """The deck's daily target of exposures."""
    zone: tzinfo | None = None
    """The learner's time zone, for the days and times shown (None: UTC)."""
    changes: Changes | None = None
    """Change-points in the learner's own answers: pace, and insight where it is dated."""


@dataclass(frozen=True)
class SmallCurves:
    """The summary's small curves: the learner's, and the network's if it has run."""

    curves: Curves
    network: NetworkCurve | None
