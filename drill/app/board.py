"""The teacher's phase board: where every learner of a class stands, on every deck.

One row per learner and deck: the state word (the same word `drill learners` and the
home screen give), exposures today and in all, recent accuracy on untaught answers,
whether the rule was found and when, and when the learner was last seen. It reads the
running figures (drill.store.board), so a class of hundreds refreshes in well under a
second.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from drill.protocol.records import RULE_OPENED, EventKind

if TYPE_CHECKING:
    from drill.store.board import BoardFigures
    from drill.store.history import History


@dataclass(frozen=True)
class BoardRow:
    learner: str
    deck: str
    state: str
    """The state word, as `drill learners` says it."""
    today: int
    exposures: int
    untaught: float | None
    """Accuracy on the recent untaught answers, right whenever they came (None: none yet)."""
    untaught_n: int
    """How many recent untaught answers `untaught` rests on."""
    found_at: int | None
    """The exposure at which the rule opened on the learner's own answers."""
    found_on: datetime | None
    last_seen: datetime | None


SORTS: dict[str, Callable[[BoardRow], object]] = {
    "learner": lambda r: r.learner.casefold(),
    "deck": lambda r: r.deck,
    "state": lambda r: r.state,
    "today": lambda r: r.today,
    "total": lambda r: r.exposures,
    "untaught": lambda r: r.untaught,
    "found": lambda r: r.found_at,
    "seen": lambda r: r.last_seen,
}
"""Column name → sort key, in the board's column order."""


def board_rows(history: History, now: datetime, tz: tzinfo) -> list[BoardRow]:
    """Every learner on every deck, by name then deck."""
    local = now.astimezone(tz)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    controls: dict[str, bool] = {}
    return [_row(f, controls) for f in history.board.figures(day_start)]


def _row(figures: BoardFigures, controls: dict[str, bool]) -> BoardRow:
    from drill.report.curves import current_state

    if figures.deck not in controls:
        controls[figures.deck] = _is_control(figures.deck)
    state = current_state(figures.events, figures.exposures, control=controls[figures.deck])
    found = next(
        (e for e in figures.events if e.kind in RULE_OPENED and e.kind != EventKind.EARLY_REVEAL),
        None,
    )
    return BoardRow(
        learner=figures.learner,
        deck=figures.deck,
        state=state.phase,
        today=figures.today,
        exposures=figures.exposures,
        untaught=figures.untaught_right / figures.untaught_n if figures.untaught_n else None,
        untaught_n=figures.untaught_n,
        found_at=found.exposure if found else None,
        found_on=found.at if found else None,
        last_seen=figures.last_seen,
    )


def _is_control(deck: str) -> bool:
    from drill.decks import DeckError, load_deck

    try:
        return load_deck(deck).control
    except DeckError:
        return False


def sort_rows(rows: Sequence[BoardRow], column: str, descending: bool = False) -> list[BoardRow]:
    """The rows by one column (`SORTS`), ties by learner then deck; empty values last."""
    key = SORTS[column]
    present = [r for r in rows if key(r) is not None]
    absent = [r for r in rows if key(r) is None]
    ordered = sorted(present, key=lambda r: (r.learner.casefold(), r.deck))
    ordered.sort(key=key, reverse=descending)  # type: ignore[arg-type]
    return ordered + sorted(absent, key=lambda r: (r.learner.casefold(), r.deck))
