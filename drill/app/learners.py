"""Simulated learners: they walk exactly the path a person does, through the same engine.

A simulated learner is shown an item (a `Presentation`), answers with a response and a
response time, and is told what a person would be told (an `Outcome`): the answer after
a training item, nothing after a probe. Two kinds bracket what the protocol can tell apart:

- `lookup` memorizes every training answer it is shown and guesses on anything new: it
  reaches high training accuracy and stays at chance on held-out items (near enemy 1:
  memorization that looks like learning);
- `mirror` is a lookup learner that also assumes a ∘ b = b ∘ a: told a ∘ b, it answers
  b ∘ a alike (the cheap strategy a commuting operation invites; it must open nothing);
- `network` is the reference network learning online (drill.reference.online): it
  memorizes first and, under weight decay, generalizes to held-out items;
- `rule` knows the rule from the start: it answers every item, drilled or not, with the
  right answer with probability `accuracy`, at a person's pace (log-normal response times
  around `rt_ms`). It is how the seal and the deadline are measured against a learner who
  has found the rule.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Protocol

from drill.domains.base import Domain, Item, Verdict
from drill.domains.modarith import OPERATOR
from drill.protocol.engine import Feedback, Outcome, Presentation

KINDS = ("lookup", "mirror", "network", "rule", "insight")

KNOWN_MEDIAN_MS = 900.0
"""A learner that knows (or thinks it knows) an answer types it in about this long."""
GUESS_MEDIAN_MS = 2600.0
NETWORK_MEDIAN_MS = 700.0
"""The network answers as a person who knows every answer cold: at 0.9 s, one answer in
twenty-two would run past the 1.5 s floor, and the held-out curve would measure the
simulated clock rather than the network."""
SPREAD = 0.3
"""Log-normal spread of response times: σ of the log."""
GUESS_TRIES = 1000
"""Draws before a lookup learner types a guess that may not read (none read, say)."""


class SimulatedLearner(Protocol):
    def respond(self, shown: Presentation) -> tuple[str, float]:
        """The response and how many milliseconds it took."""

    def told(self, shown: Presentation, outcome: Outcome) -> None:
        """What the learner is told after answering (nothing of substance for a probe)."""


def response_time(rng: random.Random, confident: bool) -> float:
    median = KNOWN_MEDIAN_MS if confident else GUESS_MEDIAN_MS
    return median * math.exp(rng.gauss(0.0, SPREAD))


class LookupLearner:
    """Remembers every training answer it is shown, step by step; guesses uniformly on
    anything else, among the deck's answers that read as an answer there.

    Like a person, it knows how to write an answer (a legal move, say) without knowing the
    rule: a guess that would be unreadable is never typed. Where every answer reads
    (arithmetic, chords) a guess is a uniform choice among the deck's answers.
    """

    def __init__(self, domain: Domain, items: Sequence[Item], seed: int) -> None:
        self.domain = domain
        self.rng = random.Random(seed)
        self.answers = sorted({item.answer for item in items})
        self.memory: dict[tuple[str, int], str] = {}
        """(item id, step) → the answer it was told or found right there."""
        self._typed = ""

    def respond(self, shown: Presentation) -> tuple[str, float]:
        known = self.memory.get((shown.item.id, shown.step))
        if known is not None:
            self._typed = known
            return known, response_time(self.rng, True)
        self._typed = self._guess(shown)
        return self._typed, response_time(self.rng, False)

    def _guess(self, shown: Presentation) -> str:
        guess = self.rng.choice(self.answers)
        for _ in range(GUESS_TRIES):
            if self._readable(shown, guess):
                break
            guess = self.rng.choice(self.answers)
        return guess

    def _readable(self, shown: Presentation, response: str) -> bool:
        verdict = self.domain.judge(shown.item, response, shown.progress).verdict
        return verdict is not Verdict.UNREADABLE

    def told(self, shown: Presentation, outcome: Outcome) -> None:
        key = (shown.item.id, shown.step)
        if outcome.answer is not None:
            self.memory[key] = outcome.answer
        elif outcome.feedback in (Feedback.CORRECT, Feedback.CONTINUE):
            self.memory[key] = self._typed  # it was right, and was told so
        elif outcome.feedback is Feedback.UNREADABLE:
            self.memory.pop(key, None)


class MirrorLearner(LookupLearner):
    """A lookup table that also assumes a ∘ b = b ∘ a: told a ∘ b, it answers b ∘ a the
    same, without knowing the rule. Where a prompt has no two operands it is a lookup.

    The cheapest strategy beyond memorizing on a commuting deck; a split that keeps
    mirrors together, and twins that count as taught, leave it nothing untaught to win.
    """

    def __init__(self, domain: Domain, items: Sequence[Item], seed: int) -> None:
        super().__init__(domain, items, seed)
        self.by_prompt: dict[str, str] = {}
        """Prompt → the answer it was told or found right there."""

    def respond(self, shown: Presentation) -> tuple[str, float]:
        mirror = mirrored(shown.prompt)
        known = self.memory.get((shown.item.id, shown.step))
        if known is None and mirror is not None and shown.step == 0:
            remembered = self.by_prompt.get(mirror)
            if remembered is not None:
                self._typed = remembered
                return remembered, response_time(self.rng, True)
        return super().respond(shown)

    def told(self, shown: Presentation, outcome: Outcome) -> None:
        super().told(shown, outcome)
        known = self.memory.get((shown.item.id, shown.step))
        if known is not None and shown.step == 0:
            self.by_prompt[shown.prompt] = known


def mirrored(prompt: str) -> str | None:
    """ "b ∘ a = ?" for the prompt "a ∘ b = ?", or None for a prompt of another shape."""
    head, sep, tail = prompt.partition(f" {OPERATOR} ")
    if not sep or not tail.endswith(" = ?") or not head:
        return None
    return f"{tail.removesuffix(' = ?')} {OPERATOR} {head} = ?"


class NetworkLearner:
    """The reference network, answering and then taking one AdamW step on all it was told."""

    def __init__(
        self,
        domain_name: str,
        items: Sequence[Item],
        seed: int,
        weight_decay: float | None = None,
    ) -> None:
        """`weight_decay` replaces the online learner's (1.0): a study's `untimed` arm
        trains with 0, since the deadline is the protocol's weight decay."""
        from dataclasses import replace

        from drill.reference.online import ONLINE_OPTIMIZER, OnlineLearner

        optimizer = ONLINE_OPTIMIZER
        if weight_decay is not None:
            optimizer = replace(optimizer, weight_decay=weight_decay)
        self.rng = random.Random(seed)
        self.network = OnlineLearner(domain_name, items, seed=seed, optimizer=optimizer)

    def respond(self, shown: Presentation) -> tuple[str, float]:
        # A network is as quick on a guess as on a certainty: always its fast median. A
        # later step of an item (a mate in two's second move) is read off the screen.
        screen = shown.data if shown.step else None
        took = NETWORK_MEDIAN_MS * math.exp(self.rng.gauss(0.0, SPREAD))
        return self.network.predict(shown.item, screen), took

    def told(self, shown: Presentation, outcome: Outcome) -> None:
        # Feedback on a training item reveals its answer (shown when wrong, confirmed
        # when right); a probe reveals nothing, so the network never trains on one. It
        # trains once per exposure, when the item ends.
        if shown.probe or not outcome.ends_item:
            return
        self.network.observe(shown.item)


