"""The control deck: the shape of modular arithmetic with no rule behind it.

Each pair's answer is an independent, seeded random residue, so nothing compresses the
table. Nobody can grok it; drilling it shows what memorizing a true lookup table feels
like, and it is the experiment's control for the learner and for the reference network.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import ClassVar

from drill.domains.base import Item, Param, ParamValue, assign_splits, content_id
from drill.domains.modarith import ModArith, pairs

CONTROL_OPERATOR = "⋆"
"""The control's own operator: its prompts must not read as modarith's (same pairs, same order)."""


def symbol(n: int) -> str:
    """The control's name for operand `n`: A, B, …, Z, then AA, AB, … (its own prompts)."""
    letters = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(ord("A") + r) + letters
    return letters


def random_table(modulus: int, seed: int) -> dict[tuple[int, int], int]:
    """An independent uniform residue for every pair, fixed by the seed."""
    rng = random.Random(f"control:{modulus}:{seed}")
    return {pair: rng.randrange(modulus) for pair in pairs(modulus, "add")}


class Control(ModArith):
    name: ClassVar[str] = "control"
    params: ClassVar[tuple[Param, ...]] = (
        Param("modulus", int, 13, "the number of possible answers", minimum=2, maximum=200),
    )

    def hint(self, params: Mapping[str, ParamValue]) -> str:
        return "type a whole number, then Enter"

    def check_combination(self, values: Mapping[str, ParamValue]) -> None:
        """Any modulus in range will do."""

    def items(
        self, params: Mapping[str, ParamValue], seed: int, heldout_fraction: float
    ) -> tuple[Item, ...]:
        modulus = int(params["modulus"])
        table = random_table(modulus, seed)
        keys = [f"{a},{b}" for a, b in table]
        splits = assign_splits(keys, seed, heldout_fraction)
        made = [
            Item(
                id=content_id(self.name, modulus, a, b, result),
                split=splits[key],
                prompt=f"{symbol(a)} {CONTROL_OPERATOR} {symbol(b)} = ?",
                answer=str(result),
                data={
                    "a": a,
                    "b": b,
                    "modulus": modulus,
                    "operation": "random-table",
                    "result": result,
                    "presentation": "numerals",
                },
            )
            for ((a, b), result), key in zip(table.items(), keys, strict=True)
        ]
        # Its own order too: in modarith's order the control's first items would come in
        # the same sequence as modarith's, pair by pair.
        random.Random(f"control-order:{modulus}:{seed}").shuffle(made)
        return tuple(made)
