"""The session engine: a state machine that answers, times out and quits at random,
with the protocol's promises checked after every step."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from drill.decks import load_deck
from drill.domains.base import with_twins
from drill.protocol.engine import (
    BlockPlan,
    Engine,
    Feedback,
    LearnerPast,
    Material,
    Outcome,
    Settings,
    replay_seal,
    resume_tracker,
)
from drill.protocol.pressure import DeadlineController
from drill.protocol.progress import saved_figures
from drill.protocol.records import AttemptRecord
from drill.protocol.scheduler import RETRY_GAP, Scheduler
from drill.protocol.seal import SealTest, shown_view
from tests.protocol.fakes import MemoryHistory

DECK = load_deck("modarith", ["session.length=1000", "probe_rate=0.3"])
SETTINGS = Settings.from_mapping(DECK.settings)
CLOCK = lambda: datetime(2026, 11, 24, tzinfo=UTC)  # noqa: E731


def make_engine(history: MemoryHistory, seed: int = 0, **overrides: object) -> Engine:
    settings_ = Settings(**{**SETTINGS.__dict__, **overrides})  # type: ignore[arg-type]
    return Engine(
        Material(DECK.items, DECK.domain, settings_),
        history,
        LearnerPast(history.outcomes(), state=history.state),
        BlockPlan(seed, CLOCK),
    )


def wrong(answer: str) -> str:
    return str((int(answer) + 1) % 13)


class EngineMachine(RuleBasedStateMachine):
    """Random answers, timeouts and quits; every invariant after every step."""

    @initialize(seed=st.integers(0, 2**16))
    def start(self, seed: int) -> None:
        self.history = MemoryHistory()
        self.engine = make_engine(self.history, seed)
        self.calls = 0
        self.outcomes: list[tuple[bool, Outcome]] = []
        self.shown = self.engine.next_item()

    def _answer(self, text: str, ms: float) -> None:
        assert self.shown is not None
        outcome = self.engine.answer(text, ms)
        self.calls += 1
        self.outcomes.append((self.shown.probe, outcome))
        if outcome.ends_item:
            self.shown = self.engine.next_item()

    @precondition(lambda self: self.shown is not None)
    @rule(ms=st.floats(0, 1000))
    def answer_right(self, ms: float) -> None:
        assert self.shown is not None
        self._answer(self.shown.item.answer, ms)

    @precondition(lambda self: self.shown is not None)
    @rule(ms=st.floats(0, 1000))
    def answer_wrong(self, ms: float) -> None:
        assert self.shown is not None
        self._answer(wrong(self.shown.item.answer), ms)

    @precondition(lambda self: self.shown is not None)
    @rule(text=st.text(max_size=30))
    def answer_anything(self, text: str) -> None:
        """Any Unicode at all: never a crash, always recorded exactly."""
        self._answer(text, 500)
        assert self.history.attempts[-1].response == text

    @precondition(lambda self: self.shown is not None)
    @rule(extra=st.floats(1, 60_000))
    def answer_late(self, extra: float) -> None:
        assert self.shown is not None
        self._answer(self.shown.item.answer, self.shown.deadline_ms + extra)
        assert self.history.attempts[-1].timed_out

    @precondition(lambda self: self.shown is not None)
    @rule()
    def walk_away(self) -> None:
        self.engine.expire()
        self.calls += 1
        self.shown = self.engine.next_item()

    @rule(seed=st.integers(0, 2**16))
    def quit_and_come_back(self, seed: int) -> None:
        """A new session picks up the exposure count from history."""
        before = self.engine.counters.total_exposures
        self.engine = make_engine(self.history, seed)
        assert self.engine.counters.total_exposures == before
        self.shown = self.engine.next_item()

    @invariant()
    def probes_only_from_heldout_and_drill_only_from_train(self) -> None:
        for attempt in self.history.attempts:
            assert attempt.probe == (attempt.split == "heldout")

    @invariant()
    def no_heldout_answer_is_ever_revealed(self) -> None:
        for probe, outcome in self.outcomes:
            if probe:
                assert outcome.answer is None
                # Only "couldn't read that" may carry a note: how to type, never the result.
                assert outcome.note == "" or outcome.feedback is Feedback.UNREADABLE
                assert outcome.feedback in (Feedback.TAKEN, Feedback.LATE, Feedback.UNREADABLE)

    @invariant()
    def deadline_within_bounds(self) -> None:
        assert SETTINGS.floor_ms <= self.engine.deadline.deadline_ms <= SETTINGS.ceiling_ms
        for attempt in self.history.attempts:
            assert SETTINGS.floor_ms <= attempt.deadline_ms <= SETTINGS.ceiling_ms

    @invariant()
    def every_answer_recorded_once(self) -> None:
        assert len(self.history.attempts) == self.calls

    @invariant()
    def saved_figures_are_what_a_replay_of_the_history_gives(self) -> None:
        """The home screen reads the saved figures instead of replaying: the same answer."""
        past = self.history.outcomes()
        if not past:
            return
        assert self.history.state is not None
        figures = saved_figures(self.history.state, past[-1].exposure, ())
        assert figures is not None
        tracker, stream = replay_seal(past, SETTINGS.seal, (), DECK.twins)
        assert figures.state == resume_tracker({}, past, twins=DECK.twins).state
        assert figures.seal == shown_view(stream, SETTINGS.seal)
        assert figures.reached == tracker.ever_reached

    @invariant()
    def exposures_count_up_by_one(self) -> None:
        exposures = [o.exposure for o in self.history.outcomes()]
        assert exposures == list(range(1, len(exposures) + 1))


EngineMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=40, deadline=None)
test_engine_state_machine = EngineMachine.TestCase


def test_deadline_tightens_over_a_session_of_successes() -> None:
    """Answering training items right and in time shrinks the deadline to the floor."""
    history = MemoryHistory()
    engine = make_engine(history, probe_rate=0.0)
    deadlines = []
    for _ in range(120):
        shown = engine.next_item()
        assert shown is not None
        deadlines.append(shown.deadline_ms)
        engine.answer(shown.item.answer, 100)
    assert deadlines[0] == SETTINGS.initial_ms
    assert all(b <= a for a, b in itertools.pairwise(deadlines))
    assert deadlines[-1] == SETTINGS.floor_ms


def test_misses_ease_the_deadline() -> None:
    """A wrong answer to a drilled item or a timeout makes the next deadline longer; a
    wrong first guess at a new item, in time, leaves it alone (nothing to recall yet)."""
    engine = make_engine(MemoryHistory(), probe_rate=0.0)
    shown = engine.next_item()
    assert shown is not None
    engine.answer(wrong(shown.item.answer), 100)
    after_guess = engine.next_item()
    assert after_guess is not None
    assert after_guess.deadline_ms == shown.deadline_ms
    engine.answer(after_guess.item.answer, 100)
    while (shown := engine.next_item()) is not None and shown.untaught:
        engine.answer(shown.item.answer, 100)
    assert shown is not None
    engine.answer(wrong(shown.item.answer), 100)
    after_wrong = engine.next_item()
    assert after_wrong is not None
    assert after_wrong.deadline_ms > shown.deadline_ms
    engine.expire()
    after_timeout = engine.next_item()
    assert after_timeout is not None
    assert after_timeout.deadline_ms > after_wrong.deadline_ms


def test_probes_do_not_move_the_deadline_unless_they_time_out() -> None:
    """Right or wrong, a probe leaves the deadline alone, so it cannot leak its result."""
    controller = DeadlineController(5000, 1000, 10000, 0.9, 1.15)
    controller.update(success=True, timed_out=False, probe=True, response_ms=100)
    controller.update(success=False, timed_out=False, probe=True)
    assert controller.deadline_ms == 5000
    controller.update(success=False, timed_out=True, probe=True)
    assert controller.deadline_ms == 5750


def test_the_controller_holds_near_its_equilibrium() -> None:
    """A learner succeeding at the equilibrium rate keeps the deadline where it is."""
    controller = DeadlineController(5000, 100, 100_000)
    rate = controller.equilibrium_success_rate()
    assert 0.75 < rate < 0.8
    for i in range(1000):  # successes spread evenly at exactly the equilibrium rate
        success = int((i + 1) * rate) > int(i * rate)
        controller.update(success=success, timed_out=False, probe=False)
    assert 5000 / 1.3 < controller.deadline_ms < 5000 * 1.3  # within one step of where it began


def test_the_deadline_closes_in_on_the_learners_own_pace() -> None:
    """A learner who keeps up at 2.5 s sees the deadline fall to 1.5 × their pace, and no
    lower: the pressure is theirs, not the floor's."""
    controller = DeadlineController(8000, 1500, 15000)
    path = []
    for _ in range(60):
        controller.update(success=True, timed_out=False, probe=False, response_ms=2500)
        path.append(controller.deadline_ms)
    assert all(b <= a for a, b in itertools.pairwise(path))
    assert path[-1] == 3750


