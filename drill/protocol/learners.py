"""Simulated learners: they walk exactly the path a person does, through the same engine.

A simulated learner is shown an item (a `Presentation`), answers with a response and a
response time, and is told what a person would be told (an `Outcome`): the answer after
a training item, nothing after a probe. Two kinds bracket what the protocol can tell apart:

- `lookup` memorizes every training answer it is shown and guesses on anything new: it
  reaches high training accuracy and stays at chance on held-out items (near enemy 1:
  memorization that looks like learning);
- `network` is the reference network learning online (drill.reference.online): it
  memorizes first and, under weight decay, generalizes to held-out items.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Protocol

from drill.domains.base import Item
from drill.protocol.engine import Feedback, Outcome, Presentation

KINDS = ("lookup", "network")

KNOWN_MEDIAN_MS = 900.0
"""A learner that knows (or thinks it knows) an answer types it in about this long."""
GUESS_MEDIAN_MS = 2600.0
SPREAD = 0.3
"""Log-normal spread of response times: σ of the log."""


class SimulatedLearner(Protocol):
    def respond(self, shown: Presentation) -> tuple[str, float]:
        """The response and how many milliseconds it took."""

    def told(self, shown: Presentation, outcome: Outcome) -> None:
        """What the learner is told after answering (nothing of substance for a probe)."""


def response_time(rng: random.Random, confident: bool) -> float:
    median = KNOWN_MEDIAN_MS if confident else GUESS_MEDIAN_MS
    return median * math.exp(rng.gauss(0.0, SPREAD))


class LookupLearner:
    """Remembers every training answer it is shown; guesses uniformly on anything else."""

    def __init__(self, items: Sequence[Item], seed: int) -> None:
        self.rng = random.Random(seed)
        self.answers = sorted({item.answer for item in items})
        self.memory: dict[str, str] = {}

    def respond(self, shown: Presentation) -> tuple[str, float]:
        known = self.memory.get(shown.item.id)
        if known is not None:
            return known, response_time(self.rng, True)
        return self.rng.choice(self.answers), response_time(self.rng, False)

    def told(self, shown: Presentation, outcome: Outcome) -> None:
        if outcome.answer is not None:
            self.memory[shown.item.id] = outcome.answer
        elif outcome.feedback is Feedback.CORRECT:
            self.memory[shown.item.id] = shown.item.answer  # it knew, and was told so


class NetworkLearner:
    """The reference network, answering and then taking one AdamW step on all it was told."""

    def __init__(self, domain_name: str, items: Sequence[Item], seed: int) -> None:
        from drill.reference.online import OnlineLearner

        self.rng = random.Random(seed)
        self.network = OnlineLearner(domain_name, items, seed=seed)

    def respond(self, shown: Presentation) -> tuple[str, float]:
        # A network is as quick on a guess as on a certainty: always the fast median.
        return self.network.predict(shown.item), response_time(self.rng, True)

    def told(self, shown: Presentation, outcome: Outcome) -> None:
        # Feedback on a training item reveals its answer (shown when wrong, confirmed
        # when right); a probe reveals nothing, so the network never trains on one.
        if shown.probe or outcome.feedback is Feedback.UNREADABLE:
            return
        self.network.observe(shown.item)


def make_learner(kind: str, domain_name: str, items: Sequence[Item], seed: int) -> SimulatedLearner:
    """A simulated learner of the named kind. Raises KeyError for an unknown kind."""
    if kind == "lookup":
        return LookupLearner(items, seed)
    if kind == "network":
        return NetworkLearner(domain_name, items, seed)
    raise KeyError(kind)