class RuleLearner:
    """Has the rule: right with probability `accuracy` on any item, else a readable wrong
    answer; response times log-normal around `rt_ms` (σ of the log: SPREAD)."""

    def __init__(
        self,
        domain: Domain,
        items: Sequence[Item],
        seed: int,
        accuracy: float = 0.95,
        rt_ms: float = 2500.0,
    ) -> None:
        if not 0.0 <= accuracy <= 1.0:
            raise ValueError(f"accuracy must be from 0 to 1, got {accuracy}")
        if not rt_ms > 0 or not math.isfinite(rt_ms):
            raise ValueError(f"the response time must be a positive number, got {rt_ms}")
        self.domain = domain
        self.rng = random.Random(seed)
        self.accuracy = accuracy
        self.rt_ms = rt_ms
        self.answers = sorted({item.answer for item in items})

    def respond(self, shown: Presentation) -> tuple[str, float]:
        right = self.domain.answer_at(shown.item, shown.progress)
        took = self.rt_ms * math.exp(self.rng.gauss(0.0, SPREAD))
        if self.rng.random() < self.accuracy:
            return right, took
        return self._wrong(shown, right), took

    def _wrong(self, shown: Presentation, right: str) -> str:
        for _ in range(GUESS_TRIES):
            guess = self.rng.choice(self.answers)
            judged = self.domain.judge(shown.item, guess, shown.progress)
            if judged.verdict is Verdict.WRONG:
                return guess
        return ""  # nothing readable and wrong: an empty answer is unreadable, then it expires

    def told(self, shown: Presentation, outcome: Outcome) -> None:
        """It already knows the rule: feedback changes nothing."""


def make_learner(
    kind: str,
    domain_name: str,
    domain: Domain,
    items: Sequence[Item],
    seed: int,
    *,
    accuracy: float = 0.95,
    rt_ms: float = 2500.0,
    weight_decay: float | None = None,
    switch: int | None = None,
) -> SimulatedLearner:
    """A simulated learner of the named kind. Raises KeyError for an unknown kind.

    `weight_decay` is the network's (None: its default); `switch` the insight learner's
    exposure of insight (None: never); the other kinds ignore them."""
    if kind == "lookup":
        return LookupLearner(domain, items, seed)
    if kind == "mirror":
        return MirrorLearner(domain, items, seed)
    if kind == "network":
        return NetworkLearner(domain_name, items, seed, weight_decay)
    if kind == "rule":
        return RuleLearner(domain, items, seed, accuracy, rt_ms)
    if kind == "insight":
        from drill.app.insight import InsightLearner

        return InsightLearner(domain, items, seed, switch)
    raise KeyError(kind)
