"""Where a learner stands on each deck: the home screen's and the summary's figures.

A standing is that of the deck's variant as loaded (its fingerprint: domain, parameters,
seed, split): another seed or `--param` is another variant, with its own.

State and the seal come from the figures the engine saved after the last answer when they
are of exactly this history (`drill.protocol.progress`), else from replaying it through
the detectors and the seal (imported only then: the home screen's start-up). Days are the
learner's local calendar days, so a daily target and the run of days met follow the
learner's clock, not UTC.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from drill.protocol.progress import Figures, ProgressState, saved_figures
from drill.protocol.records import GROK_KINDS, RULE_OPENED, EventKind, PastOutcome
from drill.protocol.seal import PROGRESS_BLOCK, SealShown, SealTest, shown_view
from drill.protocol.state import LearnerState, learner_state

if TYPE_CHECKING:
    from typing import Any

    from drill.decks import Deck
    from drill.protocol.seal import SealView
    from drill.store.reader import HistoryReader

STATE_EVENTS = (EventKind.PLATEAU_STARTED, EventKind.PLATEAU_ENDED, *GROK_KINDS, *RULE_OPENED)
"""The events the state word is read from (drill.protocol.state.learner_state)."""
SPARK_BARS = "▁▂▃▄▅▆▇█"
EMPTY = ProgressState(phase="new", exposure=0)
WINDOW_DAYS = 400
"""How far back days are counted for the run of days met (longer runs show as 400+)."""


@dataclass(frozen=True)
class Standing:
    """One learner on one deck."""

    deck: str
    title: str
    state: ProgressState
    exposures: int
    today: int
    target: int
    run_days: int
    """Consecutive days, up to today, on which the daily target was met."""
    grokked_on: date | None = None
    rule_open: bool = False
    heldout: Sequence[float] = field(default_factory=tuple)
    """Held-out accuracy in successive whole blocks of HELDOUT_BLOCK untaught answers,
    oldest first (the sparkline)."""
    learner_state: LearnerState = field(
        default_factory=lambda: learner_state(events=(), exposures=0)
    )
    seal: SealView | None = None
    """Progress toward the seal, as of the last whole block of probes (None: no rule)."""
    description: str = ""

    @property
    def label(self) -> str:
        """The state in a few words: new, memorizing, plateau (N exp.), found it at N, ..."""
        return self.learner_state.label

    @property
    def seal_line(self) -> str:
        """ "untaught items: 23 of 25 right; about 4 more to open", or "" for a control."""
        return "" if self.seal is None else self.seal.message


def local_days(counts: Iterable[tuple[datetime, int]], tz: tzinfo) -> Counter[date]:
    """Counts at aware instants (per UTC minute, per report bin, ...) summed into the
    learner's local calendar days."""
    days: Counter[date] = Counter()
    for at, n in counts:
        days[at.astimezone(tz).date()] += n
    return days


def exposure_days(
    history: HistoryReader,
    learner_id: int,
    deck: str | None,
    now: datetime,
    tz: tzinfo,
    fingerprint: str | None = None,
) -> Counter[date]:
    """Exposures per local day over the last WINDOW_DAYS (on one variant, if given: what
    the home row's total counts too), counted in SQL by the minute."""
    since = now - timedelta(days=WINDOW_DAYS)
    minutes = history.exposures_per_minute(learner_id, deck, since, fingerprint=fingerprint)
    return local_days(minutes, tz)


def run_of_days(per_day: Counter[date], target: int, today: date) -> int:
    """Days in a row the target was met, ending today, or yesterday while today is open."""
    if target <= 0:
        return 0
    day = today if per_day[today] >= target else today - timedelta(days=1)
    run = 0
    while per_day[day] >= target:
        run += 1
        day -= timedelta(days=1)
    return run


def sparkline(values: Sequence[float]) -> str:
    """▁▂▃▄▅▆▇█ for values in [0, 1]."""
    top = len(SPARK_BARS) - 1
    return "".join(SPARK_BARS[round(max(0.0, min(1.0, v)) * top)] for v in values)


