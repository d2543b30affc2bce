"""Modular arithmetic: `a ∘ b = ?` where ∘ is a hidden operation modulo a hidden p.

This is the domain of the grokking literature (Power et al. 2022): the universe is every
pair (a, b), a seeded split sends some pairs to held-out, and the rule (the operation and
the modulus) is never named in a prompt. The glyph presentation swaps each residue for a
symbol from a seeded permutation so that school arithmetic cannot help.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar

from drill.domains.base import (
    Domain,
    Item,
    Judgement,
    Param,
    ParamValue,
    Verdict,
    assign_group_splits,
    assign_splits,
    content_id,
    normalize_text,
)

OPERATOR = "∘"
"""The neutral operator symbol every prompt uses, whatever the operation."""

GLYPHS = "ΓΔΘΛΞΠΣΨΩБДЖЗИЦЧШЭЮЯЪЫЂЏѢѲ"
"""26 single-width capitals, no two alike on screen (no Greek Φ beside Cyrillic Ф)."""
GLYPH_KEYS = "abcdefghijklmnopqrstuvwxyz"
"""What the learner types for a glyph; assigned to glyphs by a seeded permutation."""


def _inverse(b: int, p: int) -> int:
    return pow(b, -1, p)


OPERATIONS: dict[str, Callable[[int, int, int], int]] = {
    "add": lambda a, b, p: (a + b) % p,
    "subtract": lambda a, b, p: (a - b) % p,
    "multiply": lambda a, b, p: (a * b) % p,
    "divide": lambda a, b, p: (a * _inverse(b, p)) % p,
    "quadratic": lambda a, b, p: (a * a + a * b + b * b) % p,
    "sum-of-squares": lambda a, b, p: (a * a + b * b) % p,
    "cubic": lambda a, b, p: (a * a * a + a * b) % p,
}
"""Each operation as a function of (a, b, p). `divide` needs p prime and b ≠ 0."""

COMMUTATIVE = frozenset({"add", "multiply", "quadratic", "sum-of-squares"})
"""The operations with a ∘ b = b ∘ a for every modulus: a pair and its mirror are twins,
and share a split (a memorizer who only assumes the symmetry must not reach held-out)."""


def is_prime(n: int) -> bool:
    return n >= 2 and all(n % d for d in range(2, int(n**0.5) + 1))


def pairs(modulus: int, operation: str) -> list[tuple[int, int]]:
    """The universe: every (a, b), without b = 0 for division."""
    low_b = 1 if operation == "divide" else 0
    return [(a, b) for a in range(modulus) for b in range(low_b, modulus)]


def glyph_table(modulus: int, seed: int) -> tuple[list[str], dict[str, int]]:
    """Residue → glyph, and every accepted spelling (glyph or key, lower case) → residue."""
    rng = random.Random(f"glyphs:{seed}")
    glyphs = rng.sample(GLYPHS, modulus)
    keys = rng.sample(GLYPH_KEYS, modulus)
    lookup: dict[str, int] = {}
    for residue, (glyph, key) in enumerate(zip(glyphs, keys, strict=True)):
        lookup[glyph.lower()] = residue
        lookup[key] = residue
    return glyphs, lookup


def glyph_legend(modulus: int, seed: int) -> list[tuple[str, str]]:
    """(glyph, key) pairs in glyph-alphabet order, so the order gives nothing away."""
    rng = random.Random(f"glyphs:{seed}")
    glyphs = rng.sample(GLYPHS, modulus)
    keys = rng.sample(GLYPH_KEYS, modulus)
    return sorted(zip(glyphs, keys, strict=True), key=lambda gk: GLYPHS.index(gk[0]))


def glyph_mapping(modulus: int, seed: int, per_row: int = 4) -> str:
    """The glyphs in number order, each with its number and key: the part of the rule a
    glyph deck hides on top of the operation (shown only where the rule is)."""
    glyphs, lookup = glyph_table(modulus, seed)
    keys = {n: k for k, n in lookup.items() if k in GLYPH_KEYS}
    cells = [f"{g} = {n:<3} (key {keys[n]})" for n, g in enumerate(glyphs)]
    rows = [
        "  " + "   ".join(cells[i : i + per_row]).rstrip() for i in range(0, len(cells), per_row)
    ]
    return "The glyphs are the numbers 0 to {}:\n{}".format(modulus - 1, "\n".join(rows))


MAX_DIGITS = 12
"""Longer numbers are refused as unreadable, with a message that says so."""


def parse_residue(response: str) -> int | None:
    """A whole number as a person types it (spaces, leading zeros, full-width digits)."""
    text = normalize_text(response).replace(" ", "")
    if not text or len(text) > MAX_DIGITS:
        return None
    try:
        return int(text)
    except ValueError:
        return None


class ModArith(Domain):
    name: ClassVar[str] = "modarith"
    params: ClassVar[tuple[Param, ...]] = (
        Param("modulus", int, 13, "the hidden modulus p", minimum=2, maximum=200),
        Param(
            "operation",
            str,
            "add",
            "the hidden operation",
            choices=tuple(OPERATIONS),
        ),
        Param(
            "presentation",
            str,
            "numerals",
            "numerals, or glyphs from a seeded permutation",
            choices=("numerals", "glyphs"),
        ),
        Param(
            "mirrors",
            str,
            "together",
            "a commuting operation's a ∘ b and b ∘ a: in one split, or apart (the older, "
            "leaky split, kept so that histories drilled on it can be read)",
            choices=("together", "apart"),
        ),
    )

    def hint(self, params: Mapping[str, ParamValue]) -> str:
        if params["presentation"] == "glyphs":
            return "type the key of a glyph (see the legend), then Enter"
        return "type a whole number, then Enter"

    def rule_text(self, params: Mapping[str, ParamValue], seed: int, written: str) -> str:
        """In glyph mode the rule is about numbers, so the glyphs' numbers come with it."""
        if params.get("presentation") != "glyphs":
            return written
        return f"{written.rstrip()}\n\n{glyph_mapping(int(params['modulus']), seed)}"

    def check_combination(self, values: Mapping[str, ParamValue]) -> None:
        modulus = int(values["modulus"])
        if values["operation"] == "divide" and not is_prime(modulus):
            raise ValueError(f"modulus: divide needs a prime modulus, got {modulus}")
        if values["presentation"] == "glyphs" and modulus > len(GLYPHS):
            raise ValueError(f"modulus: glyphs go up to a modulus of {len(GLYPHS)}, got {modulus}")

    def result(self, params: Mapping[str, ParamValue], a: int, b: int, seed: int) -> int:
        """The hidden rule applied to one pair."""
        return OPERATIONS[str(params["operation"])](a, b, int(params["modulus"]))

    def items(
        self, params: Mapping[str, ParamValue], seed: int, heldout_fraction: float
    ) -> tuple[Item, ...]:
        modulus = int(params["modulus"])
        operation = str(params["operation"])
        glyphs = params["presentation"] == "glyphs"
        table = glyph_table(modulus, seed)[0] if glyphs else [str(r) for r in range(modulus)]
        universe = pairs(modulus, operation)
        keys = [f"{a},{b}" for a, b in universe]
        if self._mirrors_together(params):
            groups = {f"{a},{b}": f"{min(a, b)},{max(a, b)}" for a, b in universe}
            splits = assign_group_splits(groups, seed, heldout_fraction)
        else:
            splits = assign_splits(keys, seed, heldout_fraction)
        presentation = str(params["presentation"])
        items = []
        for (a, b), key in zip(universe, keys, strict=True):
            result = self.result(params, a, b, seed)
            prompt, answer = f"{table[a]} {OPERATOR} {table[b]} = ?", table[result]
            data: dict[str, object] = {
                "a": a,
                "b": b,
                "modulus": modulus,
                "operation": operation,
                "result": result,
                "presentation": presentation,
            }
            if glyphs:
                data["glyph_seed"] = seed  # the judge reads the learner's keys with it
            # A glyph item's content is its glyphs: another seed draws other glyphs.
            shown = (prompt, answer) if glyphs else ()
            the_id = content_id(self.name, operation, modulus, a, b, presentation, *shown)
            items.append(Item(the_id, splits[key], prompt, answer, data))
        return tuple(items)

    @staticmethod
    def _mirrors_together(params: Mapping[str, ParamValue]) -> bool:
        """Does the split keep a ∘ b and b ∘ a together? Only a commuting operation has
        mirrors to keep together."""
        commutes = params.get("operation") in COMMUTATIVE
        return commutes and params.get("mirrors", "together") == "together"

    def variant_params(self, params: Mapping[str, ParamValue]) -> dict[str, ParamValue]:
        """`mirrors` names a variant only where it changes the split (a commuting operation
        with its mirrors together): a non-commuting deck, and the older split, keep the
        fingerprint they had before the parameter existed, and so their histories."""
        named = dict(params)
        if not self._mirrors_together(params):
            named.pop("mirrors", None)
        return named

    def older_split(self, params: Mapping[str, ParamValue]) -> dict[str, ParamValue] | None:
        """A commuting deck with its mirrors together replaced the split with them apart."""
        return {"mirrors": "apart"} if self._mirrors_together(params) else None

    def twins(self, items: Sequence[Item]) -> dict[str, tuple[str, ...]]:
        """b ∘ a is the twin of a ∘ b (a ≠ b) where the operation commutes: its answer is
        the same, whether or not the rule is known."""
        by_pair = {
            (item.data["a"], item.data["b"], item.data.get("presentation")): item.id
            for item in items
            if item.data.get("operation") in COMMUTATIVE
        }
        return {
            the_id: (by_pair[(b, a, shown)],)
            for (a, b, shown), the_id in by_pair.items()
            if a != b and (b, a, shown) in by_pair
        }

    def judge(self, item: Item, response: str, progress: str = "") -> Judgement:
        expected = int(item.data["result"])
        if item.data.get("presentation") == "glyphs":
            seed = int(item.data["glyph_seed"])
            lookup = glyph_table(int(item.data["modulus"]), seed)[1]
            text = normalize_text(response).lower()
            if text not in lookup:
                return Judgement(Verdict.UNREADABLE, "type one of the glyphs' keys")
            got = lookup[text]
        else:
            parsed = parse_residue(response)
            if parsed is None:
                digits = normalize_text(response).replace(" ", "")
                if digits.lstrip("+-").isdigit() and len(digits) > MAX_DIGITS:
                    note = f"the number is too long ({MAX_DIGITS} digits at most)"
                    return Judgement(Verdict.UNREADABLE, note)
                return Judgement(Verdict.UNREADABLE, "type a whole number")
            got = parsed
        return Judgement(Verdict.CORRECT if got == expected else Verdict.WRONG)