def test_a_learner_who_keeps_up_never_sees_it_grow() -> None:
    """Right, in-time answers never lengthen the deadline, even when the pace slows."""
    controller = DeadlineController(3000, 1500, 15000)
    for ms in [1000] * 10 + [2900] * 30:
        before = controller.current_ms
        controller.update(success=True, timed_out=False, probe=False, response_ms=ms)
        assert controller.current_ms <= before


@given(st.floats(1.0, 3.0), st.floats(1500, 15000))
def test_four_misses_in_a_row_at_most_double_it(ease: float, start: float) -> None:
    controller = DeadlineController(start, 200, 100_000, ease=ease)
    for _ in range(4):
        controller.update(success=False, timed_out=True, probe=False)
    assert controller.current_ms <= 2 * start + 1e-6


def test_every_training_item_recurs_each_pass() -> None:
    """Without misses, each pass over the training split shows every item exactly once."""
    train = [f"t{i}" for i in range(50)]
    scheduler = Scheduler(train, [], probe_rate=0.0, seed=3)
    for _ in range(4):
        seen = Counter(scheduler.next().item_id for _ in range(50))
        assert set(seen) == set(train)
        assert set(seen.values()) == {1}


def test_a_miss_comes_back_soon_and_nothing_starves() -> None:
    """A missed item returns within the retry gap; every item still appears each ~pass."""
    train = [f"t{i}" for i in range(30)]
    scheduler = Scheduler(train, [], probe_rate=0.0, seed=5)
    first = scheduler.next().item_id
    scheduler.missed(first)
    upcoming = [scheduler.next().item_id for _ in range(RETRY_GAP[1] + 1)]
    assert first in upcoming
    later = Counter(scheduler.next().item_id for _ in range(200))
    assert set(later) == set(train)


