"""Starting and closing a session: the wiring both drivers (the app, `drill simulate`) share.

It joins a deck, a learner's history and the protocol engine, so neither driver holds any
session logic of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from drill.decks import Deck
from drill.domains.base import stable_hash
from drill.protocol.engine import Engine, Settings
from drill.store.history import History


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Practice:
    """An open session: the engine to drive, and where its history goes."""

    deck: Deck
    history: History
    learner: str
    learner_id: int
    session_id: int
    engine: Engine
    started_at: datetime
    closed: bool = False

    def close(self, reason: str) -> None:
        """End the session row (`finished` or `quit`); safe to call twice."""
        if not self.closed:
            self.history.end_session(self.session_id, reason)
            self.closed = True


def start_practice(
    deck: Deck,
    history: History,
    learner: str,
    *,
    kind: str = "drill",
    clock: Callable[[], datetime] = _utcnow,
    seed: int | None = None,
) -> Practice:
    """Open a session for `learner` on `deck`, picking up their past outcomes."""
    started_at = clock()
    learner_id = history.learner_id(learner)
    assert learner_id is not None
    session_id = history.start_session(
        learner_id,
        deck=deck.name,
        fingerprint=deck.fingerprint,
        domain=deck.domain_name,
        params=dict(deck.params),
        kind=kind,
        at=started_at,
    )
    past = history.outcomes(learner_id, deck.name)
    unsealed = bool(history.events(learner_id, deck.name, kinds=("rule_unsealed",)))
    engine = Engine(
        items=deck.items,
        domain=deck.domain,
        settings=Settings.from_mapping(deck.settings),
        history=history.port(learner_id, deck.name),
        session_id=session_id,
        past=past,
        seed=seed if seed is not None else stable_hash(deck.seed, learner, session_id),
        clock=clock,
        rule_unsealed=unsealed,
    )
    return Practice(deck, history, learner, learner_id, session_id, engine, started_at)
