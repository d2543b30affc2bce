"""The seal on the number reduction deck counts the shortcut in use, not right answers."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from drill.decks import load_deck
from drill.protocol.engine import (
    BlockPlan,
    Engine,
    LearnerPast,
    Material,
    Settings,
    replay_seal,
    seal_evidence,
)
from tests.protocol.fakes import MemoryHistory

DECK = load_deck("nrt", ["session.length=400"])
SETTINGS = Settings.from_mapping(DECK.settings)
CLOCK = lambda: datetime(2026, 12, 8, tzinfo=UTC)  # noqa: E731


def engine(history: MemoryHistory) -> Engine:
    past = LearnerPast(history.outcomes(), state=history.state)
    return Engine(Material(DECK.items, DECK.domain, SETTINGS), history, past, BlockPlan(0, CLOCK))


def run(history: MemoryHistory, shortcut_from: int | None, n: int) -> Engine:
    """Answer every string right: step by step, or from `shortcut_from` on at response 2."""
    drill = engine(history)
    for _ in range(n):
        shown = drill.next_item()
        assert shown is not None
        steps = shown.item.data["steps"]
        short = shortcut_from is not None and shown.exposure >= shortcut_from
        typed = f"{steps[0]} ={steps[1]}" if short else " ".join(steps[:6]) + f" ={steps[6]}"
        drill.answer(typed, 3000.0)
    return drill


def test_a_careful_learner_right_every_time_never_opens_it() -> None:
    """Seven responses to every string, all right: the procedure, not the shortcut."""
    drill = run(MemoryHistory(), None, 400)
    assert drill.counters.train_success == drill.counters.train_seen
    assert not drill.rule_unsealed


def test_the_shortcut_in_use_opens_it_and_a_replay_agrees() -> None:
    """From exposure 150 on, answers at response 2 open the seal; a later session, replaying
    the history with its responses, counts the same evidence."""
    history = MemoryHistory()
    drill = run(history, 150, 300)
    assert drill.rule_unsealed
    opened = next(e.exposure for e in history.events if e.kind == "rule_unsealed")
    assert opened > 150
    evidence = seal_evidence(DECK.domain, lambda: {it.id: it for it in DECK.items})
    assert evidence is not None
    _tracker, stream = replay_seal(history.outcomes(), SETTINGS.seal, (), evidence=evidence)
    assert stream == drill.untaught_stream
    assert engine(history).untaught_stream == drill.untaught_stream


def test_guessing_at_the_second_response_does_not_open_it() -> None:
    """A learner who answers at response 2 with a guess is right one time in three: the
    seal's 'unknown' rate, which it was set for."""
    history = MemoryHistory()
    drill = engine(history)
    rng = random.Random(3)
    for _ in range(400):
        shown = drill.next_item()
        assert shown is not None
        drill.answer(f"{shown.item.data['steps'][0]} ={rng.choice('149')}", 2000.0)
    assert not drill.rule_unsealed
