"""The number reduction task (Wagner, Gais, Haider, Verleger & Born, Nature 2004).

An item is a string of 8 digits drawn from three symbols (1, 4 and 9 by default). The
learner reduces it step by step with two stated rules: two equal digits give that digit
(**same**), two different digits give the third one (**different**). The first response
combines digits 1 and 2; each later one combines the previous response with the next
digit; the seventh response is the final answer.

The hidden regularity, never stated: every string is built so that responses 5, 6 and 7
mirror responses 4, 3 and 2, so the second response already is the final answer. A
learner who sees it stops working step by step and answers after two responses.

A response is the learner's responses in order, the last one final ("4 9 =9", or with the
milliseconds each came at, "4@812 =9@1530", as the session screen records it); a bare
digit is a final answer given at once. `reach` reads how many responses came before the
final answer, which the seal on this deck counts (`evidence`) and the report dates.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from typing import ClassVar

from drill.domains.base import (
    Domain,
    Item,
    Judgement,
    Param,
    ParamValue,
    Verdict,
    assign_splits,
    content_id,
)

LENGTH = 8
"""Digits in a string; a string has LENGTH - 1 responses."""
STEPS = LENGTH - 1
SHORTCUT_AT = 2
"""The response that already is the final answer (the mirror's consequence)."""
TIMED = re.compile(r"@\d+")


def combine(a: str, b: str, symbols: str) -> str:
    """The stated procedure: two equal digits give that digit, two different the third."""
    if a == b:
        return a
    (third,) = set(symbols) - {a, b}
    return third


def reduce_digits(digits: str, symbols: str) -> str:
    """The seven responses of a string, worked step by step."""
    steps = [combine(digits[0], digits[1], symbols)]
    for digit in digits[2:]:
        steps.append(combine(steps[-1], digit, symbols))
    return "".join(steps)


def mirrored_strings(symbols: str) -> list[tuple[str, str]]:
    """Every (digits, responses) whose responses 5, 6, 7 mirror 4, 3, 2, in a stable order.

    The first digit and responses 1 to 4 are free; the mirror fixes responses 5 to 7, and
    each digit after the first is the one that turns the previous response into the next
    (the procedure undoes itself: combine(a, combine(a, b)) == b)."""
    made = []
    for first, *free in itertools.product(symbols, repeat=5):
        steps = [*free, free[3], free[2], free[1]]
        digits = [first, combine(first, steps[0], symbols)]
        for before, after in itertools.pairwise(steps):
            digits.append(combine(before, after, symbols))
        made.append(("".join(digits), "".join(steps)))
    return made


def parse_responses(response: str) -> list[str] | None:
    """The digits a response holds, in order (the last is the final answer); None if it
    holds anything but digits, spaces, commas, "@ms" times and one "=" before the last."""
    compact = "".join(TIMED.sub("", response).replace(",", " ").split())
    if "=" in compact and compact.index("=") != len(compact) - 2:
        return None  # "=" marks the final answer, which is one digit, the last
    digits = list(compact.replace("=", ""))
    if not digits or not all(ch.isdigit() for ch in digits):
        return None
    return digits


def reach(response: str | None) -> int | None:
    """How many responses the learner gave, the final one included (None: none readable)."""
    if response is None:
        return None
    digits = parse_responses(response)
    return None if digits is None else len(digits)


class NumberReduction(Domain):
    name: ClassVar[str] = "nrt"
    evidence_words: ClassVar[str] = "by the shortcut"
    params: ClassVar[tuple[Param, ...]] = (
        Param("symbols", str, "149", "the three digits strings are made of (three distinct, 1-9)"),
    )

    def check_combination(self, values: Mapping[str, ParamValue]) -> None:
        symbols = str(values["symbols"])
        if (
            len(symbols) != 3
            or len(set(symbols)) != 3
            or not all(c in "123456789" for c in symbols)
        ):
            raise ValueError(f"symbols: expected three distinct digits 1-9, got {symbols!r}")

    def hint(self, params: Mapping[str, ParamValue]) -> str:
        return "same: that digit · different: the third · f or Enter: your last is final"

    def procedure(self, params: Mapping[str, ParamValue]) -> str:
        """The two stated rules and the order of work (the task's instructions, not its rule)."""
        a, b, c = tuple(str(params["symbols"]))
        return (
            f"Reduce the 8 digits ({a}, {b}, {c}) one response at a time: digits 1 and 2, "
            "then your last response with the next digit. Two equal digits give that digit; "
            "two different ones give the third. Response 7 is the final answer, and f (or "
            "Enter) makes your last response final at any step."
        )

    def items(
        self, params: Mapping[str, ParamValue], seed: int, heldout_fraction: float
    ) -> tuple[Item, ...]:
        symbols = str(params["symbols"])
        made = mirrored_strings(symbols)
        splits = assign_splits([digits for digits, _ in made], seed, heldout_fraction)
        return tuple(
            Item(
                id=content_id(self.name, digits),
                split=splits[digits],
                prompt=" ".join(digits),
                answer=steps[-1],
                data={"digits": digits, "steps": steps, "symbols": symbols},
            )
            for digits, steps in made
        )

    def judge(self, item: Item, response: str, progress: str = "") -> Judgement:
        symbols = str(item.data["symbols"])
        digits = parse_responses(response)
        if digits is None or not all(d in symbols for d in digits):
            return Judgement(Verdict.UNREADABLE, f"type {', '.join(symbols)}: one digit a step")
        if len(digits) > STEPS:
            return Judgement(Verdict.UNREADABLE, f"a string has {STEPS} responses at most")
        right = digits[-1] == item.answer
        return Judgement(Verdict.CORRECT if right else Verdict.WRONG)

    def evidence(self, item: Item, response: str | None, correct: bool) -> bool:
        """The shortcut in use: a right final answer at the second response or earlier."""
        given = reach(response)
        return correct and given is not None and given <= SHORTCUT_AT

    def stats(self, items: Sequence[Item]) -> list[tuple[str, list[tuple[str, int]]]]:
        """How often each final answer comes (the answer is no guess from the digits)."""
        counts: dict[str, int] = {}
        for item in items:
            counts[item.answer] = counts.get(item.answer, 0) + 1
        return [("final answer", sorted(counts.items()))]