HELDOUT_BLOCK = 10
"""The home screen's held-out sparkline: one bar per whole block of this many untaught
answers, counted as of the last whole block of PROGRESS_BLOCK probes, so that no single
probe's outcome can be read off a bar as it changes."""


def heldout_blocks(
    past: Sequence[PastOutcome],
    taught: Collection[str] = (),
    blocks: int = 12,
    size: int = HELDOUT_BLOCK,
) -> list[float]:
    """Held-out accuracy (the one measure: untaught answers, right whenever they came) over
    each whole block of `size` untaught answers, the last `blocks` blocks."""
    from drill.protocol.measure import untaught_answers

    answers = untaught_answers(past, taught)
    cut, probes = 0, 0  # as of the last whole block of probes, as the seal's line
    for i, answer in enumerate(answers, 1):
        probes += answer.probe
        if probes % PROGRESS_BLOCK == 0:
            cut = i
    right = [a.right for a in answers[:cut]]
    whole = len(right) - len(right) % size
    chunks = [right[i : i + size] for i in range(0, whole, size)]
    return [sum(c) / size for c in chunks[-blocks:]]


@dataclass(frozen=True)
class Seal:
    """Where a learner stands with a deck's rule."""

    revealed: bool
    """On record as open: earned (rule_unsealed) or revealed early (early_reveal)."""
    view: SealView
    """Progress toward the seal, as of the last whole block of probes."""
    exposures: int


def seal_of(history: HistoryReader, learner_id: int | None, deck: Deck) -> Seal:
    """The learner's seal on `deck` (a learner with no history has a closed one)."""
    if learner_id is None:
        return Seal(False, _seal_view(deck, [], False), 0)
    past = history.outcomes(learner_id, deck.fingerprint)
    revealed = history.rule_revealed(learner_id, deck.fingerprint)
    taught = _taught_elsewhere(history, learner_id, deck) if past else frozenset()
    view = _seal_view(deck, past, revealed, taught)
    return Seal(revealed, view, past[-1].exposure if past else 0)


def _taught_elsewhere(history: HistoryReader, learner_id: int, deck: Deck) -> frozenset[str]:
    """What this learner was taught in other variants: never untaught evidence here."""
    return history.taught_ids(learner_id, deck.domain_name, elsewhere=deck.fingerprint)


def _seal_view(
    deck: Deck, past: Sequence[PastOutcome], opened: bool, taught: Collection[str] = ()
) -> SealView:
    """The seal as shown; open when on record, or when the untaught answers ever proved it
    (a history written before the seal was recorded as an event)."""
    if not past:
        return SealShown(SealTest.of(deck.settings)).view(opened)
    return _replayed(deck, {}, past, taught).seal_view(opened)


def _replayed(
    deck: Deck, saved: Mapping[str, Any], past: Sequence[PastOutcome], taught: Collection[str]
) -> Figures:
    """The figures from the history itself: the detectors (from their saved state when it
    saw exactly this history) and the seal replayed."""
    from drill.protocol.engine import replay_seal, resume_tracker, seal_evidence

    test = SealTest.of(deck.settings)
    evidence = seal_evidence(deck.domain, lambda: {item.id: item for item in deck.items})
    tracker, stream = replay_seal(past, test, taught, deck.twins, evidence)
    window = int(deck.settings["rule.window"])
    state = (
        resume_tracker(saved, past, taught, window, deck.twins, evidence).state if past else EMPTY
    )
    return Figures(state, shown_view(stream, test), tracker.ever_reached)


def figures_of(
    history: HistoryReader, learner_id: int, deck: Deck, past: Sequence[PastOutcome]
) -> Figures:
    """The detectors' state and the seal after `past`: saved by the engine after the last
    answer, or, where that is missing or not of this history, replayed."""
    saved = history.load_deck_state(learner_id, deck.fingerprint) or {}
    taught = _taught_elsewhere(history, learner_id, deck)
    figures = saved_figures(saved, past[-1].exposure, taught) if past else None
    return figures if figures is not None else _replayed(deck, saved, past, taught)