def test_probe_rate_and_probe_cycling() -> None:
    """Probes come at about the deck's rate and cycle through every held-out item."""
    train = [f"t{i}" for i in range(100)]
    heldout = [f"h{i}" for i in range(20)]
    scheduler = Scheduler(train, heldout, probe_rate=0.1, seed=7)
    picks = [scheduler.next() for _ in range(5000)]
    probes = [p.item_id for p in picks if p.probe]
    assert 400 < len(probes) < 600
    assert set(probes) == set(heldout)
    assert all(p.item_id.startswith("h") == p.probe for p in picks)


def test_scheduler_state_round_trips() -> None:
    """A scheduler restored from its JSON state finishes the same pass, retries included."""
    train, heldout = [f"t{i}" for i in range(40)], [f"h{i}" for i in range(8)]
    a = Scheduler(train, heldout, 0.0, seed=11)
    for _ in range(57):
        a.next()
    a.missed("t3")
    state = json.loads(json.dumps(a.to_json()))
    b = Scheduler(train, heldout, 0.0, seed=999)
    b.restore(state)
    rest = len(a.queue)
    assert [a.next() for _ in range(rest)] == [b.next() for _ in range(rest)]
    assert a.passes == b.passes


def test_the_rule_unseals_as_soon_as_untaught_answers_prove_it() -> None:
    """A learner right from the first item opens it after 20 untaught answers (first
    answers to new training items count, beside probes), once, and not before."""
    history = MemoryHistory()
    engine = make_engine(history, probe_rate=0.1, length=200)
    opened_at = None
    untaught = 0
    for _ in range(200):
        shown = engine.next_item()
        assert shown is not None
        untaught += shown.untaught
        outcome = engine.answer(shown.item.answer, 100)
        if outcome.rule_unsealed:
            assert opened_at is None
            opened_at = untaught
    assert opened_at == 20
    assert [e.kind for e in history.events].count("rule_unsealed") == 1
    event = next(e for e in history.events if e.kind == "rule_unsealed")
    assert event.data["untaught"] == 20
    assert event.data["untaught_right"] == 20


def test_a_learner_right_only_on_what_it_was_shown_never_unseals() -> None:
    """Wrong on every first answer and every probe, right on every repeat: a memorizer's
    record, however long it drills."""
    history = MemoryHistory()
    engine = make_engine(history, probe_rate=0.3, length=2000)
    for _ in range(1500):
        shown = engine.next_item()
        assert shown is not None
        text = wrong(shown.item.answer) if shown.untaught else shown.item.answer
        assert not engine.answer(text, 100).rule_unsealed
    assert engine.counters.train_success > 900
    assert "rule_unsealed" not in [e.kind for e in history.events]


