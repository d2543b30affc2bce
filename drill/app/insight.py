"""The insight learner: works the number reduction task step by step until it sees the
shortcut, then uses it, with the noise of a person; and the dating of a learner's insight
from their own history.

Before its switch it gives every response in turn, at a pace that quickens slowly with
practice, and now and then slips (a wrong step carries through to a wrong final answer) or
gives up and guesses at the second response. From its switch on it mostly gives two
responses and the second as final, and still sometimes works a string through, to check.
A switch of None never comes: the careful learner who follows the procedure throughout.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence

from drill.domains.base import Domain, Item
from drill.protocol.engine import Outcome, Presentation

STEP_MS = 950.0
"""A practised step (read a digit, apply a rule, press a key), in milliseconds."""
FIRST_STEP_EXTRA_MS = 700.0
"""What a step costs more at the very start, fading with practice (`PRACTICE`)."""
PRACTICE = 250.0
"""Exposures over which the early extra cost falls by a factor e."""
SPREAD = 0.25
"""Log-normal spread of each step's time."""
FINAL_KEY_MS = 350.0
"""Pressing the final key after the last response."""
SLIP = 0.04
"""Chance per string of one wrong step (which carries through to the final answer)."""
GUESS = 0.02
"""Chance per string, before the switch, of giving up at the second response and guessing."""
KEEP_CHECKING = 0.1
"""Chance per string, once the shortcut is settled, of working it through all the same."""
SETTLING = 30
"""Exposures after the switch over which trust in the shortcut grows from half to full:
at first a person tries it on some strings and still works others through."""
SWITCH_MEAN = 250.0
"""`drill study simulate --kind insight`: each participant's switch is drawn from an
exponential distribution with this mean, shifted by SWITCH_SHIFT, and comes only for a
share SWITCH_SHARE of participants (others never switch); in a rested arm the share is
doubled (Wagner et al.: sleep more than doubled the share who found it)."""
SWITCH_SHIFT = 60
SWITCH_SHARE = 0.25


def _combine(a: str, b: str, symbols: str) -> str:
    if a == b:
        return a
    (third,) = set(symbols) - {a, b}
    return third


class InsightLearner:
    """Step by step until exposure `switch`, then the shortcut (see the module's notes)."""

    def __init__(
        self, domain: Domain, items: Sequence[Item], seed: int, switch: int | None
    ) -> None:
        if not all("steps" in item.data and "digits" in item.data for item in items[:1]):
            raise ValueError("the insight learner needs items worked in steps (the nrt deck)")
        self.domain = domain
        self.rng = random.Random(seed)
        self.switch = switch

    def _step_ms(self, exposure: int) -> float:
        median = STEP_MS + FIRST_STEP_EXTRA_MS * math.exp(-exposure / PRACTICE)
        return median * math.exp(self.rng.gauss(0.0, SPREAD))

    def respond(self, shown: Presentation) -> tuple[str, float]:
        data: Mapping[str, object] = shown.item.data
        digits, symbols = str(data["digits"]), str(data["symbols"])
        since = None if self.switch is None else shown.exposure - self.switch
        switched = since is not None and since >= 0
        trust = 0.0 if since is None or since < 0 else min(1.0, 0.5 + 0.5 * since / SETTLING)
        shortcut = switched and self.rng.random() < trust * (1 - KEEP_CHECKING)
        guess = not switched and self.rng.random() < GUESS
        slip_at = self.rng.randrange(7) if self.rng.random() < SLIP else None
        responses: list[str] = []
        for k in range(2 if shortcut or guess else 7):
            before = digits[0] if k == 0 else responses[-1]
            step = _combine(before, digits[k + 1], symbols)
            if k == slip_at:
                step = self.rng.choice([s for s in symbols if s != step])
            responses.append(step)
        if guess:
            responses[-1] = self.rng.choice(symbols)
        at, parts = 0.0, []
        for response in responses:
            at += self._step_ms(shown.exposure)
            parts.append((response, round(at)))
        *before_final, (final, final_ms) = parts
        typed = " ".join([*(f"{d}@{ms}" for d, ms in before_final), f"={final}@{final_ms}"])
        took = at + (FINAL_KEY_MS if len(responses) < 7 else 0.0)
        return typed, took

    def told(self, shown: Presentation, outcome: Outcome) -> None:
        """Feedback gives the answer, never the mirror: it changes nothing here."""


def draw_switch(rng: random.Random, rested: bool = False) -> int | None:
    """A simulated participant's switch (see SWITCH_MEAN), or None: never."""
    share = min(1.0, SWITCH_SHARE * (2 if rested else 1))
    if rng.random() >= share:
        return None
    return SWITCH_SHIFT + round(rng.expovariate(1 / SWITCH_MEAN))