def standing(
    history: HistoryReader, learner: str, deck: Deck, now: datetime, tz: tzinfo
) -> Standing:
    """Where `learner` stands on `deck` at `now` (an aware datetime), days in `tz`."""
    target = int(deck.setting("session.daily_target"))
    learner_id = history.learner_id(learner, create=False)
    control = deck.control
    fresh = Standing(
        deck.name, deck.title, EMPTY, 0, 0, target, 0,
        learner_state=learner_state(events=(), exposures=0, control=control),
        seal=None if control else _seal_view(deck, [], False),
        description=deck.description,
    )  # fmt: skip
    if learner_id is None:
        return fresh
    past = history.outcomes(learner_id, deck.fingerprint)
    if not past:
        return fresh
    figures = figures_of(history, learner_id, deck, past)
    state = figures.state
    per_day = exposure_days(history, learner_id, deck.name, now, tz, deck.fingerprint)
    today = now.astimezone(tz).date()
    events = history.events(learner_id, deck.fingerprint, kinds=STATE_EVENTS)
    grok = next((e for e in events if e.kind in GROK_KINDS), None)
    rule_open = any(e.kind in RULE_OPENED for e in events)
    return Standing(
        deck=deck.name,
        title=deck.title,
        state=state,
        exposures=past[-1].exposure,
        today=per_day[today],
        target=target,
        run_days=run_of_days(per_day, target, today),
        grokked_on=grok.at.astimezone(tz).date() if grok else None,
        rule_open=rule_open,
        heldout=heldout_blocks(past),
        learner_state=learner_state(
            events=[(e.kind, e.exposure) for e in events],
            exposures=past[-1].exposure,
            control=control,
        ),
        seal=None if control else figures.seal_view(rule_open),
        description=deck.description,
    )


def weak_spots(deck: Deck, missed: Sequence[str], top: int = 3) -> list[tuple[str, int]]:
    """The motifs or chord qualities missed most among `missed` training items."""
    key = deck.spec.weak_spot_key
    if key is None:
        return []
    by_id = {item.id: item for item in deck.items}
    counts = Counter(
        str(by_id[i].data[key])
        for i in missed
        if i in by_id and by_id[i].split == "train" and key in by_id[i].data
    )
    return counts.most_common(top)


def variant_decks(reader: HistoryReader, learner_id: int, deck: Deck) -> list[tuple[str, Deck]]:
    """The other variants of `deck` the learner drilled that its parameters make again,
    oldest first, each with the name it goes by ("modarith · glyphs" for
    presentation=glyphs). A variant made with another seed or deck file is left out."""
    from drill.decks import DeckError, load_deck

    found = []
    for fingerprint, params in reader.variant_params(learner_id, deck.name):
        if fingerprint == deck.fingerprint:
            continue
        changed = {k: v for k, v in params.items() if deck.params.get(k) != v}
        overrides = [f"{k}={str(v).lower() if isinstance(v, bool) else v}"
                     for k, v in changed.items()]  # fmt: skip
        try:
            variant = load_deck(deck.name, overrides)
        except DeckError:
            continue
        if changed and variant.fingerprint == fingerprint:
            found.append((f"{deck.name} · {', '.join(str(v) for v in changed.values())}", variant))
    return found


def variant_states(
    history: HistoryReader, learner_id: int, deck: Deck
) -> list[tuple[str, LearnerState]]:
    """The state word of every variant of `deck` the learner drilled (the deck as loaded
    first), named as the home screen's rows are."""
    rows = []
    for name, variant in [(deck.name, deck), *variant_decks(history, learner_id, deck)]:
        past = history.outcomes(learner_id, variant.fingerprint)
        if not past:
            continue
        events = history.events(learner_id, variant.fingerprint, kinds=STATE_EVENTS)
        state = learner_state(
            events=[(e.kind, e.exposure) for e in events],
            exposures=past[-1].exposure,
            control=variant.control,
        )
        rows.append((name, state))
    return rows
