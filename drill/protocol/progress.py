"""Where a learner is on a deck, in the few figures the home screen shows, and their saved
form.

The engine saves these figures beside its state after every answer (`figures_to_json`), so
that the home screen reads them (`saved_figures`) without replaying the history through
the detectors and the seal, or importing them: start-up matters. They are keyed by what
they depend on, the last exposure and the items taught in other variants, so a saved
figure that is not of exactly this history is never used (the caller replays).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from drill.hashing import stable_hash
from drill.protocol.seal import SealView

Phase = Literal["new", "memorizing", "plateau", "grokked"]
FIGURES_VERSION = 3
"""2: held-out accuracy is the one measure (drill.protocol.measure); 3: a twin shown with
its answer teaches (`Domain.twins`). Figures saved under another version are replayed once."""
FIGURES_KEY = "figures"
"""Where the figures sit in the engine's saved state."""


@dataclass(frozen=True, slots=True)
class ProgressState:
    """Where the learner is, for the coach line and the report."""

    phase: Phase
    exposure: int
    """The last exposure observed."""
    plateau_since: int | None = None
    plateau_length: int = 0
    """Exposures spent on the current plateau (0 outside one)."""
    grokked_at: int | None = None
    """The exposure of the change (or of confirmation) once grokked."""
    train_accuracy: float | None = None
    heldout_accuracy: float | None = None


@dataclass(frozen=True, slots=True)
class Figures:
    """The detectors' state and the seal as shown, after one learner's history on a deck."""

    state: ProgressState
    seal: SealView
    """As of the last whole block of probes, closed (the caller opens it if on record)."""
    reached: bool
    """The untaught answers ever proved the rule: once open, the seal stays open."""

    def seal_view(self, opened: bool) -> SealView:
        """The seal as shown, open if it is on record as open or ever was proved."""
        return self.seal.opened() if opened or self.reached else self.seal


def taught_key(taught: Collection[str]) -> str:
    """Names the set of items taught elsewhere, which decides what counts as untaught."""
    return f"{stable_hash(*sorted(taught)):016x}"


def figures_to_json(figures: Figures, exposure: int, taught: Collection[str]) -> dict[str, Any]:
    """The figures after `exposure`, with items `taught` elsewhere, as JSON-ready data."""
    s, v = figures.state, figures.seal
    return {
        "version": FIGURES_VERSION,
        "exposure": exposure,
        "taught": taught_key(taught),
        "state": [s.phase, s.exposure, s.plateau_since, s.plateau_length, s.grokked_at,
                  s.train_accuracy, s.heldout_accuracy],
        "seal": [v.answered, v.right, v.statistic, v.more, v.total, v.waiting, v.total_right],
        "reached": figures.reached,
    }  # fmt: skip


def saved_figures(
    state: Mapping[str, Any], exposure: int, taught: Collection[str]
) -> Figures | None:
    """The figures in an engine's saved `state` if they are of exactly this history (its
    last `exposure`, the items `taught` elsewhere); else None, and the caller replays."""
    saved = state.get(FIGURES_KEY)
    if not isinstance(saved, dict) or saved.get("version") != FIGURES_VERSION:
        return None
    if saved.get("exposure") != exposure or saved.get("taught") != taught_key(taught):
        return None
    try:
        phase, at, since, length, grokked, train, heldout = saved["state"]
        answered, right, statistic, more, total, waiting, total_right = saved["seal"]
        progress = ProgressState(phase, at, since, length, grokked, train, heldout)
        seal = SealView(False, answered, right, float(statistic), more, total, waiting, total_right)
        return Figures(progress, seal, bool(saved["reached"]))
    except (KeyError, TypeError, ValueError):
        return None