def test_only_the_first_answer_to_an_item_is_untaught() -> None:
    """An item shown with its answer, or whose mirror was, is never again untaught, in this
    session or the next."""
    history = MemoryHistory()
    engine = make_engine(history, probe_rate=0.0, length=300)
    seen: set[str] = set()
    for _ in range(300):
        shown = engine.next_item()
        assert shown is not None
        assert shown.untaught == (shown.item.id not in seen)
        seen.update((shown.item.id, *DECK.twins.get(shown.item.id, ())))
        engine.answer(wrong(shown.item.answer), 100)
    resumed = make_engine(history, probe_rate=0.0)
    shown = resumed.next_item()
    assert shown is not None
    assert not shown.untaught


def test_items_taught_in_another_variant_are_never_probed_nor_evidence() -> None:
    heldout = [i.id for i in DECK.items if i.split == "heldout"]
    taught = set(heldout[: len(heldout) // 2])
    train = next(i.id for i in DECK.items if i.split == "train")
    settings_ = Settings(**{**SETTINGS.__dict__, "probe_rate": 0.5, "length": 400})  # type: ignore[arg-type]
    engine = Engine(
        Material(DECK.items, DECK.domain, settings_),
        MemoryHistory(),
        LearnerPast(taught={*taught, train}),
        BlockPlan(clock=CLOCK),
    )
    with_mirrors = with_twins(taught, DECK.twins)  # b ∘ a was taught with a ∘ b
    assert len(taught) < len(with_mirrors)
    assert engine.heldout_taught == len(with_mirrors)
    for _ in range(400):
        shown = engine.next_item()
        assert shown is not None
        if shown.probe:
            assert shown.item.id not in with_mirrors
        if shown.item.id == train:
            assert not shown.untaught
        engine.answer(shown.item.answer, 100)


def test_a_mirror_shown_with_its_answer_teaches_its_twin() -> None:
    """Once a ∘ b was shown with its answer, b ∘ a's first answer is no untaught evidence,
    however it goes: a first pass over a commuting deck leaks nothing to the seal."""
    by_pair = {(i.data["a"], i.data["b"]): i for i in DECK.items}
    engine = make_engine(MemoryHistory(), probe_rate=0.0, length=400)
    untaught: list[tuple[int, int]] = []
    for _ in range(400):
        shown = engine.next_item()
        assert shown is not None
        if shown.untaught:
            untaught.append((shown.item.data["a"], shown.item.data["b"]))
        engine.answer(wrong(shown.item.answer), 100)
    assert not [(a, b) for a, b in untaught if a != b and (b, a) in untaught]
    train = {pair for pair, item in by_pair.items() if item.split == "train"}
    assert len(untaught) == len({(min(p), max(p)) for p in train})
    assert engine.untaught_left == 0


def test_untaught_flags_follow_the_twins() -> None:
    """A probe of an item whose twin was taught elsewhere, and the first answer to a twin of
    an item drilled before, are not untaught; without twins both are."""
    from drill.protocol.engine import untaught_flags
    from drill.protocol.records import PastOutcome

    def past(item_id: str, probe: bool, exposure: int) -> PastOutcome:
        return PastOutcome(exposure, item_id, probe, True)

    twins = {"a": ("b",), "b": ("a",), "c": ("d",), "d": ("c",)}
    history = [past("a", False, 1), past("b", False, 2), past("d", True, 3)]
    assert untaught_flags(history, {"c"}, twins) == [True, False, False]
    assert untaught_flags(history, {"c"}) == [True, True, True]


class FailingHistory(MemoryHistory):
    def __init__(self) -> None:
        super().__init__()
        self.fail = False

    def record(self, attempt: AttemptRecord, events=(), state=None) -> None:  # type: ignore[no-untyped-def]
        if self.fail:
            raise OSError("disk full")
        super().record(attempt, events, state)


def test_a_failed_write_leaves_the_engine_where_the_store_is() -> None:
    """Write first, then let it stand: after a failed write the counters, the deadline, the
    pass, the detectors and the seal are as the store has them, and the item is still up."""
    history = FailingHistory()
    engine = make_engine(history, probe_rate=0.2)  # type: ignore[arg-type]
    for i in range(40):
        shown = engine.next_item()
        assert shown is not None
        engine.answer(shown.item.answer if i % 4 else wrong(shown.item.answer), 900)
    shown = engine.next_item()
    assert shown is not None
    before = (engine.snapshot(), engine.counters.session_exposures, engine.seal.statistic,
              len(engine.untaught_stream), list(engine.counters.missed))  # fmt: skip
    history.fail = True
    with pytest.raises(OSError, match="disk full"):
        engine.answer(wrong(shown.item.answer), 900)
    after = (engine.snapshot(), engine.counters.session_exposures, engine.seal.statistic,
             len(engine.untaught_stream), list(engine.counters.missed))  # fmt: skip
    assert after == before
    assert engine.next_item() is shown
    history.fail = False
    engine.answer(shown.item.answer, 900)
    assert engine.counters.total_exposures == shown.exposure


def test_probes_come_more_often_once_first_answers_run_out_and_evidence_leans_right() -> None:
    """After the first pass, a learner whose untaught answers lean right is probed at the
    confirming rate; one whose answers lean wrong at the deck's own rate."""

    def probe_share(right: bool) -> float:
        engine = make_engine(MemoryHistory(), probe_rate=0.1, length=2000)
        engine.settings = Settings(
            **{**engine.settings.__dict__, "seal": SealTest(evidence=1000.0)}  # type: ignore[arg-type]
        )
        engine.seal.test = engine.settings.seal  # never opens: keep confirming
        probes = 0
        for i in range(1200):
            shown = engine.next_item()
            assert shown is not None
            probes += shown.probe and i >= 400
            ok = right or not shown.untaught
            engine.answer(shown.item.answer if ok else wrong(shown.item.answer), 100)
        return probes / 800

    assert probe_share(True) > 0.25
    assert probe_share(False) < 0.15


def test_quitting_and_resuming_keeps_deadline_pass_and_plateau() -> None:
    """A new session continues the deadline, the pass and the detectors where they were."""
    history = MemoryHistory()
    engine = make_engine(history, probe_rate=0.0)
    for i in range(80):
        shown = engine.next_item()
        assert shown is not None
        engine.answer(shown.item.answer if i % 9 else wrong(shown.item.answer), 100)
    queue, deadline = list(engine.scheduler.queue), engine.deadline.deadline_ms
    tracker = engine.tracker.to_json()
    assert deadline < SETTINGS.initial_ms

    resumed = make_engine(history, seed=12345, probe_rate=0.0)
    assert resumed.deadline.deadline_ms == deadline
    assert resumed.scheduler.queue == queue
    assert resumed.tracker.to_json() == tracker
    shown = resumed.next_item()
    assert shown is not None
    assert shown.deadline_ms == deadline
    assert shown.item.id == queue[0]


def test_a_stale_snapshot_still_resumes_the_deadline() -> None:
    """If the last snapshot missed an exposure (a crash), the detectors are rebuilt."""
    history = MemoryHistory()
    engine = make_engine(history, probe_rate=0.0)
    for _ in range(30):
        shown = engine.next_item()
        assert shown is not None
        engine.answer(shown.item.answer, 100)
    assert history.state is not None
    history.state["exposure"] -= 1  # as if the process died between attempt and snapshot
    resumed = make_engine(history, probe_rate=0.0)
    assert resumed.deadline.deadline_ms == engine.deadline.deadline_ms
    assert resumed.tracker.to_json() == engine.tracker.to_json()


def test_a_miss_at_a_later_step_is_told_that_steps_answer() -> None:
    """Wrong at a mate in two's second move: the learner is told the mate, not the key."""
    import chess

    from drill.domains.chess_puzzles import mating_moves

    deck = load_deck("chess", ["motifs=mate-in-2", "probe_rate=0"])
    material = Material(deck.items, deck.domain, Settings.from_mapping(deck.settings))
    engine = Engine(material, MemoryHistory(), plan=BlockPlan(clock=CLOCK))
    shown = engine.next_item()
    assert shown is not None
    assert engine.answer(shown.item.answer, 900).feedback is Feedback.CONTINUE
    second = engine.next_item()
    assert second is not None
    assert second.step == 1
    mate = deck.domain.answer_at(second.item, second.progress)
    board = chess.Board(str(second.data["fen"]))
    mates = mating_moves(board)
    other = next(board.san(m) for m in board.legal_moves if m not in mates)  # any mate is right
    outcome = engine.answer(other, 900)
    assert outcome.feedback is Feedback.WRONG
    assert outcome.answer == mate != shown.item.answer


def test_the_engines_settings_default_to_what_a_deck_file_leaves_out() -> None:
    """A deck that sets nothing drills under drill.decks.SETTINGS' defaults, and the seal's
    own defaults are those same [rule] values: the defaults are written in one place."""
    from drill.decks import SETTINGS as DECK_SETTINGS
    from drill.decks import default_setting

    bare = Settings.from_mapping(
        {
            f"{section}.{p.name}": p.default
            for section, ps in DECK_SETTINGS.items()
            if section
            for p in ps
        }
    )
    assert bare.length == default_setting("session.length")
    assert bare.floor_ms == default_setting("pressure.floor_ms")
    assert bare.seal == SealTest()
    assert (SealTest().known, SealTest().unknown, SealTest().evidence) == (
        default_setting("rule.known"),
        default_setting("rule.unknown"),
        default_setting("rule.evidence"),
    )


def test_order_by_rating_takes_each_pass_easier_to_harder() -> None:
    """A deck with `order = "rating"` shows its training items lowest rating first."""
    items = tuple(
        replace(item, data={**item.data, "rating": (7 * i) % 50})
        for i, item in enumerate(DECK.items)
    )
    overrides = {"by_rating": True, "probe_rate": 0.0, "confirm_probe_rate": 0.0}
    settings_ = Settings(**{**SETTINGS.__dict__, **overrides})  # type: ignore[arg-type]
    history = MemoryHistory()
    engine = Engine(
        Material(items, DECK.domain, settings_),
        history,
        LearnerPast(history.outcomes(), state=history.state),
        BlockPlan(0, CLOCK),
    )
    ratings = []
    for _ in range(sum(1 for item in items if item.split == "train")):
        shown = engine.next_item()
        assert shown is not None
        assert not shown.probe
        ratings.append(shown.item.data["rating"])
        engine.answer(shown.item.answer, 100)
    assert ratings == sorted(ratings)


def test_saved_figures_are_used_only_for_exactly_the_history_they_were_saved_after() -> None:
    """Another last exposure, or other items taught elsewhere, and the caller replays."""
    history = MemoryHistory()
    engine = make_engine(history)
    for _ in range(30):
        shown = engine.next_item()
        assert shown is not None
        engine.answer(shown.item.answer, 500)
    assert history.state is not None
    assert saved_figures(history.state, 30, ()) == engine.figures()
    assert saved_figures(history.state, 31, ()) is None
    assert saved_figures(history.state, 30, {"an item taught elsewhere"}) is None
    assert saved_figures({k: v for k, v in history.state.items() if k != "figures"}, 30, ()) is None


def test_the_detectors_held_out_accuracy_reads_the_decks_window() -> None:
    """`rule.window` sets how many recent untaught answers held-out accuracy is over, in
    the engine as in the report: 20 misses then 10 right is 1.0 over 10, 1/3 over 30."""
    from drill.protocol.records import PastOutcome

    past = [PastOutcome(n, f"new-{n}", True, n > 20) for n in range(1, 31)]
    assert resume_tracker({}, past, heldout_window=10).state.heldout_accuracy == 1.0
    assert resume_tracker({}, past).state.heldout_accuracy == pytest.approx(1 / 3)
    deck = load_deck("modarith", ["rule.window=10"])
    assert Settings.from_mapping(deck.settings).heldout_window == 10


def test_detectors_saved_under_another_untaught_rule_are_replayed() -> None:
    """A snapshot saved before twins taught (no `untaught` rule in it) is not trusted for the
    detectors, nor its figures for the home screen: both are replayed from the history."""
    from drill.protocol.progress import FIGURES_KEY

    history = MemoryHistory()
    engine = make_engine(history, probe_rate=0.0, length=60)
    for _ in range(60):
        shown = engine.next_item()
        assert shown is not None
        engine.answer(wrong(shown.item.answer), 100)
    state = dict(engine.snapshot())
    past = history.outcomes()
    stale = {**state, "untaught": 1, "tracker": {"not": "used"}}
    replayed = resume_tracker({}, past, twins=DECK.twins)
    assert resume_tracker(stale, past, twins=DECK.twins).to_json() == replayed.to_json()
    older_figures = {**state, FIGURES_KEY: {**state[FIGURES_KEY], "version": 1}}
    assert saved_figures(older_figures, past[-1].exposure, ()) is None
    assert saved_figures(state, past[-1].exposure, ()) is not None
